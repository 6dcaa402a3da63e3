"""Reading and writing the spreadsheets staff exchange with Excel.

Excel in Poland saves CSV with semicolons in Windows-1250, or as UTF-8 with
a byte-order mark; other tools use commas, tabs or ISO-8859-2. Reading
detects all of that (and XLSX) so staff never choose an encoding, and every
failure is a ImportFileError with a sentence a person can act on.
"""

import csv
import datetime
import io
import re
import zipfile
from xml.etree.ElementTree import ParseError

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
# The UTF-8 bytes of the Polish letters: in a file that is not UTF-8 as a whole they
# mean rows saved by different programs, and decoding them as Windows-1250 would
# import "Klaster ĹšlÄ…ski".
_UTF8_POLISH = re.compile(b"|".join(re.escape(letter.encode()) for letter in POLISH_LETTERS))
# Excel's own limit on the characters of a cell.
MAX_CELL_CHARACTERS = 32_767
# What one data row may take of the cell bound below, on average: the widest kind of
# file has about 30 columns.
CELLS_PER_ROW = 50


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


def max_bytes():
    return settings.IMPORT_MAX_BYTES


def max_rows():
    return settings.IMPORT_MAX_ROWS


def max_unzipped_bytes():
    """What one part of an XLSX file may expand to: its XML is wordier than a CSV."""
    return 2 * max_bytes()


def max_cells():
    """Cells read, blank ones included: a row of a sheet may declare 16 384 of them."""
    return CELLS_PER_ROW * max_rows()


def max_characters():
    """The text of all cells: no more than a CSV file of the size limit could hold."""
    return max_bytes()


def _too_large():
    return ImportFileError(
        _("The file holds more than a file of %(limit)s MB may; split it into smaller files.")
        % {"limit": f"{max_bytes() / 1_000_000:g}"}
    )


def decode(data):
    """Text of `data`, in whichever of the encodings Polish spreadsheets use it is.

    UTF-8 (with or without a BOM) is unambiguous. Windows-1250 and ISO-8859-2
    both decode almost any bytes, so the one that yields more Polish letters
    wins: they differ exactly on ą, ś, ź, Ą, Ś, Ź.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise ImportFileError(
                _(
                    "The file begins as UTF-8 but is not valid UTF-8 throughout; "
                    "save it again as CSV UTF-8."
                )
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _UTF8_POLISH.search(data)
    if mixed:
        raise ImportFileError(
            _(
                "Row %(row)d is saved in UTF-8 and other rows in another encoding; "
                "save the whole file again as CSV UTF-8."
            )
            % {"row": data.count(b"\n", 0, mixed.start()) + 1}
        )
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


def _bounded(numbered_rows):
    """(number, row) pairs as they come, refused once they hold more than a file may.

    Cells and characters are counted before any cell is cleaned: a bomb costs no more
    than reading up to the bound.
    """
    cells = characters = 0
    cell_limit, character_limit = max_cells(), max_characters()
    for number, row in numbered_rows:
        cells += len(row) or 1  # an empty row still costs a step
        if cells > cell_limit:
            raise _too_large()
        for cell in row:
            if isinstance(cell, str):
                if len(cell) > MAX_CELL_CHARACTERS:
                    raise ImportFileError(
                        _("Row %(row)d has a cell longer than %(limit)d characters.")
                        % {"row": number, "limit": MAX_CELL_CHARACTERS}
                    )
                characters += len(cell)
        if characters > character_limit:
            raise _too_large()
        yield number, row


def _dataset(numbered_rows, head_only=False):
    """A tablib.Dataset of (row number, cells) pairs, the first holding the headers.

    `head_only`: only the headers and the first data row are read (the dataset holds it).
    """
    try:
        _number, headers = next(numbered_rows)
    except StopIteration:
        raise ImportFileError(_("The file is empty.")) from None
    headers = list(headers)
    while headers and headers[-1] in ("", None):
        headers.pop()  # the blank cells a sheet declares after the last header
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
    width = len(headers)
    for number, row in numbered_rows:
        if any(cell not in ("", None) for cell in row[width:]):
            raise ImportFileError(
                _("Row %(row)d has more cells than there are column headers.") % {"row": number}
            )
        row = [_clean_cell(cell) for cell in row[:width]]
        if not any(cell not in ("", None) for cell in row):
            continue  # blank lines Excel leaves at the end: not data rows
        if len(dataset) >= limit:
            raise ImportFileError(
                ngettext(
                    "The file has more than %(limit)d row; split it into smaller files.",
                    "The file has more than %(limit)d rows; split it into smaller files.",
                    limit,
                )
                % {"limit": limit}
            )
        dataset.append(row + [""] * (width - len(row)))
        if head_only:
            break
    if not len(dataset):
        raise ImportFileError(_("The file has column headers but no data rows."))
    return dataset


# What openpyxl and the zip and XML readers under it raise on a broken part: a bad
# number or date in a cell, an XML error or entity limit, a damaged member.
BROKEN_XLSX = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    LookupError,  # a missing member (KeyError), a shared string's index past the table
    OSError,
    EOFError,
    ValueError,
    TypeError,
    ArithmeticError,
    ParseError,
)


def _check_zip_members(data):
    """Refuse an XLSX whose parts expand beyond the bound, before any is read.

    zipfile never inflates a member beyond the size its directory declares (it stops
    there and fails the checksum), so the declared sizes bound the work.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    if any(member.file_size > max_unzipped_bytes() for member in members):
        raise _too_large()
    if sum(member.file_size for member in members) > 4 * max_unzipped_bytes():
        raise _too_large()


