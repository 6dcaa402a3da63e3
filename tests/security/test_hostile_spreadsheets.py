"""Spreadsheets built to exhaust the server or break its readers.

Each is refused with a sentence (or its bad cells are row errors), writes nothing,
never answers 500, and costs a bounded time and memory whatever it declares.
"""

import io
import time
import tracemalloc
import zipfile

import pytest
import tablib
from django.utils import translation
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from clusters import models as cm
from tests.security.test_uploads import HEADER, assert_refused, state, upload
from transfer.service import import_file
from transfer.spreadsheets import ImportFileError, read_table, write_xlsx

# Messages are matched in English; test_the_refusals_are_polish_sentences checks Polish.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx(sheet_data, dimension="", shared_strings=None, doctype=""):
    """A real XLSX whose sheet holds `sheet_data` (the XML of its rows) as given."""
    base = zipfile.ZipFile(io.BytesIO(write_xlsx(tablib.Dataset(headers=["Nazwa"]))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for member in base.infolist():
            data = base.read(member)
            if member.filename == SHEET:
                dimension_xml = f'<dimension ref="{dimension}"/>' if dimension else ""
                data = (
                    f'<?xml version="1.0"?>{doctype}<worksheet xmlns="{MAIN}">{dimension_xml}'
                    f"<sheetData>{sheet_data}</sheetData></worksheet>"
                ).encode()
            if member.filename == "[Content_Types].xml" and shared_strings is not None:
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                    b"</Types>",
                )
            out.writestr(member.filename, data)
        if shared_strings is not None:
            items = "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
            out.writestr(STRINGS, f'<sst xmlns="{MAIN}">{items}</sst>')
    return buffer.getvalue()


def header_row(*names):
    cells = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(names)
    )
    return f'<row r="1">{cells}</row>'


def text_cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def cost(function, *args):
    """Seconds and peak traced megabytes of `function(*args)`, whatever it raises.

    Tracing memory slows Python several times: the bounds allow for it and a busy CI.
    """
    tracemalloc.start()
    start = time.perf_counter()
    try:
        function(*args)
    except ImportFileError:
        pass
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1_000_000
        tracemalloc.stop()
    return seconds, peak


def test_a_shared_string_expanding_beyond_the_bound_is_refused_before_it_is_read(settings):
    settings.IMPORT_MAX_BYTES = 1_000_000
    bomb = xlsx(
        header_row("Nazwa") + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>',
        shared_strings=["A" * 5_000_000],
    )
    assert len(bomb) < 50_000
    with pytest.raises(ImportFileError, match="more than a file of 1 MB"):
        read_table(bomb)
    seconds, megabytes = cost(read_table, bomb)
    assert megabytes < 5


def test_one_cell_in_the_last_row_of_a_declared_full_sheet_costs_no_more_than_a_second():
    # A1:XFD1048576 once meant 17 billion padded cells: twenty minutes of CPU.
    last = text_cell("A1048576", "Klaster Ostatni")
    data = xlsx(header_row("Nazwa") + f'<row r="1048576">{last}</row>', "A1:XFD1048576")
    assert len(data) < 10_000
    seconds, megabytes = cost(read_table, data)
    assert seconds < 3 and megabytes < 20
    assert list(read_table(data)) == [("Klaster Ostatni",)]


def test_a_declared_width_pads_no_row():
    rows = "".join(f'<row r="{n}">{text_cell(f"A{n}", "Klaster")}</row>' for n in range(2, 10_002))
    data = xlsx(header_row("Nazwa") + rows, "A1:XFD10001")
    seconds, megabytes = cost(read_table, data)
    assert megabytes < 30
    assert read_table(data).width == 1


def test_rows_reaching_the_last_column_are_refused_at_the_cell_bound(settings):
    settings.IMPORT_MAX_ROWS = 100  # 5 000 cells
    rows = "".join(f'<row r="{n}"><c r="XFD{n}"/></row>' for n in range(2, 2_000))
    seconds, megabytes = cost(read_table, xlsx(header_row("Nazwa") + rows))
    with pytest.raises(ImportFileError, match="more than a file of"):
        read_table(xlsx(header_row("Nazwa") + rows))
    assert seconds < 3 and megabytes < 20


def test_a_cell_beyond_the_headers_is_refused_wherever_it_is():
    row = f'<row r="2">{text_cell("A2", "Klaster")}{text_cell("XFD2", "ukryte")}</row>'
    with pytest.raises(ImportFileError, match="Row 2 has more cells than there are column"):
        read_table(xlsx(header_row("Nazwa") + row))


