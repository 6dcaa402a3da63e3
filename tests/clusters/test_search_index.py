"""Search through the trigram index (migration 0014) finds exactly what LIKE over every row found.

On SQLite the FTS5 table is kept by triggers, so every way clusters' search text is
written must leave it right; PostgreSQL's GIN index is the database's own business.
"""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.data import populate
from clusters.filters import ClusterFilter
from clusters.models import Cluster
from clusters.search import published_matches, search_condition
from core.history import restore_version
from core.text import fold
from tests.factories import (
    ClusterFactory,
    CoordinatorFactory,
    FormerNameFactory,
    RepresentationFactory,
)
from transfer.bulk import update_rows
from transfer.service import import_file

pytestmark = pytest.mark.django_db

QUERIES = [
    "slaski",
    "Śląski",
    "ŚLĄSK klaster",
    "klaster śląsk",
    "żółw",
    "lodz",
    "Łódź",
    "stara zegluga",
    "fundacja",
    "nr 1",
    "k",
    "ka",
    "ó",
    "Ł",
    "50%",
    "a_b",
    '"x"',
    "|",
    "nic takiego",
    "zzz",
]


@pytest.fixture
def registry():
    published = [
        ClusterFactory(name="Śląski Klaster Żółwi", short_name="ŚKŻ", city="Łódź"),
        ClusterFactory(name="Klaster Ślaski nr 10", city="Katowice"),
        ClusterFactory(name="Klaster 50% Nano", short_name="A_B", city="Kraków"),
        ClusterFactory(name='Klaster "X" Morski', city="Gdańsk"),
        ClusterFactory(name="Klaster Drzewny", city="Kielce"),
    ]
    FormerNameFactory(cluster=published[4], name="Stara Żegluga")
    RepresentationFactory(
        cluster=published[1], coordinator=CoordinatorFactory(name="Fundacja Łącza")
    )
    ClusterFactory(name="Śląski Klaster Ukryty", city="Łódź", published=False)


def like_every_word(query, clusters):
    """Today's rule in Python: every folded word a substring of the folded text."""
    words = fold(query).split()
    return [c.pk for c in clusters if all(word in c.search_text for word in words)]


@pytest.fixture(params=["few matches: by id from the index", "many matches: LIKE alone"])
def plan(request, monkeypatch):
    """Both ways SQLite reads a search: a cap of 0 makes every match "many"."""
    if request.param.startswith("many"):
        monkeypatch.setattr("clusters.search.INDEXED_MATCHES_AT_MOST", 0)
    return request.param


@pytest.mark.usefixtures("registry", "plan")
@pytest.mark.parametrize("query", QUERIES)
def test_search_finds_the_same_clusters_in_the_same_order_as_like(query):
    published = Cluster.objects.published().order_by("sort_key", "name")
    found = ClusterFilter(data={"q": query}, queryset=Cluster.objects.published()).qs
    assert [c.pk for c in found] == like_every_word(query, published)
    assert found.count() == len(like_every_word(query, published))
    everyone = Cluster.objects.order_by("pk")
    assert list(everyone.filter(search_condition(query)).values_list("pk", flat=True)) == (
        like_every_word(query, everyone)
    )


@pytest.mark.usefixtures("registry")
def test_the_list_page_and_the_api_find_what_like_finds(client):
    published = list(Cluster.objects.published())
    page = client.get("/klastry/", {"q": "śląsk"})
    assert page.context["page_obj"].paginator.count == len(like_every_word("śląsk", published)) == 2
    api = client.get("/api/v1/clusters/", {"q": "slaski klaster"}).json()
    assert len(api["results"]) == len(like_every_word("slaski klaster", published)) == 2


@pytest.fixture
def sqlite_index():
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's GIN index is kept by the database itself")


