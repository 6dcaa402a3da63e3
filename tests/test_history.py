"""History shows every row of a record; restoring a version restores them all, or nothing."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from clusters.models import ClusterFormerName, Representation
from kkkregistry.roles import EDITORS
from tests.admin_forms import form_data
from tests.factories import (
    ClusterFactory,
    CoordinatorFactory,
    RepresentationFactory,
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
    assert "4 czerwca 2024" in content
    assert "jkowalska" in content and "5 czerwca 2024 12:30" in content
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
    reason = "Przywrócono wersję z 10 marca 2023 10:00"
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
