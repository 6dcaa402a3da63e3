import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from transfer.service import FORMATS, export_file, kinds


class Command(BaseCommand):
    help = "Export every row of one kind as CSV (UTF-8 with BOM, semicolons) or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(kinds()))
        parser.add_argument("--output", type=Path, help="File to write; standard output if none.")
        parser.add_argument("--format", choices=list(FORMATS), default=None)

    def handle(self, *args, kind, output, format, **options):
        file_format = format or ("xlsx" if output and output.suffix == ".xlsx" else "csv")
        data = export_file(kind, file_format=file_format)
        if output:
            output.write_bytes(data)
        else:
            sys.stdout.buffer.write(data)
