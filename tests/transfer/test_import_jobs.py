"""Admin imports as background jobs: the preview kept under a token, the worker, the progress."""

import re
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clusters.models import Application, Cluster
from clusters.resources import ClusterResource
from kkkregistry.roles import EDITORS
from tests.factories import ClusterFactory, RoundFactory, staff_in
from tests.transfer.uploads import upload
from transfer import jobs
from transfer.jobs import fail_stale_jobs, queue_file, run_job
from transfer.models import PREVIEW_KEPT_FOR, STALE_AFTER, ImportJob

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).parent / "samples" / "klastry-windows1250-srednik.csv"
IMPORT = reverse("admin:clusters_cluster_import")
PROCESS = reverse("admin:clusters_cluster_process_import")
REFUSED = "This import cannot be confirmed"
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def preview(client, data=None, url=IMPORT):
    response = upload(client, data or SAMPLE.read_bytes(), url=url, follow=True)
    # The upload's job page: the worker (immediate in tests) checked it; its confirm form.
    assert response.status_code == 200 and response.context["may_confirm"], response.content
    form = re.search(r'<form[^>]+id="confirm-import".*?</form>', response.content.decode(), re.S)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


def confirm(client, initial, url=PROCESS):
    return client.post(url, {**initial, "resource": "0"}, HTTP_ACCEPT_LANGUAGE="en")


def test_the_preview_keeps_the_upload_in_the_database_and_sends_only_a_token(editor):
    initial = preview(editor)
    job = ImportJob.objects.get()
    assert initial["import_file_name"] == job.token
    assert bytes(job.upload) == SAMPLE.read_bytes()
    assert job.state == ImportJob.State.PREVIEWED and job.kind == "clusters"
    assert (job.rows_total, job.previewed_new) == (2, 2)


def test_the_confirmation_runs_the_job_and_removes_the_upload(editor):
    response = confirm(editor, preview(editor))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.admin_url()
    assert job.state == ImportJob.State.DONE
    assert job.upload is None
    assert (job.rows_read, job.rows_written) == (2, 2)
    assert Cluster.objects.filter(name="Śląski Klaster Żółwi Łódzkich").exists()


