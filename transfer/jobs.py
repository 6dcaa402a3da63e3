"""Imports as background jobs: checked by a worker, previewed, confirmed, run by a worker.

The admin's upload is kept in the database (ImportJob) under a random token bound
to the uploader, the kind and the file's hash, and checked (a dry run) by
`manage.py db_worker` (django-tasks-db), which any server sharing the database may
run: no request waits for a large file's rows. The preview is kept on the job as
JSON; the confirmation sends back only the token, and the import is queued for
the worker. The import itself is the one engine's (transfer.service), all or nothing.
"""

import hashlib
import threading
import uuid

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from core.pagecache import data_version
from core.writes import refused_while_another_writes

from .engine import PREVIEW_ROWS, RowError
from .models import STALE_AFTER, ImportJob
from .service import check_headers, import_dataset, resource_for
from .spreadsheets import ImportFileError, read_table

#: Shown with a failed job: more would not help anyone correct the file.
ERRORS_KEPT = 100
#: How often a running job writes its progress and its heartbeat.
PROGRESS_EVERY_SECONDS = 0.5


class JobRefused(Exception):
    """A confirmation that names no preview of this user and kind waiting to be confirmed."""


def file_hash(data):
    return hashlib.sha256(data).hexdigest()


def check_upload(user, kind, file_name, data):
    """Keep an upload whose headers were read and queue its check; returns its job.

    The worker's dry run (run_check) makes the job's preview, to be confirmed.
    """
    ImportJob.objects.expired().delete()
    digest = file_hash(data)
    # One preview of one file per user and kind: uploading it again replaces the first.
    ImportJob.objects.filter(
        user=user, kind=kind, file_hash=digest, state=ImportJob.State.PREVIEWED
    ).delete()
    job = ImportJob.objects.create(
        user=user,
        kind=kind,
        file_name=file_name[:255],
        file_hash=digest,
        upload=data,
        source=f"admin import ({user.get_username()})",
        state=ImportJob.State.CHECKING,
    )
    enqueue(job, check=True)
    return job


def run_check(job_id, task_result_id=""):
    """Check a kept upload once (a dry run) and keep its preview; messages in Polish."""
    # A check keeps the state CHECKING: its start tells a claimed one from a waiting one.
    _claim_and_run(
        job_id,
        task_result_id,
        Q(state=ImportJob.State.CHECKING, started_at=None),
        _check,
        failure=_lazy("The check stopped on a server error."),
    )


def _check(job):
    data = bytes(job.upload or b"")
    # Read before the rows are checked: a change made while they are is seen by the job.
    version = data_version()
    progress = Progress(job, ImportJob.State.CHECKING)
    try:
        resource = resource_for(job.kind, user=job.user, source=job.source, on_row=progress)
        progress.resource = resource
        dataset = read_table(data)
        check_headers(resource, dataset.headers)
        job.rows_total = len(dataset)
        ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
        result = resource.import_data(
            dataset,
            dry_run=True,
            raise_errors=False,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
    except ImportFileError as error:
        _finish(job, ImportJob.State.FAILED, str(error))
        return
    finally:
        progress.close()
    totals = result.totals
    errors = result.spreadsheet_errors + [
        RowError(None, "", "", str(error.error)) for error in result.base_errors
    ]
    job.rows_read = len(dataset)
    job.rows_invalid = totals["invalid"] + totals["error"]
    job.preview = {
        "totals": {key: totals[key] for key in ("new", "update", "skip", "invalid")},
        "headers": list(result.diff_headers),
        "rows": [
            {"type": row.import_type, "cells": [_cell(value) for value in row.diff]}
            for row in result.valid_rows()[:PREVIEW_ROWS]
        ],
        "errors": [
            {"row": e.row, "column": e.column, "value": e.value, "message": e.message}
            for e in errors[:ERRORS_KEPT]
        ],
    }
    if errors:
        _finish(job, ImportJob.State.FAILED, _("The file was not imported: nothing was written."))
        return
    job.state = ImportJob.State.PREVIEWED
    job.previewed_version = version
    job.previewed_new = totals["new"]
    job.previewed_updated = totals["update"]
    # The upload stays for the confirmation; a preview expires PREVIEW_KEPT_FOR after it.
    job.created_at = job.heartbeat_at = timezone.now()
    job.save()


def _cell(value):
    """A preview cell as JSON keeps it: what the page shows."""
    return "" if value is None else str(value)


def confirm_preview(token, user, kind):
    """Queue the job of `user`'s preview of `kind` under `token`; raises JobRefused.

    A token is good once: a replayed confirmation, another user's token, another
    kind's or an expired one are refused alike, and nothing says which.
    """
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update()
            .filter(token=token, user=user, kind=kind, state=ImportJob.State.PREVIEWED)
            .exclude(pk__in=ImportJob.objects.expired().values("pk"))
            .first()
        )
        if job is None or job.upload is None or file_hash(bytes(job.upload)) != job.file_hash:
            raise JobRefused(
                _(
                    "This import cannot be confirmed: it was already confirmed, it expired, "
                    "or it is not yours. Upload the file again."
                )
            )
        job.state = ImportJob.State.QUEUED
        job.rows_read = 0  # the check's count: the import counts its own
        job.save(update_fields=["state", "rows_read"])
    enqueue(job)
    return job


