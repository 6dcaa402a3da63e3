from django.db import migrations, models


class Migration(migrations.Migration):
    """Adopts the data-version table that kkkregistry's migration 0002 created."""

    initial = True

    dependencies = [
        ("kkkregistry", "0002_perf_data_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("counter", models.PositiveBigIntegerField(default=0, verbose_name="counter")),
                    ],
                    options={
                        "verbose_name": "data version",
                        "verbose_name_plural": "data versions",
                        "db_table": "kkkregistry_dataversion",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
