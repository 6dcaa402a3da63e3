from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_inaccessible_content(apps, schema_editor):
    """Editors keep the statement's list of inaccessible content; viewers read it.

    Frozen as written.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    create_permissions(global_apps.get_app_config("pages"), apps=apps, verbosity=0)
    items = Permission.objects.filter(
        content_type__app_label="pages", content_type__model="inaccessiblecontent"
    )
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.add(*items.filter(codename__regex=r"^(add|change|delete|view)_"))
    viewers, _ = Group.objects.get_or_create(name="viewers")
    viewers.permissions.add(*items.filter(codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [
        ("kkkregistry", "0006_experts_role"),
        ("pages", "0002_statement_template_2_0"),
    ]

    operations = [migrations.RunPython(grant_inaccessible_content, migrations.RunPython.noop)]
