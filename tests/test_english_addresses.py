"""English addresses under /en/, the former Polish ones redirecting to them, hreflang
alternates with x-default on every public page, the switcher and the sitemap."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from pages.models import AccessibilityStatement
from tests.factories import ClusterFactory, EventFactory, RoundFactory
from tests.sitemaps import whole_sitemap

pytestmark = pytest.mark.django_db

# Each page's Polish and English address.
ADDRESSES = [
    ("clusters:list", {}, "/klastry/", "/en/clusters/"),
    ("clusters:detail", {"slug": "k"}, "/klastry/k/", "/en/clusters/k/"),
    ("clusters:export-csv", {}, "/klastry/export.csv", "/en/clusters/export.csv"),
    ("clusters:round-list", {}, "/rundy/", "/en/rounds/"),
    ("clusters:round-detail", {"slug": "r"}, "/rundy/r/", "/en/rounds/r/"),
    ("clusters:status-check", {}, "/weryfikacja-statusu/", "/en/status-check/"),
    ("events:list", {}, "/wydarzenia/", "/en/events/"),
    ("events:detail", {"slug": "e"}, "/wydarzenia/e/", "/en/events/e/"),
    ("events:calendar", {}, "/wydarzenia/kalendarz.ics", "/en/events/calendar.ics"),
    (
        "pages:accessibility",
        {},
        "/deklaracja-dostepnosci/",
        "/en/accessibility-statement/",
    ),
    ("pages:home", {}, "/", "/en/"),
]


@pytest.fixture
def site():
    cluster = ClusterFactory(name="Klaster Językowy", slug="klaster-jezykowy")
    round_ = RoundFactory(name="Runda VI", name_en="Round VI", slug="runda-vi")
    event = EventFactory(title="Gala", slug="gala-2023", published=True)
    AccessibilityStatement.objects.create()
    return cluster, round_, event


@pytest.mark.parametrize(("name", "kwargs", "polish", "english"), ADDRESSES)
def test_every_page_has_a_polish_and_an_english_address(name, kwargs, polish, english):
    with translation.override("pl"):
        assert reverse(name, kwargs=kwargs) == polish
    with translation.override("en"):
        assert reverse(name, kwargs=kwargs) == english


@pytest.mark.parametrize(
    "path",
    [
        "/en/clusters/",
        "/en/clusters/klaster-jezykowy/",
        "/en/rounds/",
        "/en/rounds/runda-vi/",
        "/en/events/",
        "/en/events/gala-2023/",
        "/en/status-check/",
        "/en/accessibility-statement/",
    ],
)
def test_the_english_addresses_serve_english_pages(client, site, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()


@pytest.mark.parametrize("path", ["/clusters/", "/rounds/runda-vi/", "/events/"])
def test_english_addresses_without_the_prefix_are_not_polish_pages(client, site, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/en/klastry/", "/en/clusters/"),
        ("/en/klastry/?round=runda-vi&page=2", "/en/clusters/?round=runda-vi&page=2"),
        ("/en/klastry/klaster-jezykowy/", "/en/clusters/klaster-jezykowy/"),
        ("/en/klastry/export.csv?status=current", "/en/clusters/export.csv?status=current"),
        ("/en/rundy/", "/en/rounds/"),
        ("/en/rundy/runda-vi/", "/en/rounds/runda-vi/"),
        ("/en/wydarzenia/", "/en/events/"),
        ("/en/wydarzenia/gala-2023/", "/en/events/gala-2023/"),
        ("/en/wydarzenia/kalendarz.ics", "/en/events/calendar.ics"),
        ("/en/weryfikacja-statusu/?nip=123", "/en/status-check/?nip=123"),
        ("/en/deklaracja-dostepnosci/", "/en/accessibility-statement/"),
        # Without the slash, as APPEND_SLASH would have it.
        ("/en/klastry", "/en/clusters/"),
        ("/en/clusters", "/en/clusters/"),
    ],
)
def test_the_former_english_addresses_redirect_permanently(client, site, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


@pytest.mark.parametrize(
    "path", ["/en/nie-ma/", "/en/klastry/a/b/", "/en/admin/", "/en/api/v1/", "/en/%00/"]
)
def test_an_old_english_address_of_no_public_page_is_not_found(client, site, path):
    assert client.get(path).status_code == 404


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


PAGES = [
    ("pages:home", {}),
    ("clusters:list", {}),
    ("clusters:detail", {"slug": "klaster-jezykowy"}),
    ("clusters:round-list", {}),
    ("clusters:round-detail", {"slug": "runda-vi"}),
    ("clusters:status-check", {}),
    ("events:list", {}),
    ("events:detail", {"slug": "gala-2023"}),
    ("pages:accessibility", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_public_page_names_both_languages_and_polish_as_x_default(client, site, name, kwargs):
    addresses = {}
    for language in ("pl", "en"):
        with translation.override(language):
            addresses[language] = "http://testserver" + reverse(name, kwargs=kwargs)
    for url in addresses.values():
        links = alternates(client.get(url).content.decode())
        assert links == {"pl": addresses["pl"], "en": addresses["en"], "x-default": addresses["pl"]}


def test_the_alternates_keep_the_query_and_the_switcher_goes_to_the_same_page(client, site):
    html = client.get("/en/clusters/?round=runda-vi").content.decode()
    links = alternates(html)
    assert links["pl"] == "http://testserver/klastry/?round=runda-vi"
    assert links["en"] == "http://testserver/en/clusters/?round=runda-vi"
    assert links["x-default"] == "http://testserver/klastry/?round=runda-vi"
    assert '<a href="http://testserver/klastry/?round=runda-vi" hreflang="pl" lang="pl">' in html
    polish = client.get("/rundy/runda-vi/").content.decode()
    assert '<a href="http://testserver/en/rounds/runda-vi/" hreflang="en" lang="en">' in polish


def test_the_sitemap_lists_both_addresses_of_each_page(client, site):
    body = whole_sitemap(client)
    for path in (
        "/klastry/klaster-jezykowy/",
        "/en/clusters/klaster-jezykowy/",
        "/rundy/runda-vi/",
        "/en/rounds/runda-vi/",
        "/wydarzenia/gala-2023/",
        "/en/events/gala-2023/",
        "/en/accessibility-statement/",
    ):
        assert f"<loc>http://testserver{path}</loc>" in body
    assert (
        '<xhtml:link rel="alternate" hreflang="x-default" '
        'href="http://testserver/klastry/klaster-jezykowy/"/>' in body
    )
