from django.db import migrations


def setup_roles(apps, schema_editor):
    from kkkregistry.roles import setup_roles

    setup_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clusters", "0003_admin_permissions"),
        ("events", "0001_initial"),
    ]

    operations = [migrations.RunPython(setup_roles, migrations.RunPython.noop)]
