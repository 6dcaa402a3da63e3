"""Shared pages: display switches, sitemap, 404 and 500, layout; see also test_statement.py."""

import pytest
from django.template.loader import render_to_string

from tests.factories import ClusterFactory, EventFactory
from tests.sitemaps import whole_sitemap

pytestmark = pytest.mark.django_db


def test_every_page_links_the_statement_from_its_footer_and_has_a_skip_link(client):
    for url in ["/", "/en/clusters/", "/wydarzenia/", "/nie-ma/"]:
        page = client.get(url).content.decode()
        assert (
            'href="/deklaracja-dostepnosci/"' in page
            or 'href="/en/accessibility-statement/"' in page
        )
        assert 'class="skip-link" href="#main"' in page


def test_pages_name_their_other_language_and_open_graph_title(client):
    ClusterFactory(name="Klaster Językowy")
    page = client.get("/klastry/klaster-jezykowy/").content.decode()
    assert (
        '<link rel="alternate" hreflang="en" href="http://testserver/en/clusters/klaster-jezykowy/">'
        in page
    )
    assert '<meta property="og:title" content="Klaster Językowy">' in page
    assert "<title>Klaster Językowy – " in page


@pytest.mark.parametrize(
    "switch,css_class", [("contrast", "contrast"), ("large_text", "large-text")]
)
def test_display_switches_work_without_javascript_and_toggle_back(client, switch, css_class):
    response = client.post("/wyswietlanie/", {"switch": switch, "next": "/klastry/"})
    assert response.status_code == 302 and response.url == "/klastry/"
    assert f'class="{css_class}"' in client.get("/klastry/").content.decode()
    client.post("/wyswietlanie/", {"switch": switch, "next": "/klastry/"})
    assert f'class="{css_class}"' not in client.get("/klastry/").content.decode()


def test_display_switch_never_redirects_to_another_site(client):
    response = client.post("/wyswietlanie/", {"switch": "contrast", "next": "https://zlo.example/"})
    assert response.url == "/"


def test_display_switch_refuses_an_unknown_switch(client):
    assert client.post("/wyswietlanie/", {"switch": "party"}).status_code == 400


def test_sitemap_lists_public_pages_in_both_languages(client):
    ClusterFactory(name="Klaster Mapowy")
    ClusterFactory(name="Klaster Ukryty", published=False)
    EventFactory(title="Gala Mapowa")
    body = whole_sitemap(client)
    assert "/klastry/klaster-mapowy/</loc>" in body
    assert "/en/clusters/klaster-mapowy/" in body
    assert "gala-mapowa" in body
    assert "klaster-ukryty" not in body
    assert "/deklaracja-dostepnosci/</loc>" in body


def test_unknown_page_is_a_friendly_404_in_the_site_layout(client):
    response = client.get("/en/nie-ma-takiej-strony/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'href="/en/clusters/"' in response.content.decode()


def test_500_page_renders_without_a_request_or_database():
    html = render_to_string("500.html")
    assert "<h1>" in html and 'href="/"' in html