def test_text_repeated_from_one_shared_string_is_bounded_by_its_characters(settings):
    settings.IMPORT_MAX_BYTES = 1_000_000
    rows = "".join(f'<row r="{n}"><c r="A{n}" t="s"><v>0</v></c></row>' for n in range(2, 200))
    data = xlsx(header_row("Nazwa") + rows, shared_strings=["Ż" * 30_000])
    with pytest.raises(ImportFileError, match="more than a file of 1 MB"):
        read_table(data)


def test_a_cell_longer_than_excel_allows_is_refused():
    data = xlsx(header_row("Nazwa") + f'<row r="2">{text_cell("A2", "A" * 40_000)}</row>')
    with pytest.raises(ImportFileError, match="Row 2 has a cell longer than 32767 characters"):
        read_table(data)


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="A2" t="n"><v>NaN</v></c>',
        '<c r="A2" t="d"><v>2024-13-45T99:00:00</v></c>',
        '<c r="A2" t="n"><v>1' + "0" * 5_000 + "</v></c>",
        '<c r="A2"><v>&amp;broken</v></c><c',
    ],
    ids=["nan", "bad-date", "5000-digits", "bad-xml"],
)
def test_a_broken_part_is_refused_with_the_registrys_own_message(cell):
    with pytest.raises(ImportFileError, match="looks like XLSX but cannot be opened"):
        read_table(xlsx(header_row("Nazwa") + f'<row r="2">{cell}</row>'))


def test_an_entity_expansion_is_refused_with_the_registrys_own_message():
    entities = '<!ENTITY a0 "AAAAAAAAAAAAAAAAAAAA">' + "".join(
        f'<!ENTITY a{n} "{f"&a{n - 1};" * 20}">' for n in range(1, 8)
    )
    data = xlsx(
        header_row("Nazwa") + f'<row r="2">{text_cell("A2", "&a7;")}</row>',
        doctype=f"<!DOCTYPE worksheet [{entities}]>",
    )
    seconds, megabytes = cost(read_table, data)
    with pytest.raises(ImportFileError, match="looks like XLSX but cannot be opened"):
        read_table(data)
    assert seconds < 3 and megabytes < 50


HOSTILE_NUMBERS = ["inf", "-Infinity", "NaN", "sNaN", "1e400", "1e1000000", "1" * 4_000]


@pytest.mark.parametrize("number", HOSTILE_NUMBERS)
def test_a_hostile_number_in_a_year_column_is_a_row_error_costing_milliseconds(number):
    data = f"Nazwa;Rok założenia\nKlaster Liczb;{number}\n".encode()
    start = time.perf_counter()
    report = import_file("clusters", data)
    assert time.perf_counter() - start < 1
    assert report.invalid == 1 and report.errors
    assert not cm.Cluster.objects.exists()


@pytest.mark.parametrize("number", ["1e400", "-1e400", "1e1000000", "1E+308", "1e-400"])
def test_a_hostile_xlsx_number_is_a_row_error_not_a_500(editor, number):
    before = state()
    data = xlsx(
        header_row("Nazwa", "Rok założenia")
        + f'<row r="2">{text_cell("A2", "Klaster Liczb")}<c r="B2" t="n"><v>{number}</v></c></row>'
    )
    start = time.perf_counter()
    response = upload(editor, "klastry.xlsx", data, XLSX_TYPE, follow=True)
    assert time.perf_counter() - start < 2
    assert response.status_code == 200
    # Refused on the form, or by the worker's check on the job's page (its error table).
    assert "Rok założenia" in response.content.decode() or response.context["form"].errors
    assert state() == before


def test_a_csv_mixing_utf8_and_windows_1250_rows_is_refused_not_garbled(editor):
    data = (
        "Nazwa;Miejscowość\n".encode("cp1250")
        + "Klaster Łódzki;Łódź\n".encode("cp1250")
        + "Klaster Śląski;Katowice\n".encode()
    )
    with pytest.raises(ImportFileError, match="Row 3 is saved in UTF-8"):
        read_table(data)
    message = assert_refused(upload(editor, "klastry.csv", data, "text/csv"), state())
    assert "UTF-8" in message