def queue_file(kind, file_name, data, *, source):
    """Queue a file without an admin preview (`import_csv --background`)."""
    resource_for(kind)  # an unknown kind is refused here, not in the worker
    job = ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:255],
        file_hash=file_hash(data),
        upload=data,
        source=source,
        state=ImportJob.State.QUEUED,
    )
    enqueue(job)
    return job


def enqueue(job, check=False):
    """Queue the job's check or its import for the worker."""
    from .tasks import check_import_job, run_import_job

    (check_import_job if check else run_import_job).enqueue(job.pk)


def run_job(job_id, task_result_id=""):
    """Run a queued job once; its messages are kept in Polish, the site's language."""
    _claim_and_run(
        job_id,
        task_result_id,
        Q(state=ImportJob.State.QUEUED),
        _run,
        failure=_lazy("The import stopped on a server error."),
        state=ImportJob.State.RUNNING,
    )


def _claim_and_run(job_id, task_result_id, waiting, work, *, failure, **claimed):
    """`work(job)` in Polish, once: only for the worker whose update claims the job
    while it is `waiting`, writing `claimed` with the start. An unexpected error fails
    the job with `failure` and is raised again, for the task's own record."""
    now = timezone.now()
    taken = ImportJob.objects.filter(waiting, pk=job_id).update(
        started_at=now, heartbeat_at=now, task_result_id=task_result_id, **claimed
    )
    if not taken:
        return  # done already, or by another worker
    job = ImportJob.objects.get(pk=job_id)
    with translation.override("pl"):
        try:
            work(job)
        except Exception:
            _finish(job, ImportJob.State.FAILED, str(failure))
            raise


def _run(job):
    data = bytes(job.upload or b"")
    if file_hash(data) != job.file_hash:
        _finish(job, ImportJob.State.FAILED, _("The uploaded file is no longer available."))
        return
    progress = Progress(job, ImportJob.State.RUNNING)
    try:
        resource = resource_for(job.kind, user=job.user, source=job.source, on_row=progress)
        progress.resource = resource
        dataset = read_table(data)
        check_headers(resource, dataset.headers)
        job.rows_total = len(dataset)
        ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
        report = import_dataset(resource, dataset, checked_at_version=job.previewed_version)
    except ImportFileError as error:
        _finish(job, ImportJob.State.FAILED, str(error))
        return
    finally:
        progress.close()
    # Checked again: the registry changed after the preview (or there was none).
    job.revalidated = job.previewed_version is not None and resource.engine.validating
    job.rows_read = report.new + report.updated + report.unchanged + report.invalid
    job.rows_invalid = report.invalid
    if not report.accepted:
        job.errors = [str(error) for error in report.errors[:ERRORS_KEPT]]
        _finish(job, ImportJob.State.FAILED, _("The file was not imported: nothing was written."))
        return
    job.rows_written = report.new + report.updated
    message = _("New: %(new)d, updated: %(updated)d, unchanged: %(unchanged)d.") % {
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }
    if job.revalidated:
        message += " " + _("The registry changed after the preview, so the file was checked again.")
    _finish(job, ImportJob.State.DONE, message)


