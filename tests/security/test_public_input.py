"""What staff type and what visitors send: markup shown as text, nasty input never a 500."""

import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from clusters import models as cm
from events import models as em
from pages.models import AccessibilityStatement
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    EventFactory,
    FormerNameFactory,
    ParticipationFactory,
    PersonFactory,
    RepresentationFactory,
    RoundFactory,
    SpecialisationFactory,
    StatusAwardFactory,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("kkk")</script><img src=x onerror="alert(1)">'
ESCAPED = "&lt;script&gt;alert(&quot;kkk&quot;)&lt;/script&gt;&lt;img src=x onerror="


# Short names hold 60 characters.
SHORT = "<script>k()</script>"


def tagged(label):
    return f"{label} {SCRIPT}"


@pytest.fixture
def hostile_registry():
    """Every text a visitor can see, holding markup and script as staff might paste them."""
    round_ = RoundFactory(name=tagged("Runda"), description=tagged("Opis rundy") + "\nDruga linia")
    specialisation = SpecialisationFactory(name=tagged("Branża"))
    cluster = ClusterFactory(
        name=tagged("Klaster"),
        short_name=SHORT,
        city=tagged("Miasto"),
        description=tagged("Opis") + "\nDruga linia",
        published=True,
    )
    cluster.specialisations.add(specialisation)
    FormerNameFactory(cluster=cluster, name=tagged("Dawna"))
    RepresentationFactory(cluster=cluster, coordinator__name=tagged("Koordynator"))
    StatusAwardFactory(
        cluster=cluster,
        round=round_,
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2099, 1, 1),
    )
    ApplicationFactory(cluster=cluster, round=round_, scores_published=True)
    event = EventFactory(
        title=tagged("Wydarzenie"),
        venue=tagged("Sala"),
        city=tagged("Gród"),
        description=tagged("Opis wydarzenia") + "\nDruga linia",
        round=round_,
        published=True,
    )
    event.clusters.add(cluster)
    ParticipationFactory(
        event=event, person=PersonFactory(name=tagged("Osoba")), title=tagged("Referat")
    )
    statement = AccessibilityStatement.objects.create(
        published=True,
        contact_person=tagged("Osoba"),
        contact_email="dostepnosc@example.gov.pl",
        contact_phone="22 123 45 67",
    )
    statement.inaccessible_items.create(
        description_pl=tagged("Bariera"), description_en=tagged("Barrier")
    )
    return cluster, round_, event


def public_pages(cluster, round_, event):
    for language in ("pl", "en"):
        with translation.override(language):
            urls = [
                reverse("pages:home"),
                reverse("clusters:list"),
                reverse("clusters:list") + "?q=Klaster",
                cluster.get_absolute_url(),
                reverse("clusters:round-list"),
                round_.get_absolute_url(),
                reverse("events:list") + "?year=2023",
                event.get_absolute_url(),
                reverse("pages:accessibility"),
            ]
        yield from urls


def test_markup_typed_by_staff_is_shown_as_text_on_every_public_page(client, hostile_registry):
    cluster, round_, event = hostile_registry
    shown = set()
    with translation.override("pl"):
        urls = list(public_pages(cluster, round_, event))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert SCRIPT not in page, url
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert SHORT not in page, url
        for label in ("Klaster", "Runda", "Wydarzenie", "Koordynator", "Osoba", "Referat"):
            if f"{label} {ESCAPED}" in page:
                shown.add(label)
    # Each hostile text did reach a page, escaped: the absence of raw markup is no accident.
    assert shown == {"Klaster", "Runda", "Wydarzenie", "Koordynator", "Osoba", "Referat"}


def test_descriptions_keep_their_line_breaks_and_stay_escaped(client, hostile_registry):
    cluster, _round, _event = hostile_registry
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert f"Opis {ESCAPED}" in page
    assert "<br>Druga linia" in page


def test_the_calendar_feed_cannot_be_given_extra_lines_by_a_title(client, hostile_registry):
    _cluster, _round, event = hostile_registry
    event.title = "Zjazd\r\nBEGIN:VEVENT\r\nSUMMARY:Podrzucone"
    event.save()
    feed = client.get(reverse("events:calendar")).content.decode()
    assert feed.split("\r\n").count("BEGIN:VEVENT") == 1
    assert "\r\nSUMMARY:Podrzucone" not in feed


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>", "//evil"])
def test_websites_that_could_run_script_are_refused(url):
    with pytest.raises(ValidationError) as refused:
        ClusterFactory.build(name="Klaster", slug="klaster", website=url).full_clean()
    assert "website" in refused.value.message_dict


# --- Fuzz: every public URL, every parameter, nasty values ----------------------------------

