"""Stored search text and Polish sort keys: what makes search and order database-independent."""

import pytest

from clusters.models import Cluster
from clusters.search import polish_sort_key
from tests.factories import (
    ClusterFactory,
    CoordinatorFactory,
    FormerNameFactory,
    RepresentationFactory,
)

pytestmark = pytest.mark.django_db


def test_polish_letters_sort_after_their_base_letters():
    names = [
        "Śląski",
        "Szczecin",
        "Łódź",
        "Lublin",
        "Lwów",
        "Żary",
        "Zielona",
        "Źródło",
        "Ćma",
        "Cz",
    ]
    assert sorted(names, key=polish_sort_key) == [
        "Cz",
        "Ćma",
        "Lublin",
        "Lwów",
        "Łódź",
        "Szczecin",
        "Śląski",
        "Zielona",
        "Źródło",
        "Żary",
    ]


def test_a_shorter_word_sorts_before_its_longer_continuation():
    assert polish_sort_key("Klaster A") < polish_sort_key("Klastera")


def test_sort_key_ignores_case_and_quotation_marks():
    assert polish_sort_key("Klaster „Polska”") == polish_sort_key("klaster polska")


def test_sort_key_is_digits_only_so_every_collation_orders_it_alike():
    assert polish_sort_key("Śląski Klaster NANO – 2.0, Kraków!").isdigit()


def test_saving_a_cluster_stores_folded_name_short_name_and_city():
    cluster = ClusterFactory(name="Śląski Klaster NANO", short_name="ŚKN", city="Łódź")
    cluster.refresh_from_db()
    assert "slaski klaster nano" in cluster.search_text
    assert "skn" in cluster.search_text
    assert "lodz" in cluster.search_text


def test_adding_and_removing_a_former_name_updates_the_search_text():
    cluster = ClusterFactory()
    former = FormerNameFactory(cluster=cluster, name="Stara Żegluga")
    assert "stara zegluga" in Cluster.objects.get(pk=cluster.pk).search_text
    former.delete()
    assert "stara zegluga" not in Cluster.objects.get(pk=cluster.pk).search_text


def test_renaming_a_coordinator_updates_the_clusters_it_represents():
    coordinator = CoordinatorFactory(name="Fundacja Pierwsza")
    cluster = RepresentationFactory(coordinator=coordinator).cluster
    coordinator.name = "Fundacja Łączność"
    coordinator.save()
    assert "fundacja lacznosc" in Cluster.objects.get(pk=cluster.pk).search_text
