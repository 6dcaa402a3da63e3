"""Editors keep the registry, viewers only read it: the admin hides and the server refuses."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse

from clusters.models import Coordinator
from kkkregistry.roles import EDITORS, EXPERTS, VIEWERS, setup_roles
from tests.admin_forms import form_data
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    CoordinatorFactory,
    RoundFactory,
    staff_in,
)

pytestmark = pytest.mark.django_db


def codes(group_name):
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}


@pytest.fixture
def editor(client):
    client.force_login(staff_in(EDITORS))
    return client


@pytest.fixture
def viewer(client):
    client.force_login(staff_in(VIEWERS))
    return client


def test_migration_creates_editors_who_change_everything_and_import():
    editors = codes(EDITORS)
    assert {
        "clusters.change_cluster",
        "clusters.delete_statusaward",
        "clusters.add_expertscore",
        "events.change_event",
        "clusters.import_data",
    } <= editors
    assert not any(code.startswith("auth.") for code in editors)
    assert not any(".change_historical" in code for code in editors)


def test_migration_creates_viewers_who_only_view_and_export():
    viewers = codes(VIEWERS)
    # Export of a kind follows its view permission; viewers cannot import.
    assert {"clusters.view_cluster", "events.view_event"} <= viewers
    assert all(code.split(".")[1].startswith("view_") for code in viewers)


def test_setup_roles_command_is_idempotent_and_restores_lost_permissions():
    Group.objects.get(name=VIEWERS).permissions.clear()
    call_command("setup_roles", stdout=io.StringIO())
    call_command("setup_roles", stdout=io.StringIO())
    assert Group.objects.filter(name__in=[EDITORS, VIEWERS]).count() == 2
    assert "clusters.view_round" in codes(VIEWERS)
    assert Permission.objects.filter(codename="import_data").count() == 1


def test_viewer_sees_pages_without_add_save_or_actions(viewer):
    cluster = ClusterFactory()
    listing = viewer.get(reverse("admin:clusters_cluster_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:clusters_cluster_add") not in listing.content.decode()
    assert listing.context["action_form"] is None
    page = viewer.get(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_viewer_posting_a_change_is_refused(viewer, client):
    coordinator = CoordinatorFactory(name="Stowarzyszenie A")
    url = reverse("admin:clusters_coordinator_change", args=[coordinator.pk])
    data = {"name": "Zmienione", "slug": coordinator.slug, "legal_form": "association"}
    assert viewer.post(url, data).status_code == 403
    assert viewer.post(reverse("admin:clusters_coordinator_add"), data).status_code == 403
    coordinator.refresh_from_db()
    assert coordinator.name == "Stowarzyszenie A"


def test_viewer_cannot_run_the_grant_action(viewer):
    round_ = RoundFactory(gala_date=datetime.date(2022, 12, 17))
    ApplicationFactory(round=round_, outcome="awarded")
    response = viewer.post(
        reverse("admin:clusters_round_changelist"),
        {"action": "grant_status", "_selected_action": [round_.pk]},
    )
    # The action is not offered, so Django answers with the list again and does nothing.
    assert response.status_code == 200
    assert not round_.status_awards.exists()


def test_viewer_cannot_restore_an_earlier_version(viewer):
    coordinator = CoordinatorFactory(name="Stara nazwa")
    old = coordinator.history.get()
    coordinator.name = "Nowa nazwa"
    coordinator.save()
    url = reverse("admin:clusters_coordinator_simple_history", args=[coordinator.pk, old.pk])
    page = viewer.get(url)
    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    data = {"name": "Stara nazwa", "slug": coordinator.slug, "legal_form": "association"}
    assert viewer.post(url, data).status_code == 403
    coordinator.refresh_from_db()
    assert coordinator.name == "Nowa nazwa"


def test_editor_changes_a_record_and_the_history_shows_who_and_what(editor):
    coordinator = CoordinatorFactory(name="Stowarzyszenie Stare")
    url = reverse("admin:clusters_coordinator_change", args=[coordinator.pk])
    data = form_data(editor.get(url))
    data["name"] = "Stowarzyszenie Nowe"
    assert editor.post(url, data).status_code == 302
    history = editor.get(reverse("admin:clusters_coordinator_history", args=[coordinator.pk]))
    content = history.content.decode()
    assert history.context["page_obj"][0].user.groups.get().name == EDITORS
    assert "Stowarzyszenie Stare" in content and "Stowarzyszenie Nowe" in content
    assert "&rarr;" in content or "→" in content


def test_editor_restores_an_earlier_version(editor):
    coordinator = CoordinatorFactory(name="Pierwotna nazwa")
    first = coordinator.history.get()
    coordinator.name = "Błędna nazwa"
    coordinator.save()
    url = reverse("admin:clusters_coordinator_simple_history", args=[coordinator.pk, first.pk])
    page = editor.get(url)
    assert page.context["revert_disabled"] is False
    assert editor.post(url, form_data(page)).status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.name == "Pierwotna nazwa"
    assert Coordinator.history.filter(id=coordinator.pk).count() == 3


def test_editor_cannot_manage_users(editor):
    assert editor.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_history_shows_many_to_many_changes(editor):
    from tests.factories import SpecialisationFactory

    cluster = ClusterFactory()
    cluster.specialisations.add(SpecialisationFactory(name="Obróbka metali"))
    response = editor.get(reverse("admin:clusters_cluster_history", args=[cluster.pk]))
    changes = response.context["page_obj"][0].changes
    assert [(c.old, c.new) for c in changes] == [("—", "Obróbka metali")]


def test_setup_roles_returns_the_three_groups():
    editors, viewers, experts = setup_roles()
    assert (editors.name, viewers.name, experts.name) == (EDITORS, VIEWERS, EXPERTS)


def test_editor_runs_the_grant_action(editor):
    round_ = RoundFactory(gala_date=datetime.date(2022, 12, 17))
    ApplicationFactory(round=round_, outcome="awarded")
    editor.post(
        reverse("admin:clusters_round_changelist"),
        {"action": "grant_status", "_selected_action": [round_.pk]},
    )
    assert round_.status_awards.count() == 1


def test_stage_results_are_reached_from_applications_not_listed_on_the_index(editor):
    from tests.factories import StageResultFactory

    result = StageResultFactory()
    index = editor.get(reverse("admin:index"))
    models = {m["object_name"] for app in index.context["app_list"] for m in app["models"]}
    assert "StageResult" not in models and "Application" in models
    url = reverse("admin:clusters_stageresult_change", args=[result.pk])
    assert editor.get(url).status_code == 200


def test_the_migrations_give_the_roles_what_setup_roles_gives():
    migrated = {name: codes(name) for name in (EDITORS, VIEWERS, EXPERTS)}
    setup_roles()
    assert {name: codes(name) for name in (EDITORS, VIEWERS, EXPERTS)} == migrated


def test_migration_creates_experts_who_only_see_assignments_and_fill_in_cards():
    assert codes(EXPERTS) == {"clusters.view_expertassignment", "clusters.change_scorecard"}
    assert "clusters.change_scorecard" in codes(EDITORS)
    assert "clusters.view_scorecard" in codes(VIEWERS)


def test_editors_keep_the_accessibility_statement_with_its_history(editor):
    from pages.models import AccessibilityStatement

    assert "pages.change_accessibilitystatement" in codes(EDITORS)
    assert "pages.view_accessibilitystatement" in codes(VIEWERS)
    assert "pages.change_accessibilitystatement" not in codes(VIEWERS)
    statement = AccessibilityStatement.objects.create(
        contact_person="Anna Nowak", contact_email="dostepnosc@example.gov.pl"
    )
    url = reverse("admin:pages_accessibilitystatement_change", args=[statement.pk])
    page = editor.get(url)
    assert page.status_code == 200
    data = form_data(page)
    data.update(contact_person="Jan Kowalski", contact_email="dostepnosc@example.gov.pl")
    assert editor.post(url, data).status_code == 302
    statement.refresh_from_db()
    assert statement.contact_person == "Jan Kowalski"
    history = editor.get(reverse("admin:pages_accessibilitystatement_history", args=[statement.pk]))
    assert history.status_code == 200
    # The form carried the version it was opened at: posting it again overwrites nothing.
    data["contact_person"] = "Ktoś Inny"
    stale = editor.post(url, data)
    assert stale.status_code == 200
    statement.refresh_from_db()
    assert statement.contact_person == "Jan Kowalski"


def test_permission_pickers_offer_the_records_permissions_and_not_their_historys(admin_client):
    user = staff_in(EDITORS)
    history = Permission.objects.filter(content_type__model="historicalcluster")
    assert history.count() == 4
    for url, field in [
        (
            reverse("admin:auth_group_change", args=[Group.objects.get(name=EDITORS).pk]),
            "permissions",
        ),
        (reverse("admin:auth_user_change", args=[user.pk]), "user_permissions"),
    ]:
        page = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="pl")
        offered = page.context["adminform"].form.fields[field].queryset
        assert offered.filter(codename="change_cluster").exists()
        assert not offered.filter(pk__in=history).exists()
        assert "historical" not in page.content.decode().lower()
    # A group keeps what it had: its permissions were never history's.
    group = Group.objects.get(name=EDITORS)
    before = set(group.permissions.all())
    page = admin_client.get(reverse("admin:auth_group_change", args=[group.pk]))
    response = admin_client.post(
        reverse("admin:auth_group_change", args=[group.pk]), form_data(page)
    )
    assert response.status_code == 302 and set(group.permissions.all()) == before