def indexed(word):
    """The ids the FTS5 table alone answers for `word`: stale if a write bypassed it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM clusters_cluster_search WHERE clusters_cluster_search MATCH %s",
            ['"' + word + '"'],
        )
        return sorted(row[0] for row in cursor.fetchall())


def test_saving_renaming_and_deleting_keep_the_index(sqlite_index):
    cluster = ClusterFactory(name="Klaster Żurawi")
    assert indexed("zurawi") == [cluster.pk]
    cluster.description = "Bez zmian w nazwie"
    cluster.save()  # the text is the same: the trigger leaves the index alone
    assert indexed("zurawi") == [cluster.pk]
    cluster.name = "Klaster Czapli"
    cluster.save()
    assert indexed("zurawi") == []
    assert indexed("czapli") == [cluster.pk]
    Cluster.objects.filter(pk=cluster.pk).update(search_text="klaster bocianow")
    assert indexed("czapli") == []
    assert indexed("bocianow") == [cluster.pk]
    cluster.refresh_from_db()
    cluster.search_text = "klaster kormoranow"
    Cluster.objects.bulk_update([cluster], ["search_text"])
    assert indexed("kormoranow") == [cluster.pk]
    update_rows(Cluster, ["search_text"], [Cluster(pk=cluster.pk, search_text="klaster sow")])
    assert indexed("kormoranow") == []
    assert indexed("sow") == [cluster.pk]
    cluster.delete()
    assert indexed("sow") == []


def test_former_names_and_coordinators_keep_the_index(sqlite_index):
    cluster = ClusterFactory()
    former = FormerNameFactory(cluster=cluster, name="Stara Żegluga")
    assert indexed("stara zegluga") == [cluster.pk]
    former.delete()
    assert indexed("stara zegluga") == []
    coordinator = CoordinatorFactory(name="Fundacja Pierwsza")
    RepresentationFactory(cluster=cluster, coordinator=coordinator)
    coordinator.name = "Fundacja Łączność"
    coordinator.save()
    assert indexed("fundacja lacznosc") == [cluster.pk]


def test_a_bulk_import_keeps_the_index(sqlite_index, english):
    data = "Nazwa;Miejscowość\nKlaster Żółty Import;Łódź\nKlaster Zielony Import;Lublin\n".encode()
    with CaptureQueriesContext(connection) as queries:
        report = import_file("clusters", data)
    assert not report.errors
    # The rows went in as raw multi-row INSERTs, which only the triggers see.
    assert any(
        q["sql"].startswith('INSERT INTO "clusters_cluster"') for q in queries.captured_queries
    )
    assert indexed("import") == sorted(Cluster.objects.values_list("pk", flat=True))
    assert len(indexed("zolty import")) == 1


def test_restoring_a_version_keeps_the_index(sqlite_index):
    cluster = ClusterFactory(name="Klaster Pierwotny")
    cluster.name = "Klaster Późniejszy"
    cluster.save()
    restore_version(
        cluster.history.earliest(),
        user=None,
        paths=["former_names", "representations", "member_counts", "labels", "status_awards"],
    )
    assert indexed("pierwotny") == [cluster.pk]
    assert indexed("pozniejszy") == []


def test_the_benchmark_data_is_indexed(sqlite_index):
    populate(30)
    for cluster in Cluster.objects.all():
        assert cluster.pk in indexed(cluster.search_text)


def test_flush_empties_the_index(sqlite_index):
    ClusterFactory(name="Klaster Ulotny")
    call_command("flush", interactive=False, verbosity=0)
    assert indexed("ulotny") == []


def test_postgresql_answers_a_search_from_the_trigram_index():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite answers from its FTS5 table, tested above")
    ClusterFactory(name="Klaster Żurawi")
    query = Cluster.objects.filter(search_condition("zurawi")).values("pk")
    with connection.cursor() as cursor:
        # With so few rows the planner would rather scan; forbid it to see the index is usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "cluster_search_trigram" in plan


@pytest.mark.usefixtures("registry")
def test_sqlite_reads_few_matches_from_the_index_and_many_with_like(sqlite_index, monkeypatch):
    def uses_index(query):
        sql = str(Cluster.objects.filter(search_condition(query)).query)
        return "clusters_cluster_search" in sql

    # "slaski" matches three clusters (the unpublished one too), "drzewny" one.
    monkeypatch.setattr("clusters.search.INDEXED_MATCHES_AT_MOST", 2)
    assert not uses_index("slaski")
    assert uses_index("drzewny")
    # Words too short for a trigram are never looked up.
    assert not uses_index("ka")


@pytest.mark.usefixtures("registry")
@pytest.mark.parametrize("query", QUERIES)
def test_a_count_from_the_index_is_the_count_of_published_matches(query):
    counted = published_matches(Cluster.objects, query)
    if connection.vendor != "sqlite" or any(len(word) < 3 for word in fold(query).split()):
        assert counted is None
    else:
        assert counted == len(like_every_word(query, Cluster.objects.published()))


@pytest.mark.usefixtures("registry")
def test_the_list_counts_a_search_alone_from_the_index_and_with_other_filters_as_before(client):
    # "slaski" also matches the unpublished "Śląski Klaster Ukryty", which is not counted.
    alone = client.get("/en/clusters/", {"q": "slaski", "sort": "status_end"})
    assert alone.context["paginator"].count == 2
    assert "2 clusters found" in alone.content.decode()
    ClusterFactory(name="Śląski Klaster Morski", city="Gdynia", voivodeship="pomerania")
    with_voivodeship = client.get("/klastry/", {"q": "slaski", "voivodeship": "pomerania"})
    assert with_voivodeship.context["paginator"].count == 1
    # An invalid filter is ignored: the search alone is counted.
    ignored = client.get("/klastry/", {"q": "slaski", "voivodeship": "atlantis"})
    assert ignored.context["paginator"].count == 3
