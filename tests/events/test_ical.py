"""The iCalendar feed follows RFC 5545: line ends, folding, escaping, all-day dates."""

import datetime
import math

import pytest

from events import ical
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def unfold(body):
    return body.replace("\r\n ", "")


def test_text_escapes_backslash_semicolon_comma_and_newlines():
    assert ical.escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_long_lines_fold_at_75_octets_without_splitting_a_polish_letter():
    line = "SUMMARY:" + "Żółć " * 40
    folded = ical.fold_line(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode("utf-8")) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert folded.replace("\r\n ", "") == line


@pytest.mark.parametrize("length", [75, 76, 149, 150, 223, 400])
def test_long_ascii_lines_fold_into_75_octets_then_74_after_the_space(length):
    line = "URL:" + "".join(str(i % 10) for i in range(length - 4))
    folded = ical.fold_line(line)
    pieces = folded.split("\r\n")
    assert all(len(piece) == 75 for piece in pieces[:-1]) and 1 < len(pieces[-1]) <= 75
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert len(pieces) == 1 + math.ceil(max(length - 75, 0) / 74)
    assert unfold(folded) == line


def test_a_short_line_is_left_alone():
    assert ical.fold_line("VERSION:2.0") == "VERSION:2.0"


@pytest.fixture
def feed(client):
    EventFactory(
        title="Gala; wręczenie, certyfikatów",
        start_date=D(2023, 1, 23),
        venue="Sala pod Kopułą",
        city="Warszawa",
        description="Pierwsza linia\nDruga linia",
    )
    EventFactory(title="Kick-off E-BOOST", start_date=D(2023, 1, 16), end_date=D(2023, 1, 18))
    EventFactory(title="Niepubliczne", published=False)
    return client.get("/wydarzenia/kalendarz.ics")


def test_feed_is_served_as_a_calendar_file(feed):
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    assert "kkk-wydarzenia.ics" in feed["Content-Disposition"]


def test_every_line_ends_with_crlf_and_none_is_longer_than_75_octets(feed):
    body = feed.content
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))


def test_calendar_has_the_required_properties_and_one_vevent_per_public_event(feed):
    body = unfold(feed.content.decode())
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert body.count("BEGIN:VEVENT") == 2 == body.count("END:VEVENT")
    assert body.count("UID:event-") == 2
    assert body.count("DTSTAMP:") == 2
    assert "Niepubliczne" not in body


def test_all_day_events_have_date_values_and_an_exclusive_end(feed):
    body = unfold(feed.content.decode())
    assert "DTSTART;VALUE=DATE:20230123\r\nDTEND;VALUE=DATE:20230124" in body
    assert "DTSTART;VALUE=DATE:20230116\r\nDTEND;VALUE=DATE:20230119" in body


def test_text_values_are_escaped_in_the_feed(feed):
    body = unfold(feed.content.decode())
    assert "SUMMARY:Gala\\; wręczenie\\, certyfikatów" in body
    assert "LOCATION:Sala pod Kopułą\\, Warszawa\\, " in body
    assert "DESCRIPTION:Pierwsza linia\\nDruga linia" in body


def test_dtstamp_is_a_utc_date_time(feed):
    stamp = next(
        line for line in feed.content.decode().split("\r\n") if line.startswith("DTSTAMP:")
    )
    assert len(stamp) == len("DTSTAMP:20261124T120000Z") and stamp.endswith("Z")


def test_uids_stay_the_same_whatever_host_serves_the_feed_and_after_a_restore(client):
    from events.models import Event
    from transfer.service import export_file, import_file

    EventFactory(title="Gala KKK", slug="gala-kkk-2023", start_date=D(2023, 1, 23))

    def uids(**headers):
        body = unfold(client.get("/wydarzenia/kalendarz.ics", **headers).content.decode())
        return [line for line in body.split("\r\n") if line.startswith("UID:")]

    first = uids()
    assert first == ["UID:event-gala-kkk-2023@rejestr-kkk"]
    assert uids(HTTP_HOST="127.0.0.1") == first
    backup = export_file("events")
    Event.objects.all().delete()
    assert import_file("events", backup).new == 1
    assert uids() == first
