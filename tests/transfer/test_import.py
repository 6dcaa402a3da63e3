"""Importing real spreadsheets: encodings, delimiters, dates, atomicity, clear errors."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from clusters.models import Cluster, Coordinator, StatusAward
from tests.factories import ClusterFactory, RoundFactory
from transfer.service import export_file, import_file
from transfer.spreadsheets import ImportFileError, read_table, write_xlsx

# Messages are matched in English; tests of Polish say so with translation.override("pl").
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SAMPLES = Path(__file__).parent / "samples"
D = datetime.date

HEADERS = ["Klaster", "Runda", "Rodzaj", "Data certyfikatu", "Ważny od", "Ważny do"]
ROWS = [
    ["Śląski Klaster Łódzki", "Runda VI", "nadany", "{cert}", "", ""],
    ["Klaster Źródeł Żółwich", "Runda VI", "odnowiony", "", "{start}", "{end}"],
]


def awards_file(encoding, delimiter, iso_dates):
    dates = (
        {"cert": "2022-12-17", "start": "2023-01-01", "end": "2025-12-31"}
        if iso_dates
        else {"cert": "17.12.2022", "start": "01.01.2023", "end": "31.12.2025"}
    )
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in ROWS:
        writer.writerow([cell.format(**dates) for cell in row])
    return buffer.getvalue().encode(encoding)


@pytest.fixture
def round_vi():
    round_ = RoundFactory(name="Runda VI", slug="runda-vi", number=6)
    ClusterFactory(name="Śląski Klaster Łódzki")
    ClusterFactory(name="Klaster Źródeł Żółwich")
    return round_


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1250", "iso-8859-2"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("iso_dates", [True, False])
def test_same_content_in_any_encoding_delimiter_and_date_form_imports_the_same(
    round_vi, encoding, delimiter, iso_dates
):
    report = import_file("awards", awards_file(encoding, delimiter, iso_dates))
    assert (report.new, report.errors) == (2, [])
    awards = {
        a.cluster.name: (a.kind, a.certificate_date, a.valid_from, a.valid_until)
        for a in StatusAward.objects.select_related("cluster")
    }
    assert awards == {
        "Śląski Klaster Łódzki": ("granted", D(2022, 12, 17), D(2022, 12, 17), D(2025, 12, 17)),
        "Klaster Źródeł Żółwich": ("renewed", None, D(2023, 1, 1), D(2025, 12, 31)),
    }


def test_windows_1250_semicolon_sample_from_excel_imports_with_polish_letters():
    report = import_file("clusters", (SAMPLES / "klastry-windows1250-srednik.csv").read_bytes())
    assert report.errors == []
    assert report.new == 2
    zolwie = Cluster.objects.get(name="Śląski Klaster Żółwi Łódzkich")
    assert (zolwie.city, zolwie.voivodeship) == ("Łódź", "lodz")
    assert sorted(zolwie.specialisations.values_list("name", flat=True)) == [
        "Gospodarka wodna",
        "Zielona energia",
    ]
    coordinator = zolwie.coordinator_on()
    assert (coordinator.name, coordinator.nip, coordinator.legal_form) == (
        "Fundacja Żółć i Ślęża",
        "5260250274",
        "foundation",
    )
    # Stray spaces inside and around a name are normalised.
    assert Cluster.objects.filter(name="Klaster Ąę Przemysłu Źródlanego", published=False).exists()


def test_a_cluster_is_matched_by_a_former_name_and_not_duplicated():
    from clusters.models import ClusterFormerName

    cluster = ClusterFactory(name="Pomorski Klaster ICT Interizon")
    ClusterFormerName.objects.create(cluster=cluster, name="Klaster Interizon")
    data = "Nazwa;Miejscowość\nKlaster Interizon;Gdańsk\n".encode()
    report = import_file("clusters", data)
    assert (report.new, report.updated) == (0, 1)
    cluster.refresh_from_db()
    assert (cluster.name, cluster.city) == ("Pomorski Klaster ICT Interizon", "Gdańsk")
    assert Cluster.objects.count() == 1


def test_one_bad_row_in_a_thousand_writes_nothing_and_names_row_column_and_value():
    lines = ["Nazwa;Rok założenia"] + [f"Klaster {n};2010" for n in range(1000)]
    lines[501] = "Klaster 500;dwa tysiące"
    report = import_file("clusters", "\n".join(lines).encode("cp1250"))
    assert not report.accepted
    assert [(e.row, e.column, e.value) for e in report.errors] == [
        (502, "Rok założenia", "dwa tysiące")
    ]
    assert "row 502" in str(report.errors[0])
    assert not Cluster.objects.exists()


def test_model_validation_errors_name_their_column():
    RoundFactory(name="Runda VI", slug="runda-vi", number=6)
    ClusterFactory(name="Klaster A")
    data = "Klaster;Runda;Ważny od;Ważny do\nKlaster A;Runda VI;01.01.2025;01.01.2024\n"
    with translation.override("en"):
        report = import_file("awards", data.encode())
    assert [(e.row, e.message) for e in report.errors] == [
        (2, "Status cannot end before it starts.")
    ]
    row = "Klaster Nieznany;Runda VI;01.01.2023;01.01.2026"
    unknown = import_file("awards", f"Klaster;Runda;Ważny od;Ważny do\n{row}\n".encode())
    assert [(e.row, e.column, e.value) for e in unknown.errors] == [
        (2, "Klaster", "Klaster Nieznany")
    ]


def test_errors_are_in_the_staff_members_language():
    data = "Nazwa;Rok założenia\nKlaster;rok\n".encode()
    with translation.override("pl"):
        assert "„rok” nie jest liczbą" in str(import_file("clusters", data).errors[0])
    with translation.override("en"):
        assert "“rok” is not a number" in str(import_file("clusters", data).errors[0])


def test_reimport_after_editing_one_cell_updates_one_row_only():
    from kkkregistry.builtin_data import load_registry_data

    load_registry_data()
    data = export_file("clusters").decode("utf-8-sig")
    edited = data.replace(
        "Evoluma;klaster-obrobki-metali;;klaster;nie;;;",
        "Evoluma;klaster-obrobki-metali;;klaster;nie;;Ostrów;",
    )
    assert edited != data
    report = import_file("clusters", edited.encode("cp1250"))
    assert (report.new, report.updated, report.invalid) == (0, 1, 0)
    assert Cluster.objects.get(slug="klaster-obrobki-metali").city == "Ostrów"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"Nazwa;Miejscowo\xc5\x9b\xc4\x87\n", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"PK\x03\x04garbage", "cannot be opened"),
        (b"Nazwa;Nazwa\nA;B\n", "more than once"),
        (b"A" * 20_000 + b"\n", "too long"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(data)


def test_files_over_the_size_or_row_limit_are_refused(settings):
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(ImportFileError, match="larger than"):
        read_table(b"Nazwa\n" + b"Klaster\n" * 50)
    settings.IMPORT_MAX_BYTES = 10_000
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_table(b"Nazwa\nA\nB\nC\nD\n")


def test_unknown_and_missing_columns_are_named():
    with pytest.raises(ImportFileError, match="Unknown columns: Nazwaa"):
        import_file("clusters", "Nazwaa;Miejscowość\nA;B\n".encode())
    with pytest.raises(ImportFileError, match="Missing columns: Klaster"):
        import_file("awards", b"Runda\nRunda VI\n")


def test_xlsx_imports_like_csv():
    import tablib

    dataset = tablib.Dataset(headers=["Nazwa", "Rok założenia", "Województwo"])
    dataset.append(["Klaster Żółty", 2011, "Małopolskie"])
    report = import_file("clusters", write_xlsx(dataset))
    assert report.errors == []
    assert Cluster.objects.get(name="Klaster Żółty").voivodeship == "lesser_poland"


def test_spreadsheet_formulae_are_neutralised_on_export_and_restored_on_import():
    ClusterFactory(name='=HYPERLINK("http://evil")', description="-2+3", short_name="@SUM(A1)")
    exported = export_file("clusters").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert "'-2+3" in cells and "'@SUM(A1)" in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    report = import_file("clusters", exported.encode())
    assert (report.unchanged, report.errors) == (1, [])


def test_dry_run_reports_but_writes_nothing():
    report = import_file("clusters", b"Nazwa\nKlaster Nowy\n", dry_run=True)
    assert (report.new, report.written) == (1, False)
    assert not Cluster.objects.exists()


def test_a_new_coordinator_by_nip_is_created_once_and_matched_after():
    data = (
        "Nazwa;Koordynator;NIP koordynatora\n"
        "Klaster A;Fundacja X;5260250274\n"
        "Klaster B;Fundacja X;526-025-02-74\n"
    )
    report = import_file("clusters", data.encode())
    assert report.errors == []
    assert Coordinator.objects.get().nip == "5260250274"


def test_an_invalid_coordinator_nip_is_reported_on_its_column():
    report = import_file(
        "clusters", b"Nazwa;Koordynator;NIP koordynatora\nKlaster A;Fundacja X;5260250275\n"
    )
    assert [(e.column, e.value) for e in report.errors] == [("NIP koordynatora", "5260250275")]


def test_changing_the_coordinator_closes_the_old_term():
    import_file("clusters", b"Nazwa;Koordynator\nKlaster A;Fundacja Stara\n")
    import_file(
        "clusters",
        b"Nazwa;Koordynator;Koordynator od\nKlaster A;Fundacja Nowa;01.03.2024\n",
    )
    cluster = Cluster.objects.get()
    assert cluster.coordinator_on(D(2024, 2, 29)).name == "Fundacja Stara"
    assert cluster.coordinator_on(D(2024, 3, 1)).name == "Fundacja Nowa"


def test_imports_leave_an_audit_trail_naming_who_or_what(tmp_path, django_user_model):
    path = tmp_path / "klastry.csv"
    path.write_bytes(b"Nazwa\nKlaster Audytowany\n")
    call_command("import_csv", "clusters", str(path))
    record = Cluster.history.get()
    assert record.history_change_reason == "import_csv clusters klastry.csv"
    editor = django_user_model.objects.create_user("redaktor")
    import_file(
        "clusters",
        "Nazwa;Miejscowość\nKlaster Audytowany;Kielce\n".encode(),
        user=editor,
        source="admin",
    )
    latest = Cluster.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (editor, "admin")


def test_import_command_exits_non_zero_with_the_row_errors(tmp_path, capsys):
    path = tmp_path / "zle.csv"
    path.write_bytes("Nazwa;Rok założenia\nKlaster;rok\n".encode("cp1250"))
    with translation.override("en"), pytest.raises(CommandError, match="nothing was written"):
        call_command("import_csv", "clusters", str(path))
    captured = capsys.readouterr()
    assert "0 new, 0 updated, 0 unchanged, 1 invalid" in captured.out
    assert "row 2, column “Rok założenia” (value “rok”)" in captured.err
    assert not Cluster.objects.exists()


def test_import_command_dry_run_and_totals(tmp_path, capsys):
    path = tmp_path / "ok.csv"
    path.write_bytes(b"Nazwa\nKlaster\n")
    call_command("import_csv", "clusters", str(path), "--dry-run")
    assert "1 new" in capsys.readouterr().out
    assert not Cluster.objects.exists()
    call_command("import_csv", "clusters", str(path))
    call_command("import_csv", "clusters", str(path))
    assert "0 new, 0 updated, 1 unchanged, 0 invalid" in capsys.readouterr().out.splitlines()[-1]


def test_import_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_csv", "clusters", str(tmp_path / "brak.csv"))


def test_export_command_writes_what_import_reads(tmp_path):
    ClusterFactory(name="Klaster Eksportowy")
    path = tmp_path / "out.csv"
    call_command("export_csv", "clusters", "--output", str(path))
    data = path.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert data == export_file("clusters")
    xlsx = tmp_path / "out.xlsx"
    call_command("export_csv", "clusters", "--output", str(xlsx))
    assert xlsx.read_bytes().startswith(b"PK")
    assert import_file("clusters", xlsx.read_bytes()).unchanged == 1
