"""The staff roles: editors keep the registry, viewers read and export it.

Superusers need no group. Both the data migration and `manage.py setup_roles`
call `setup_roles`, so a database can be brought back to these definitions at
any time without duplicating anything.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

EDITORS = "editors"
VIEWERS = "viewers"
REGISTRY_APPS = ["clusters", "events"]


def setup_roles(apps=global_apps):
    """Create or update the groups; `apps` is the migration state when run from one."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # In a fresh database permissions are made only after all migrations; make them now.
    for label in ["auth", "contenttypes", *REGISTRY_APPS]:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)

    registry = Permission.objects.filter(content_type__app_label__in=REGISTRY_APPS).exclude(
        # History is written by the models themselves, never edited as such.
        content_type__model__startswith="historical"
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(
        registry.filter(codename__regex=r"^(add|change|delete|view)_")
        | registry.filter(codename="import_data")
    )
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    # Export follows the view permission of each kind.
    viewers.permissions.set(registry.filter(codename__startswith="view_"))
    return editors, viewers
