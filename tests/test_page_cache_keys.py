"""The page cache's keys: a change shows on every page that shows it, and only there.

Each page declares the families of data it shows and, for a cluster's page, its own
record (core/pagecache.py). A row changed without signals (queryset.update) is how a
test tells a page served from the cache from one rendered again: a cached page still
shows the old text.
"""

import pytest
from django.apps import apps
from django.core.cache import cache

from clusters.models import Cluster, ClusterFormerName, Coordinator
from core import pagecache
from events.models import Event
from pages.models import AccessibilityStatement
from tests.factories import (
    ClusterFactory,
    EventFactory,
    FormerNameFactory,
    RepresentationFactory,
    RoundFactory,
    SpecialisationFactory,
    StatusAwardFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registry():
    """Two clusters with an award of one round each; an event about the first."""
    round_ = RoundFactory(name="Runda Testowa", slug="runda-testowa")
    first = ClusterFactory(name="Klaster Pierwszy", city="Kraków")
    second = ClusterFactory(name="Klaster Drugi", city="Gdańsk")
    for cluster in (first, second):
        StatusAwardFactory(cluster=cluster, round=round_)
        RepresentationFactory(cluster=cluster, coordinator__name=f"Koordynator {cluster.city}")
    event = EventFactory(title="Kongres Pierwszy", slug="kongres", published=True)
    event.clusters.add(first)
    return first, second, event


def pages(first, second):
    return {
        "home": "/",
        "list": "/klastry/",
        "first": f"/klastry/{first.slug}/",
        "second": f"/klastry/{second.slug}/",
        "status check": f"/weryfikacja-statusu/?cluster={first.slug}",
        "rounds": "/rundy/",
        "round": "/rundy/runda-testowa/",
        "events": "/wydarzenia/",
        "event": "/wydarzenia/kongres/",
    }


def render_all(client, urls):
    for url in urls.values():
        assert client.get(url).status_code == 200, url


def served(client, url):
    return client.get(url).content.decode()


def test_a_cluster_edited_shows_on_every_page_that_shows_it_and_the_others_stay_cached(
    client, registry
):
    first, second, event = registry
    urls = pages(first, second)
    render_all(client, urls)
    # Changes no page can know of, to tell a cached page from a rendered one.
    Cluster.objects.filter(pk=second.pk).update(city="Sopot")
    Event.objects.filter(pk=event.pk).update(city="Ukryte Miasto")
    first.name = "Klaster Przemianowany"
    first.save()
    for name in ["home", "list", "first", "status check", "round", "event"]:
        assert "Klaster Przemianowany" in served(client, urls[name]), name
    # The second cluster's page does not show the first: still the cached copy.
    assert "Sopot" not in served(client, urls["second"])
    assert "Ukryte Miasto" not in served(client, urls["events"])


def test_an_event_edited_shows_on_the_cluster_page_listing_it_and_lists_stay_cached(
    client, registry
):
    first, second, event = registry
    urls = pages(first, second)
    render_all(client, urls)
    Cluster.objects.filter(pk=first.pk).update(city="Zakopane")
    event.title = "Kongres Przemianowany"
    event.save()
    for name in ["first", "events", "event"]:
        assert "Kongres Przemianowany" in served(client, urls[name]), name
    # No list of clusters shows an event.
    assert "Zakopane" not in served(client, urls["list"])
    assert "Zakopane" not in served(client, urls["status check"])


def test_an_award_coordinator_or_specialisation_shows_on_the_cluster_page_and_list(
    client, registry
):
    first, second, _event = registry
    urls = pages(first, second)
    render_all(client, urls)
    award = first.status_awards.get()
    award.valid_until = award.valid_until.replace(year=2031)
    award.save()
    assert "2031" in served(client, urls["first"])
    assert "2031" in served(client, urls["list"])
    coordinator = Coordinator.objects.get(name="Koordynator Kraków")
    coordinator.name = "Koordynator Nowy"
    coordinator.save()
    assert "Koordynator Nowy" in served(client, urls["first"])
    assert "Koordynator Nowy" in served(client, urls["list"])
    # A link made from the specialisation's side names the clusters, not the instance.
    SpecialisationFactory(name="Branża Dodana").clusters.add(first)
    assert "Branża Dodana" in served(client, urls["first"])
    assert "Branża Dodana" in served(client, urls["list"])


def test_a_row_moved_to_another_cluster_leaves_the_first_cluster_s_page(client, registry):
    first, second, _event = registry
    former = FormerNameFactory(cluster=first, name="Dawna Nazwa Klastra")
    urls = pages(first, second)
    assert "Dawna Nazwa Klastra" in served(client, urls["first"])
    served(client, urls["second"])
    former = ClusterFormerName.objects.get(pk=former.pk)
    former.cluster = second
    former.save()
    assert "Dawna Nazwa Klastra" not in served(client, urls["first"])
    assert "Dawna Nazwa Klastra" in served(client, urls["second"])


def test_a_link_cleared_from_the_other_side_renders_every_page_again(client, registry):
    first, second, event = registry
    urls = pages(first, second)
    render_all(client, urls)
    event.clusters.clear()
    assert "Kongres Pierwszy" not in served(client, urls["first"])


def test_the_accessibility_statement_edited_leaves_the_registry_pages_cached(client, registry):
    first, second, _event = registry
    urls = pages(first, second)
    render_all(client, urls)
    Cluster.objects.filter(pk=first.pk).update(name="Klaster Po Cichu")
    # A draft saved is a change to the site's own pages (the built-in data has none).
    AccessibilityStatement.objects.create(contact_person="Osoba Kontaktowa")
    for name in ["home", "list", "first", "round", "event"]:
        assert "Klaster Po Cichu" not in served(client, urls[name]), name


def test_an_import_renders_every_page_again(client, registry):
    from transfer.service import import_file

    first, second, _event = registry
    urls = pages(first, second)
    render_all(client, urls)
    Cluster.objects.filter(pk=second.pk).update(city="Sopot")
    data = "Nazwa;Miejscowość;Województwo;Specjalizacje;Koordynator;Opublikowany\r\n"
    data += "Klaster Zaimportowany;Łódź;łódzkie;;;tak\r\n"
    report = import_file("clusters", data.encode("cp1250"), source="test")
    assert report.accepted, report.errors
    assert "Sopot" in served(client, urls["second"])
    assert "Klaster Zaimportowany" in served(client, urls["list"])


def test_every_row_of_the_clusters_family_is_one_cluster_s_own():
    """A cluster's page is keyed on its record, not on the clusters family: a model of
    that family whose rows are not a cluster's own would change pages unseen."""
    registry_models = [
        model
        for model in apps.get_models()
        if model._meta.app_label in pagecache._registry_labels
        and getattr(model, "instance_type", model) is not Cluster
    ]
    for model in registry_models:
        if pagecache._family(model) == "clusters":
            owners = [field.related_model for field in pagecache._owners(model)]
            assert owners == [Cluster], model


def test_the_sitemap_is_kept_until_a_cluster_is_added(client, registry, sitemap_robots):
    first, second, _event = registry
    assert f"/klastry/{first.slug}/" in served(client, "/sitemap-clusters.xml")
    Cluster.objects.filter(pk=first.pk).update(slug="po-cichu")
    assert f"/klastry/{first.slug}/" in served(client, "/sitemap-clusters.xml")
    added = ClusterFactory(name="Klaster Dodany")
    sitemap = served(client, "/sitemap-clusters.xml")
    assert f"/klastry/{added.slug}/" in sitemap and "/klastry/po-cichu/" in sitemap
    # Served from the cache, it keeps the header the sitemap view gives it.
    assert client.get("/sitemap-clusters.xml")["X-Robots-Tag"] == sitemap_robots


@pytest.fixture
def sitemap_robots(client):
    return client.get("/sitemap-clusters.xml")["X-Robots-Tag"]
