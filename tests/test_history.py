"""History shows every row of a record; restoring a version restores them all, or nothing."""

import datetime
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusters.models import ClusterFormerName, ExpertScore, Representation, StatusAward
from core.history import RestoreRefused, restore_version
from kkkregistry.roles import EDITORS, VIEWERS
from tests.admin_forms import form_data
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    CoordinatorFactory,
    EventFactory,
    PersonFactory,
    RepresentationFactory,
    RoundFactory,
    SpecialisationFactory,
    StageFactory,
    StageResultFactory,
    StatusAwardFactory,
    staff_in,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def editor(client):
    """An editor reading the admin in Polish, the registry's language."""
    client.force_login(staff_in(EDITORS, username="jkowalska"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "pl"
    return client


def add_row(data, prefix, **values):
    """`data` with one more inline row of `prefix` filled with `values`."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": str(value) for name, value in values.items()})
    return data


@pytest.fixture
def renamed_cluster(editor):
    """A cluster whose coordinator changed and which got a former name, in one admin save.

    Made on 10 March 2023 with Fundacja Stara as coordinator; changed on 5 June 2024.
    """
    with time_machine.travel(datetime.datetime(2023, 3, 10, 9, 0, tzinfo=datetime.UTC)):
        cluster = ClusterFactory(name="Polski Klaster Budowlany")
        RepresentationFactory(
            cluster=cluster, coordinator__name="Fundacja Stara", since=D(2015, 10, 27)
        )
    new = CoordinatorFactory(name="Fundacja Nowa")
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    with time_machine.travel(datetime.datetime(2024, 6, 5, 10, 30, tzinfo=datetime.UTC)):
        data = form_data(editor.get(url))
        data["representations-0-until"] = "2024-06-04"
        add_row(data, "representations", coordinator=new.pk, since="2024-06-05")
        add_row(data, "former_names", name="Wschodni Klaster Budowlany", used_until_year=2019)
        response = editor.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    return cluster


def test_cluster_history_shows_its_coordinator_terms_and_former_names_in_polish(
    editor, renamed_cluster
):
    url = reverse("admin:clusters_cluster_history", args=[renamed_cluster.pk])
    content = editor.get(url).content.decode()
    assert "Kadencja koordynatora" in content and "Dawna nazwa" in content
    assert "Fundacja Nowa" in content and "Wschodni Klaster Budowlany" in content
    # The old term's end, as a Polish date, and who made the change when (Warsaw time).
    assert "04.06.2024" in content
    assert "jkowalska" in content and "05.06.2024 12:30" in content
    assert "Zmiany" in content and "Użytkownik" in content and "Dodano" in content
    assert "None" not in content and "CHANGE REASON" not in content.upper()


def restore(client, cluster, version):
    """Open a version's page and press its restore button, as a person would."""
    url = reverse("admin:clusters_cluster_simple_history", args=[cluster.pk, version.pk])
    return client.post(url, form_data(client.get(url)))


def test_restoring_a_cluster_brings_back_its_coordinator_and_drops_the_new_former_name(
    editor, renamed_cluster
):
    first = renamed_cluster.history.earliest()
    with time_machine.travel(datetime.datetime(2024, 7, 1, 8, 0, tzinfo=datetime.UTC)):
        response = restore(editor, renamed_cluster, first)
    assert response.status_code == 302
    terms = Representation.objects.filter(cluster=renamed_cluster)
    assert [(t.coordinator.name, t.since, t.until) for t in terms] == [
        ("Fundacja Stara", D(2015, 10, 27), None)
    ]
    assert not ClusterFormerName.objects.filter(cluster=renamed_cluster).exists()
    # Every record the restore wrote names the editor and the version.
    reason = "Przywrócono wersję z 10.03.2023 10:00"
    written = [
        renamed_cluster.history.latest(),
        Representation.history.filter(coordinator__name="Fundacja Nowa").latest(),
        Representation.history.filter(coordinator__name="Fundacja Stara").latest(),
        ClusterFormerName.history.latest(),
    ]
    assert {(r.history_user.username, r.history_change_reason) for r in written} == {
        ("jkowalska", reason)
    }
    # The search finds the cluster by what it is called now, not by the dropped name.
    renamed_cluster.refresh_from_db()
    assert "wschodni" not in renamed_cluster.search_text
    history = editor.get(reverse("admin:clusters_cluster_history", args=[renamed_cluster.pk]))
    assert reason in history.content.decode()


def test_a_restore_that_cannot_bring_back_a_deleted_coordinator_changes_nothing(editor):
    with time_machine.travel(datetime.datetime(2023, 3, 10, 9, 0, tzinfo=datetime.UTC)):
        old_term = RepresentationFactory(coordinator__name="Fundacja Zlikwidowana")
    cluster = old_term.cluster
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    data = form_data(editor.get(url))
    data["representations-0-DELETE"] = "on"
    add_row(data, "representations", coordinator=CoordinatorFactory(name="Fundacja Nowa").pk)
    assert editor.post(url, data).status_code == 302
    old_term.coordinator.delete()
    written_before = Representation.history.count() + cluster.history.count()

    response = restore(editor, cluster, cluster.history.earliest())

    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "nie można przywrócić" in message
    assert "Kadencja koordynatora: koordynator „Fundacja Zlikwidowana” już nie istnieje" in message
    assert [t.coordinator.name for t in cluster.representations.all()] == ["Fundacja Nowa"]
    assert Representation.history.count() + cluster.history.count() == written_before


def history_of(client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])
    return client.get(url).content.decode()


def save_in_admin(client, obj, prefix, **values):
    """Add one inline row of `prefix` on `obj`'s change page, at noon on 5 June 2024."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    with time_machine.travel(datetime.datetime(2024, 6, 5, 10, 0, tzinfo=datetime.UTC)):
        response = client.post(url, add_row(form_data(client.get(url)), prefix, **values))
    assert response.status_code == 302, response.context["errors"]


def test_round_history_shows_its_stages(editor):
    round_ = RoundFactory()
    save_in_admin(editor, round_, "stages", order=1, kind="formal", experts=0)
    content = history_of(editor, round_)
    assert "Etap oceny: 1. ocena formalna" in content and "Dodano" in content
    assert "jkowalska" in content and "05.06.2024 12:00" in content
    assert "None" not in content


def test_application_history_shows_its_stage_results_and_experts_points(editor):
    stage = StageFactory(kind="parametric", max_points=140, experts=2)
    application = ApplicationFactory(round=stage.round)
    save_in_admin(editor, application, "stage_results", stage=stage.pk, result="passed", points=128)
    result = application.stage_results.get()
    save_in_admin(editor, result, "expert_scores", expert_number=1, points="64.5")
    content = history_of(editor, application)
    assert "Wynik etapu: " in content and "Ocena eksperta: " in content
    # Choices by their labels, decimals with a Polish comma.
    assert "pozytywny" in content and "128,00" in content and "64,50" in content
    assert "jkowalska" in content and "05.06.2024 12:00" in content
    assert "None" not in content


def test_event_history_shows_its_participants(editor):
    event = EventFactory()
    person = PersonFactory(name="Jadwiga Emilewicz")
    save_in_admin(editor, event, "participations", person=person.pk, role="speaker")
    content = history_of(editor, event)
    assert "Uczestnik: Jadwiga Emilewicz (prelegent)" in content
    assert "jkowalska" in content and "05.06.2024 12:00" in content
    assert "None" not in content


# --- The restore service on its own ------------------------------------------------------

CLUSTER_ROWS = ["former_names", "representations", "member_counts", "labels", "status_awards"]


def test_a_restore_refuses_an_award_whose_round_is_gone_and_changes_nothing(english):
    with time_machine.travel(datetime.datetime(2023, 3, 10, 9, 0, tzinfo=datetime.UTC)):
        award = StatusAwardFactory(round__name="Runda odwołana")
        cluster, round_ = award.cluster, award.round
    with time_machine.travel(datetime.datetime(2024, 6, 5, 10, 0, tzinfo=datetime.UTC)):
        cluster.description = "Bez statusu"
        cluster.save()
        award.delete()
        round_.delete()
    before = StatusAward.history.count(), cluster.history.count()
    with pytest.raises(RestoreRefused) as refusal:
        restore_version(cluster.history.earliest(), user=None, paths=CLUSTER_ROWS)
    assert refusal.value.problems == ["Status award: round “Runda odwołana” no longer exists."]
    cluster.refresh_from_db()
    assert cluster.description == "Bez statusu" and not cluster.status_awards.exists()
    assert (StatusAward.history.count(), cluster.history.count()) == before


def test_a_restore_refuses_a_name_another_cluster_has_taken_since(english):
    with time_machine.travel(datetime.datetime(2023, 3, 10, 9, 0, tzinfo=datetime.UTC)):
        cluster = ClusterFactory(name="Klaster Obróbki Metali")
        cluster.former_names.create(name="KOM")
    with time_machine.travel(datetime.datetime(2024, 6, 5, 10, 0, tzinfo=datetime.UTC)):
        cluster.name = "Evoluma"
        cluster.save()
        cluster.former_names.all().delete()
        ClusterFactory(name="Klaster Obróbki Metali", slug="kom-nowy")
    with pytest.raises(RestoreRefused) as refusal:
        restore_version(cluster.history.earliest(), user=None, paths=CLUSTER_ROWS)
    assert "Cluster “Klaster Obróbki Metali”: A cluster with this name already exists." in (
        refusal.value.problems
    )
    cluster.refresh_from_db()
    assert cluster.name == "Evoluma" and not cluster.former_names.exists()


def test_restoring_an_application_sets_back_its_results_and_drops_later_experts_points():
    stage = StageFactory(kind="parametric", max_points=140, experts=2)
    with time_machine.travel(datetime.datetime(2023, 3, 10, 9, 0, tzinfo=datetime.UTC)):
        application = ApplicationFactory(round=stage.round)
        result = StageResultFactory(application=application, stage=stage, result="pending")
    with time_machine.travel(datetime.datetime(2024, 6, 5, 10, 0, tzinfo=datetime.UTC)):
        application.note = "Oceniony"
        application.save()
        result.result, result.points = "passed", 128
        result.save()
        result.expert_scores.create(expert_number=1, points=64)
    restore_version(
        application.history.earliest(),
        user=None,
        paths=["stage_results", "stage_results__expert_scores"],
    )
    result.refresh_from_db()
    assert (result.result, result.points) == ("pending", None)
    assert not ExpertScore.objects.exists()
    application.refresh_from_db()
    assert application.note == ""


def test_a_version_page_shows_and_restores_the_specialisations_of_that_version(editor):
    old, new = SpecialisationFactory(name="Obróbka metali"), SpecialisationFactory(name="ICT")
    with time_machine.travel(datetime.datetime(2023, 3, 10, 9, 0, tzinfo=datetime.UTC)):
        cluster = ClusterFactory()
        cluster.specialisations.add(old)
    first = cluster.history.latest()
    cluster.specialisations.set([new])
    url = reverse("admin:clusters_cluster_simple_history", args=[cluster.pk, first.pk])
    page = editor.get(url)
    assert page.context["adminform"].form["specialisations"].value() == [old.pk]
    assert "przywraca też te wiersze w ówczesnym stanie: Dawne nazwy" in page.content.decode()
    assert editor.post(url, form_data(page)).status_code == 302
    assert list(cluster.specialisations.all()) == [old]


def test_a_version_page_reads_the_version_and_not_the_record_again(editor):
    cluster = ClusterFactory(name="Polski Klaster Budowlany")
    url = reverse(
        "admin:clusters_cluster_simple_history", args=[cluster.pk, cluster.history.latest().pk]
    )
    with CaptureQueriesContext(connection) as queries:
        page = editor.get(url)
    assert page.status_code == 200
    record_reads = [q["sql"] for q in queries if 'FROM "clusters_cluster" WHERE' in q["sql"]]
    assert record_reads == []
    # The breadcrumbs name the version's action in Polish, chosen by the version's permission.
    words = " ".join(page.content.decode().split())
    assert "Historia</a> &rsaquo; Przywróć klaster </div>" in words


@pytest.mark.parametrize(
    ("role", "language", "crumbs"),
    [
        (
            EDITORS,
            "pl",
            "Strona główna › Klastry i konkursy › Klastry › Polski Klaster Budowlany › Historia"
            " › Przywróć klaster",
        ),
        (
            EDITORS,
            "en",
            "Home › Clusters and competitions › Clusters › Polski Klaster Budowlany › History"
            " › Revert cluster",
        ),
        (
            VIEWERS,
            "en",
            "Home › Clusters and competitions › Clusters › Polski Klaster Budowlany › History"
            " › View cluster",
        ),
    ],
)
def test_a_version_pages_breadcrumbs_name_the_records_kind_not_its_history_model(
    client, role, language, crumbs
):
    client.force_login(staff_in(role))
    cluster = ClusterFactory(name="Polski Klaster Budowlany")
    url = reverse(
        "admin:clusters_cluster_simple_history", args=[cluster.pk, cluster.history.latest().pk]
    )
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    breadcrumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', page, re.S).group(1)
    assert " ".join(re.sub(r"<[^>]+>", "", breadcrumbs).split()) == crumbs.replace("›", "&rsaquo;")
    assert re.findall(r'href="([^"]+)"', breadcrumbs) == [
        reverse("admin:index"),
        reverse("admin:app_list", args=["clusters"]),
        reverse("admin:clusters_cluster_changelist"),
        reverse("admin:clusters_cluster_change", args=[cluster.pk]),
        "../",
    ]
