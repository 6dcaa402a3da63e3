from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_reported_counts(apps, schema_editor):
    """Editors keep the reported status counts; viewers read them. Frozen as written."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    create_permissions(global_apps.get_app_config("clusters"), apps=apps, verbosity=0)
    counts = Permission.objects.filter(
        content_type__app_label="clusters", content_type__model="reportedstatuscount"
    )
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.add(*counts.filter(codename__regex=r"^(add|change|delete|view)_"))
    viewers, _ = Group.objects.get_or_create(name="viewers")
    viewers.permissions.add(*counts.filter(codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [
        ("kkkregistry", "0004_editors_keep_site_pages"),
        ("clusters", "0008_sources_and_reported_counts"),
    ]

    operations = [migrations.RunPython(grant_reported_counts, migrations.RunPython.noop)]