def _sheet_rows(book):
    """(row number, values) of the rows the active sheet holds, and only those.

    openpyxl's own iter_rows() pads each row to the declared dimension and yields
    every row missing between two (A1:XFD1048576 with one cell in the last row: 17
    billion cells); its parser, which iter_rows() itself reads, yields what is there.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    sheet = book.active
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            values = [None] * max((cell["column"] for cell in cells), default=0)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield number, values


def _read_xlsx(data, head_only):
    import openpyxl

    try:
        _check_zip_members(data)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return _dataset(_bounded(_sheet_rows(book)), head_only)
    except BROKEN_XLSX as error:
        raise ImportFileError(_("The file looks like XLSX but cannot be opened.")) from error


def _read_csv(data, head_only):
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
        return _dataset(_bounded(enumerate(reader, start=1)), head_only)
    except csv.Error as error:
        raise ImportFileError(
            _("The file is not valid CSV: %(error)s.") % {"error": error}
        ) from error


def read_table(data, head_only=False):
    """A tablib.Dataset from the bytes of a CSV or XLSX file, headers in the first row.

    `head_only`: the file's size, format, encoding, headers and first data row are
    checked, and the rest is not read (about a second for the largest CSV file, a few
    for an XLSX one: the admin's upload waits for this, the worker reads the rest).
    """
    if len(data) > max_bytes():
        raise ImportFileError(
            _("The file is larger than %(limit)s MB.") % {"limit": f"{max_bytes() / 1_000_000:g}"}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, head_only)
    return _read_csv(data, head_only)


def write_csv(dataset):
    """UTF-8 with a BOM (so Excel reads Polish letters) and semicolons (Excel's in Poland)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(dataset.headers)
    for row in dataset:
        writer.writerow([escape_formula(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


XLSX_DATE_FORMAT = "DD.MM.YYYY"


def write_xlsx(dataset):
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()

    def cell(value):
        # An escaped string is written as text, never as a formula.
        value = escape_formula(value)
        if not isinstance(value, datetime.date):
            return value
        # Dates read as the site and the admin write them (dd.mm.rrrr), not Excel's default.
        written = WriteOnlyCell(sheet, value)
        written.number_format = XLSX_DATE_FORMAT
        return written

    sheet.append(list(dataset.headers))
    for row in dataset:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
