"""An import beside editors: it writes only what the file changes and never a stale copy."""

import itertools
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from clusters.models import Cluster, Coordinator
from tests.factories import ClusterFactory, CoordinatorFactory
from transfer.engine import BATCH_ROWS
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


# An editor beside a running import, each with a connection of its own: PostgreSQL
# only. SQLite has one writer at a time (an editor waits for the import's commit, up
# to the busy timeout: README, "Beside editors"), and its in-memory test database
# refuses a second writer at once instead of waiting, so there is nothing to time.
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="an editor beside an import: PostgreSQL's rows"
)


class ImportInThread:
    """import_file in a thread of its own; `on_row(n)` runs in it after row n is read."""

    def __init__(self, data, on_row=None):
        self.rows_read = 0
        self.batches = []  # monotonic times at which each batch's first row was read
        self.report = self.error = None
        self.finished = threading.Event()
        self.hook = on_row
        self.thread = threading.Thread(target=self.run, args=(data,))

    def on_row(self):
        if self.rows_read % BATCH_ROWS == 0:
            self.batches.append(time.monotonic())
        self.rows_read += 1
        if self.hook is not None:
            self.hook(self.rows_read)

    def run(self, data):
        try:
            self.report = import_file("clusters", data, source="test", on_row=self.on_row)
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            self.error = error
        finally:
            self.finished.set()
            connection.close()

    def longest_batch(self):
        return max(b - a for a, b in itertools.pairwise(self.batches))


def new_clusters_file(rows, *extra):
    lines = ["Nazwa;Miejscowość", *(f"Klaster Nowy {n};Gdańsk" for n in range(rows)), *extra]
    return "\n".join(lines).encode()


def in_thread(function):
    """Run `function` in a thread with a connection of its own; returns its seconds."""
    timing, errors = [], []

    def run():
        start = time.monotonic()
        try:
            function()
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            errors.append(error)
        finally:
            timing.append(time.monotonic() - start)
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the editor's save never returned"
    assert errors == []
    return timing[0]


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_editors_save_during_an_import_waits_no_longer_than_a_batch():
    other = ClusterFactory(name="Klaster Redaktora", city="Opole")
    saved = []

    def save_another_cluster():
        cluster = Cluster.objects.get(pk=other.pk)
        cluster.description = "Zapisane w trakcie importu"
        cluster.save()

    def on_row(rows_read):
        # Two batches written: the import holds its rows, its lock and its transaction.
        if rows_read == 2 * BATCH_ROWS + 1 and not saved:
            saved.append(in_thread(save_another_cluster))

    importer = ImportInThread(new_clusters_file(6 * BATCH_ROWS), on_row)
    importer.thread.start()
    importer.thread.join(300)
    assert importer.error is None and importer.report.accepted
    assert importer.report.new == 6 * BATCH_ROWS
    # The import waited for the save (it ran in its on_row): had the save waited for
    # the import, neither would have ended. And it took less than a batch.
    assert saved and saved[0] < max(importer.longest_batch(), 0.5), (saved, importer.batches)
    other.refresh_from_db()
    assert other.description == "Zapisane w trakcie importu"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_editors_save_of_a_cluster_in_the_file_is_merged_not_overwritten():
    """Saved after the import read the cluster's batch and before it wrote it."""
    cluster = ClusterFactory(name="Klaster Alfa", city="Gdańsk", description="Stary opis")
    seconds = []

    def editor_saves():
        editor_copy = Cluster.objects.get(pk=cluster.pk)
        editor_copy.description = "Opis redaktora"
        editor_copy.save()

    def on_row(rows_read):
        if rows_read == 3 * BATCH_ROWS + 1:  # the last row, Klaster Alfa, is read
            seconds.append(in_thread(editor_saves))

    data = new_clusters_file(3 * BATCH_ROWS, "Klaster Alfa;Gdynia")
    importer = ImportInThread(data, on_row)
    importer.thread.start()
    importer.thread.join(300)
    assert importer.error is None and importer.report.accepted, importer.report.errors[:3]
    assert (importer.report.new, importer.report.updated) == (3 * BATCH_ROWS, 1)
    assert seconds and seconds[0] < max(importer.longest_batch(), 0.5)
    cluster.refresh_from_db()
    assert (cluster.city, cluster.description) == ("Gdynia", "Opis redaktora")


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_editors_change_of_a_cell_the_file_changes_too_is_a_conflict_not_lost():
    cluster = ClusterFactory(name="Klaster Alfa", city="Gdańsk")

    def editor_saves():
        editor_copy = Cluster.objects.get(pk=cluster.pk)
        editor_copy.city = "Sopot"
        editor_copy.save()

    def on_row(rows_read):
        if rows_read == BATCH_ROWS + 1:
            in_thread(editor_saves)

    importer = ImportInThread(new_clusters_file(BATCH_ROWS, "Klaster Alfa;Gdynia"), on_row)
    importer.thread.start()
    importer.thread.join(300)
    assert importer.error is None and not importer.report.accepted
    assert [(e.row, e.column) for e in importer.report.errors] == [(BATCH_ROWS + 2, "Miejscowość")]
    cluster.refresh_from_db()
    assert cluster.city == "Sopot"
    assert not Cluster.objects.filter(name__startswith="Klaster Nowy").exists()