def _finish(job, state, message):
    job.state = state
    job.message = message
    job.upload = None  # the upload goes with the job's end, whatever the end
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save()


class WorkerLost(Exception):
    """What django-tasks-db records for the task of a job whose worker died."""


def fail_stale_jobs(now=None):
    """Mark failed the jobs in a worker's hands whose worker died (killed, its server
    restarted), with the worker's own task in django-tasks-db, which would stay running.

    A live worker beats every PROGRESS_EVERY_SECONDS. On SQLite its import holds the
    database's write lock, so its beats cannot be written while it writes; but then
    neither can this, which is refused at once: a job is failed here only once no
    one is writing. Returns how many jobs were failed.
    """
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stale = ImportJob.objects.stale(now)
    if not stale.exists():  # a read: never waits for a writer
        return 0
    minutes = round(STALE_AFTER.total_seconds() / 60)
    with translation.override("pl"):
        message = ngettext(
            "The import was interrupted: its worker gave no sign of life for %(minutes)d "
            "minute (it was stopped, or its server restarted). An import is all or "
            "nothing, so nothing was written; upload the file again.",
            "The import was interrupted: its worker gave no sign of life for %(minutes)d "
            "minutes (it was stopped, or its server restarted). An import is all or "
            "nothing, so nothing was written; upload the file again.",
            minutes,
        ) % {"minutes": minutes}
    try:
        with refused_while_another_writes(), transaction.atomic():
            # Locked: a beat that comes now finds the job failed, not the other way round.
            found = dict(stale.select_for_update().values_list("pk", "task_result_id"))
            ImportJob.objects.filter(pk__in=found).update(
                state=ImportJob.State.FAILED, message=message, upload=None, finished_at=now
            )
            tasks = [task for task in found.values() if is_uuid(task)]  # django-tasks-db's
            for task_result in DBTaskResult.objects.running().filter(id__in=tasks):
                task_result.set_failed(WorkerLost(message))
            return len(found)
    except OperationalError:
        return 0  # SQLite: a writer holds the database, the running import is alive


def is_uuid(text):
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


class Progress:
    """Counts the rows the engine reads; a thread writes them to the job, with a heartbeat.

    The import runs in one transaction, so its own connection's writes are seen by
    no one until the end: progress goes through a second connection, in autocommit,
    from a thread of its own, so that the heartbeat goes on while the import waits
    for another (a lock) or reads a large file. SQLite lets one connection write at
    a time; there the progress stops at the import's first write (the count is
    skipped, never waited for).
    """

    def __init__(self, job, state):
        self.job = job
        self.state = state  # written only while the job is still in it
        self.resource = None
        self.rows = 0
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.beat, name=f"import-job-{job.pk}", daemon=True)
        self.thread.start()

    def __call__(self):
        self.rows += 1

    def beat(self):
        side = connection.copy()
        if side.vendor == "sqlite":
            side.settings_dict["OPTIONS"] = {
                **side.settings_dict.get("OPTIONS", {}),
                "timeout": 0.01,
            }
        try:
            while not self.stopped.wait(PROGRESS_EVERY_SECONDS):
                self.write(side)
        finally:
            side.close()

    def write(self, side):
        engine = getattr(self.resource, "engine", None)
        invalid = len(engine.errors) if engine else 0
        written = 0
        if engine is not None and not engine.dry_run:
            totals = engine.result.totals
            written = totals["new"] + totals["update"] - len(engine.pending)
        table = side.ops.quote_name(ImportJob._meta.db_table)
        try:
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET rows_read = %s, rows_written = %s, rows_invalid = %s, "
                    "heartbeat_at = %s WHERE id = %s AND state = %s",
                    [
                        self.rows,
                        max(written, 0),
                        invalid,
                        side.ops.adapt_datetimefield_value(timezone.now()),
                        self.job.pk,
                        self.state,
                    ],
                )
        except DatabaseError:
            pass  # progress is a courtesy: the import goes on without it

    def close(self):
        self.stopped.set()
        self.thread.join()
