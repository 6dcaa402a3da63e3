"""English forms of names: one rule (core.language), the built-in data, the /en/ pages,
the filters, the import columns and the open data."""

import csv
import datetime
import io
import json
import re

import pytest
from django.utils import translation

from clusters.models import Institution, Round, Specialisation
from events.models import Event
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    RoundFactory,
    SpecialisationFactory,
    StatusAwardFactory,
)
from transfer.service import export_file, import_file

pytestmark = pytest.mark.django_db


def text(response):
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def options(html, name):
    """The labels of the <select name=`name`> options, in order."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


# --- the rule ----------------------------------------------------------------------------


def test_english_readers_get_the_english_form_and_polish_where_none_is_given():
    with translation.override("pl"):
        assert Round(name="Runda VI", name_en="Round VI").english_name == "Round VI"
        assert Round(name="Runda VI").english_name == "Runda VI"
    with translation.override("en"):
        assert Round(name="Runda VI").display_name == "Runda VI"


def test_every_named_model_follows_the_rule():
    named = [
        (Round(name="Runda VI", name_en="Round VI"), "Runda VI", "Round VI"),
        (Specialisation(name="Chemia", name_en="Chemicals"), "Chemia", "Chemicals"),
        (Institution(name="PARP", name_en="Polish Agency"), "PARP", "Polish Agency"),
        (Event(title="Gala Klastrów", title_en="Cluster Gala"), "Gala Klastrów", "Cluster Gala"),
        (Event(title="Gala Klastrów"), "Gala Klastrów", "Gala Klastrów"),
    ]
    for record, polish, english in named:
        with translation.override("pl"):
            assert record.display_name == polish
        with translation.override("en"):
            assert record.display_name == english


def test_a_former_institution_name_stays_polish_and_the_current_one_is_english():
    ministry = InstitutionFactory(
        name="Ministerstwo Rozwoju i Technologii",
        name_en="Ministry of Economic Development and Technology",
    )
    ministry.names.create(name="Ministerstwo Gospodarki", used_until=datetime.date(2015, 11, 15))
    with translation.override("en"):
        assert ministry.display_name_on(datetime.date(2015, 5, 1)) == "Ministerstwo Gospodarki"
        assert ministry.display_name_on(datetime.date(2024, 1, 1)) == (
            "Ministry of Economic Development and Technology"
        )
    with translation.override("pl"):
        assert ministry.display_name_on(datetime.date(2024, 1, 1)) == (
            "Ministerstwo Rozwoju i Technologii"
        )


def test_a_name_without_english_is_shown_in_polish_on_english_pages(client):
    specialisation = SpecialisationFactory(name="Przemysł drzewny", name_en="")
    award = StatusAwardFactory(round=RoundFactory(name="Runda testowa", name_en=""))
    award.cluster.specialisations.add(specialisation)
    EventFactory(title="Spotkanie bez tłumaczenia", published=True)
    html = client.get("/en/clusters/").content.decode()
    assert "Przemysł drzewny" in options(html, "specialisation")
    assert "Runda testowa" in options(html, "round")
    assert "Spotkanie bez tłumaczenia" in text(client.get("/en/events/"))


def test_the_english_calendar_feed_has_english_summaries(client):
    EventFactory(title="Gala Klastrów", title_en="Cluster Gala", published=True)
    assert "SUMMARY:Cluster Gala" in client.get("/en/events/calendar.ics").content.decode()
    assert "SUMMARY:Gala Klastrów" in client.get("/wydarzenia/kalendarz.ics").content.decode()


# --- the built-in data ----------------------------------------------------------------------


@pytest.fixture
def registry(builtin_registry):
    return builtin_registry


def test_the_built_in_rounds_events_and_specialisations_have_english_names(registry):
    assert Round.objects.get(slug="runda-vi").name_en == "Round VI"
    assert Round.objects.get(slug="odnowienie-2018").name_en == (
        "KKK status renewal competition 2018"
    )
    assert not Round.objects.filter(name_en="").exists()
    assert not Event.objects.filter(title_en="").exists()
    assert not Specialisation.objects.filter(name_en="").exists()
    assert Specialisation.objects.get(slug="budownictwo").name_en == (
        "Construction and infrastructure"
    )


def test_only_institutions_with_an_official_english_name_have_one(registry):
    english = dict(Institution.objects.values_list("slug", "name_en"))
    assert english["parp"] == "Polish Agency for Enterprise Development"
    assert english["ministerstwo-gospodarki-rozwoju"] == (
        "Ministry of Economic Development and Technology"
    )
    assert english["urzad-marszalkowski-wojewodztwa-lubuskiego"] == ""


def test_the_english_cluster_list_offers_english_filter_options(client, registry):
    with translation.override("en"):
        html = client.get("/en/clusters/", {"round": "runda-vi"}).content.decode()
    specialisations = options(html, "specialisation")
    assert "Construction and infrastructure" in specialisations
    assert specialisations[1:] == sorted(specialisations[1:])  # after "all"
    assert "Budownictwo i infrastruktura" not in html
    rounds = options(html, "round")
    assert "Round VI" in rounds and "KKK status renewal competition 2018" in rounds
    assert "Runda VI" not in html
    assert re.search(r'<option value="runda-vi" selected>Round VI</option>', html)


def test_the_polish_cluster_list_keeps_polish_options(client, registry):
    html = client.get("/klastry/").content.decode()
    assert "Budownictwo i infrastruktura" in options(html, "specialisation")
    assert "Runda VI" in options(html, "round")
    assert "Round VI" not in html


def test_english_pages_name_rounds_events_and_organisers_in_english(client, registry):
    assert "Round VI" in text(client.get("/en/rounds/"))
    round_one = text(client.get("/en/rounds/runda-i/"))
    # The ministry's name of 2015 has no English form here; PARP's current one has.
    assert "Ministerstwo Gospodarki" in round_one
    assert "Polish Agency for Enterprise Development" in round_one
    assert "E-BOOST project kick-off meeting" in text(client.get("/en/events/"))
    home = text(client.get("/en/"))
    assert "Round VII" in home and "Runda VII" not in home
    cluster = text(client.get("/en/clusters/klaster-obrobki-metali/"))
    assert "Round I" in cluster and "Runda I " not in cluster
    polish = text(client.get("/rundy/"))
    assert "Runda VI" in polish and "Round VI" not in polish


# --- files and open data -----------------------------------------------------------------------


def test_the_english_columns_import_and_export(registry):
    rounds = (
        "Nazwa;Nazwa angielska;Numer;Rok;Organizator\n"
        "Runda IX;Round IX;9;2027;Polska Agencja Rozwoju Przedsiębiorczości\n"
    )
    report = import_file("rounds", rounds.encode())
    assert not report.errors
    assert Round.objects.get(name="Runda IX").name_en == "Round IX"
    events = "Tytuł;Tytuł angielski;Rodzaj;Data rozpoczęcia\nGala;Gala night;gala;01.06.2027\n"
    assert not import_file("events", events.encode()).errors
    assert Event.objects.get(title="Gala").title_en == "Gala night"
    exported = export_file("institutions").decode("utf-8-sig")
    row = next(
        r
        for r in csv.DictReader(io.StringIO(exported), delimiter=";")
        if r["Identyfikator"] == "parp"
    )
    assert row["Nazwa angielska"] == "Polish Agency for Enterprise Development"


def test_the_open_data_gives_the_english_names(client, registry):
    rounds = list(
        csv.DictReader(io.StringIO(client.get("/dane/rundy.csv").content.decode("utf-8-sig")))
    )
    assert {"name": "Runda VI", "name_en": "Round VI"}.items() <= next(
        r for r in rounds if r["slug"] == "runda-vi"
    ).items()
    events = client.get("/dane/wydarzenia.csv").content.decode("utf-8-sig")
    assert "E-BOOST project kick-off meeting" in events
    awards = client.get("/dane/nadania-statusu.csv").content.decode("utf-8-sig")
    assert "round_name_en" in awards.splitlines()[0]
    api_round = client.get("/api/v1/rounds/runda-vi/").json()
    assert (api_round["name"], api_round["name_en"]) == ("Runda VI", "Round VI")
    api_event = client.get("/api/v1/events/e-boost-kick-off-2023/").json()
    assert api_event["title_en"] == "E-BOOST project kick-off meeting"
    english = dict(Specialisation.objects.values_list("name", "name_en"))
    clusters = json.loads(client.get("/klastry/export.json").content)["clusters"]
    assert any("Metals and metalworking" in c["specialisations_en"] for c in clusters)
    for cluster in clusters:
        polish = cluster["specialisations"].split("; ")
        assert cluster["specialisations_en"] == "; ".join(english.get(n, n) for n in polish)
    package = client.get("/dane/datapackage.json").json()
    rounds_schema = next(r for r in package["resources"] if r["name"] == "rounds")["schema"]
    assert "name_en" in [field["name"] for field in rounds_schema["fields"]]
