"""Whole-registry downloads: streamed in constant memory, kept in the cache between changes."""

import csv
import datetime
import io
import json
import tracemalloc

import pytest
from django.core.cache import cache
from django.core.signals import request_finished
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters import views
from core import downloads
from tests.factories import ClusterFactory, RoundFactory, bulk_clusters

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
D = datetime.date


@pytest.fixture
def add_clusters():
    round_ = RoundFactory(slug="runda-stala")

    def add(count, start=0):
        bulk_clusters(
            count, round_=round_, valid_from=D(2025, 1, 1), valid_until=D(2028, 1, 1), start=start
        )

    return add


@pytest.fixture
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def peak_bytes_of_streaming(client, url):
    response = client.get(url)
    assert response.streaming
    tracemalloc.start()
    try:
        size = sum(len(chunk) for chunk in response.streaming_content)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("url", ["/klastry/export.csv", "/klastry/export.json"])
@pytest.mark.parametrize("cached", [False, True], ids=["uncached", "cached"])
def test_an_export_four_times_longer_takes_no_more_memory(
    client, add_clusters, monkeypatch, settings, url, cached
):
    # Small chunks and parts, so that both sizes span several of them.
    monkeypatch.setattr(views, "EXPORT_CHUNK", 50)
    monkeypatch.setattr(downloads, "PART_BYTES", 16 * 1024)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600 if cached else 0
    cache.clear()
    add_clusters(150)
    small, small_size = peak_bytes_of_streaming(client, url)
    add_clusters(450, start=150)
    cache.clear()
    large, large_size = peak_bytes_of_streaming(client, url)
    assert large_size > 3.5 * small_size
    # Whole files in memory would be four times the first peak: one chunk's is the same.
    assert large < small * 1.5 + 64 * 1024, (small, large)


def test_an_export_is_kept_until_the_data_change(client, page_cache):
    cluster = ClusterFactory(name="Klaster Pierwotny")
    first = client.get("/klastry/export.csv").content
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/klastry/export.csv").content
    assert again == first
    assert len(queries) == 1  # the versions of the data it shows
    cluster.name = "Klaster Zmieniony"
    cluster.save()
    rows = list(
        csv.DictReader(io.StringIO(client.get("/klastry/export.csv").content.decode("utf-8-sig")))
    )
    assert [row["name"] for row in rows] == ["Klaster Zmieniony"]


def test_a_download_cut_short_is_not_kept(client, page_cache, add_clusters, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_CHUNK", 10)
    monkeypatch.setattr(downloads, "PART_BYTES", 1024)
    add_clusters(100)
    whole = client.get("/klastry/export.json").content
    cache.clear()
    response = client.get("/klastry/export.json")
    stream = iter(response.streaming_content)
    next(stream)
    # The visitor left after the first part. Closing the response ends its request; the
    # test client's wrapper does that with the database left alone, but the end-of-request
    # signal of this close would drop the test's own connection (and its transaction).
    with monkeypatch.context() as patched:
        patched.setattr(request_finished, "send", lambda sender, **named: [])
        response.close()
    again = client.get("/klastry/export.json").content
    assert again == whole
    assert json.loads(again)["count"] == 100


def test_a_file_whose_cached_part_is_gone_is_written_again(client, page_cache, add_clusters):
    add_clusters(40)
    whole = client.get("/klastry/export.csv").content
    key = next(key for key in cache._cache if ":kkk-download:" in key and key.endswith(":0"))
    cache.delete(key.split(":", 2)[2])
    assert client.get("/klastry/export.csv").content == whole


def test_the_json_export_is_what_json_dumps_writes(client, add_clusters):
    from django.core.serializers.json import DjangoJSONEncoder

    from clusters.exports import export_rows
    from clusters.filters import ClusterFilter
    from clusters.views import filtered_clusters

    add_clusters(3)
    for query in ["", "?q=nikt"]:
        request = client.get("/klastry/export.json" + query).wsgi_request
        filterset = filtered_clusters(request)
        assert isinstance(filterset, ClusterFilter)
        rows = list(export_rows(filterset.qs, filterset.as_of_date, request))
        expected = json.dumps(
            # The count last: written after the rows, the file's first byte waits for no count.
            {"as_of": filterset.as_of_date.isoformat(), "clusters": rows, "count": len(rows)},
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            indent=1,
        )
        assert client.get("/klastry/export.json" + query).content.decode() == expected


def test_the_open_data_tables_are_streamed_and_kept(client, page_cache, add_clusters):
    add_clusters(30)
    response = client.get("/dane/nadania-statusu.csv")
    assert response.streaming
    first = response.content
    assert first.startswith(b"\xef\xbb\xbf") and first.count(b"\r\n") == 31
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/dane/nadania-statusu.csv").content == first
    assert len(queries) == 1


def add_events(count, start=0):
    from events.models import Event

    Event.objects.bulk_create(
        Event(
            title=f"Konferencja Zbiorcza {n:04d}",
            slug=f"konferencja-zbiorcza-{n:04d}",
            kind=Event.Kind.CONFERENCE,
            start_date=D(2025, 1, 1) + datetime.timedelta(days=n % 700),
            city="Łódź",
            description="Opis wydarzenia, " * 5,
        )
        for n in range(start, start + count)
    )


CALENDAR = "/wydarzenia/kalendarz.ics"


@pytest.mark.parametrize("cached", [False, True], ids=["uncached", "cached"])
def test_a_calendar_four_times_longer_takes_no_more_memory(client, monkeypatch, settings, cached):
    from events import views as event_views

    monkeypatch.setattr(event_views, "FEED_CHUNK", 50)
    monkeypatch.setattr(downloads, "PART_BYTES", 16 * 1024)
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600 if cached else 0
    # The parts go to a cache outside the worker (Redis when deployed): kept in this
    # process's memory, they would be the file itself.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    add_events(150)
    small, small_size = peak_bytes_of_streaming(client, CALENDAR)
    add_events(450, start=150)
    large, large_size = peak_bytes_of_streaming(client, CALENDAR)
    assert large_size > 3.5 * small_size
    assert large < small * 1.5 + 64 * 1024, (small, large)


def test_the_calendar_reads_the_same_queries_whatever_the_events(client):
    add_events(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(CALENDAR).content.count(b"BEGIN:VEVENT") == 3
    add_events(300, start=3)
    with CaptureQueriesContext(connection) as many:
        assert client.get(CALENDAR).content.count(b"BEGIN:VEVENT") == 303
    assert len(many) == len(few)


def test_the_calendar_is_kept_until_an_event_changes(client, page_cache):
    from tests.factories import EventFactory

    event = EventFactory(title="Gala Pierwotna")
    response = client.get(CALENDAR)
    assert response.streaming
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kkk-wydarzenia.ics"'
    first = response.content
    # A cluster's change leaves it kept: it shows events alone.
    ClusterFactory(name="Klaster Nowy")
    with CaptureQueriesContext(connection) as queries:
        again = client.get(CALENDAR).content
    assert again == first
    assert len(queries) == 1  # the versions of the data it shows
    # English is a file of its own.
    assert b"SUMMARY:Gala Pierwotna" in client.get("/en/events/calendar.ics").content
    event.title = "Gala Zmieniona"
    event.save()
    changed = client.get(CALENDAR).content
    assert b"SUMMARY:Gala Zmieniona" in changed and b"Pierwotna" not in changed
    event.published = False
    event.save()
    assert b"BEGIN:VEVENT" not in client.get(CALENDAR).content