def test_preview_and_confirmation_leave_nothing_in_the_temporary_folder(
    editor, tmp_path, monkeypatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    initial = preview(editor)
    assert list(tmp_path.iterdir()) == []  # the upload waits in the database
    confirm(editor, initial)
    assert ImportJob.objects.get().state == ImportJob.State.DONE
    assert list(tmp_path.iterdir()) == []


def test_another_users_token_is_refused_and_the_preview_stays_theirs(editor, client):
    initial = preview(editor)
    client.force_login(staff_in(EDITORS))
    response = confirm(client, initial)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert ImportJob.objects.get().state == ImportJob.State.PREVIEWED
    assert not Cluster.objects.exists()


def test_a_file_named_by_the_browser_is_refused(editor):
    preview(editor)
    with tempfile.NamedTemporaryFile(suffix=".csv") as planted:
        planted.write(SAMPLE.read_bytes())
        planted.flush()
        for name in (planted.name, Path(planted.name).name):
            response = confirm(
                editor,
                {"import_file_name": name, "original_file_name": "k.csv", "format": "0"},
            )
            assert response.status_code == 400
            assert REFUSED in response.content.decode()
    assert not Cluster.objects.exists()


def test_a_replayed_confirmation_is_refused_with_a_message(editor):
    initial = preview(editor)
    assert confirm(editor, initial).status_code == 302
    Cluster.objects.all().delete()
    replay = confirm(editor, initial)
    assert replay.status_code == 400
    assert REFUSED in replay.content.decode()
    assert not Cluster.objects.exists()
    assert ImportJob.objects.count() == 1


def test_a_confirmation_sent_to_another_kind_is_refused_not_a_server_error(editor):
    initial = preview(editor)
    response = confirm(editor, initial, url=reverse("admin:clusters_coordinator_process_import"))
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert ImportJob.objects.get().state == ImportJob.State.PREVIEWED


def test_an_expired_preview_is_refused_and_discarded_by_the_next_one(editor):
    initial = preview(editor)
    ImportJob.objects.update(created_at=timezone.now() - PREVIEW_KEPT_FOR - timedelta(minutes=1))
    assert confirm(editor, initial).status_code == 400
    preview(editor, b"Nazwa\nKlaster Nowy\n")
    assert list(ImportJob.objects.values_list("rows_total", flat=True)) == [1]


def test_a_job_whose_file_is_rejected_says_why_in_polish_and_writes_nothing(editor):
    cluster = ClusterFactory(name="Zeta")
    RoundFactory(name="Runda X")
    initial = preview(
        editor,
        b"Klaster;Runda\nZeta;Runda X\n",
        url=reverse("admin:clusters_application_import"),
    )
    # Between the preview and the job the registry changes and the row no longer passes
    # (the data version moved, so the file is checked again).
    cluster.delete()
    response = confirm(editor, initial, url=reverse("admin:clusters_application_process_import"))
    job = ImportJob.objects.get()
    assert job.revalidated and job.state == ImportJob.State.FAILED
    assert job.message == "Pliku nie zaimportowano: niczego nie zapisano."
    assert "Zeta" in job.errors[0] and job.upload is None
    assert not Application.objects.exists()
    page = editor.get(response.url).content.decode()
    assert job.message in page and "Zeta" in page


@time_machine.travel("2026-12-02 12:00:00 +00:00", tick=False)
def test_the_progress_page_refreshes_itself_and_estimates_the_time_left(editor):
    job = ImportJob.objects.create(
        kind="clusters",
        file_name="duzy.csv",
        file_hash="0" * 64,
        state=ImportJob.State.RUNNING,
        rows_total=1000,
        rows_read=250,
        rows_written=200,
        started_at=timezone.now() - timedelta(seconds=10),
    )
    page = editor.get(job.admin_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "250 (25%)" in page
    assert "about 30 seconds" in page
    assert "<script>" not in page
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.DONE)
    assert 'http-equiv="refresh"' not in editor.get(job.admin_url()).content.decode()


def test_the_dashboard_lists_running_and_recent_imports(editor):
    running = ImportJob.objects.create(
        kind="clusters", file_name="biegnie.csv", file_hash="0", state=ImportJob.State.RUNNING
    )
    ImportJob.objects.create(
        kind="clusters",
        file_name="skonczony.csv",
        file_hash="0",
        state=ImportJob.State.FAILED,
        finished_at=timezone.now(),
    )
    ImportJob.objects.create(kind="clusters", file_name="podglad.csv", file_hash="0")
    page = editor.get(reverse("admin:index")).content.decode()
    assert running.admin_url() in page
    assert "biegnie.csv" in page and "skonczony.csv" in page
    assert "podglad.csv" not in page


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)  # queued only: the thread below runs it
def test_another_process_sees_a_running_jobs_progress(monkeypatch):
    """PostgreSQL: counts while the import's transaction is open; SQLite: at the end."""
    from django.db import connection

    # Progress written often enough that a quiet machine's short import shows some.
    monkeypatch.setattr(jobs, "PROGRESS_EVERY_SECONDS", 0.02)

    rows = 4000
    data = "Nazwa;Miejscowość\n" + "".join(f"Klaster {n};Gdańsk\n" for n in range(rows))
    job = queue_file("clusters", "duzy.csv", data.encode(), source="test")
    seen = []
    worker = threading.Thread(target=lambda: (run_job(job.pk), connection.close()))
    worker.start()
    while worker.is_alive():
        # Another connection, as another app server's progress page would read it.
        try:
            state, read = ImportJob.objects.values_list("state", "rows_read").get(pk=job.pk)
        except OperationalError:
            # SQLite's in-memory test database shares one cache between connections and
            # refuses a read of a table being written ("table is locked") instead of
            # waiting; a database file, as deployed, lets readers read.
            time.sleep(0.05)
            continue
        if state == ImportJob.State.RUNNING:
            seen.append(read)
        time.sleep(0.05)
    worker.join()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.rows_read == rows
    if connection.vendor == "postgresql":
        assert any(0 < read < rows for read in seen), seen
    # SQLite's shared-cache test database locks the reader out for the whole import
    # transaction: "running" shows only between the claim and the first write, a window
    # a loaded machine's reader may miss (the test failed so once). The reads above
    # must still never fail the page, and the job ends with every row.


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_the_worker_checks_the_upload_then_runs_the_confirmed_job(editor):
    from django_tasks_db.models import DBTaskResult

    response = upload(editor, SAMPLE.read_bytes())
    # The request only read the headers: the rows wait for the worker.
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.admin_url()
    assert job.state == ImportJob.State.CHECKING and job.started_at is None
    page = editor.get(job.admin_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "waits for the worker to check it" in page and 'http-equiv="refresh"' in page
    assert 'id="confirm-import"' not in page

    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED and bytes(job.upload) == SAMPLE.read_bytes()
    check_task = DBTaskResult.objects.get(id=job.task_result_id)
    assert check_task.status == "SUCCESSFUL" and check_task.task_name == "check_import_job"
    page = editor.get(job.admin_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New: 2, updated: 0, unchanged: 0, invalid: 0." in page
    assert 'http-equiv="refresh"' not in page and 'id="confirm-import"' in page

    response = confirm(editor, {"import_file_name": job.token})
    job.refresh_from_db()
    assert response.status_code == 302
    assert job.state == ImportJob.State.QUEUED and not Cluster.objects.exists()
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.upload is None
    assert DBTaskResult.objects.get(id=job.task_result_id).task_name == "run_import_job"
    assert Cluster.objects.filter(name="Śląski Klaster Żółwi Łódzkich").exists()
    page = editor.get(job.admin_url()).content.decode()
    assert 'http-equiv="refresh"' not in page


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_import_csv_background_queues_the_file_for_the_worker(tmp_path):
    path = tmp_path / "klastry.csv"
    path.write_bytes(SAMPLE.read_bytes())
    call_command("import_csv", "clusters", str(path), "--background")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.QUEUED and job.user is None
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Cluster.objects.count() == 2


def test_a_job_runs_once_however_often_it_is_started(editor):
    confirm(editor, preview(editor))
    job = ImportJob.objects.get()
    Cluster.objects.all().delete()
    run_job(job.pk)
    assert not Cluster.objects.exists()


@pytest.mark.parametrize(
    ("waiting", "start", "work", "message"),
    [
        (
            ImportJob.State.CHECKING,
            "run_check",
            "_check",
            "Sprawdzanie pliku przerwał błąd serwera.",
        ),
        (
            ImportJob.State.QUEUED,
            "run_job",
            "_run",
            "Import przerwał błąd serwera; niczego nie zapisano.",
        ),
    ],
)
def test_a_server_error_fails_the_job_in_polish_and_reaches_the_task(
    monkeypatch, english, waiting, start, work, message
):
    job = ImportJob.objects.create(
        kind="clusters", file_name="klastry.csv", file_hash="0" * 64, upload=b"x", state=waiting
    )

    def broken(job):
        raise ZeroDivisionError

    monkeypatch.setattr(jobs, work, broken)
    with pytest.raises(ZeroDivisionError):
        getattr(jobs, start)(job.pk, "task-1")
    job.refresh_from_db()
    assert (job.state, job.message, job.upload) == (ImportJob.State.FAILED, message, None)
    assert job.task_result_id == "task-1" and job.started_at is not None


@pytest.fixture
def row_checks(monkeypatch):
    """Counts the clusters' row checks (fields, clean(), unique name and slug) as they run."""
    calls = []
    checks = ClusterResource.validate

    def counted(self, engine, row, record):
        calls.append(row.number)
        return checks(self, engine, row, record)

    monkeypatch.setattr(ClusterResource, "validate", counted)
    return calls


def test_a_confirmation_writes_what_the_preview_checked_without_checking_it_again(
    editor, row_checks
):
    initial = preview(editor)
    assert row_checks == [2, 3]  # the preview checked both rows
    row_checks.clear()
    confirm(editor, initial)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE and not job.revalidated
    assert row_checks == []
    assert Cluster.objects.count() == 2
    assert "checked again" not in job.message and "sprawdzono" not in job.message


def test_a_change_after_the_preview_has_the_file_checked_again_and_refused(editor, row_checks):
    ClusterFactory(name="Klaster Alfa", slug="klaster-alfa")
    initial = preview(editor, b"Identyfikator;Nazwa\nklaster-alfa;Klaster Beta\n")
    row_checks.clear()
    # An editor names another cluster so between the preview and the confirmation.
    ClusterFactory(name="Klaster Beta", slug="klaster-beta")
    response = confirm(editor, initial)
    job = ImportJob.objects.get()
    assert row_checks == [2]
    assert job.revalidated and job.state == ImportJob.State.FAILED
    assert job.message == "Pliku nie zaimportowano: niczego nie zapisano."
    assert "Nazwa" in job.errors[0] and "Klaster Beta" in job.errors[0]
    assert Cluster.objects.get(slug="klaster-alfa").name == "Klaster Alfa"
    page = editor.get(response.url).content.decode()
    assert job.message in page


def test_a_change_after_the_preview_that_leaves_the_file_valid_is_written_and_said(
    editor, row_checks
):
    initial = preview(editor)
    ClusterFactory(name="Klaster Gamma")
    row_checks.clear()
    confirm(editor, initial)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE and job.revalidated
    assert row_checks == [2, 3]
    assert "Rejestr zmienił się po podglądzie" in job.message


def test_a_file_queued_without_a_preview_is_checked_row_by_row(row_checks):
    job = queue_file("clusters", "k.csv", SAMPLE.read_bytes(), source="test")
    job.refresh_from_db()
    assert job.previewed_version is None and job.state == ImportJob.State.DONE
    assert row_checks == [2, 3] and not job.revalidated


def running_job(heartbeat_seconds_ago, file_name="przerwany.csv"):
    return ImportJob.objects.create(
        kind="clusters",
        file_name=file_name,
        file_hash="0" * 64,
        upload=b"Nazwa\nKlaster\n",
        state=ImportJob.State.RUNNING,
        rows_total=1000,
        rows_read=250,
        started_at=timezone.now() - timedelta(hours=1),
        heartbeat_at=timezone.now() - timedelta(seconds=heartbeat_seconds_ago),
    )


def test_a_job_whose_worker_stopped_beating_is_failed_with_a_reason_in_polish(editor):
    dead = running_job(STALE_AFTER.total_seconds() + 1)
    alive = running_job(STALE_AFTER.total_seconds() - 30, file_name="trwa.csv")
    page = editor.get(dead.admin_url()).content.decode()
    dead.refresh_from_db()
    assert dead.state == ImportJob.State.FAILED and dead.upload is None
    assert dead.message.startswith("Import przerwano: jego proces roboczy nie dał znaku życia")
    assert dead.message in page and 'http-equiv="refresh"' not in page
    alive.refresh_from_db()
    assert alive.state == ImportJob.State.RUNNING


def test_the_dashboard_lists_a_dead_job_as_failed_with_its_reason(editor):
    dead = running_job(STALE_AFTER.total_seconds() + 1)
    page = editor.get(reverse("admin:index")).content.decode()
    running, _sep, finished = page.partition('id="recent-imports"')
    assert "przerwany.csv" not in running
    assert "przerwany.csv" in finished and "nie dał znaku życia" in finished
    dead.refresh_from_db()
    assert dead.state == ImportJob.State.FAILED


def test_a_live_job_keeps_beating_while_it_runs(monkeypatch):
    """The heartbeat is written while the import runs, so the sweep leaves it alone."""
    from transfer import jobs

    monkeypatch.setattr(jobs, "PROGRESS_EVERY_SECONDS", 0.01)
    job = queue_file("clusters", "k.csv", SAMPLE.read_bytes(), source="test")
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE and job.heartbeat_at >= job.started_at
    assert fail_stale_jobs(now=job.heartbeat_at + STALE_AFTER / 2) == 0


def test_rows_written_without_checks_are_stored_as_checked_ones_would_be(editor, row_checks):
    data = (
        b"Nazwa;Koordynator;NIP koordynatora;Specjalizacje;Opublikowany\n"
        b"Klaster Alfa;Fundacja Alfa;526-025-02-74;Chemia;tak\n"
    )
    confirm(editor, preview(editor, data))
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE and not job.revalidated, job.errors
    cluster = Cluster.objects.get(name="Klaster Alfa")
    assert cluster.published is True
    assert cluster.coordinator_on().nip == "5260250274"
    assert [s.name for s in cluster.specialisations.all()] == ["Chemia"]
