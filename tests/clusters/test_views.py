"""The public cluster and round pages: content, invalid input, exports, query counts."""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clusters.models import Application, Cluster, Person, PersonRole, Round, StatusAward
from clusters.models.rounds import attach_public_counts
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    EventFactory,
    ReportedStatusCountFactory,
    RepresentationFactory,
    RoundFactory,
    SpecialisationFactory,
    StageFactory,
    StageResultFactory,
    StatusAwardFactory,
    bulk_clusters,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
D = datetime.date
TODAY = D(2026, 11, 24)


def text(response):
    """The page without its random CSRF token, which could contain any digits looked for."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


# --- Home -----------------------------------------------------------------


def test_home_counts_clusters_holding_status_today_by_voivodeship_and_industry(client):
    ict = SpecialisationFactory(name="ICT", slug="ict")
    award = StatusAwardFactory(
        cluster__voivodeship="masovia", valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1)
    )
    award.cluster.specialisations.add(ict)
    StatusAwardFactory(valid_from=D(2019, 1, 1), valid_until=D(2022, 1, 1))
    page = text(client.get("/"))
    assert '<span class="figure">1</span>' in page
    assert "mazowieckie: 1 klaster" in page
    assert "?voivodeship=masovia&amp;status=current&amp;as_of=2026-11-24" in page
    assert "?specialisation=ict&amp;status=current" in page


def test_home_counts_each_holder_once_per_industry_busiest_first_then_by_name(client):
    energy, ict, water = (
        SpecialisationFactory(name=name, slug=name.lower()) for name in ("Energia", "ICT", "Woda")
    )
    first = StatusAwardFactory(valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1)).cluster
    # Two awards in force on the day: still one cluster of each of its industries.
    StatusAwardFactory(
        cluster=first, round=RoundFactory(), valid_from=D(2025, 1, 1), valid_until=D(2027, 1, 1)
    )
    first.specialisations.add(water, ict)
    second = StatusAwardFactory(valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1)).cluster
    second.specialisations.add(water, energy)
    # Not holding status today: in no count.
    StatusAwardFactory(
        valid_from=D(2019, 1, 1), valid_until=D(2022, 1, 1)
    ).cluster.specialisations.add(ict)
    rows = re.findall(
        r'specialisation=(\w+)&amp;[^"]*">[^<]*</a></th><td class="number">(\d+)<',
        text(client.get("/")),
    )
    assert rows == [("woda", "2"), ("energia", "1"), ("ict", "1")]


def test_home_with_nobody_holding_status_shows_the_last_day_anybody_did(client):
    StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17))
    page = text(client.get("/en/"))
    assert '<span class="figure">0</span>' in page
    assert "The last day on which clusters held it was 17 December 2025: 1 cluster" in page
    assert "as_of=2025-12-17" in page


def test_home_map_day_is_not_moved_by_a_status_that_begins_later_this_year(client):
    StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17))
    StatusAwardFactory(valid_from=D(2026, 12, 1), valid_until=D(2029, 12, 1))
    page = text(client.get("/en/"))
    assert '<span class="figure">0</span>' in page
    assert "The last day on which clusters held it was 17 December 2025: 1 cluster" in page


def test_home_finds_the_last_day_with_status_before_the_charts_years(client):
    StatusAwardFactory(valid_from=D(2011, 3, 1), valid_until=D(2014, 3, 1))
    page = text(client.get("/en/"))
    assert "The last day on which clusters held it was 1 March 2014: 1 cluster" in page
    assert "as_of=2014-03-01" in page


def test_home_chart_counts_a_cluster_in_every_year_it_held_status_on_any_day(client):
    StatusAwardFactory(valid_from=D(2015, 12, 31), valid_until=D(2017, 1, 1))
    StatusAwardFactory(valid_from=D(2016, 6, 1), valid_until=D(2016, 7, 1))
    page = text(client.get("/en/"))
    assert '<th scope="row">2015</th><td class="number">1</td>' in page
    assert '<th scope="row">2016</th><td class="number">2</td>' in page
    assert '<th scope="row">2017</th><td class="number">1</td>' in page
    assert '<th scope="row">2018</th><td class="number">0</td>' in page


def test_home_shows_the_latest_round_and_upcoming_and_recent_events(client):
    StatusAwardFactory(round__name="Runda VI", round__year=2022, cluster__name="Klaster Nowy")
    EventFactory(title="Gala przyszła", start_date=D(2027, 1, 10))
    EventFactory(title="Gala dawna", start_date=D(2023, 1, 23))
    EventFactory(title="Gala ukryta", start_date=D(2027, 1, 11), published=False)
    page = text(client.get("/"))
    assert "Runda VI" in page and "Klaster Nowy" in page
    assert "Gala przyszła" in page and "Gala dawna" in page
    assert "Gala ukryta" not in page


def test_home_latest_round_is_the_last_years_with_the_latest_results_date_then_the_newest(client):
    RoundFactory(name="Runda starsza", year=2023, results_date=D(2023, 12, 1))
    RoundFactory(name="Runda bez daty", year=2024, results_date=None)
    RoundFactory(name="Runda wcześniejsza", year=2024, results_date=D(2024, 3, 1))
    RoundFactory(name="Runda późniejsza", year=2024, results_date=D(2024, 9, 1))

    def latest(page):
        return re.search(r'id="round-heading">[^<]*</h2>\s*<p><a href="[^"]*">([^<]*)</a>', page)[1]

    assert latest(text(client.get("/"))) == "Runda późniejsza"
    RoundFactory(name="Runda tego samego dnia", year=2024, results_date=D(2024, 9, 1))
    assert latest(text(client.get("/"))) == "Runda tego samego dnia"


def test_home_links_to_the_list_and_events_at_the_pages_language_addresses(client):
    StatusAwardFactory(valid_from=D(2020, 1, 1), valid_until=D(2099, 1, 1))
    polish, english = text(client.get("/")), text(client.get("/en/"))
    assert '<a href="/klastry/?status=current">' in polish
    assert '<a href="/wydarzenia/">' in polish and '<a href="/wydarzenia/kalendarz.ics">' in polish
    assert '<a href="/en/clusters/?status=current">' in english
    assert '<a href="/en/events/">' in english


def test_home_counts_the_latest_rounds_public_awards_of_published_clusters_only(client):
    round_ = RoundFactory(name="Runda VII", year=2026)
    StatusAwardFactory(round=round_, cluster__name="Klaster Jawny")
    StatusAwardFactory(round=round_, cluster__name="Klaster Ukryty", cluster__published=False)
    StatusAwardFactory(
        round=round_,
        cluster__name="Klaster Czekający",
        awaits_publication=True,
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    page = text(client.get("/en/"))
    assert "1 cluster was awarded status." in page and "Klaster Jawny" in page
    assert "Klaster Ukryty" not in page and "Klaster Czekający" not in page


def test_home_shows_an_award_awaiting_publication_only_from_its_moment(client):
    moment = timezone.now() + datetime.timedelta(hours=1)
    StatusAwardFactory(
        cluster__voivodeship="lodz",
        valid_from=D(2026, 1, 1),
        valid_until=D(2028, 1, 1),
        awaits_publication=True,
        published_at=moment,
    )
    before = text(client.get("/en/"))
    assert '<span class="figure">0</span>' in before and "Lodz: 1 cluster" not in before
    assert '<th scope="row">2026</th><td class="number">0</td>' in before
    with time_machine.travel(moment, tick=False):
        after = text(client.get("/en/"))
    assert '<span class="figure">1</span>' in after and "Lodz: 1 cluster" in after
    assert '<th scope="row">2026</th><td class="number">1</td>' in after


def test_home_says_when_the_latest_round_has_no_results_yet(client):
    RoundFactory(name="Runda VIII", year=2027)
    page = text(client.get("/en/"))
    assert "Runda VIII" in page and "The registry has no results of this round yet." in page


# --- List -----------------------------------------------------------------


def test_list_keeps_the_filters_in_pagination_and_export_links(client):
    round_ = RoundFactory()
    bulk_clusters(30, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    page = text(client.get("/klastry/", {"q": "zbiorczy", "status": "current"}))
    assert "?q=zbiorczy&amp;status=current&amp;page=2" in page
    assert "/klastry/export.csv?q=zbiorczy&amp;status=current" in page
    second = client.get("/klastry/", {"q": "zbiorczy", "status": "current", "page": 2})
    assert "Klaster Zbiorczy 0029" in text(second)


@pytest.mark.parametrize("page", ["99", "0", "abc"])
def test_a_page_past_the_end_or_not_a_number_is_a_404(client, page):
    ClusterFactory()
    assert client.get("/klastry/", {"page": page}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": "2023-13-45"},
        {"as_of": "wczoraj", "sort": "name"},
        {"voivodeship": "narnia"},
        {"specialisation": "nie-ma"},
        {"round": "runda-xx"},
        {"status": "maybe"},
        {"sort": "price"},
        {"kind": "'; DROP TABLE"},
        {"q": "ą" * 10_000},
    ],
)
def test_invalid_parameters_give_the_list_with_a_message_never_an_error(client, params):
    ClusterFactory(name="Klaster Widoczny")
    response = client.get("/en/clusters/", params)
    assert response.status_code == 200
    assert "could not be used and were ignored" in text(response)
    assert "Klaster Widoczny" in text(response)


def test_unpublished_clusters_are_left_out_of_the_list_and_exports(client):
    ClusterFactory(name="Klaster Ukryty", published=False)
    assert "Klaster Ukryty" not in text(client.get("/klastry/"))
    assert "Klaster Ukryty" not in text(client.get("/klastry/export.csv"))
    assert "Klaster Ukryty" not in text(client.get("/klastry/export.json"))


def test_csv_export_is_utf8_with_bom_and_neutralises_formulas(client):
    cluster = ClusterFactory(name='=HYPERLINK("http://zło")', city="Łódź", voivodeship="lodz")
    RepresentationFactory(cluster=cluster, coordinator__name="+48 Fundacja", coordinator__nip="")
    StatusAwardFactory(cluster=cluster, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    response = client.get("/klastry/export.csv", {"voivodeship": "lodz"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["name"] == '\'=HYPERLINK("http://zło")'
    assert rows[0]["coordinator"] == "'+48 Fundacja"
    assert rows[0]["city"] == "Łódź"
    assert rows[0]["status"] == "current"
    assert rows[0]["status_valid_until"] == "2028-01-01"


def test_json_export_gives_the_filtered_list_with_its_day(client):
    StatusAwardFactory(
        cluster__name="Klaster Dawny", valid_from=D(2019, 1, 1), valid_until=D(2022, 1, 1)
    )
    ClusterFactory(name="Klaster Inny")
    response = client.get("/klastry/export.json", {"status": "current", "as_of": "2020-05-05"})
    data = json.loads(response.content)
    assert data["as_of"] == "2020-05-05"
    assert data["count"] == 1
    assert data["clusters"][0]["name"] == "Klaster Dawny"
    assert data["clusters"][0]["url"].endswith("/klastry/klaster-dawny/")
    # Cells are not escaped for spreadsheets in JSON.
    assert data["clusters"][0]["status"] == "current"


# --- Cluster --------------------------------------------------------------


def test_cluster_page_shows_coordinator_ids_former_names_and_status_timeline(client):
    cluster = ClusterFactory(name="Klaster Pełny", description="Opis klastra.")
    RepresentationFactory(
        cluster=cluster, coordinator__nip="5260250274", coordinator__krs="0000012345"
    )
    cluster.former_names.create(name="Klaster Dawniej")
    StatusAwardFactory(cluster=cluster, valid_from=D(2019, 1, 1), valid_until=D(2022, 1, 1))
    StatusAwardFactory(cluster=cluster, valid_from=D(2026, 1, 1), valid_until=D(2027, 3, 1))
    page = text(client.get("/en/clusters/klaster-pelny/"))
    assert "5260250274" in page and "0000012345" in page
    assert "Klaster Dawniej" in page
    assert "Opis klastra." in page
    assert "badge--expired" in page
    assert "in force, expiring soon" in page
    assert "KKK status valid until 1 March 2027." in page


def test_estimated_award_dates_are_given_as_the_period_proven_with_a_note(client):
    award = StatusAwardFactory(
        cluster__name="Klaster Szacowany",
        valid_from=D(2015, 6, 1),
        valid_until=D(2018, 6, 1),
        dates_estimated=True,
    )
    page = text(client.get(f"/en/clusters/{award.cluster.slug}/"))
    # Without a margin the sources allow nothing wider: no "possibly" part.
    assert "at least from 1 June 2015 to 1 June 2018</dd>" in page
    assert 'id="estimated-note"' in page


def test_cluster_page_shows_only_published_scores(client):
    cluster = ClusterFactory(name="Klaster Oceniany")
    stage = StageFactory(max_points=140, kind="parametric")
    shown = ApplicationFactory(
        cluster=cluster, round=stage.round, total_points=Decimal(128), scores_published=True
    )
    StageResultFactory(application=shown, stage=stage, points=Decimal("128.00"))
    hidden_stage = StageFactory(max_points=140, kind="parametric")
    hidden = ApplicationFactory(cluster=cluster, round=hidden_stage.round, total_points=Decimal(77))
    StageResultFactory(application=hidden, stage=hidden_stage, points=Decimal("77.00"))
    assert not Application.objects.get(pk=hidden.pk).scores_published
    page = text(client.get(cluster.get_absolute_url()))
    assert "128" in page
    assert "77" not in page


def test_cluster_page_never_shows_staff_only_contact_details(client):
    cluster = ClusterFactory()
    person = Person.objects.create(name="Anna Nowak", email="anna@tajne.pl", phone="600100200")
    PersonRole.objects.create(person=person, cluster=cluster, role="chairman")
    EventFactory().participations.create(person=person, role="speaker", cluster=cluster)
    for url in [cluster.get_absolute_url(), "/wydarzenia/konferencja-0-2023/"]:
        page = text(client.get(url))
        assert "anna@tajne.pl" not in page and "600100200" not in page


def test_unpublished_cluster_page_is_a_404(client):
    cluster = ClusterFactory(published=False)
    assert client.get(cluster.get_absolute_url()).status_code == 404


# --- Rounds ---------------------------------------------------------------


def test_round_page_gives_what_the_registry_knows_of_the_reported_figures(client):
    round_ = RoundFactory(
        name="Odnowienie 2018", slug="odnowienie-2018", applications_reported=7, awards_reported=4
    )
    stage = StageFactory(round=round_, order=1)
    for _ in range(2):
        StageResultFactory(application__round=round_, stage=stage, result="passed")
    StatusAwardFactory(round=round_, cluster__name="Klaster Odnowiony")
    page = text(client.get("/en/rounds/odnowienie-2018/"))
    assert "<dt>Applied</dt><dd>2 of 7 (incomplete)</dd>" in page
    assert "<dt>Awarded status</dt><dd>1 of 4 (incomplete)</dd>" in page
    assert "the registry knows 1 of the 4 clusters awarded status in this round" in page
    assert '<td class="number">2</td><td class="number">2</td>' in page
    assert "Klaster Odnowiony" in page


def test_round_page_hides_unpublished_awarded_clusters(client):
    award = StatusAwardFactory(cluster__name="Klaster Ukryty", cluster__published=False)
    assert "Klaster Ukryty" not in text(client.get(award.round.get_absolute_url()))


def test_round_counts_leave_out_unpublished_clusters_and_awards_not_yet_public(client):
    counted = RoundFactory(name="Runda Liczona", slug="runda-liczona", applications_reported=None)
    unannounced = RoundFactory(results_published_at=None)
    hidden = ClusterFactory(published=False)
    for cluster in [ClusterFactory(), ClusterFactory(), hidden]:
        StatusAwardFactory(round=counted, cluster=cluster)
        ApplicationFactory(round=counted, cluster=cluster)
        ApplicationFactory(round=unannounced, cluster=cluster)
    past = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    StatusAwardFactory(round=counted, awaits_publication=True, published_at=past)
    StatusAwardFactory(round=counted, awaits_publication=True, published_at=None)
    StatusAwardFactory(round=unannounced, cluster=hidden)

    rounds = attach_public_counts(Round.objects.filter(pk__in=[counted.pk, unannounced.pk]))
    counts = {r.pk: (r.applications_recorded, r.awards_recorded) for r in rounds}
    assert counts == {counted.pk: (2, 3), unannounced.pk: (0, 0)}
    page = text(client.get("/en/rounds/runda-liczona/"))
    assert "<dt>Applied</dt><dd>2</dd>" in page
    assert "<dt>Awarded status</dt><dd>3</dd>" in page


def test_round_list_names_each_round_with_its_organiser_of_the_day(client):
    RoundFactory(name="Runda I")
    page = text(client.get("/rundy/"))
    assert "Runda I" in page and "Ministerstwo Rozwoju i Technologii" in page


# --- Constant queries -----------------------------------------------------


@pytest.fixture
def add_clusters():
    """add_clusters(count, start): clusters holding status, sharing a round, industry, event.

    Sources report more holders and awards than the registry knows, so the pages'
    notes on incomplete data are part of what is counted.
    """
    round_ = RoundFactory(slug="runda-stala", number=3, awards_reported=1000)
    ReportedStatusCountFactory(on=D(2026, 6, 1), clusters=1000, source_url="https://example.org/")
    specialisation = SpecialisationFactory(slug="stala")
    event = EventFactory(title="Wydarzenie stałe", round=round_, start_date=D(2027, 1, 1))

    def add(count, start):
        clusters = bulk_clusters(
            count,
            start=start,
            round_=round_,
            valid_from=D(2026, 1, 1),
            valid_until=D(2028, 1, 1),
            specialisation=specialisation,
        )
        event.clusters.add(*clusters)

    return add


def test_a_deep_list_page_shows_its_own_clusters_in_order_with_either_sort(client):
    round_ = RoundFactory()
    bulk_clusters(60, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    third = text(client.get("/klastry/", {"page": 3}))
    shown = [n for n in range(60) if f"Klaster Zbiorczy {n:04d}" in third]
    assert shown == list(range(50, 60))
    assert third.index("Klaster Zbiorczy 0050") < third.index("Klaster Zbiorczy 0059")
    by_end = text(client.get("/klastry/", {"sort": "status_end", "page": 3}))
    assert [n for n in range(60) if f"Klaster Zbiorczy {n:04d}" in by_end] == shown


def test_a_deep_list_page_reads_full_rows_for_its_own_clusters_only(client):
    # Page ids come first from the ordering index; OFFSET never touches the wide rows.
    round_ = RoundFactory()
    bulk_clusters(60, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        client.get("/klastry/", {"page": 3})
    # The rows' own columns (the seat among them) are read for the page's ids alone.
    rows = [q["sql"] for q in queries if '"clusters_cluster"."city"' in q["sql"]]
    assert rows and all("OFFSET" not in sql for sql in rows)


def test_the_published_flag_is_written_into_the_sql_not_passed_as_a_parameter():
    # With `published = ?` SQLite cannot read the flag off the partial index on the list's
    # order (cluster_public_order) and fetches every row: 20 times slower at 100 000.
    sql, params = Cluster.objects.published().values("pk").query.sql_with_params()
    assert params == ()
    ClusterFactory(published=True)
    ClusterFactory(published=False)
    assert Cluster.objects.published().count() == 1
    assert Cluster.objects.exclude(pk__in=Cluster.objects.published()).count() == 1


PAGES = [
    "/",
    "/klastry/",
    "/klastry/?q=zbiorczy&status=current&sort=status_end&voivodeship=lodz",
    "/klastry/klaster-zbiorczy-0000/",
    "/klastry/export.csv",
    "/klastry/export.json?status=current",
    "/klastry/export.xlsx?status=current&voivodeship=lodz",
    "/klastry/export-excel.csv",
    # An empty list: whether anybody holds status today is asked, in one query.
    "/klastry/?status=current&q=nikt",
    "/weryfikacja-statusu/?cluster=klaster-zbiorczy-0000&on=2026-06-01",
    "/rundy/",
    "/rundy/runda-stala/",
    "/wydarzenia/",
    "/wydarzenia/?year=2027",
    "/wydarzenia/wydarzenie-stale-2027/",
    "/wydarzenia/kalendarz.ics",
    "/deklaracja-dostepnosci/",
    "/sitemap.xml",
    "/sitemap-clusters.xml",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_issues_the_same_number_of_queries_for_5_and_500_clusters(
    client, add_clusters, url
):
    add_clusters(5, start=0)
    with_five = count_queries(client, url)
    add_clusters(495, start=5)
    assert Cluster.objects.count() == 500
    assert count_queries(client, url) == with_five


def test_round_page_marks_estimated_years_only_when_a_date_is_estimated(client):
    exact = StatusAwardFactory(round__slug="runda-dokladna")
    assert "Estimated" not in text(client.get("/en/rounds/runda-dokladna/"))
    StatusAwardFactory(round=exact.round, dates_estimated=True, valid_until=D(2025, 6, 1))
    assert "Estimated: the sources give only the year." in text(
        client.get("/en/rounds/runda-dokladna/")
    )


def test_a_round_of_more_awards_than_a_page_lists_them_a_page_at_a_time(client):
    round_ = RoundFactory(slug="runda-duza", number=4)
    bulk_clusters(250, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))

    def shown(page):
        return [n for n in range(250) if f"Klaster Zbiorczy {n:04d}<" in page]

    first = text(client.get("/en/rounds/runda-duza/"))
    assert shown(first) == list(range(100))
    assert "Clusters 1–100 of 250, in name order." in first
    assert "Page 1 of 3" in first and '<a href="?page=2" rel="next">' in first
    assert 'rel="prev"' not in first
    second = text(client.get("/en/rounds/runda-duza/", {"page": 2}))
    assert shown(second) == list(range(100, 200))
    assert second.index("Klaster Zbiorczy 0100") < second.index("Klaster Zbiorczy 0199")
    assert "Clusters 101–200 of 250, in name order." in second
    assert '<a href="?page=1" rel="prev">' in second and '<a href="?page=3" rel="next">' in second
    assert "<title>Runda" in second and "(page 2)" in second
    assert shown(text(client.get("/en/rounds/runda-duza/", {"page": 3}))) == list(range(200, 250))
    polish = text(client.get("/rundy/runda-duza/", {"page": 2}))
    assert "Klastry 101–200 z 250, w kolejności nazw." in polish


@pytest.mark.parametrize("page", ["4", "0", "x"])
def test_a_round_page_past_the_end_or_not_a_number_is_a_404(client, page):
    round_ = RoundFactory(slug="runda-duza", number=4)
    bulk_clusters(150, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    assert client.get("/rundy/runda-duza/", {"page": page}).status_code == 404


def test_a_round_of_few_awards_has_no_page_navigation(client):
    round_ = RoundFactory(slug="runda-mala", number=4)
    bulk_clusters(100, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    page = text(client.get("/en/rounds/runda-mala/"))
    assert "Klaster Zbiorczy 0099" in page
    assert "of 100, in name order" not in page and 'aria-label="Pages"' not in page


def test_round_pages_issue_the_same_queries_whatever_the_page_and_awards(client):
    round_ = RoundFactory(slug="runda-duza", number=4)
    bulk_clusters(5, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    with_five = count_queries(client, "/rundy/runda-duza/")
    bulk_clusters(245, start=5, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    assert count_queries(client, "/rundy/runda-duza/") == with_five
    assert count_queries(client, "/rundy/runda-duza/?page=3") == with_five


def test_a_large_rounds_pages_are_the_same_walked_from_either_end_or_sorted():
    from clusters.views import RoundAwards

    round_ = RoundFactory(slug="runda-duza", number=4)
    clusters = bulk_clusters(60, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    # Clusters of another round only, which a walk passes by.
    other = RoundFactory(slug="runda-inna", number=5)
    bulk_clusters(90, start=60, round_=other, valid_from=D(2020, 1, 1), valid_until=D(2023, 1, 1))
    # Left out: an unpublished cluster, an award awaiting its round's results.
    Cluster.objects.filter(pk=clusters[3].pk).update(published=False)
    StatusAward.objects.filter(cluster=clusters[7], round=round_).update(
        awaits_publication=True, published_at=timezone.now() + datetime.timedelta(days=1)
    )
    # Two clusters of one sort key, ordered by their names.
    Cluster.objects.filter(pk__in=[clusters[10].pk, clusters[40].pk]).update(sort_key="00")
    now = timezone.now()
    attach_public_counts([round_], now)
    assert round_.awards_recorded == 58
    public = [c for n, c in enumerate(clusters) if n not in (3, 7)]
    expected = [c.slug for c in [clusters[10], clusters[40]]] + [
        c.slug for c in public if c not in (clusters[10], clusters[40])
    ]

    def pages(sorted_up_to, steps_per_award):
        awards = RoundAwards(round_, now)
        awards.SORTED_UP_TO, awards.STEPS_PER_AWARD = sorted_up_to, steps_per_award
        return [awards[start : start + 7] for start in range(0, 58, 7)]

    sorted_small = pages(1000, 2)
    assert [row[0] for page in sorted_small for row in page] == expected
    assert sorted_small[0][0] == (
        clusters[10].slug,
        clusters[10].name,
        D(2026, 1, 1),
        D(2028, 1, 1),
        False,
        None,
        None,
    )
    walked = pages(0, 10**9)
    assert walked == sorted_small
    assert pages(0, 0) == sorted_small


def test_a_large_round_walks_to_its_pages_near_either_end_and_sorts_for_the_middle():
    from clusters.views import RoundAwards

    # A round of 10 000 awards among 100 000 clusters, pages of 100.
    round_ = Round()
    round_.awards_recorded = 10_000
    awards = RoundAwards(round_, timezone.now())
    limit = awards.STEPS_PER_AWARD * awards.count

    def walks(start):
        return awards.walk_steps(start, start + 100, 100_000) <= limit

    assert walks(0) and walks(9_900) and walks(1_000) and walks(8_900)
    assert not walks(4_900) and not walks(3_000)


def test_a_large_rounds_pages_issue_the_same_queries_walked_or_sorted(client, monkeypatch):
    from clusters.views import RoundAwards

    monkeypatch.setattr(RoundAwards, "SORTED_UP_TO", 0)
    round_ = RoundFactory(slug="runda-duza", number=4)
    bulk_clusters(250, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))

    def shown(page):
        return [n for n in range(250) if f"Klaster Zbiorczy {n:04d}<" in page]

    def page(number):
        with CaptureQueriesContext(connection) as queries:
            html = text(client.get("/en/rounds/runda-duza/", {"page": number}))
        return shown(html), len(queries)

    first, walked_from_start = page(1)
    last, walked_from_end = page(3)
    monkeypatch.setattr(RoundAwards, "STEPS_PER_AWARD", 0)
    middle, sorted_ = page(2)
    assert (first, middle, last) == (list(range(100)), list(range(100, 200)), list(range(200, 250)))
    assert walked_from_start == walked_from_end == sorted_


def test_home_lists_the_latest_rounds_first_awards_and_links_to_them_all(client):
    round_ = RoundFactory(slug="runda-duza", number=4, year=2026)
    bulk_clusters(150, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    page = text(client.get("/en/"))
    assert "Klaster Zbiorczy 0099<" in page and "Klaster Zbiorczy 0100<" not in page
    assert (
        '<a href="/en/rounds/runda-duza/">All 150 clusters awarded status in this round</a>' in page
    )
    assert "Pełna lista: 150 klastrów ze statusem z tej rundy" in text(client.get("/"))


def test_home_lists_all_awards_of_a_round_of_a_page_or_fewer_without_the_link(client):
    round_ = RoundFactory(slug="runda-mala", number=4, year=2026)
    bulk_clusters(100, round_=round_, valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    page = text(client.get("/en/"))
    assert "Klaster Zbiorczy 0099<" in page and "All 100 clusters" not in page


def test_cluster_page_lists_the_events_it_is_named_in_or_takes_part_in_once_newest_first(
    client,
):
    cluster = ClusterFactory()
    person = Person.objects.create(name="Anna Nowak")
    named = EventFactory(title="Gala nazwana", start_date=D(2022, 5, 1))
    named.clusters.add(cluster)
    both = EventFactory(title="Forum podwójne", start_date=D(2024, 3, 1))
    both.clusters.add(cluster)
    both.participations.create(person=person, role="speaker", cluster=cluster)
    EventFactory(title="Panel z udziałem", start_date=D(2023, 9, 1)).participations.create(
        person=person, role="speaker", cluster=cluster
    )
    EventFactory(title="Cudza konferencja").clusters.add(ClusterFactory())
    EventFactory(title="Ukryte wydarzenie", published=False).clusters.add(cluster)
    page = text(client.get(cluster.get_absolute_url()))
    section = page.split("<h2>Wydarzenia</h2>")[1].split("</ul>")[0]
    listed = re.findall(r'<li><a href="/wydarzenia/[^"]*">([^<]*)</a>', section)
    assert listed == ["Forum podwójne", "Panel z udziałem", "Gala nazwana"]