def test_the_row_limit_counts_data_rows_not_the_blank_rows_excel_leaves(settings):
    settings.IMPORT_MAX_ROWS = 3
    assert len(read_table(b"Nazwa;Miasto\nA;x\nB;y\nC;z\n;\n;\n;;\n\n")) == 3
    blank_styled = "".join(f'<row r="{n}"><c r="A{n}" s="1"/></row>' for n in range(5, 100))
    rows = "".join(f'<row r="{n}">{text_cell(f"A{n}", n)}</row>' for n in range(2, 5))
    assert len(read_table(xlsx(header_row("Nazwa") + rows + blank_styled))) == 3
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(b"Nazwa\nA\nB\nC\nD\n")


# Hypothesis: files built from the pieces that broke readers before, in any mix.
HOSTILE_TEXT = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS + ["=1+1", "'=cmd", "0x1F", "31.02.2024", "06/07/2022"]),
    st.text(max_size=40),
)
CSV_CELL = HOSTILE_TEXT.map(lambda text: text.replace(";", ","))
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "iso-8859-2", "utf-16"])


def _fuzz_upload(client, name, data, content_type):
    before = state()
    start = time.perf_counter()
    response = upload(client, name, data, content_type, follow=True)
    assert time.perf_counter() - start < 5
    assert response.status_code == 200  # the form's refusal, or the job's page
    if "form" in response.context and response.context["form"].errors:
        assert state() == before  # a refusal writes nothing
    assert cm.Cluster.objects.count() == before[0]  # the preview is a dry run


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.lists(CSV_CELL, min_size=0, max_size=5), max_size=8),
    encoding=ENCODINGS,
    junk=st.binary(max_size=30),
)
def test_generated_hostile_csv_never_answers_500_nor_writes(editor, rows, encoding, junk):
    text = HEADER + "".join(";".join(row) + "\n" for row in rows)
    data = text.encode(encoding, errors="replace") + junk
    _fuzz_upload(editor, "klastry.csv", data, "text/csv")


XLSX_CELL = st.one_of(
    HOSTILE_TEXT.map(lambda text: f't="inlineStr"><is><t>{escape_xml(text)}</t></is>'),
    st.sampled_from(HOSTILE_NUMBERS[:6] + ["2011", "-0", "1.5"]).map(
        lambda number: f't="n"><v>{number}</v>'
    ),
    st.sampled_from(["2024-02-30", "x", "1e9999"]).map(lambda date: f't="d"><v>{date}</v>'),
    st.sampled_from(["0", "7", "-1", "x"]).map(lambda index: f't="s"><v>{index}</v>'),
)
COLUMNS = st.sampled_from(["A", "B", "C", "Z", "XFD"])


def column_order(letters):
    return len(letters), letters


def escape_xml(text):
    text = "".join(c for c in text if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    cells=st.lists(
        st.tuples(st.integers(2, 1_048_576), COLUMNS, XLSX_CELL), min_size=1, max_size=12
    ),
    dimension=st.sampled_from(["", "A1:C3", "A1:XFD1048576", "A1:XFD10001", "ZZZ"]),
)
def test_generated_hostile_xlsx_never_answers_500_nor_writes(editor, cells, dimension):
    by_row = {}
    for row, column, cell in cells:
        by_row.setdefault(row, {})[column] = f'<c r="{column}{row}" {cell}</c>'
    rows = ""
    for row in sorted(by_row):
        cells_xml = "".join(by_row[row][c] for c in sorted(by_row[row], key=column_order))
        rows += f'<row r="{row}">{cells_xml}</row>'

    data = xlsx(header_row("Nazwa", "Miejscowość", "Rok założenia") + rows, dimension)
    _fuzz_upload(editor, "klastry.xlsx", data, XLSX_TYPE)


def test_the_refusals_are_polish_sentences(settings):
    settings.IMPORT_MAX_BYTES = 1_000_000
    bomb = xlsx(header_row("Nazwa"), shared_strings=["A" * 5_000_000])
    mixed = "Nazwa\nŁódź\n".encode("cp1250") + "Śląsk\n".encode()
    with translation.override("pl"):
        with pytest.raises(ImportFileError, match="Plik zawiera więcej danych, niż może plik"):
            read_table(bomb)
        with pytest.raises(ImportFileError, match="Wiersz 3 zapisano w UTF-8"):
            read_table(mixed)
        with pytest.raises(ImportFileError, match="Plik wygląda na XLSX"):
            read_table(xlsx(header_row("Nazwa") + '<row r="2"><c r="A2"><v>NaN</v></c></row>'))
        report = import_file("clusters", "Nazwa;Rok założenia\nKlaster;1e1000000\n".encode())
        assert "poza zakresem" in str(report.errors)
