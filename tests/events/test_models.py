import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages below are matched in English; the project's default language is Polish."""
    with translation.override("en"):
        yield


D = datetime.date


def test_event_cannot_end_before_it_starts():
    event = EventFactory.build(start_date=D(2023, 1, 18), end_date=D(2023, 1, 16))
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        event.full_clean()


def test_multi_day_event_is_upcoming_until_its_last_day():
    kickoff = EventFactory(start_date=D(2023, 1, 16), end_date=D(2023, 1, 18))
    one_day = EventFactory(start_date=D(2023, 1, 17))
    assert set(Event.objects.upcoming(D(2023, 1, 18))) == {kickoff}
    assert set(Event.objects.past(D(2023, 1, 18))) == {one_day}
    assert set(Event.objects.upcoming(D(2023, 1, 17))) == {kickoff, one_day}


def test_event_slug_carries_the_year():
    assert (
        EventFactory(title="Gala Klastrów", start_date=D(2016, 10, 25)).slug == "gala-klastrow-2016"
    )
