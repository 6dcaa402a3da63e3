import sys
from pathlib import Path

from django.core import checks
from django.core.management.base import BaseCommand, CommandError

from transfer.jobs import queue_file
from transfer.service import import_file, kinds
from transfer.spreadsheets import ImportFileError


class Progress:
    """A one-line counter on a terminal; silent when output goes to a file."""

    def __init__(self, stream, enabled, every=250):
        self.stream, self.enabled, self.every, self.count = stream, enabled, every, 0

    def __call__(self):
        self.count += 1
        if self.enabled and self.count % self.every == 0:
            self.stream.write(f"\r{self.count} …")
            self.stream.flush()

    def done(self):
        if self.enabled and self.count >= self.every:
            self.stream.write("\r")


class Command(BaseCommand):
    help = (
        "Import a CSV or XLSX file of one kind (encoding and delimiter are detected). "
        "All or nothing: with one invalid row nothing is written."
    )
    # The URL and admin checks import every view and inspect every ModelAdmin (0.4 s,
    # a third of the command's start): an import serves no page, its models are checked.
    requires_system_checks = sorted(
        checks.registry.registry.tags_available() - {checks.Tags.urls, checks.Tags.admin}
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(kinds()))
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report, write nothing."
        )
        parser.add_argument(
            "--background",
            action="store_true",
            help="Queue the import for the worker (manage.py db_worker) and return at once; "
            "its progress shows in the admin.",
        )

    def handle(self, *args, kind, path, dry_run, background, **options):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        if background:
            if dry_run:
                raise CommandError("--background writes; check the file without it first.")
            job = queue_file(kind, path.name, data, source=f"import_csv {kind} {path.name}")
            self.stdout.write(
                f"{kind}: queued as import job {job.pk}; manage.py db_worker runs it."
            )
            return
        progress = Progress(sys.stderr, sys.stderr.isatty())
        try:
            report = import_file(
                kind,
                data,
                source=f"import_csv {kind} {path.name}",
                dry_run=dry_run,
                on_row=progress,
            )
        except ImportFileError as error:
            raise CommandError(f"{path}: {error}") from error
        progress.done()
        self.stdout.write(
            f"{kind}: {report.new} new, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.invalid} invalid"
        )
        if not report.accepted:
            for error in report.errors:
                self.stderr.write(f"{path.name}: {error}")
            raise CommandError(f"{path}: rejected, nothing was written.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
