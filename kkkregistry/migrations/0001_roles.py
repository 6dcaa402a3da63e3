from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen: the roles as they were defined when this migration was written.
REGISTRY_APPS = ["clusters", "events"]


def setup_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # In a fresh database permissions are made only after all migrations; make them now.
    for label in ["auth", "contenttypes", *REGISTRY_APPS]:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    registry = Permission.objects.filter(content_type__app_label__in=REGISTRY_APPS).exclude(
        content_type__model__startswith="historical"
    )
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.set(
        registry.filter(codename__regex=r"^(add|change|delete|view)_")
        | registry.filter(codename="import_data")
    )
    viewers, _ = Group.objects.get_or_create(name="viewers")
    viewers.permissions.set(registry.filter(codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clusters", "0003_admin_permissions"),
        ("events", "0001_initial"),
    ]

    operations = [migrations.RunPython(setup_roles, migrations.RunPython.noop)]
