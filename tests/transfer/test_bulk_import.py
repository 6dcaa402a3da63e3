"""The clusters importer writes in bulk: the same audit trail, search text and errors as
an edit in the admin, and a number of SQL statements that does not grow with the file."""

import io

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Cluster, ClusterFormerName, Coordinator, Representation
from clusters.search import polish_sort_key
from tests.factories import ClusterFactory, SpecialisationFactory
from transfer.service import import_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = "Nazwa;Miejscowość;Specjalizacje;Koordynator;Dawne nazwy"


def clusters_file(count, start=0):
    lines = [HEADER] + [
        f'Klaster Żółty nr {n};Łódź;"Chemia; Lotnictwo";Fundacja Łączy nr {n};'
        for n in range(start, start + count)
    ]
    return "\n".join(lines).encode("cp1250")


def test_a_new_cluster_has_its_audit_records_naming_who_imported_it(django_user_model):
    editor = django_user_model.objects.create_user("redaktorka")
    data = f'{HEADER}\nKlaster Śląski;Katowice;"Chemia; Energetyka";Fundacja Węgla;Klaster Stary\n'
    report = import_file("clusters", data.encode(), user=editor, source="admin import")
    assert (report.new, report.errors) == (1, [])
    cluster = Cluster.objects.get()
    record = cluster.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        editor,
        "admin import",
    )
    assert (record.name, record.city, record.slug) == (cluster.name, "Katowice", cluster.slug)
    # The specialisations are part of that first record, as when staff add a cluster.
    assert sorted(link.specialisation.name for link in record.specialisations.all()) == [
        "Chemia",
        "Energetyka",
    ]
    term = Representation.objects.get()
    assert term.history.get().history_user == editor
    assert Coordinator.objects.get().history.get().history_change_reason == "admin import"
    former = ClusterFormerName.objects.get()
    assert (former.cluster, former.history.get().history_user) == (cluster, editor)


def test_derived_fields_are_those_a_save_would_store():
    import_file(
        "clusters", f"{HEADER}\nKlaster Łąk;Żary;;Stowarzyszenie Ósemka;Klaster Pól\n".encode()
    )
    cluster = Cluster.objects.get()
    assert cluster.sort_key == polish_sort_key("Klaster Łąk")
    assert cluster.search_text == cluster.build_search_text()
    assert "osemka" in cluster.search_text and "klaster pol" in cluster.search_text
    assert cluster in Cluster.objects.filter(search_text__contains="osemka")


def test_the_same_cluster_twice_in_a_file_names_the_first_row():
    data = "Nazwa\nKlaster Jeden\nKlaster Dwa\nklaster  jeden\n"
    report = import_file("clusters", data.encode())
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (4, "Nazwa", "This cluster is already in row 2 of the file.")
    ]
    assert not Cluster.objects.exists()


def test_two_rows_about_one_registered_cluster_are_refused():
    cluster = ClusterFactory(name="Klaster Nowy")
    ClusterFormerName.objects.create(cluster=cluster, name="Klaster Dawny")
    report = import_file(
        "clusters", "Nazwa;Miejscowość\nKlaster Nowy;Opole\nKlaster Dawny;Nysa\n".encode()
    )
    assert [(e.row, e.message) for e in report.errors] == [
        (3, "Row 2 of the file is about the same cluster.")
    ]
    cluster.refresh_from_db()
    assert cluster.city != "Opole"


def test_names_that_make_the_same_identifier_are_refused_on_the_name():
    report = import_file("clusters", "Nazwa\nKlaster Łódź\nKlaster Lodz\n".encode())
    assert [(e.row, e.column, e.value) for e in report.errors] == [(3, "Nazwa", "Klaster Lodz")]
    assert "klaster-lodz" in report.errors[0].message


def test_related_rows_are_checked_before_anything_is_written():
    data = (
        "Nazwa;Dawne nazwy;Liczba członków\n"
        "Klaster A;Klaster Z (2015–2010);\n"
        'Klaster B;;"2018: 5 firm; 2018: 6 firm"\n'
    )
    report = import_file("clusters", data.encode())
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "Dawne nazwy", "The last year of use cannot precede the first."),
        (3, "Liczba członków", "“2018” is given twice."),
    ]
    assert not Cluster.objects.exists()


def test_sql_statements_do_not_grow_with_the_number_of_rows():
    # Both files name only known specialisations and only new coordinators.
    SpecialisationFactory(name="Chemia")
    SpecialisationFactory(name="Lotnictwo")

    def statements(data):
        with CaptureQueriesContext(connection) as queries:
            report = import_file("clusters", data)
        assert report.accepted
        return len(queries), report

    few, first = statements(clusters_file(20))
    many, second = statements(clusters_file(400, start=20))
    assert (first.new, second.new) == (20, 400)
    assert few == many
    unchanged_few, again = statements(clusters_file(20))
    unchanged_many, _ = statements(clusters_file(400, start=20))
    assert again.unchanged == 20
    assert unchanged_few == unchanged_many


def test_a_former_name_given_in_the_file_finds_that_cluster_in_a_later_row():
    data = (
        "Nazwa;Dawne nazwy;Miejscowość\n"
        "Polski Klaster Budowlany;Wschodni Klaster Budowlany;Lublin\n"
        "Wschodni Klaster Budowlany;;Lublin\n"
    ).encode()
    report = import_file("clusters", data)
    assert [(e.row, e.column) for e in report.errors] == [(3, "Nazwa")]
    assert "row 2" in report.errors[0].message
    assert not Cluster.objects.exists()


def test_import_csv_runs_the_model_checks_but_not_the_url_and_admin_ones(tmp_path):
    """Those import every view and inspect every ModelAdmin: a third of the command's start."""
    ran = []

    def check_of(tag):
        def check(**kwargs):
            ran.append(tag)
            return []

        return checks.register(check, tag)

    registered = [check_of(tag) for tag in (checks.Tags.models, checks.Tags.urls, "admin")]
    path = tmp_path / "klastry.csv"
    path.write_bytes(clusters_file(1))
    try:
        call_command(
            "import_csv",
            "clusters",
            str(path),
            "--dry-run",
            skip_checks=False,
            stdout=io.StringIO(),
        )
    finally:
        for check in registered:
            checks.registry.registry.registered_checks.discard(check)
    assert ran == [checks.Tags.models]
