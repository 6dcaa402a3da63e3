"""Estimated dates are marked wherever they appear, and a day in a margin reads "uncertain"."""

import csv
import datetime
import io
import json
import re

import pytest

from tests.factories import ClusterFactory, RoundFactory, StatusAwardFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
D = datetime.date


def text(response):
    """The page without its CSRF token and with runs of white space as one space."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return re.sub(r"\s+", " ", page)


@pytest.fixture
def round_five():
    """Round V as the built-in data reads it, and a cluster with exact dates beside it."""
    award = StatusAwardFactory(
        cluster__name="Klaster Szacowany",
        cluster__voivodeship="masovia",
        valid_from=D(2021, 12, 31),
        valid_until=D(2024, 12, 31),
        earliest_start=D(2021, 1, 1),
        dates_estimated=True,
    )
    StatusAwardFactory(
        cluster__name="Klaster Dokładny",
        cluster__voivodeship="masovia",
        valid_from=D(2021, 3, 1),
        valid_until=D(2024, 3, 1),
    )
    return award


BOUNDS = "co najmniej od 31.12.2021 do 31.12.2024; możliwie od 01.01.2021 do 31.12.2024"


def row_of(page, name):
    return page[page.index(name) : page.index("</tr>", page.index(name))]


def test_a_day_in_the_margin_lists_the_cluster_as_uncertain_with_its_bounds(client, round_five):
    page = text(client.get("/klastry/", {"as_of": "2021-06-01"}))
    row = row_of(page, "Klaster Szacowany")
    assert "status niepewny" in row and "badge--uncertain" in row
    assert f"daty szacunkowe: {BOUNDS}" in row
    assert "status niepewny" not in row_of(page, "Klaster Dokładny")


def test_a_status_held_on_estimated_dates_is_marked_in_the_list(client, round_five):
    page = text(client.get("/klastry/", {"as_of": "2023-06-01"}))
    assert f"daty szacunkowe: {BOUNDS}" in row_of(page, "Klaster Szacowany")
    exact = row_of(page, "Klaster Dokładny")
    assert "daty szacunkowe" not in exact and "do 01.03.2024" in exact


def test_the_status_filter_offers_the_uncertain_answer(client, round_five):
    response = client.get("/klastry/", {"status": "uncertain", "as_of": "2021-06-01"})
    assert [cluster.name for cluster in response.context["page_obj"]] == ["Klaster Szacowany"]
    # Neither a yes nor a no: the cluster is in neither list that day.
    for state in ("current", "never"):
        response = client.get("/klastry/", {"status": state, "as_of": "2021-06-01"})
        assert "Klaster Szacowany" not in {c.name for c in response.context["page_obj"]}
    assert '<option value="uncertain">status niepewny</option>' in text(client.get("/klastry/"))


def test_the_status_history_states_the_bounds_with_an_accessible_mark(client, round_five):
    page = text(client.get(f"/klastry/{round_five.cluster.slug}/"))
    mark = '<a href="#estimated-note" aria-label="data szacunkowa, zob. przypis">*</a>'
    assert f"daty szacunkowe{mark}: {BOUNDS}" in page
    assert 'id="estimated-note"' in page and "„Co najmniej” to okres" in page
    english = text(client.get(f"/en/clusters/{round_five.cluster.slug}/"))
    assert "at least from 31 December 2021 to 31 December 2024; possibly from 1 January 2021" in (
        english
    )


def test_an_exact_award_has_no_estimate_mark(client):
    award = StatusAwardFactory(cluster__name="Klaster Pewny")
    page = text(client.get(f"/klastry/{award.cluster.slug}/"))
    assert "estimated-note" not in page and "co najmniej" not in page


def test_open_data_mark_estimated_dates_and_give_their_bounds(client, round_five):
    day = {"as_of": "2021-06-01"}
    csv_text = client.get("/klastry/export.csv", day).content.decode("utf-8-sig")
    csv_rows = {row["name"]: row for row in csv.DictReader(io.StringIO(csv_text))}
    json_rows = {
        row["name"]: row
        for row in json.loads(client.get("/klastry/export.json", day).content)["clusters"]
    }
    for rows, yes in ((csv_rows, "true"), (json_rows, True)):
        estimated = rows["Klaster Szacowany"]
        assert estimated["status"] == "uncertain"
        assert estimated["dates_estimated"] == yes
        assert (
            estimated["status_proven_from"],
            estimated["status_proven_until"],
            estimated["status_possible_from"],
            estimated["status_possible_until"],
        ) == ("2021-12-31", "2024-12-31", "2021-01-01", "2024-12-31")
        exact = rows["Klaster Dokładny"]
        assert exact["status"] == "current"
        assert exact["dates_estimated"] in ("false", False)
        assert exact["status_possible_from"] == exact["status_proven_from"] == "2021-03-01"


def test_open_data_leave_the_bounds_empty_without_an_award(client):
    ClusterFactory(name="Klaster Bez Statusu")
    row = json.loads(client.get("/klastry/export.json").content)["clusters"][0]
    assert row["dates_estimated"] is False
    assert row["status_proven_from"] == row["status_possible_until"] == ""


def test_the_year_chart_says_which_counts_rest_on_estimates(client, round_five):
    page = text(client.get("/"))
    # 2021: the exact cluster from 1 March; the estimated one only from 31 December.
    assert "2021: 2, w tym 1 na podstawie szacowanych dat;" in page
    assert '<th scope="row">2025</th><td class="number">0</td>' in page
    assert "liczba oznaczona * obejmuje takie klastry" in page


def test_the_map_says_how_many_holders_rest_on_estimates(client, round_five):
    # Nobody holds status on 24.11.2026: the map shows 31.12.2024, the estimated cluster only.
    page = text(client.get("/"))
    assert "mazowieckie: 1 klaster, w tym 1 na podstawie szacowanych dat" in page
    assert "W tym 1 na podstawie szacowanych dat: obejmują je liczby oznaczone *." in page


def test_pages_without_estimates_say_nothing_about_them(client):
    StatusAwardFactory(round=RoundFactory(), valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    page = text(client.get("/"))
    assert "szacowanych dat" not in page


def test_the_cluster_page_marks_todays_status_when_it_rests_on_estimates(client):
    award = StatusAwardFactory(
        valid_from=D(2025, 12, 31),
        valid_until=D(2028, 12, 31),
        earliest_start=D(2025, 1, 1),
        dates_estimated=True,
    )
    page = text(client.get(f"/klastry/{award.cluster.slug}/"))
    header = page[page.index("<h1>") : page.index("</p>", page.index("<h1>"))]
    assert "Status KKK ważny do 31.12.2028. (daty szacunkowe<a" in header
