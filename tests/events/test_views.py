"""The public event pages: upcoming and past, filters, participants, unpublished events."""

import datetime

import pytest

from tests.factories import (
    ClusterFactory,
    EventFactory,
    ParticipationFactory,
    RoundFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
D = datetime.date


def text(response):
    return response.content.decode()


def test_list_separates_upcoming_from_past_events(client):
    EventFactory(title="Kongres przyszły", start_date=D(2027, 5, 20))
    EventFactory(title="Trwający", start_date=D(2026, 11, 23), end_date=D(2026, 11, 25))
    EventFactory(title="Gala dawna", start_date=D(2023, 1, 23))
    page = text(client.get("/en/events/"))
    upcoming, past = page.split("Past events", 1)
    assert "Kongres przyszły" in upcoming and "Trwający" in upcoming
    assert "Gala dawna" in past


def test_list_filters_by_kind_and_by_every_year_an_event_runs_in(client):
    EventFactory(title="Gala 2023", kind="gala", start_date=D(2023, 1, 23))
    EventFactory(title="Panel 2023", kind="panel", start_date=D(2023, 1, 23))
    EventFactory(
        title="Sylwester", kind="panel", start_date=D(2022, 12, 31), end_date=D(2023, 1, 1)
    )
    EventFactory(title="Kongres 2014", kind="congress", start_date=D(2014, 5, 20))
    page = text(client.get("/wydarzenia/", {"year": "2023", "kind": "panel"}))
    assert "Panel 2023" in page and "Sylwester" in page
    assert "Gala 2023" not in page and "Kongres 2014" not in page


@pytest.mark.parametrize("params", [{"year": "99999"}, {"year": "dawno"}, {"kind": "bal"}])
def test_invalid_filters_give_a_message_never_an_error(client, params):
    EventFactory(title="Gala widoczna")
    response = client.get("/en/events/", params)
    assert response.status_code == 200
    assert "could not be used and were ignored" in text(response)
    assert "Gala widoczna" in text(response)


def test_event_page_shows_participants_with_roles_related_clusters_and_round(client):
    cluster = ClusterFactory(name="Klaster Obecny")
    event = EventFactory(title="Gala", round=RoundFactory(name="Runda VI"))
    event.clusters.add(cluster, ClusterFactory(name="Klaster Niepubliczny", published=False))
    ParticipationFactory(event=event, person__name="Jadwiga Emilewicz", role="minister")
    ParticipationFactory(
        event=event, person__name="Jan Moderator", role="moderator", cluster=cluster
    )
    page = text(client.get(f"/en/events/{event.slug}/"))
    assert "Jadwiga Emilewicz – minister" in page
    assert "Jan Moderator – moderator" in page
    assert "Klaster Obecny" in page and "Runda VI" in page
    assert "Klaster Niepubliczny" not in page


def test_unpublished_event_is_a_404(client):
    event = EventFactory(published=False)
    assert client.get(event.get_absolute_url()).status_code == 404
    assert event.title not in text(client.get("/wydarzenia/"))
