"""The sitemap: an index of streamed files, each the XML Django's i18n sitemaps write."""

import re

import pytest
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import index, sitemap
from django.http import StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from clusters.models import Cluster, Round
from events.models import Event
from pages import sitemaps
from tests.factories import ClusterFactory, EventFactory, RoundFactory
from tests.sitemaps import whole_sitemap

pytestmark = pytest.mark.django_db


class Reference(Sitemap):
    """Django's own sitemaps of the same pages, as the registry served them before."""

    i18n = True
    alternates = True
    x_default = True


class FixedPages(Reference):
    priority = 0.8

    def items(self):
        return sitemaps.FixedPages.names

    def location(self, item):
        return reverse(item)


class Clusters(Reference):
    def items(self):
        return Cluster.objects.published().order_by("slug")

    def lastmod(self, cluster):
        return cluster.updated_at


class Rounds(Reference):
    def items(self):
        return Round.objects.order_by("slug")


class Events(Reference):
    def items(self):
        return Event.objects.published().order_by("slug")


REFERENCE = {"pages": FixedPages, "clusters": Clusters, "rounds": Rounds, "events": Events}


@pytest.fixture
def registry():
    for n in range(5):
        ClusterFactory(name=f"Klaster Mapowy {n}")
    ClusterFactory(name="Klaster Ukryty", published=False)
    RoundFactory(slug="runda-vi")
    EventFactory(title="Gala Mapowa")


def django_wrote(view, **kwargs):
    request = RequestFactory().get("/sitemap.xml", {"p": kwargs.pop("p")} if "p" in kwargs else {})
    return view(request, sitemaps=REFERENCE, **kwargs).render().content.decode()


@pytest.mark.parametrize("files_of", [sitemaps.FILE_PAGES, 2])
def test_the_files_and_the_index_are_what_djangos_sitemap_views_write(
    client, registry, monkeypatch, files_of
):
    # Files of two pages: the five fixed pages and the five clusters take three each (?p=).
    monkeypatch.setattr(sitemaps, "FILE_PAGES", files_of)
    for reference in REFERENCE.values():
        monkeypatch.setattr(reference, "limit", files_of * 2, raising=False)  # two languages
    ours = client.get("/sitemap.xml")
    assert ours.content.decode() == django_wrote(index, sitemap_url_name="sitemap-section")
    files = re.findall(r"<loc>http://testserver([^<]+)</loc>", ours.content.decode())
    assert len(files) == (4 if files_of > 2 else 8)
    for address in files:
        section, _, page = address.removeprefix("/sitemap-").partition(".xml?p=")
        section = section.removesuffix(".xml")
        expected = django_wrote(sitemap, section=section, **({"p": page} if page else {}))
        response = client.get(address)
        assert isinstance(response, StreamingHttpResponse)
        assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"
        assert response.content.decode() == expected, address


def test_every_published_page_is_in_some_file_whatever_the_registry_s_size(
    client, registry, monkeypatch
):
    monkeypatch.setattr(sitemaps, "FILE_PAGES", 2)
    whole = whole_sitemap(client)
    for cluster in Cluster.objects.all():
        listed = f"<loc>http://testserver/klastry/{cluster.slug}/</loc>" in whole
        assert listed == cluster.published
        assert (f"/en/clusters/{cluster.slug}/</loc>" in whole) == cluster.published


@pytest.mark.parametrize(
    "address",
    ["/sitemap-nic.xml", "/sitemap-clusters.xml?p=9", "/sitemap-clusters.xml?p=0"]
    + ["/sitemap-clusters.xml?p=x", "/sitemap-clusters.xml?p=-1", "/sitemap-pages.xml?p=2"],
)
def test_a_file_that_is_not_there_is_a_404(client, registry, address):
    assert client.get(address).status_code == 404
