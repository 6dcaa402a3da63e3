"""The open-data API: the same answers as the public pages, public data only, paging,
caching, limits and errors."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from clusters.models import Cluster
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    CoordinatorFactory,
    EventFactory,
    RepresentationFactory,
    RoundFactory,
    SpecialisationFactory,
    StatusAwardFactory,
    bulk_clusters,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
D = datetime.date
NIP = "5260250274"


def get(client, url, **headers):
    return client.get(url, HTTP_ACCEPT="application/json", **headers)


def body(response):
    return json.loads(response.content)


def slugs(response):
    return [row["slug"] for row in body(response)["results"]]


# --- The same answers as the public pages -----------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "status=current",
        "status=expired",
        "status=current&as_of=2020-01-01",
        "voivodeship=silesia",
        "q=lodz",
        "specialisation=ict",
        "round=runda-vi",
    ],
)
def test_the_cluster_list_answers_as_the_public_list_does(client, query):
    ict = SpecialisationFactory(slug="ict")
    current = StatusAwardFactory(
        round__slug="runda-vi", valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1)
    )
    current.cluster.specialisations.add(ict)
    StatusAwardFactory(
        cluster__voivodeship="lodz",
        cluster__city="Łódź",
        valid_from=D(2019, 1, 1),
        valid_until=D(2022, 1, 1),
    )
    ClusterFactory()
    page = body(client.get(f"/klastry/export.json?{query}"))
    expected = [row["url"].rstrip("/").rsplit("/", 1)[1] for row in page["clusters"]]
    assert slugs(get(client, f"/api/v1/clusters/?{query}")) == expected


def test_a_cluster_row_gives_codes_with_polish_and_english_labels_and_links(client):
    award = StatusAwardFactory(
        cluster__slug="klaster-a", valid_from=D(2026, 1, 1), valid_until=D(2027, 1, 1)
    )
    RepresentationFactory(cluster=award.cluster, coordinator__slug="koordynator-a")
    row = body(get(client, "/api/v1/clusters/"))["results"][0]
    assert "id" not in row
    assert row["status"] == {
        "code": "current",
        "label": {"pl": "posiada status", "en": "holds status"},
    }
    assert row["status_expiring"] is True
    assert row["voivodeship"]["label"]["pl"] == "śląskie"
    assert row["url"] == "http://testserver/api/v1/clusters/klaster-a/"
    assert row["html_url"] == "http://testserver/klastry/klaster-a/"
    assert row["coordinator"]["url"] == "http://testserver/api/v1/coordinators/koordynator-a/"


def test_as_of_sets_the_day_the_status_fields_speak_of(client):
    StatusAwardFactory(valid_from=D(2019, 1, 1), valid_until=D(2022, 1, 1))
    today = body(get(client, "/api/v1/clusters/"))["results"][0]
    then = body(get(client, "/api/v1/clusters/?as_of=2020-06-01"))["results"][0]
    assert (today["status"]["code"], then["status"]["code"]) == ("expired", "current")
    assert then["status_valid_until"] == "2022-01-01"


def test_a_cluster_detail_has_its_history_events_and_published_results(client):
    award = StatusAwardFactory(cluster__slug="klaster-a", source_url="https://example.org/a")
    cluster = award.cluster
    RepresentationFactory(cluster=cluster, since=D(2015, 1, 1), until=D(2019, 12, 31))
    RepresentationFactory(cluster=cluster, since=D(2020, 1, 1))
    EventFactory(title="Gala", start_date=D(2023, 1, 23)).clusters.add(cluster)
    ApplicationFactory(
        cluster=cluster, round=award.round, scores_published=True, total_points=Decimal("128")
    )
    ApplicationFactory(cluster=cluster, scores_published=False, total_points=Decimal("99"))
    detail = body(get(client, "/api/v1/clusters/klaster-a/"))
    assert [term["since"] for term in detail["coordinators"]] == ["2015-01-01", "2020-01-01"]
    assert detail["status_awards"][0]["round"]["slug"] == award.round.slug
    assert detail["status_awards"][0]["source_url"] == "https://example.org/a"
    assert [event["title"] for event in detail["events"]] == ["Gala"]
    assert [result["total_points"] for result in detail["results"]] == ["128.00"]


# --- The status check ------------------------------------------------------------------


def test_the_status_check_answers_yes_with_the_award_round_and_source(client):
    StatusAwardFactory(
        cluster__slug="klaster-a",
        round__slug="runda-vi",
        valid_from=D(2022, 12, 17),
        valid_until=D(2025, 12, 17),
        source_url="https://example.org/vi",
    )
    answer = body(get(client, "/api/v1/status/?cluster=klaster-a&on=2024-05-01"))
    assert answer["answer"]["code"] == "yes"
    award = answer["clusters"][0]["award"]
    assert award["round"]["slug"] == "runda-vi"
    assert (award["valid_from"], award["valid_until"]) == ("2022-12-17", "2025-12-17")
    assert award["source_url"] == "https://example.org/vi"
    assert answer["html_url"].endswith("/weryfikacja-statusu/?cluster=klaster-a&on=2024-05-01")


def test_the_status_check_is_uncertain_in_an_estimated_margin(client):
    StatusAwardFactory(
        cluster__slug="klaster-b",
        valid_from=D(2016, 10, 25),
        valid_until=D(2019, 10, 25),
        dates_estimated=True,
        latest_end=D(2019, 12, 31),
    )
    answer = body(get(client, "/api/v1/status/?cluster=klaster-b&on=2019-11-15"))
    assert answer["answer"]["code"] == "uncertain"
    assert answer["clusters"][0]["award"]["latest_end"] == "2019-12-31"


def test_the_status_check_by_nip_in_a_typed_format_finds_the_coordinated_cluster(client):
    award = StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17))
    RepresentationFactory(cluster=award.cluster, coordinator=CoordinatorFactory(nip=NIP))
    answer = body(get(client, "/api/v1/status/?nip=PL526-025-02-74&on=2023-03-01"))
    assert answer["nip"] == NIP
    assert answer["answer"]["code"] == "yes"
    assert answer["clusters"][0]["coordinator"]["nip"] == NIP


def test_the_status_check_today_is_no_after_the_status_lapsed(client):
    StatusAwardFactory(
        cluster__slug="klaster-a", valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17)
    )
    answer = body(get(client, "/api/v1/status/?cluster=klaster-a"))
    assert (answer["on"], answer["answer"]["code"]) == ("2026-11-24", "no")


# --- Errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "parameter", "english"),
    [
        ("/api/v1/status/?nip=5260250275", "nip", "wrong check digit"),
        ("/api/v1/status/?cluster=a&on=2024-13-01", "on", "Enter a valid date."),
        ("/api/v1/status/", "cluster", "Give a cluster's address name"),
        ("/api/v1/clusters/?as_of=yesterday", "as_of", "Enter a valid date."),
        ("/api/v1/clusters/?status=maybe", "status", "Select a valid choice."),
        ("/api/v1/events/?year=99999", "year", "less than or equal to 2100"),
        ("/api/v1/events/?round=no-such-round", "round", "Select a valid choice."),
        ("/api/v1/awards/?round=no-such-round", "round", "Select a valid choice."),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter_in_the_language_asked(
    client, url, parameter, english
):
    ClusterFactory(slug="a")
    response = get(client, url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    error = body(response)["errors"][0]
    assert error["parameter"] == parameter
    assert english in error["message"]
    polish = body(get(client, url))["errors"][0]["message"]
    assert polish != error["message"]


def test_an_unknown_slug_and_a_forged_cursor_are_404_in_the_error_shape(client):
    for url in [
        "/api/v1/clusters/no-such/",
        "/api/v1/clusters/?cursor=forged",
        "/api/v1/clusters/not.a.slug/",
        "/api/v1/nothing-here/",
    ]:
        response = get(client, url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert body(response)["errors"][0]["parameter"] is None


@override_settings(API_REQUESTS_PER_MINUTE=2)
def test_too_many_requests_from_one_address_get_a_clear_429(client):
    cache.clear()
    assert get(client, "/api/v1/rounds/").status_code == 200
    assert get(client, "/api/v1/rounds/").status_code == 200
    refused = get(client, "/api/v1/rounds/", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    error = body(refused)["errors"][0]
    assert error["code"] == "throttled"
    assert "at most 2 a minute" in error["message"]
    polish = body(get(client, "/api/v1/rounds/"))["errors"][0]["message"]
    assert "najwyżej 2 na minutę" in polish
    # Another address has its own count.
    assert get(client, "/api/v1/rounds/", REMOTE_ADDR="10.0.0.2").status_code == 200
    # A client cannot pass for another by writing X-Forwarded-For itself.
    forged = get(client, "/api/v1/rounds/", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert forged.status_code == 429
    cache.clear()


# --- Caching, CORS ----------------------------------------------------------------------


def test_a_repeated_request_with_the_etag_gets_304_for_one_query(client):
    ClusterFactory()
    first = get(client, "/api/v1/clusters/")
    assert first["Last-Modified"]
    with CaptureQueriesContext(connection) as queries:
        again = get(client, "/api/v1/clusters/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert len(queries) == 1


def test_a_data_change_or_another_language_changes_the_etag(client):
    cluster = ClusterFactory()
    tag = get(client, "/api/v1/clusters/")["ETag"]
    assert get(client, "/api/v1/clusters/", HTTP_ACCEPT_LANGUAGE="en")["ETag"] != tag
    cluster.name = "Klaster Przemianowany"
    cluster.save()
    changed = get(client, "/api/v1/clusters/", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
def test_answers_are_cached_until_the_data_change(client):
    cache.clear()
    cluster = ClusterFactory(name="Klaster Pierwszy")
    get(client, "/api/v1/clusters/")
    with CaptureQueriesContext(connection) as queries:
        cached = get(client, "/api/v1/clusters/")
    assert len(queries) == 1 and "Klaster Pierwszy" in cached.content.decode()
    cluster.name = "Klaster Drugi"
    cluster.save()
    assert "Klaster Drugi" in get(client, "/api/v1/clusters/").content.decode()
    cache.clear()


def test_any_origin_may_read_the_api_but_not_the_site(client):
    api = get(client, "/api/v1/rounds/", HTTP_ORIGIN="https://example.org")
    assert api["Access-Control-Allow-Origin"] == "*"
    site = client.get("/rundy/", HTTP_ORIGIN="https://example.org")
    assert "Access-Control-Allow-Origin" not in site


# --- Paging -------------------------------------------------------------------------------


def test_following_next_walks_every_cluster_once_in_name_order(client):
    bulk_clusters(23, round_=RoundFactory(), valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    seen, url = [], "/api/v1/clusters/?page_size=5"
    while url:
        page = body(get(client, url))
        seen += [row["slug"] for row in page["results"]]
        url = page["next"]
    assert seen == [f"klaster-zbiorczy-{n:04d}" for n in range(23)]


def test_a_deep_page_reads_no_offset(client):
    bulk_clusters(30, round_=RoundFactory(), valid_from=D(2026, 1, 1), valid_until=D(2028, 1, 1))
    url = "/api/v1/clusters/?page_size=5"
    for _ in range(4):
        url = body(get(client, url))["next"]
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    listed = [q["sql"] for q in queries if '"clusters_cluster"."search_text"' in q["sql"]]
    assert listed and all("OFFSET" not in sql for sql in listed)


# --- Constant queries ----------------------------------------------------------------------

ENDPOINTS = [
    "/api/v1/",
    "/api/v1/clusters/",
    "/api/v1/clusters/?status=current&q=zbiorczy&specialisation=stala&as_of=2026-06-01",
    "/api/v1/clusters/klaster-zbiorczy-0000/",
    "/api/v1/rounds/",
    "/api/v1/rounds/runda-stala/",
    "/api/v1/awards/",
    "/api/v1/awards/?round=runda-stala",
    "/api/v1/events/",
    "/api/v1/events/wydarzenie-stale-2027/",
    "/api/v1/coordinators/",
    "/api/v1/coordinators/koordynator-zbiorczy-0000/",
    "/api/v1/specialisations/",
    "/api/v1/status/?cluster=klaster-zbiorczy-0000",
    "/api/v1/status/?nip=5260250274&on=2026-06-01",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = get(client, url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_every_endpoint_issues_the_same_number_of_queries_for_5_and_1000_clusters(client):
    round_ = RoundFactory(slug="runda-stala", number=3)
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

    add(5, 0)
    coordinator = CoordinatorFactory(nip=NIP)
    RepresentationFactory(
        cluster=Cluster.objects.get(slug="klaster-zbiorczy-0001"), coordinator=coordinator
    )
    with_five = {url: count_queries(client, url) for url in ENDPOINTS}
    add(995, 5)
    assert Cluster.objects.count() == 1000
    assert {url: count_queries(client, url) for url in ENDPOINTS} == with_five


# --- Public data only ---------------------------------------------------------------------


def test_nothing_unpublished_appears_in_any_api_response(client):
    """The walk of the public pages' test, over every API address a response links to."""
    round_ = RoundFactory(slug="runda-jawna")
    shown = StatusAwardFactory(round=round_, cluster__slug="klaster-jawny").cluster
    hidden = StatusAwardFactory(
        round=round_, cluster__name="Klaster Tajny", cluster__published=False
    ).cluster
    RepresentationFactory(
        cluster=hidden, coordinator=CoordinatorFactory(name="Koordynator Tajny", nip=NIP)
    )
    event = EventFactory(title="Gala Tajna", published=False)
    event.clusters.add(shown)
    EventFactory(title="Gala Jawna").clusters.add(shown, hidden)
    ApplicationFactory(cluster=shown, round=round_, total_points=Decimal("77.50"))
    ApplicationFactory(
        cluster=hidden, round=RoundFactory(), scores_published=True, total_points=Decimal("66")
    )
    secrets = ["Tajn", hidden.slug, "77.5", "66.00", event.slug]
    seen, queue = set(), ["/api/v1/", f"/api/v1/status/?nip={NIP}"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        content = get(client, url).content.decode()
        for secret in secrets:
            assert secret not in content, f"{secret} in {url}"
        for link in re.findall(r'"(http://testserver/api/v1/[^"]*)"', content):
            queue.append(link.removeprefix("http://testserver"))
    assert "/api/v1/clusters/klaster-jawny/" in seen
    assert "/api/v1/rounds/runda-jawna/" in seen
    assert get(client, f"/api/v1/clusters/{hidden.slug}/").status_code == 404


# --- Documentation ---------------------------------------------------------------------------


def test_the_schema_is_openapi_3_1(client):
    schema = body(client.get("/api/v1/schema/?format=json"))
    assert schema["openapi"] == "3.1.0"
    assert "/api/v1/status/" in schema["paths"]


def test_the_docs_page_loads_only_our_own_files_under_the_csp(client):
    page = client.get("/api/v1/docs/")
    content = page.content.decode()
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "<style" not in content
    scripts = re.findall(r"<script([^>]*)>", content)
    assert scripts and all('src="/' in attrs for attrs in scripts)
    assets = re.findall(r'(?:src|href)="/static/([^"?]+)"', content)
    assert len(assets) >= 3
    assert all(finders.find(asset) for asset in assets)
