"""Dates and numbers read the same in the admin and on the public site.

In Polish: dd.mm.rrrr and a decimal comma (kkkregistry/formats); in English the day
before the month's name.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django import forms
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from core.dates import day_text
from tests.factories import (
    ApplicationFactory,
    StageResultFactory,
    StatusAwardFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def application():
    award = StatusAwardFactory(valid_until=datetime.date(2025, 12, 17))
    application = ApplicationFactory(
        cluster=award.cluster,
        round=award.round,
        total_points=Decimal("87.5"),
        scores_published=True,
    )
    StageResultFactory(application=application, result="passed", points=Decimal("41.25"))
    return application


def text(response):
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def admin_page(client, name, language, *args):
    return text(client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE=language))


@pytest.mark.parametrize(
    ("language", "date", "total", "stage_points"),
    [("pl", "17.12.2025", "87,50", "41,25"), ("en", "17 December 2025", "87.50", "41.25")],
)
def test_a_date_and_points_read_alike_in_the_admin_and_on_the_cluster_page(
    admin_client, application, language, date, total, stage_points
):
    with translation.override(language):
        address = application.cluster.get_absolute_url()
    public = text(admin_client.get(address))
    awards = admin_page(admin_client, "admin:clusters_statusaward_changelist", language)
    applications = admin_page(admin_client, "admin:clusters_application_changelist", language)
    form = admin_page(admin_client, "admin:clusters_application_change", language, application.pk)

    assert re.search(f'class="field-valid_until[^"]*">{date}</td>', awards)
    assert date in public
    assert re.search(f'class="field-total_points[^"]*">{total}</td>', applications)
    assert f"{total} " in public
    # The stage result's points: the admin's input and the public table cell.
    assert f'value="{stage_points}"' in form
    assert f'<td class="number">{stage_points}' in public


def test_polish_admin_date_inputs_take_the_same_form():
    with translation.override("pl"):
        field = forms.DateField()
        assert field.clean("17.12.2025") == datetime.date(2025, 12, 17)
        assert forms.DateInput().format_value(datetime.date(2025, 12, 17)) == "17.12.2025"


def test_a_days_text_is_the_date_filters_in_each_language_whichever_came_first():
    day = datetime.date(2026, 5, 3)
    for language in ["pl", "en", "pl"]:
        with translation.override(language):
            assert day_text(day) == date(day)
            assert day_text(day, "Y") == "2026"
            assert day_text(day, "SHORT_DATE_FORMAT") == date_format(day, "SHORT_DATE_FORMAT")
    with translation.override("pl"):
        polish = day_text(day)
    with translation.override("en"):
        assert day_text(day) != polish
        assert day_text(day, language="pl") == polish
