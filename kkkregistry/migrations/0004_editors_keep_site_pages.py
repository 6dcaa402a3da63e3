from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_site_pages(apps, schema_editor):
    """Editors keep the accessibility statement; viewers read it. Frozen as written."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    create_permissions(global_apps.get_app_config("pages"), apps=apps, verbosity=0)
    pages = Permission.objects.filter(content_type__app_label="pages").exclude(
        content_type__model__startswith="historical"
    )
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.add(*pages.filter(codename__regex=r"^(add|change|delete|view)_"))
    viewers, _ = Group.objects.get_or_create(name="viewers")
    viewers.permissions.add(*pages.filter(codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [
        ("kkkregistry", "0003_data_version_moved_to_core"),
        ("pages", "0001_public_accessibility_statement"),
    ]

    operations = [migrations.RunPython(grant_site_pages, migrations.RunPython.noop)]