NASTY = [
    "",
    " ",
    "'",
    '"',
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "\x00",
    "a\x00b",
    "\x7f\x1b[31m",
    "\ud7ff\ufffd\U0001f600",
    "‮zła kolejność",
    "ąęśćżźółń ĄĘŚĆŻŹÓŁŃ",
    SCRIPT,
    "../../../etc/passwd",
    "x" * 5000,
    "0",
    "-1",
    "1e309",
    "NaN",
    "inf",
    "99999999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "2023-02-30",
    "1900-01-01",
    "2023-1-1",
    "current",
    "[]",
    "{}",
]

CLUSTER_PARAMS = ["q", "voivodeship", "specialisation", "kind", "round", "status", "as_of", "sort"]
EVENT_PARAMS = ["kind", "year"]
OK = {200, 302, 400, 404}


def get(client, url, params):
    response = client.get(url, params)
    assert response.status_code in OK, (url, params, response.status_code)
    return response


@pytest.fixture
def some_registry():
    round_ = RoundFactory(slug="runda-1")
    SpecialisationFactory(slug="energia")
    StatusAwardFactory(
        cluster__published=True,
        round=round_,
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2099, 1, 1),
    )
    EventFactory(published=True)
    AccessibilityStatement.objects.create()


def polish(name, *args):
    """A URL in Polish: a request to /en/ leaves English active in the test's thread."""
    with translation.override("pl"):
        return reverse(name, args=args)


def in_both_languages(name):
    """The Polish and the English address of a page (each language has its own)."""
    addresses = []
    for language in ("pl", "en"):
        with translation.override(language):
            addresses.append(reverse(name))
    return addresses


def test_the_cluster_list_survives_nasty_values_in_every_parameter(client, some_registry):
    url = polish("clusters:list")
    for param, value in itertools.product([*CLUSTER_PARAMS, "page"], NASTY):
        assert get(client, url, {param: value}).status_code in {200, 404}
    # All at once, in both languages, and parameters given twice.
    for address, value in itertools.product(in_both_languages("clusters:list"), NASTY):
        get(client, address, dict.fromkeys(CLUSTER_PARAMS, value) | {"status": "current"})
    assert get(client, url + "?q=a&q=b&status=never&status=x&as_of=2023-01-01&as_of=x", {})


def test_cluster_exports_survive_nasty_values(client, some_registry):
    for name in (
        "clusters:export-csv",
        "clusters:export-json",
        "clusters:export-xlsx",
        "clusters:export-excel-csv",
    ):
        for value in NASTY:
            assert (
                get(client, polish(name), dict.fromkeys(CLUSTER_PARAMS, value)).status_code == 200
            )
            get(client, polish(name), {"status": "expired", "as_of": value})


def test_the_event_list_and_calendar_survive_nasty_values(client, some_registry):
    for param, value in itertools.product([*EVENT_PARAMS, "page"], NASTY):
        for address in in_both_languages("events:list"):
            assert get(client, address, {param: value}).status_code in {
                200,
                404,
            }
        assert get(client, polish("events:calendar"), {param: value}).status_code == 200


def test_pages_without_parameters_ignore_any_they_are_given(client, some_registry):
    with translation.override("pl"):
        urls = [
            reverse("pages:home"),
            reverse("clusters:round-list"),
            reverse("pages:accessibility"),
            reverse("sitemap"),
            cm.Cluster.objects.get().get_absolute_url(),
            em.Event.objects.get().get_absolute_url(),
        ]
    for url, value in itertools.product(urls, NASTY):
        assert get(client, url, {"q": value, "page": value, value[:50]: value}).status_code == 200


def test_the_round_page_survives_nasty_values_and_ignores_what_it_does_not_take(
    client, some_registry
):
    with translation.override("pl"):
        url = reverse("clusters:round-detail", args=["runda-1"])
    for value in NASTY:
        # Its results come a page at a time: a page that is no page is not found, as on the list.
        assert get(client, url, {"page": value}).status_code in {200, 404}
        assert get(client, url, {"q": value, value[:50]: value}).status_code == 200


def test_detail_pages_answer_404_for_any_unknown_address(client, some_registry):
    for value in ["nie-ma", "x" * 300, "%00", "..%2F..%2Fetc", "%C4%85", "%FF%FE", "a%20b"]:
        for base in ("/klastry/", "/rundy/", "/wydarzenia/", "/en/clusters/"):
            assert client.get(f"{base}{value}/").status_code == 404


def test_the_display_switch_and_language_switch_survive_nasty_posts(client, some_registry):
    for value in NASTY:
        for data in (
            {"switch": value, "next": "/"},
            {"switch": "contrast", "next": value},
            {"switch": "large_text", "next": f"https://evil.example/{value}"},
        ):
            response = client.post(polish("pages:display"), data)
            assert response.status_code in {302, 400}
            if response.status_code == 302:
                assert not response["Location"].startswith(("http", "//"))
        response = client.post(reverse("set_language"), {"language": value, "next": value})
        assert response.status_code in {204, 302}
    assert client.get(polish("pages:display")).status_code == 405
