"""An admin import kept between its preview and the background job that writes it."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: A preview not confirmed (or an upload not checked) within this time is discarded
#: with its upload.
PREVIEW_KEPT_FOR = timedelta(hours=8)
#: Finished jobs the dashboard lists.
RECENT_JOBS = 5
#: A running job whose worker gave no sign of life for this long is taken for dead
#: (the worker was killed): it is marked failed. Its worker writes a heartbeat every
#: PROGRESS_EVERY_SECONDS (transfer.jobs), so this is many missed beats.
STALE_AFTER = timedelta(minutes=5)


def new_token():
    return secrets.token_urlsafe(32)


class ImportJobQuerySet(models.QuerySet):
    def expired(self, now=None):
        """Previews never confirmed in time, and uploads no worker took up to check in
        that time: their uploads are discarded."""
        now = now or timezone.now()
        never_checked = models.Q(state=ImportJob.State.CHECKING, started_at=None)
        return self.filter(
            models.Q(state=ImportJob.State.PREVIEWED) | never_checked,
            created_at__lt=now - PREVIEW_KEPT_FOR,
        )

    def stale(self, now=None):
        """Jobs in a worker's hands whose worker has given no sign of life for STALE_AFTER."""
        now = now or timezone.now()
        return self.filter(state__in=ImportJob.WORKING, heartbeat_at__lt=now - STALE_AFTER)

    def unfinished(self):
        return self.filter(
            state__in=[ImportJob.State.CHECKING, ImportJob.State.QUEUED, ImportJob.State.RUNNING]
        )

    def finished(self):
        return self.filter(state__in=[ImportJob.State.DONE, ImportJob.State.FAILED])


class ImportJob(models.Model):
    """One uploaded file from its preview to its end, found by a token only its uploader holds.

    The upload lives here, in the database, so that any app server can confirm it and
    any worker can run it; it is removed when the job ends or the preview expires.
    The browser only ever sends the token back, never a file name.
    """

    class State(models.TextChoices):
        # Waiting for the worker to check the file (started_at None), then checking it.
        CHECKING = "checking", pgettext_lazy("import job", "checking the file")
        PREVIEWED = "previewed", pgettext_lazy("import job", "previewed, awaiting confirmation")
        QUEUED = "queued", pgettext_lazy("import job", "waiting for the worker")
        RUNNING = "running", pgettext_lazy("import job", "running")
        DONE = "done", pgettext_lazy("import job", "done")
        FAILED = "failed", pgettext_lazy("import job", "failed")

    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    # None: started by the import_csv command.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_jobs",
    )
    kind = models.CharField(_("kind"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=255)
    # SHA-256 of the upload: the token is good for this file only.
    file_hash = models.CharField(_("file hash"), max_length=64)
    upload = models.BinaryField(_("upload"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PREVIEWED
    )
    # The registry's data version the preview was checked against; None: no preview
    # (import_csv --background), so the job checks every row.
    previewed_version = models.PositiveBigIntegerField(
        _("data version at the preview"), null=True, blank=True
    )
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    rows_invalid = models.PositiveIntegerField(_("invalid rows"), default=0)
    previewed_new = models.PositiveIntegerField(_("new rows at the preview"), default=0)
    previewed_updated = models.PositiveIntegerField(_("changed rows at the preview"), default=0)
    revalidated = models.BooleanField(
        _("checked again"),
        default=False,
        help_text=_("The registry changed between the preview and the job."),
    )
    message = models.TextField(_("message"), blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    # What the check found, for the preview page: {"totals": {...}, "headers": [...],
    # "rows": [{"type", "cells"}] (the first PREVIEW_ROWS), "errors": [{"row", "column",
    # "value", "message"}]}. Plain JSON, never a pickle.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    # The django-tasks-db task running the job's current step (the check, then the
    # import): a worker found dead has its task marked failed too.
    task_result_id = models.CharField(_("task"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Written by the running worker every few seconds: a job whose beat stops is dead.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    #: States in which a worker holds the job and writes its heartbeat.
    WORKING = (State.CHECKING, State.RUNNING)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"], name="importjob_state_created")]

    def __str__(self):
        return f"{self.kind}: {self.file_name}"

    def admin_url(self):
        """The job's progress page, in the admin of the kind it imports."""
        from .service import kinds

        meta = kinds()[self.kind]._meta.model._meta
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_import_job", args=[self.pk])

    @property
    def finished(self):
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def waiting(self):
        """Not finished and not awaiting its uploader: the page follows it."""
        return self.state in (self.State.CHECKING, self.State.QUEUED, self.State.RUNNING)

    def is_stale(self, now=None):
        """As ImportJob.objects.stale() finds it, from the row already read."""
        now = now or timezone.now()
        return (
            self.state in self.WORKING
            and self.heartbeat_at is not None
            and self.heartbeat_at < now - STALE_AFTER
        )

    def seconds_left(self, now=None):
        """Estimated from the pace so far; None before the first rows are read."""
        if self.state not in self.WORKING or not self.rows_read or not self.started_at:
            return None
        elapsed = ((now or timezone.now()) - self.started_at).total_seconds()
        return round(elapsed / self.rows_read * max(self.rows_total - self.rows_read, 0))

    def percent_read(self):
        if not self.rows_total:
            return 100 if self.finished else 0
        return min(100, self.rows_read * 100 // self.rows_total)
