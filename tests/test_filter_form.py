"""The public lists' filter forms, rendered in Python: Django's markup, linked errors."""

import re

import pytest
from django.test import RequestFactory

from clusters.filters import ClusterFilter
from core.templatetags.filter_form import filter_fields, render_widget
from events.filters import EventFilter
from tests.factories import RoundFactory, SpecialisationFactory

pytestmark = pytest.mark.django_db


def bound(filterset_class, query):
    filterset = filterset_class(RequestFactory().get("/", query).GET)
    filterset.is_valid()
    return filterset.form


QUERIES = [
    {},
    {"q": 'Klaster "<b>&', "voivodeship": "silesia", "specialisation": "lotnictwo"},
    {"kind": "bad", "as_of": "wczoraj", "round": "runda-i", "status": "current"},
    {"sort": "status_end", "as_of": "2024-02-29"},
]


@pytest.mark.parametrize("query", QUERIES)
def test_every_cluster_filter_widget_is_the_markup_django_renders(query):
    SpecialisationFactory(name="Lotnictwo", slug="lotnictwo")
    RoundFactory(name="Runda I", slug="runda-i")
    for field in bound(ClusterFilter, query):
        assert render_widget(field) == re.sub(r">\s+<", "><", str(field).strip()), field.name


@pytest.mark.parametrize("query", [{}, {"kind": "gala", "year": "2024"}, {"year": "1"}])
def test_every_event_filter_widget_is_the_markup_django_renders(query):
    for field in bound(EventFilter, query):
        assert render_widget(field) == re.sub(r">\s+<", "><", str(field).strip()), field.name


def test_each_field_has_its_label_and_an_error_the_field_points_to():
    html = filter_fields(bound(EventFilter, {"year": "1"}))
    assert '<label for="id_kind">' in html and '<label for="id_year">' in html
    assert 'aria-describedby="id_year_error"' in html
    assert '<ul class="errorlist" id="id_year_error"><li>' in html
    # A valid field says nothing of errors.
    assert "id_kind_error" not in html


def test_values_and_labels_are_escaped():
    html = filter_fields(bound(ClusterFilter, {"q": '"><script>'}), wide="q")
    assert "<script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;"' in html
    assert '<div class="wide">\n    <label for="id_q">' in html


def test_templates_are_parsed_once_through_the_cached_loader():
    # Django's default when TEMPLATES names no loaders; a setting naming some would lose it.
    from django.template import engines
    from django.template.loaders.cached import Loader

    assert [type(loader) for loader in engines["django"].engine.template_loaders] == [Loader]
