"""The admin's preview checked by the worker: the upload request reads only the file's head.

The tests' task backend runs a queued task at once, inside the request; the tests
that need the check to wait (as it does for `db_worker`) use the database backend.
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from clusters.models import Cluster
from kkkregistry import dashboard
from kkkregistry.roles import EDITORS
from tests.factories import staff_in
from tests.transfer.uploads import upload
from transfer import admin as transfer_admin
from transfer import jobs
from transfer.jobs import WorkerLost, fail_stale_jobs
from transfer.models import PREVIEW_KEPT_FOR, STALE_AFTER, ImportJob

pytestmark = pytest.mark.django_db
PROCESS = reverse("admin:clusters_cluster_process_import")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
GOOD = "Nazwa;Miejscowość\nKlaster Jeden;Opole\nKlaster Dwa;Kielce\n".encode("cp1250")


def checking_job(user=None, **fields):
    now = timezone.now()
    values = {
        "kind": "clusters",
        "file_name": "sprawdzany.csv",
        "file_hash": "0" * 64,
        "upload": b"Nazwa\nKlaster\n",
        "state": ImportJob.State.CHECKING,
        "rows_total": 1000,
        "rows_read": 250,
        "started_at": now - timedelta(seconds=10),
        "heartbeat_at": now,
        "user": user,
    }
    return ImportJob.objects.create(**values | fields)


def test_a_file_whose_later_rows_are_broken_is_accepted_at_once_and_failed_by_the_check(
    editor,
):
    # Row 3 has more cells than headers: found by the worker, which reads every row.
    data = "Nazwa;Miejscowość\nKlaster Jeden;Opole\nKlaster Dwa;Kielce;nadmiar\n".encode()
    response = upload(editor, data)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.admin_url()
    assert job.state == ImportJob.State.FAILED and job.upload is None
    assert job.message == "Wiersz 3 ma więcej komórek, niż jest nagłówków kolumn."
    page = editor.get(job.admin_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert job.message in page and 'http-equiv="refresh"' not in page
    assert 'id="confirm-import"' not in page
    assert not Cluster.objects.exists()


def test_a_file_with_headers_and_no_rows_is_refused_on_the_form(editor):
    response = upload(editor, "Nazwa;Miejscowość\n\n\n".encode())
    assert response.status_code == 200
    assert "no data rows" in " ".join(response.context["form"].errors["import_file"])
    assert not ImportJob.objects.exists()


def test_the_preview_keeps_only_json_and_shows_changes_against_the_registry(editor):
    Cluster.objects.create(name="Klaster Jeden", city="Radom")
    response = upload(editor, GOOD, follow=True)
    job = response.context["job"]
    assert job.preview == {
        "totals": {"new": 1, "update": 1, "skip": 0, "invalid": 0},
        "headers": ["Nazwa", "Miejscowość"],
        "rows": [
            {"type": "update", "cells": ["Klaster Jeden", "Radom → Opole"]},
            {"type": "new", "cells": ["Klaster Dwa", "Kielce"]},
        ],
        "errors": [],
    }
    page = response.content.decode()
    assert "New: 1, updated: 1, unchanged: 0, invalid: 0." in page
    assert "<td>Radom → Opole</td>" in page
    assert (job.previewed_new, job.previewed_updated, job.rows_total) == (1, 1, 2)


@override_settings(TASKS=DATABASE_TASKS)  # queued: nothing checks it in this test
def test_a_preview_still_being_checked_cannot_be_confirmed(editor):
    upload(editor, GOOD)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.CHECKING
    response = editor.post(PROCESS, {"import_file_name": job.token}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This import cannot be confirmed" in response.content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.CHECKING and not Cluster.objects.exists()


def test_another_editor_sees_the_preview_without_the_confirm_button(editor, client):
    job = upload(editor, GOOD, follow=True).context["job"]
    client.force_login(staff_in(EDITORS))
    page = client.get(job.admin_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New: 2, updated: 0" in page
    assert 'id="confirm-import"' not in page and job.token not in page


@time_machine.travel("2026-12-02 12:00:00 +00:00", tick=False)
def test_the_page_of_a_file_being_checked_shows_rows_read_and_refreshes(editor, editor_user):
    job = checking_job(editor_user)
    page = editor.get(job.admin_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Checking the file: 250 of 1000 rows read." in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "about 30 seconds" in page
    assert 'id="confirm-import"' not in page


def test_the_dashboard_lists_files_being_checked_as_running(editor, editor_user):
    checking_job(editor_user)
    page = editor.get(reverse("admin:index")).content.decode()
    running, _sep, _finished = page.partition('id="recent-imports"')
    assert "sprawdzany.csv" in running.partition('id="running-imports"')[2]
    assert "sprawdzanie pliku" in running


def test_a_check_whose_worker_died_is_failed_like_an_import(editor, editor_user):
    job = checking_job(editor_user, heartbeat_at=timezone.now() - STALE_AFTER * 2)
    page = editor.get(job.admin_url()).content.decode()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and job.upload is None
    assert "nie dał znaku życia" in job.message and job.message in page


@pytest.mark.parametrize("state", [ImportJob.State.CHECKING, ImportJob.State.RUNNING])
@override_settings(TASKS=DATABASE_TASKS)
def test_a_dead_workers_task_is_marked_failed_in_django_tasks_db(state):
    from django_tasks_db.models import DBTaskResult

    from transfer.tasks import run_import_job

    task_result = DBTaskResult.objects.get(id=run_import_job.enqueue(0).id)
    task_result.claim("killed-worker")  # as db_worker does before it runs the task
    other = DBTaskResult.objects.get(id=run_import_job.enqueue(0).id)
    other.claim("live-worker")
    job = checking_job(
        state=state,
        heartbeat_at=timezone.now() - STALE_AFTER * 2,
        task_result_id=str(task_result.id),
    )
    assert fail_stale_jobs() == 1
    job.refresh_from_db()
    task_result.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert task_result.status == "FAILED" and task_result.finished_at is not None
    assert task_result.exception_class_path == f"{WorkerLost.__module__}.WorkerLost"
    assert job.message in task_result.traceback
    other.refresh_from_db()
    assert other.status == "RUNNING"  # another job's task is left alone


def test_pages_sweep_for_dead_jobs_only_when_they_show_one(editor, editor_user, monkeypatch):
    sweeps = []

    def counted(now=None):
        sweeps.append(now)
        return fail_stale_jobs(now)

    monkeypatch.setattr(transfer_admin, "fail_stale_jobs", counted)
    monkeypatch.setattr(dashboard, "fail_stale_jobs", counted)
    live = checking_job(editor_user)
    editor.get(reverse("admin:index"))
    editor.get(live.admin_url())
    assert sweeps == []
    dead = checking_job(editor_user, heartbeat_at=timezone.now() - STALE_AFTER * 2)
    page = editor.get(reverse("admin:index")).content.decode()
    assert len(sweeps) == 1
    dead.refresh_from_db()
    assert dead.state == ImportJob.State.FAILED
    assert "nie dał znaku życia" in page.partition('id="recent-imports"')[2]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_a_check_runs_once_however_often_it_is_started(editor):
    upload(editor, GOOD)
    job = ImportJob.objects.get()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    checked_at = job.started_at
    assert job.state == ImportJob.State.PREVIEWED
    jobs.run_check(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED and job.started_at == checked_at


@override_settings(TASKS=DATABASE_TASKS)  # queued, and no worker takes it up
def test_an_upload_no_worker_checked_in_time_is_discarded_by_the_next_upload(editor):
    upload(editor, GOOD)
    waiting = ImportJob.objects.get()
    ImportJob.objects.update(created_at=timezone.now() - PREVIEW_KEPT_FOR - timedelta(minutes=1))
    being_checked = checking_job(created_at=timezone.now() - PREVIEW_KEPT_FOR * 2)
    upload(editor, b"Nazwa\nKlaster Inny\n")
    assert not ImportJob.objects.filter(pk=waiting.pk).exists()
    # A check under way is the heartbeat's to judge, not the clock's.
    assert ImportJob.objects.filter(pk=being_checked.pk).exists()
    assert ImportJob.objects.count() == 2
