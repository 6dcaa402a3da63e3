"""Holes a review of the one engine found: each now closed, each proved here."""

import pytest
from django.db import IntegrityError, transaction
from stdnum.pl import regon

from clusters.models import Application, Coordinator, Round, Specialisation
from events.models import Event
from tests.factories import (
    ClusterFactory,
    InstitutionFactory,
    RoundFactory,
    SpecialisationFactory,
    StageFactory,
)
from transfer import engine
from transfer.bulk import insert_rows
from transfer.service import import_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_bulk_insert_the_database_refuses_raises_django_s_integrity_error():
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(Specialisation, ["name", "slug", "name_en"], [("X", "x", ""), ("X", "y", "")])


def test_a_file_may_rename_a_record_and_give_its_old_name_to_a_new_one():
    SpecialisationFactory(name="Chemia", slug="chemia")
    data = b"Identyfikator;Nazwa\nchemia;Chemia i tworzywa\nchemia-2;Chemia\n"
    assert import_file("specialisations", data, dry_run=True).errors == []
    report = import_file("specialisations", data)
    assert (report.new, report.updated, report.errors) == (1, 1, [])
    assert dict(Specialisation.objects.values_list("slug", "name")) == {
        "chemia": "Chemia i tworzywa",
        "chemia-2": "Chemia",
    }


def test_a_nine_digit_regon_is_never_padded_to_fourteen():
    found = next(
        f"{base:08d}{regon.calc_check_digit(f'{base:08d}')}"
        for base in range(86397250, 86397250 + 100000)
        if regon.is_valid(f"{base:08d}{regon.calc_check_digit(f'{base:08d}')}".zfill(14))
    )
    report = import_file("coordinators", f"Nazwa;REGON\nFundacja;{found}\n".encode())
    assert report.errors == []
    assert Coordinator.objects.get().regon == found


def test_a_clash_is_reported_as_a_sentence_not_a_python_list():
    stage = StageFactory(order=1, kind="formal")
    data = f"Runda;Kolejność;Etap\n{stage.round.name};2;ocena formalna\n".encode()
    message = import_file("stages", data).errors[0].message
    assert not message.startswith("[") and "already exists" in message


def test_a_name_finds_the_record_of_that_name_today_before_one_formerly_so_named():
    today = ClusterFactory(name="Zeta")
    ClusterFactory(name="Alfa").former_names.create(name="Zeta")
    round_ = RoundFactory(name="Runda X")
    report = import_file("applications", b"Klaster;Runda\nZeta;Runda X\n")
    assert report.errors == []
    assert Application.objects.get(round=round_).cluster == today


def test_a_check_constraint_counts_the_registry_s_values_of_left_out_columns():
    round_ = RoundFactory(
        name="Runda Y", call_opens="2020-05-01", organiser=InstitutionFactory(name="MRiT")
    )
    data = f"Nazwa;Rok;Organizator;Nabór do\n{round_.name};2020;MRiT;01.01.2020\n".encode()
    preview = import_file("rounds", data, dry_run=True)
    assert [e.column for e in preview.errors] == [""]
    assert "call" in preview.errors[0].message.lower()
    round_.refresh_from_db()
    assert round_.call_closes is None and Round.objects.count() == 1


def test_a_dry_run_accepts_a_panel_of_a_gala_in_an_earlier_batch(monkeypatch):
    monkeypatch.setattr(engine, "BATCH_ROWS", 2)
    data = (
        "Tytuł;Identyfikator;Rodzaj;Data rozpoczęcia;Część wydarzenia\n"
        "Gala;gala-2023;gala;23.01.2023;\n"
        "Konferencja;konf-2023;conference;24.01.2023;\n"
        "Panel;panel-2023;panel;23.01.2023;gala-2023\n"
    ).encode()
    assert import_file("events", data, dry_run=True).errors == []
    assert import_file("events", data).new == 3
    assert Event.objects.get(slug="panel-2023").part_of.slug == "gala-2023"


def test_stage_results_a_write_would_refuse_are_refused_by_the_preview_on_their_column():
    formal = StageFactory(order=1, kind="formal")
    StageFactory(round=formal.round, order=2, kind="merit")
    cluster = ClusterFactory()
    data = (
        "Klaster;Runda;Ocena formalna – punkty;Ocena merytoryczna – wynik\n"
        f"{cluster.name};{formal.round.name};12;pozytywny\n"
    ).encode()
    preview = import_file("applications", data, dry_run=True)
    columns = sorted(e.column for e in preview.errors)
    assert columns == ["Ocena formalna – punkty", "Ocena merytoryczna – wynik"]
    assert all(e.row == 2 for e in preview.errors)
    assert import_file("applications", data).errors == preview.errors
    assert not Application.objects.exists()


def test_two_events_of_one_title_and_year_without_identifiers_are_told_to_take_their_own():
    data = "Tytuł;Rodzaj;Data rozpoczęcia\nGala;gala;17.12.2018\nGala;gala;20.12.2018\n".encode()
    report = import_file("events", data)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (
            3,
            "Identyfikator",
            "Row 2 has an event of the same title and year, so the identifier “gala-2018” "
            "made from them is taken: give this event its own identifier.",
        )
    ]
    assert not Event.objects.exists()
    with_identifiers = (
        data.decode()
        .replace("Data rozpoczęcia", "Data rozpoczęcia;Identyfikator")
        .replace("17.12.2018", "17.12.2018;gala-grudzien-2018")
        .replace("20.12.2018", "20.12.2018;gala-swiateczna-2018")
    )
    assert import_file("events", with_identifiers.encode()).new == 2


def test_one_event_named_twice_with_its_identifier_is_still_a_duplicate_row():
    data = "Tytuł;Identyfikator;Rodzaj;Data rozpoczęcia\n" + "Gala;gala-2018;gala;17.12.2018\n" * 2
    report = import_file("events", data.encode())
    assert [e.message for e in report.errors] == ["This record is already in row 2 of the file."]
