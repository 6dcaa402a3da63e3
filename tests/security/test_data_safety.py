"""Faults and races: a failed import leaves nothing, a stale form saves nothing,
a coordinator still in use cannot be deleted."""

import contextlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.urls import reverse

from clusters import models as cm
from kkkregistry.roles import EDITORS
from tests.admin_forms import form_data
from tests.factories import (
    ClusterFactory,
    CoordinatorFactory,
    EventFactory,
    RepresentationFactory,
    RoundFactory,
    staff_in,
)
from transfer.models import ImportJob
from transfer.service import import_file

# transaction=True: the import's own transaction is what must roll back, not the test's.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("english")]

ROWS = 6
# Coordinators, clusters and their history are written by then: the fault comes halfway.
FAILING_TABLE = "clusters_representation"


@pytest.fixture
def client(client):
    """The admin in English, the language the messages are matched in."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def cluster_file(rows=ROWS):
    lines = ["Nazwa;Miejscowość;Województwo;Koordynator"]
    lines += [
        f"Klaster Awaryjny {n};Kraków;małopolskie;Koordynator Awaryjny {n}" for n in range(rows)
    ]
    return "\n".join(lines).encode()


@contextlib.contextmanager
def database_fails_on_insert(table, nth):
    """The nth INSERT into `table` raises DatabaseError, as a full disk or lost link would.

    On PostgreSQL bulk rows go by COPY after their keys are drawn from the table's
    sequence: drawing them counts as the insert.
    """
    inserts = 0

    def wrapper(execute, sql, params, many, context):
        nonlocal inserts
        if sql.lstrip().upper().startswith(("INSERT", "SELECT NEXTVAL")) and f'"{table}"' in sql:
            inserts += 1
            if inserts == nth:
                raise DatabaseError("injected: the disk is full")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield


def state():
    """Rows and history of everything an import of clusters touches."""
    models = [cm.Cluster, cm.Coordinator, cm.Representation, cm.Specialisation]
    counts = {m._meta.label: m.objects.count() for m in models}
    counts |= {f"{m._meta.label} history": m.history.count() for m in models}
    return counts


def test_an_import_failing_halfway_on_a_database_error_writes_nothing():
    ClusterFactory(name="Klaster Istniejący")
    before = state()
    with database_fails_on_insert(FAILING_TABLE, 1):
        try:
            report = import_file("clusters", cluster_file())
        except DatabaseError:
            report = None
    assert report is None or not report.written
    assert state() == before
    # The same file without the fault imports every row: the fault was the only obstacle.
    assert import_file("clusters", cluster_file()).new == ROWS


def test_an_admin_import_failing_halfway_on_a_database_error_writes_nothing(client):
    client.force_login(staff_in(EDITORS))
    preview = client.post(
        reverse("admin:clusters_cluster_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("k.csv", cluster_file(), content_type="text/csv"),
        },
        follow=True,
    )
    assert preview.status_code == 200 and preview.context["may_confirm"]
    before = state()
    with database_fails_on_insert(FAILING_TABLE, 1):
        done = client.post(
            reverse("admin:clusters_cluster_process_import"),
            {"import_file_name": preview.context["job"].token},
            follow=True,
        )
    # Not a server error, nor a false success: the job's page says why nothing was written.
    assert done.status_code == 200
    page = done.content.decode()
    assert "Baza danych odrzuciła import (injected: the disk is full)" in page
    assert ImportJob.objects.get().state == ImportJob.State.FAILED
    assert state() == before


# --- Two staff editing one record ---------------------------------------------------------

EDITS = [
    (lambda: ClusterFactory(), "clusters_cluster", "city", "Gdańsk", "Gdynia"),
    (lambda: CoordinatorFactory(), "clusters_coordinator", "name", "Fundacja A", "Fundacja B"),
    (lambda: RoundFactory(), "clusters_round", "name", "Runda A", "Runda B"),
    (lambda: EventFactory(), "events_event", "city", "Poznań", "Lublin"),
]


@pytest.mark.parametrize(("make", "url_name", "field", "first", "second"), EDITS)
def test_the_second_of_two_staff_saving_one_record_is_told_and_overwrites_nothing(
    client, make, url_name, field, first, second
):
    obj = make()
    url = reverse(f"admin:{url_name}_change", args=[obj.pk])
    client.force_login(staff_in(EDITORS))
    # Both open the page before either saves.
    anna = form_data(client.get(url))
    piotr = dict(anna)
    assert anna["version"]
    assert client.post(url, {**anna, field: first}).status_code == 302
    refused = client.post(url, {**piotr, field: second})
    assert refused.status_code == 200
    assert "Someone else changed this record since you opened it" in refused.content.decode()
    obj.refresh_from_db()
    assert getattr(obj, field) == first
    # Opened again, the page carries the new version and the change saves.
    again = form_data(client.get(url))
    assert client.post(url, {**again, field: second}).status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == second


def test_a_change_form_without_its_version_saves_nothing(client):
    cluster = ClusterFactory(city="Opole")
    url = reverse("admin:clusters_cluster_change", args=[cluster.pk])
    client.force_login(staff_in(EDITORS))
    data = form_data(client.get(url))
    del data["version"]
    assert client.post(url, {**data, "city": "Nysa"}).status_code == 200
    cluster.refresh_from_db()
    assert cluster.city == "Opole"


def test_restoring_an_earlier_version_checks_the_version_in_a_real_transaction(client):
    # Outside the test's own transaction (transaction=True): the lock must find one.
    coordinator = CoordinatorFactory(name="Pierwotna nazwa")
    first = coordinator.history.get()
    coordinator.name = "Błędna nazwa"
    coordinator.save()
    client.force_login(staff_in(EDITORS))
    url = reverse("admin:clusters_coordinator_simple_history", args=[coordinator.pk, first.pk])
    data = form_data(client.get(url))
    coordinator.name = "Zmieniona w międzyczasie"
    coordinator.save()
    assert client.post(url, data).status_code == 200
    coordinator.refresh_from_db()
    assert coordinator.name == "Zmieniona w międzyczasie"
    assert client.post(url, form_data(client.get(url))).status_code == 302
    coordinator.refresh_from_db()
    assert coordinator.name == "Pierwotna nazwa"


# --- Deleting what is still referred to ---------------------------------------------------


def test_deleting_a_coordinator_who_still_represents_a_cluster_is_refused(client):
    representation = RepresentationFactory()
    coordinator = representation.coordinator
    client.force_login(staff_in(EDITORS))
    url = reverse("admin:clusters_coordinator_delete", args=[coordinator.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in (
        page.content.decode()
    )
    assert page.context["protected"]
    assert client.post(url, {"post": "yes"}).status_code == 200
    bulk = client.post(
        reverse("admin:clusters_coordinator_changelist"),
        {"action": "delete_selected", "_selected_action": [coordinator.pk], "post": "yes"},
    )
    assert bulk.status_code == 200
    assert "protected related objects" in bulk.content.decode()
    assert cm.Coordinator.objects.filter(pk=coordinator.pk).exists()
    assert cm.Representation.objects.filter(pk=representation.pk).exists()


def test_a_coordinator_representing_nobody_may_be_deleted(client):
    coordinator = CoordinatorFactory()
    client.force_login(staff_in(EDITORS))
    url = reverse("admin:clusters_coordinator_delete", args=[coordinator.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not cm.Coordinator.objects.filter(pk=coordinator.pk).exists()
