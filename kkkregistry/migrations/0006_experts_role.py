from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen: the roles' share of the round-running models as they were when written.
NEW_MODELS = ["criterion", "expertassignment", "scorecard", "criterionscore"]
EXPERT_PERMISSIONS = ["view_expertassignment", "change_scorecard"]


def experts_and_their_models(apps, schema_editor):
    """Editors keep criteria, assignments and score cards, viewers read them; experts
    see their assignments and fill in their cards (the admin limits them to their own)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    create_permissions(global_apps.get_app_config("clusters"), apps=apps, verbosity=0)
    new = Permission.objects.filter(
        content_type__app_label="clusters", content_type__model__in=NEW_MODELS
    )
    editors, _ = Group.objects.get_or_create(name="editors")
    editors.permissions.add(*new.filter(codename__regex=r"^(add|change|delete|view)_"))
    viewers, _ = Group.objects.get_or_create(name="viewers")
    viewers.permissions.add(*new.filter(codename__startswith="view_"))
    experts, _ = Group.objects.get_or_create(name="experts")
    experts.permissions.set(new.filter(codename__in=EXPERT_PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [
        ("kkkregistry", "0005_editors_keep_reported_counts"),
        ("clusters", "0009_run_a_round_in_the_registry"),
    ]

    operations = [migrations.RunPython(experts_and_their_models, migrations.RunPython.noop)]
