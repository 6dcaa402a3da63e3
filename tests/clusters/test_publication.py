"""Nothing of a running round is public before its results are published; then all of it."""

import datetime
import json

import pytest
import time_machine
from django.utils import timezone

from clusters.services import close_round, publish_results
from tests.clusters.test_competition import competition, run_round  # noqa: F401

pytestmark = pytest.mark.django_db

# After the gala of 15 December 2026, when the awarded statuses have started.
AFTER_GALA = datetime.datetime(2027, 1, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def closed_round(competition):  # noqa: F811
    round_ = competition[0]
    run_round(competition)
    close_round(round_)
    round_.refresh_from_db()
    return round_


def public_pages(client, round_):
    export = json.loads(client.get("/klastry/export.json").content)
    return {
        "round": client.get(round_.get_absolute_url()).content.decode(),
        "list": client.get("/klastry/", {"status": "current"}).content.decode(),
        "csv": client.get("/klastry/export.csv", {"status": "current"}).content.decode(),
        "json": {row["name"]: row["status"] for row in export["clusters"]},
        "cluster": client.get("/klastry/alfa/").content.decode(),
    }


def test_before_publication_no_page_or_export_shows_the_results(client, closed_round):
    publish_results(closed_round, AFTER_GALA + datetime.timedelta(days=1))
    with time_machine.travel(AFTER_GALA, tick=False):
        pages = public_pages(client, closed_round)
    assert "Beta" not in pages["round"] and "Gamma" not in pages["round"]
    assert "Wyniki tej rundy zostaną opublikowane 11.01.2027" in pages["round"]
    assert "Alfa" not in pages["list"] and "Alfa" not in pages["csv"]
    assert pages["json"]["Alfa"] == "never"
    assert closed_round.name not in pages["cluster"]


def test_after_publication_the_round_lists_ranked_points_and_awards_count(client, closed_round):
    publish_results(closed_round, AFTER_GALA - datetime.timedelta(days=1))
    with time_machine.travel(AFTER_GALA, tick=False):
        pages = public_pages(client, closed_round)
    round_page = pages["round"]
    results = round_page.split('id="results"', 1)[1]
    assert results.index("Alfa") < results.index("Beta") < results.index("Gamma")
    assert "150" in results
    assert "Alfa" in pages["list"] and "Beta" in pages["csv"] and "Gamma" not in pages["csv"]
    assert pages["json"]["Alfa"] == "current"
    assert closed_round.name in pages["cluster"]


def test_a_new_status_shows_only_from_its_start(client, closed_round):
    publish_results(closed_round, timezone.now())
    before_gala = datetime.datetime(2026, 12, 14, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(before_gala, tick=False):
        assert "Alfa" not in client.get("/klastry/", {"status": "current"}).content.decode()
    with time_machine.travel(AFTER_GALA, tick=False):
        assert "Alfa" in client.get("/klastry/", {"status": "current"}).content.decode()
