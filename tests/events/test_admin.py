"""The events admin: filtering by year, participants with their roles, duplicating an event."""

import datetime

import pytest
from django.urls import reverse

from events.models import Event
from events.services import duplicate_event
from tests.factories import ClusterFactory, EventFactory, ParticipationFactory

pytestmark = pytest.mark.django_db
D = datetime.date
EVENTS = reverse("admin:events_event_changelist")


def titles(response):
    return sorted(event.title for event in response.context["cl"].result_list)


def test_events_are_filtered_by_year_and_kind(admin_client):
    EventFactory(title="Gala 2018", kind="gala", start_date=D(2018, 12, 17))
    EventFactory(title="Gala 2023", kind="gala", start_date=D(2023, 1, 23))
    EventFactory(title="Kongres 2023", kind="congress", start_date=D(2023, 5, 20))
    assert titles(admin_client.get(EVENTS, {"year": "2023"})) == ["Gala 2023", "Kongres 2023"]
    assert titles(admin_client.get(EVENTS, {"year": "2023", "kind__exact": "gala"})) == [
        "Gala 2023"
    ]
    years = admin_client.get(EVENTS).context["cl"].filter_specs[1].lookup_choices
    assert years == [("2023", "2023"), ("2018", "2018")]


def test_event_page_lists_participants_with_roles(admin_client):
    participation = ParticipationFactory(person__name="Jadwiga Emilewicz", role="minister")
    url = reverse("admin:events_event_change", args=[participation.event.pk])
    formset = admin_client.get(url).context["inline_admin_formsets"][0].formset
    assert [(f.instance.person.name, f.instance.role) for f in formset.forms] == [
        ("Jadwiga Emilewicz", "minister")
    ]


def test_duplicating_an_event_makes_an_unpublished_copy_a_year_later():
    gala = EventFactory(
        title="Gala KKK", kind="gala", start_date=D(2023, 1, 23), end_date=D(2023, 1, 24)
    )
    gala.clusters.add(ClusterFactory())
    ParticipationFactory(event=gala)

    copy = duplicate_event(gala)

    assert (copy.title, copy.kind, copy.published) == ("Gala KKK", "gala", False)
    assert (copy.start_date, copy.end_date) == (D(2024, 1, 23), D(2024, 1, 24))
    assert list(copy.clusters.all()) == list(gala.clusters.all())
    assert not copy.participations.exists()
    assert copy.slug == "gala-kkk-2024"
    assert duplicate_event(gala).slug == "gala-kkk-2024-2"


def test_duplicate_action_copies_each_selected_event(admin_client):
    events = EventFactory.create_batch(2)
    response = admin_client.post(
        EVENTS, {"action": "duplicate", "_selected_action": [e.pk for e in events]}, follow=True
    )
    assert response.status_code == 200
    assert Event.objects.filter(published=False).count() == 2
