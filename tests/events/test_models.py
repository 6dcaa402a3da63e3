import datetime

import pytest
from django.core.exceptions import ValidationError

from events.models import Event
from tests.factories import EventFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
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


def test_every_event_is_either_upcoming_or_past_on_any_day():
    EventFactory(start_date=D(2023, 1, 16), end_date=D(2023, 1, 18))
    EventFactory(start_date=D(2023, 1, 17))
    EventFactory(start_date=D(2023, 1, 17), end_date=D(2023, 1, 17))
    EventFactory(start_date=D(2022, 12, 31), end_date=D(2023, 1, 1))
    everything = set(Event.objects.all())
    for day in [D(2022, 12, 31), D(2023, 1, 1), D(2023, 1, 2), D(2023, 1, 17), D(2023, 1, 19)]:
        upcoming, past = set(Event.objects.upcoming(day)), set(Event.objects.past(day))
        assert upcoming | past == everything and not upcoming & past
        assert all(event.start_date < day for event in past)


def test_event_slug_carries_the_year():
    assert (
        EventFactory(title="Gala Klastrów", start_date=D(2016, 10, 25)).slug == "gala-klastrow-2016"
    )
