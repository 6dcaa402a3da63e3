"""The staff roles: editors keep the registry, viewers read and export it, experts
score the applications assigned to them and see nothing else.

Superusers need no group. `manage.py setup_roles` brings a database back to
these definitions at any time without duplicating anything; the migrations
that created the roles keep frozen copies of it, as migrations must.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from core.apps import registry_apps

EDITORS = "editors"
VIEWERS = "viewers"
EXPERTS = "experts"
# Experts see their own assignments and fill in their score cards; which rows are
# theirs is decided by the admin (clusters/admin.py), never by more permissions.
EXPERT_PERMISSIONS = ["view_expertassignment", "change_scorecard"]


def setup_roles():
    """Create or update the groups (the migrations keep frozen copies of this)."""
    labels = [config.label for config in registry_apps()]
    for config in registry_apps():
        create_permissions(config, verbosity=0)
    registry = Permission.objects.filter(content_type__app_label__in=labels).exclude(
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
    experts, _ = Group.objects.get_or_create(name=EXPERTS)
    experts.permissions.set(
        registry.filter(content_type__app_label="clusters", codename__in=EXPERT_PERMISSIONS)
    )
    return editors, viewers, experts
