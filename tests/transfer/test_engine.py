"""Every kind goes through the one import engine: bulk writes, in-memory checks, one contract."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.models import Person, Specialisation
from events.models import Event
from tests.factories import StageFactory
from transfer.service import import_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def specialisations_file(count):
    lines = ["Nazwa;Nazwa angielska"] + [
        f"Łączność nr {n};Communications {n}" for n in range(count)
    ]
    return "\n".join(lines).encode()


def statements(data, kind="specialisations"):
    with CaptureQueriesContext(connection) as queries:
        report = import_file(kind, data)
    assert report.errors == []
    return len(queries), report


def test_a_kind_without_its_own_importer_writes_a_file_with_the_same_statements_at_any_size():
    small, report = statements(specialisations_file(20))
    assert report.new == 20
    Specialisation.objects.all().delete()
    large, report = statements(specialisations_file(400))
    assert report.new == 400
    assert large == small
    assert Specialisation.objects.get(name="Łączność nr 399").slug == "lacznosc-nr-399"


def test_new_rows_have_audit_records_naming_who_imported_them(django_user_model):
    editor = django_user_model.objects.create_user("redaktor")
    import_file("people", "Imię i nazwisko\nJan Żółć\n".encode(), user=editor, source="admin")
    record = Person.objects.get().history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        editor,
        "admin",
    )


def test_two_rows_adding_the_same_record_are_refused_naming_the_earlier_row():
    report = import_file("people", "Imię i nazwisko\nAnna Łęcka\nanna łęcka\n".encode())
    assert [(e.row, e.column) for e in report.errors] == [(3, "Imię i nazwisko")]
    assert "row 2" in report.errors[0].message
    assert not Person.objects.exists()


def test_a_value_another_record_holds_is_refused_on_its_column():
    stage = StageFactory(order=1, kind="formal")
    data = f"Runda;Kolejność;Etap\n{stage.round.name};2;ocena formalna\n".encode()
    report = import_file("stages", data)
    assert [(e.row, e.column, e.value) for e in report.errors] == [(2, "Etap", "ocena formalna")]
    assert stage.round.stages.count() == 1


def test_a_row_may_refer_to_an_event_an_earlier_row_of_the_file_adds_in_a_dry_run_too():
    data = (
        "Tytuł;Identyfikator;Rodzaj;Data rozpoczęcia;Część wydarzenia\n"
        "Gala KKK;gala-kkk-2023;gala;23.01.2023;\n"
        "Panel dyskusyjny;panel-2023;panel;23.01.2023;gala-kkk-2023\n"
    ).encode()
    preview = import_file("events", data, dry_run=True)
    assert (preview.new, preview.errors) == (2, [])
    assert not Event.objects.exists()
    report = import_file("events", data)
    assert report.new == 2
    assert Event.objects.get(slug="panel-2023").part_of.slug == "gala-kkk-2023"


def test_reimporting_an_unchanged_file_of_any_kind_writes_nothing():
    data = specialisations_file(5)
    import_file("specialisations", data)
    before = Specialisation.history.count()
    report = import_file("specialisations", data)
    assert (report.new, report.updated, report.unchanged) == (0, 0, 5)
    assert Specialisation.history.count() == before


def test_an_applications_file_without_a_stage_s_columns_leaves_that_stage_s_results():
    from clusters.models import StageResult
    from tests.factories import ApplicationFactory, StageResultFactory

    formal = StageFactory(order=1, kind="formal")
    parametric = StageFactory(round=formal.round, order=2, kind="parametric", max_points=140)
    application = ApplicationFactory(round=formal.round)
    StageResultFactory(application=application, stage=formal, result="passed")
    scored = StageResultFactory(application=application, stage=parametric, result="passed")
    scored.expert_scores.create(expert_number=1, points=60)
    data = (
        "Klaster;Runda;Ocena parametryczna – punkty\n"
        f"{application.cluster.name};{formal.round.name};128\n"
    ).encode()
    report = import_file("applications", data)
    assert (report.updated, report.errors) == (1, [])
    results = {r.stage.kind: r for r in StageResult.objects.filter(application=application)}
    assert results["formal"].result == "passed"
    assert results["parametric"].points == 128
    assert list(results["parametric"].expert_scores.values_list("points", flat=True)) == [60]


@pytest.mark.parametrize("rows", [1, 250])
def test_a_name_is_found_whatever_the_case_of_its_polish_letters_in_small_and_large_files(rows):
    from clusters.models import Round
    from tests.factories import InstitutionFactory

    InstitutionFactory(name="Urząd Marszałkowski Województwa Łódzkiego")
    lines = ["Nazwa;Rodzaj;Rok;Organizator"] + [
        f"Konkurs {n};renewal;2024;URZĄD MARSZAŁKOWSKI WOJEWÓDZTWA ŁÓDZKIEGO" for n in range(rows)
    ]
    report = import_file("rounds", "\n".join(lines).encode())
    assert (report.new, report.errors) == (rows, [])
    organisers = set(Round.objects.values_list("organiser__name", flat=True))
    assert organisers == {"Urząd Marszałkowski Województwa Łódzkiego"}
