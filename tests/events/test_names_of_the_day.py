"""Institutions are named as they were called on the day: event pages and the round list."""

import datetime

import pytest
from django.urls import reverse

from clusters.models import InstitutionName
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    ParticipationFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def ministry():
    ministry = InstitutionFactory(name="Ministerstwo Rozwoju i Technologii")
    InstitutionName.objects.create(
        institution=ministry,
        name="Ministerstwo Przedsiębiorczości i Technologii",
        used_from=D(2018, 1, 9),
        used_until=D(2019, 11, 14),
    )
    return ministry


def test_the_2018_gala_names_its_organiser_and_participants_institution_as_of_2018(
    client, ministry
):
    event = EventFactory(title="Gala 2018", start_date=D(2018, 12, 17), organiser=ministry)
    ParticipationFactory(event=event, institution=ministry, cluster=None)
    page = client.get(event.get_absolute_url()).content.decode()
    assert page.count("Ministerstwo Przedsiębiorczości i Technologii") >= 2
    assert "Ministerstwo Rozwoju i Technologii" not in page


def test_the_admin_round_list_shows_the_organiser_of_the_day(admin_client, ministry):
    RoundFactory(name="Odnowienie 2018", year=2018, call_opens=D(2018, 7, 13), organiser=ministry)
    page = admin_client.get(reverse("admin:clusters_round_changelist")).content.decode()
    assert "Ministerstwo Przedsiębiorczości i Technologii" in page
