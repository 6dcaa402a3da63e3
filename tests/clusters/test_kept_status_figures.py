"""Home's status figures kept between changes (core/summaries.py, clusters/statistics.py):
read from the store while the data is unchanged, never stale, computed again by the
worker after a change commits."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clusters.statistics import SUMMARY, StatusFigures, status_figures
from core import summaries
from core.models import Summary
from core.pagecache import bump_data_version, bump_page_versions, family_key
from tests.factories import ReportedStatusCountFactory, RoundFactory, StatusAwardFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
D = datetime.date
TODAY = D(2026, 11, 24)


def holders_today(client):
    """The home page's count of clusters holding status today."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", client.get("/en/").text)
    return re.findall(r'<span class="figure">(\d+)</span>', page)[0]


def award(**kwargs):
    dates = {"valid_from": D(2025, 1, 1), "valid_until": D(2027, 1, 1)}
    return StatusAwardFactory(cluster__voivodeship="lodz", **{**dates, **kwargs})


def test_stored_figures_are_the_computed_ones_and_spare_the_awards_reads(client):
    award()
    ReportedStatusCountFactory(on=D(2025, 6, 1), clusters=3)
    computed = status_figures(TODAY)
    with CaptureQueriesContext(connection) as first:
        client.get("/en/")
    with CaptureQueriesContext(connection) as second:
        page = client.get("/en/")
    assert Summary.objects.get(name=SUMMARY).figures == computed.as_json()
    assert StatusFigures.from_json(computed.as_json()) == computed
    assert "reports 3 clusters holding KKK status; the registry knows 1 of them" in page.text
    awards_table = '"clusters_statusaward"'

    def reads_awards(queries):
        return sum(awards_table in q["sql"] for q in queries.captured_queries)

    # Computed: the periods, the map day's awards and the next publication besides the
    # latest round's awards, which the page reads either way.
    assert reads_awards(second) == reads_awards(first) - 3


def test_a_change_shows_on_the_next_page(client):
    award()
    assert holders_today(client) == "1"
    award()
    assert holders_today(client) == "2"


def test_an_import_bumping_everything_shows_on_the_next_page(client):
    from clusters.models import StatusAward

    award()
    assert holders_today(client) == "1"
    # A bulk write sends no signals: the import bumps the data version itself.
    StatusAward.objects.update(valid_until=D(2026, 1, 1))
    bump_data_version()
    assert holders_today(client) == "0"


def test_figures_are_not_read_on_another_day(client):
    award(valid_until=TODAY)
    assert holders_today(client) == "1"
    with time_machine.travel(datetime.datetime(2026, 11, 25, 12, 0), tick=False):
        assert holders_today(client) == "0"


def test_figures_are_not_read_past_an_awards_publication(client):
    moment = datetime.datetime(2026, 11, 24, 15, 0, tzinfo=datetime.UTC)
    award(awaits_publication=True, published_at=moment, round=RoundFactory())
    assert holders_today(client) == "0"
    assert Summary.objects.get(name=SUMMARY).good_until == moment
    with time_machine.travel(moment, tick=False):
        assert holders_today(client) == "1"


def test_figures_computed_while_data_changed_are_not_kept(monkeypatch):
    award()
    keys, compute, next_change = summaries._registered[SUMMARY]

    def compute_while_an_editor_saves(on):
        computed = compute(on)
        bump_page_versions({family_key("rounds")})
        return computed

    monkeypatch.setitem(
        summaries._registered, SUMMARY, (keys, compute_while_an_editor_saves, next_change)
    )
    summaries.refresh(SUMMARY, TODAY)
    assert not Summary.objects.filter(name=SUMMARY).exists()


def test_a_change_has_the_worker_compute_the_figures_once_committed(
    django_capture_on_commit_callbacks,
):
    # The test settings run a queued task at once, as the worker would after the commit.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        award()
    assert not Summary.objects.exists()
    for callback in callbacks:
        callback()
    kept = Summary.objects.get(name=SUMMARY)
    assert kept.figures == status_figures(TODAY).as_json()
    assert kept.figures["by_voivodeship"] == [["lodz", 1, 0]]


def test_an_event_change_queues_no_refresh(django_capture_on_commit_callbacks):
    from tests.factories import EventFactory

    with django_capture_on_commit_callbacks(execute=True):
        EventFactory()
    assert not Summary.objects.exists()


def test_a_page_that_cannot_store_the_figures_still_shows_them(client, monkeypatch):
    from django.db import OperationalError

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    award()
    # SQLite's one writer may be an import's: the page does not wait for it, nor fail.
    monkeypatch.setattr(Summary.objects, "bulk_create", locked)
    assert holders_today(client) == "1"
    assert not Summary.objects.exists()


def busy_timeouts_while_storing(monkeypatch):
    """The SQLite busy timeout in force each time the figures are written."""
    seen, store = [], Summary.objects.bulk_create

    def recording(*args, **kwargs):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            seen.append(cursor.fetchone()[0])
        return store(*args, **kwargs)

    monkeypatch.setattr(Summary.objects, "bulk_create", recording)
    return seen


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one writer and busy timeout")
def test_a_page_keeps_the_figures_only_if_sqlites_writer_is_free_at_once(client, monkeypatch):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (configured,) = cursor.fetchone()
    seen = busy_timeouts_while_storing(monkeypatch)
    award()
    client.get("/en/")
    assert seen == [0]  # an import holding the lock fails the store at once, not in a minute
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] == configured  # the page's later writes wait as set


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one writer and busy timeout")
def test_the_worker_waits_for_sqlites_writer_to_keep_the_figures(monkeypatch):
    seen = busy_timeouts_while_storing(monkeypatch)
    award()
    summaries.refresh_summary.call(SUMMARY)
    assert seen and seen[0] > 0
