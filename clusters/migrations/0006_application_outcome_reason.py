"""An outcome that differs from the stage results records its reason."""

from importlib import import_module

from django.db import migrations, models

# SQLite adds this column by rebuilding the applications table, which its triggers
# (0005) name; they are dropped for the rebuild and created again after it.
triggers = import_module("clusters.migrations.0005_stage_result_in_its_round")

REASON = models.TextField(
    blank=True,
    help_text=(
        "Required only when the outcome differs from what the stage results give: "
        "why the exception was made."
    ),
    verbose_name="reason for the outcome",
)


class Migration(migrations.Migration):
    dependencies = [("clusters", "0005_stage_result_in_its_round")]

    operations = [
        migrations.RunPython(triggers.drop, triggers.create),
        migrations.AddField(model_name="application", name="outcome_reason", field=REASON),
        migrations.AddField(model_name="historicalapplication", name="outcome_reason", field=REASON),
        migrations.RunPython(triggers.create, triggers.drop),
    ]
