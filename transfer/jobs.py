"""Imports as background jobs: a preview kept under a token, confirmed, run by a worker.

The admin's preview keeps the upload in the database (ImportJob) under a random
token bound to the uploader, the kind and the file's hash; the confirmation
sends back only that token, and a job is queued for `manage.py db_worker`
(django-tasks-db), which any server sharing the database may run. The import
itself is the one engine's (transfer.service), all or nothing.
"""

import hashlib
import time

from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.pagecache import data_version

from .models import ImportJob
from .service import check_headers, import_dataset, resource_for
from .spreadsheets import ImportFileError, read_table

#: Shown with a failed job: more would not help anyone correct the file.
ERRORS_KEPT = 100
#: How often a running job reports its progress.
PROGRESS_EVERY_SECONDS = 0.5


class JobRefused(Exception):
    """A confirmation that names no preview of this user and kind waiting to be confirmed."""


def file_hash(data):
    return hashlib.sha256(data).hexdigest()


def keep_preview(user, kind, file_name, data, *, rows_total, new, updated):
    """Keep a previewed upload until it is confirmed; returns the job holding it."""
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
        previewed_version=data_version(),
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
        previewed_version=data_version(),
    )
    enqueue(job)
    return job


def enqueue(job):
    from .tasks import run_import_job

    run_import_job.enqueue(job.pk)


def run_job(job_id):
    """Run a queued job once; its messages are kept in Polish, the site's language."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.QUEUED).update(
        state=ImportJob.State.RUNNING, started_at=timezone.now()
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
    job.revalidated = data_version() != job.previewed_version
    progress = Progress(job)
    try:
        resource = resource_for(job.kind, user=job.user, source=job.source, on_row=progress)
        progress.resource = resource
        dataset = read_table(data)
        check_headers(resource, dataset.headers)
        job.rows_total = len(dataset)
        ImportJob.objects.filter(pk=job.pk).update(
            rows_total=job.rows_total, revalidated=job.revalidated
        )
        report = import_dataset(resource, dataset)
    except ImportFileError as error:
        _finish(job, ImportJob.State.FAILED, str(error))
        return
    finally:
        progress.close()
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
    job.finished_at = timezone.now()
    job.save()


class Progress:
    """Counts the rows the engine reads and writes them to the job as it goes.

    The import runs in one transaction, so its own connection's writes are seen by
    no one until the end: progress goes through a second connection, in autocommit.
    SQLite lets one connection write at a time; there the progress stops at the
    first written batch (the count is skipped, never waited for).
    """

    def __init__(self, job):
        self.job = job
        self.resource = None
        self.rows = 0
        self.last = 0.0
        self.connection = connection.copy()
        if self.connection.vendor == "sqlite":
            self.connection.settings_dict["OPTIONS"] = {
                **self.connection.settings_dict.get("OPTIONS", {}),
                "timeout": 0.01,
            }

    def __call__(self):
        self.rows += 1
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            self.write()

    def write(self):
        engine = getattr(self.resource, "engine", None)
        invalid = len(engine.errors) if engine else 0
        written = 0
        if engine is not None and not engine.dry_run:
            totals = engine.result.totals
            written = totals["new"] + totals["update"] - len(engine.pending)
        table = self.connection.ops.quote_name(ImportJob._meta.db_table)
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET rows_read = %s, rows_written = %s, rows_invalid = %s "
                    "WHERE id = %s",
                    [self.rows, max(written, 0), invalid, self.job.pk],
                )
        except DatabaseError:
            pass  # progress is a courtesy: the import goes on without it

    def close(self):
        self.connection.close()
