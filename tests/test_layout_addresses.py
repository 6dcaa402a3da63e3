"""The layout's addresses, reversed once a process: the same as reverse() and translate_url
would give on every request."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse, translate_url
from django.utils import translation

from core.addresses import translated_path
from tests.factories import ClusterFactory, EventFactory, RoundFactory

pytestmark = pytest.mark.django_db

# Every page the layout names, by {% address %}.
LAYOUT_PAGES = [
    "pages:home",
    "pages:display",
    "pages:accessibility",
    "clusters:list",
    "clusters:round-list",
    "clusters:export-csv",
    "clusters:export-json",
    "clusters:status-check",
    "events:list",
    "events:calendar",
    "api:docs",
    "opendata:datapackage",
    "sitemap",
]


@pytest.mark.parametrize("language", ["pl", "en"])
def test_the_address_tag_gives_what_the_url_tag_gives(language):
    source = "{% load addresses %}" + "|".join(f"{{% address '{n}' %}}" for n in LAYOUT_PAGES)
    expected = "|".join(f"{{% url '{n}' %}}" for n in LAYOUT_PAGES)
    with translation.override(language):
        assert Template(source).render(Context()) == Template(expected).render(Context())
        assert Template(source).render(Context()).split("|")[0] == reverse("pages:home")


@pytest.mark.parametrize(
    "tag", ["{% address %}", "{% address pages:home %}", "{% address 'pages:home' 'x' %}"]
)
def test_the_address_tag_takes_one_quoted_name(tag):
    with pytest.raises(TemplateSyntaxError, match="one quoted URL name"):
        Template("{% load addresses %}" + tag)


@pytest.fixture
def pages():
    ClusterFactory(slug="klaster-adresowy")
    RoundFactory(slug="runda-adresowa")
    EventFactory(slug="gala-adresowa")


@pytest.mark.usefixtures("pages")
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/",
        "/klastry/",
        "/klastry/?q=%C5%82%C3%B3d%C5%BA&page=2&x=%22%3Cb%3E",
        "/klastry/klaster-adresowy/",
        "/en/clusters/klaster-adresowy/?a=1",
        "/rundy/runda-adresowa/",
        "/en/events/gala-adresowa/",
        "/weryfikacja-statusu/?cluster=klaster-adresowy",
        "/deklaracja-dostepnosci/",
        "/klastry/nie-ma-takiego/",  # a 404 of a matched page
        "/nie-ma/",  # a 404 of no page
        "/en/klastry/",  # the former English addresses' catch-all
        "//klastry/",
        "/klastry/%7E/",
        # The API's routes take slugs the slug converter does not (the browsable API's
        # page is rendered with the layout's context).
        "/api/v1/clusters/za%C5%BC%C3%B3%C5%82%C4%87%25/?format=api",
        "/api/v1/clusters/klaster-adresowy/?format=api",
    ],
)
def test_a_page_in_the_other_language_is_what_translate_url_gives(client, path):
    request = client.get(path).wsgi_request
    for language in ["pl", "en"]:
        with translation.override(request.LANGUAGE_CODE):
            expected = translate_url(request.get_full_path(), language)
            assert translated_path(request, language) == expected


@pytest.mark.parametrize(
    "query", ["a=1&b=%22", "a=1#b", "a=1#", "a=%E2%80%93?x", "q=łódź", "x=\t%00"]
)
@pytest.mark.parametrize("path", ["/klastry/", "/en/clusters/", "/klastry/k-1/", "/en/"])
def test_any_query_is_kept_as_translate_url_keeps_it(rf, path, query):
    from django.urls import resolve

    language = "en" if path.startswith("/en/") else "pl"
    request = rf.get(path, QUERY_STRING=query)
    with translation.override(language):
        request.resolver_match = resolve(request.path_info)
        for other in ["pl", "en"]:
            assert translated_path(request, other) == translate_url(request.get_full_path(), other)


def test_under_a_script_prefix_the_address_is_translate_urls(rf):
    from django.urls import resolve, set_script_prefix

    request = rf.get("/klastry/k-1/", SCRIPT_NAME="/rejestr")
    request.resolver_match = resolve(request.path_info)
    set_script_prefix("/rejestr/")
    try:
        with translation.override("pl"):
            expected = translate_url(request.get_full_path(), "en")
            assert translated_path(request, "en") == expected
    finally:
        set_script_prefix("/")
