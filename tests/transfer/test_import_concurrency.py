"""An import beside editors: it writes only what the file changes and never a stale copy."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from clusters.models import Cluster, Coordinator
from tests.factories import ClusterFactory, CoordinatorFactory
from transfer.jobs import queue_file
from transfer.models import ImportJob
from transfer.service import import_file

pytestmark = pytest.mark.django_db


def editor_saves_after_the_read(cluster, **changes):
    """An on_row hook: an editor's save lands after the importer read the row's batch.

    Saved through the import's own connection, it stands for a save committed in
    between; an import that refuses its file rolls it back with its own writes.
    """
    done = []

    def on_row():
        if not done:
            done.append(True)
            for field, value in changes.items():
                setattr(cluster, field, value)
            cluster.save()

    return on_row


def test_a_file_of_some_columns_leaves_an_editors_other_change_in_place():
    cluster = ClusterFactory(name="Klaster Alfa", city="Gdańsk", description="Stary opis")
    on_row = editor_saves_after_the_read(
        Cluster.objects.get(pk=cluster.pk), description="Opis redaktora"
    )
    report = import_file(
        "clusters", "Nazwa;Miejscowość\nKlaster Alfa;Gdynia\n".encode(), on_row=on_row
    )
    assert report.accepted and report.updated == 1
    cluster.refresh_from_db()
    assert (cluster.city, cluster.description) == ("Gdynia", "Opis redaktora")
    # The audit record of the import holds the row as written, the editor's text included.
    assert cluster.history.first().description == "Opis redaktora"


def test_a_cell_an_editor_changed_after_the_read_is_a_conflict_and_nothing_is_written():
    cluster = ClusterFactory(name="Klaster Alfa", city="Gdańsk")
    other = ClusterFactory(name="Klaster Beta", city="Opole")
    on_row = editor_saves_after_the_read(Cluster.objects.get(pk=cluster.pk), city="Sopot")
    report = import_file(
        "clusters",
        "Nazwa;Miejscowość\nKlaster Alfa;Gdynia\nKlaster Beta;Kraków\n".encode(),
        on_row=on_row,
    )
    assert not report.accepted
    assert [(e.row, e.column) for e in report.errors] == [(2, "Miejscowość")]
    assert "przez kogoś innego po odczytaniu przez import" in report.errors[0].message
    other.refresh_from_db()
    assert other.city == "Opole"


def test_the_same_change_made_by_an_editor_and_the_file_is_no_conflict():
    cluster = ClusterFactory(name="Klaster Alfa", city="Gdańsk")
    on_row = editor_saves_after_the_read(Cluster.objects.get(pk=cluster.pk), city="Gdynia")
    report = import_file(
        "clusters", "Nazwa;Miejscowość\nKlaster Alfa;Gdynia\n".encode(), on_row=on_row
    )
    assert report.accepted
    cluster.refresh_from_db()
    assert cluster.city == "Gdynia"


def test_a_row_deleted_after_the_read_refuses_the_file():
    coordinator = CoordinatorFactory(name="Fundacja Alfa", city="Gdańsk")

    def on_row():
        Coordinator.objects.filter(pk=coordinator.pk).delete()

    report = import_file(
        "coordinators", "Nazwa;Miejscowość\nFundacja Alfa;Gdynia\n".encode(), on_row=on_row
    )
    assert not report.accepted
    assert "Usunięty po odczytaniu przez import" in report.errors[0].message


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_two_queued_imports_of_one_kind_both_end_cleanly():
    first = "Nazwa;Miejscowość\nKlaster Alfa;Gdańsk\n".encode()
    second = "Nazwa;Miejscowość\nKlaster Alfa;Gdynia\nKlaster Beta;Opole\n".encode()
    queue_file("clusters", "a.csv", first, source="test")
    queue_file("clusters", "b.csv", second, source="test")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert set(ImportJob.objects.values_list("state", flat=True)) == {ImportJob.State.DONE}
    assert dict(Cluster.objects.values_list("name", "city")) == {
        "Klaster Alfa": "Gdynia",
        "Klaster Beta": "Opole",
    }


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_end_cleanly_one_after_the_other():
    """Two editors confirming one file together: both end, neither in a server error."""
    data = "Nazwa;Miejscowość\n" + "".join(f"Klaster {n};Gdańsk\n" for n in range(3000))
    reports, failures = [], []

    def run():
        try:
            reports.append(import_file("clusters", data.encode(), source="test"))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Cluster.objects.count() == 3000
    if connection.vendor == "postgresql":
        # The second waits for the first's commit, then finds every row already there.
        assert sorted((r.new, r.unchanged) for r in reports) == [(0, 3000), (3000, 0)]
    else:
        # SQLite's one writer: the second is told to try again, nothing half-done.
        assert sorted(r.accepted for r in reports) == [False, True]
        refused = next(r for r in reports if not r.accepted)
        assert "Trwa zapisywanie innego importu" in str(refused.errors[0])
