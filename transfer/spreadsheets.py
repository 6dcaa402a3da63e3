"""Reading and writing the spreadsheets staff exchange with Excel.

Excel in Poland saves CSV with semicolons in Windows-1250, or as UTF-8 with
a byte-order mark; other tools use commas, tabs or ISO-8859-2. Reading
detects all of that (and XLSX) so staff never choose an encoding, and every
failure is a ImportFileError with a sentence a person can act on.
"""

import csv
import io
import re
import zipfile

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.text import squash_spaces, tidy

# Cells starting with these are formulae to a spreadsheet (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Exported such cells get this prefix, which Excel shows as text; import strips it.
FORMULA_ESCAPE = "'"
CSV_DELIMITERS = ";,\t"
_C1_CONTROLS = re.compile("[\x80-\x9f]")
POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


def max_bytes():
    return settings.IMPORT_MAX_BYTES


def max_rows():
    return settings.IMPORT_MAX_ROWS


def decode(data):
    """Text of `data`, in whichever of the encodings Polish spreadsheets use it is.

    UTF-8 (with or without a BOM) is unambiguous. Windows-1250 and ISO-8859-2
    both decode almost any bytes, so the one that yields more Polish letters
    wins: they differ exactly on ą, ś, ź, Ą, Ś, Ź.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("cp1250", "iso-8859-2"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Counted by the C loops of regex and str.count: files run to megabytes.
        controls = len(_C1_CONTROLS.findall(text))
        polish = sum(text.count(letter) for letter in POLISH_LETTERS)
        candidates.append((controls, -polish, encoding, text))
    if not candidates:
        raise ImportFileError(
            _("The file is not text in UTF-8, Windows-1250 or ISO-8859-2; save it as CSV or XLSX.")
        )
    return min(candidates)[3]


def sniff_delimiter(header_line):
    """The delimiter that splits the header into the most columns (ties: semicolon)."""
    counts = {delimiter: header_line.count(delimiter) for delimiter in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ";"


def unescape_formula(value):
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_ESCAPE)
        and value[1:2]
        and value[1] in FORMULA_PREFIXES
    ):
        return value[1:]
    return value


def escape_formula(value):
    """A leading apostrophe on a cell a spreadsheet would run as a formula (OWASP).

    The one escape of every export, staff files and open data alike.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return FORMULA_ESCAPE + value
    return value


def _clean_cell(value):
    if isinstance(value, str):
        return unescape_formula(tidy(value))
    return "" if value is None else value


def _dataset(headers, rows):
    headers = [squash_spaces(str(h or "")) for h in headers]
    if not any(headers):
        raise ImportFileError(_("The first row must hold the column headers; it is empty."))
    duplicates = sorted({h for h in headers if h and headers.count(h) > 1})
    if duplicates:
        raise ImportFileError(
            _("Column headers appear more than once: %(columns)s.")
            % {"columns": ", ".join(duplicates)}
        )
    dataset = tablib.Dataset(headers=headers)
    limit = max_rows()
    for number, row in enumerate(rows, start=2):
        if len(dataset) >= limit:
            raise ImportFileError(
                ngettext(
                    "The file has more than %(limit)d row; split it into smaller files.",
                    "The file has more than %(limit)d rows; split it into smaller files.",
                    limit,
                )
                % {"limit": limit}
            )
        row = [_clean_cell(cell) for cell in row]
        if not any(cell not in ("", None) for cell in row):
            continue  # blank lines Excel leaves at the end
        if len(row) > len(headers):
            if any(row[len(headers) :]):
                raise ImportFileError(
                    _("Row %(row)d has more cells than there are column headers.") % {"row": number}
                )
            row = row[: len(headers)]
        dataset.append(row + [""] * (len(headers) - len(row)))
    if not len(dataset):
        raise ImportFileError(_("The file has column headers but no data rows."))
    return dataset


def _read_xlsx(data):
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(_("The file looks like XLSX but cannot be opened.")) from error
    rows = book.active.iter_rows(values_only=True)
    try:
        headers = next(rows)
    except StopIteration:
        raise ImportFileError(_("The spreadsheet is empty.")) from None
    return _dataset(headers, rows)


def _read_csv(data):
    if b"\x00" in data:
        raise ImportFileError(
            _("The file contains binary data (NUL bytes); save it as CSV or XLSX.")
        )
    text = decode(data)
    header_line = text.split("\n", 1)[0]
    if len(header_line) > 10_000:
        raise ImportFileError(_("The first line is too long to be a row of column headers."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(header_line))
    try:
        headers = next(reader)
        return _dataset(headers, reader)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not valid CSV: %(error)s.") % {"error": error}
        ) from error


def read_table(data):
    """A tablib.Dataset from the bytes of a CSV or XLSX file, headers in the first row."""
    if len(data) > max_bytes():
        raise ImportFileError(
            _("The file is larger than %(limit)s MB.") % {"limit": f"{max_bytes() / 1_000_000:g}"}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    return _read_csv(data)


def write_csv(dataset):
    """UTF-8 with a BOM (so Excel reads Polish letters) and semicolons (Excel's in Poland)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(dataset.headers)
    for row in dataset:
        writer.writerow([escape_formula(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(dataset):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(dataset.headers))
    for row in dataset:
        # An escaped string is written as text, never as a formula.
        sheet.append([escape_formula(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
