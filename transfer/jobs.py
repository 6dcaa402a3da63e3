"""Imports as background jobs: a preview kept under a token, confirmed, run by a worker.

The admin's preview keeps the upload in the database (ImportJob) under a random
token bound to the uploader, the kind and the file's hash; the confirmation
sends back only that token, and a job is queued for `manage.py db_worker`
(django-tasks-db), which any server sharing the database may run. The import
itself is the one engine's (transfer.service), all or nothing.
"""

import hashlib
import threading
from contextlib import contextmanager

from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


def keep_preview(user, kind, file_name, data, *, version, rows_total, new, updated):
    """Keep a previewed upload until it is confirmed; returns the job holding it.

    `version`: the data version read before the preview checked the file; while it
    stands, the job writes the rows without checking them again.
    """
    ImportJob.objects.expired().delete()
    digest = file_hash(data)
    # One preview of one file per user and kind: uploading it again replaces the first.
    ImportJob.objects.filter(
        user=user, kind=kind, file_hash=digest, state=ImportJob.State.PREVIEWED
    ).delete()
    return ImportJob.objects.create(
        user=user,
        kind=kind,
        file_name=file_name[:255],
        file_hash=digest,
        upload=data,
        source=f"admin import ({user.get_username()})",
        previewed_version=version,
        rows_total=rows_total,
        previewed_new=new,
        previewed_updated=updated,
    )


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
        job.save(update_fields=["state"])
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


def enqueue(job):
    from .tasks import run_import_job

    run_import_job.enqueue(job.pk)


def run_job(job_id):
    """Run a queued job once; its messages are kept in Polish, the site's language."""
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return  # run already, or by another worker
    job = ImportJob.objects.get(pk=job_id)
    with translation.override("pl"):
        try:
            _run(job)
        except Exception:
            _finish(job, ImportJob.State.FAILED, _("The import stopped on a server error."))
            raise


def _run(job):
    data = bytes(job.upload or b"")
    if file_hash(data) != job.file_hash:
        _finish(job, ImportJob.State.FAILED, _("The uploaded file is no longer available."))
        return
    progress = Progress(job)
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


def fail_stale_jobs(now=None):
    """Mark failed the running jobs whose worker died (killed, its server restarted).

    A live worker beats every PROGRESS_EVERY_SECONDS. On SQLite its import holds the
    database's write lock, so its beats cannot be written while it writes; but then
    neither can this, which is refused at once: a job is failed here only once no
    one is writing. Returns how many jobs were failed.
    """
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
        with _refused_while_another_writes():
            return stale.update(
                state=ImportJob.State.FAILED, message=message, upload=None, finished_at=now
            )
    except OperationalError:
        return 0  # SQLite: a writer holds the database, the running import is alive


@contextmanager
def _refused_while_another_writes():
    """SQLite: a write here fails at once when another connection writes, not after waiting."""
    if connection.vendor != "sqlite":
        yield
        return
    timeout = connection.settings_dict.get("OPTIONS", {}).get("timeout", 5)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


class Progress:
    """Counts the rows the engine reads; a thread writes them to the job, with a heartbeat.

    The import runs in one transaction, so its own connection's writes are seen by
    no one until the end: progress goes through a second connection, in autocommit,
    from a thread of its own, so that the heartbeat goes on while the import waits
    for another (a lock) or reads a large file. SQLite lets one connection write at
    a time; there the progress stops at the import's first write (the count is
    skipped, never waited for).
    """

    def __init__(self, job):
        self.job = job
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
                        ImportJob.State.RUNNING,
                    ],
                )
        except DatabaseError:
            pass  # progress is a courtesy: the import goes on without it

    def close(self):
        self.stopped.set()
        self.thread.join()
