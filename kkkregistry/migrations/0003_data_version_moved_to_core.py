from django.db import migrations


class Migration(migrations.Migration):
    """The data-version model now belongs to core; its table stays where it is."""

    dependencies = [
        ("kkkregistry", "0002_perf_data_version"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DataVersion")],
            database_operations=[],
        ),
    ]
