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


def test_list_cards_give_kind_days_city_and_a_published_parent_in_the_page_language(client):
    congress = EventFactory(title="Kongres Główny", title_en="Main Congress", kind="congress")
    EventFactory(
        title="Gala Przyszła",
        title_en="Future Gala",
        slug="gala-przyszla",
        kind="gala",
        start_date=D(2027, 5, 20),
        end_date=D(2027, 5, 21),
        city="Kraków & okolice",
        part_of=congress,
    )
    EventFactory(
        title="Panel Ukrytego",
        kind="panel",
        start_date=D(2027, 6, 1),
        city="",
        part_of=EventFactory(title="Kongres Ukryty", published=False),
    )
    page = text(client.get("/en/events/"))
    card = page.split('<a href="/en/events/gala-przyszla/">Future Gala</a></h3>\n<p>', 1)[1]
    card = card.split("</p>", 1)[0]
    assert card.startswith('Certificate gala · <time datetime="2027-05-20">20 May 2027</time>')
    assert '– <time datetime="2027-05-21">' in card
    assert card.endswith(" · Kraków &amp; okolice · part of Main Congress")
    hidden_parent = page.split(">Panel Ukrytego</a></h3>\n<p>", 1)[1].split("</p>", 1)[0]
    assert hidden_parent.startswith("Panel discussion · ") and "part of" not in hidden_parent
    assert "Kongres Ukryty" not in page
    polish = text(client.get("/wydarzenia/"))
    assert ">Gala Przyszła</a></h3>" in polish and "część wydarzenia Kongres Główny" in polish


def test_round_page_lists_its_published_events_by_date_in_the_page_language(client):
    round_ = RoundFactory(slug="runda-z-wydarzeniami")
    EventFactory(
        title="Gala Rundy",
        title_en="Round Gala",
        slug="gala-rundy",
        round=round_,
        start_date=D(2023, 3, 1),
        end_date=D(2023, 3, 2),
        city="Łódź <centrum>",
    )
    EventFactory(title="Nabór", slug="nabor", round=round_, start_date=D(2022, 5, 1), city="")
    EventFactory(title="Ukryte Wydarzenie", round=round_, published=False)
    page = text(client.get("/en/rounds/runda-z-wydarzeniami/"))
    events = page.split("<h2>Events</h2>\n<ul>", 1)[1].split("</ul>", 1)[0]
    first, second = events.split("</li>")[:2]
    assert first.startswith('<li><a href="/en/events/nabor/">Nabór</a>, <time datetime="2022-05-01')
    assert first.endswith("</time>\n")
    assert second.startswith('<li><a href="/en/events/gala-rundy/">Round Gala</a>, ')
    assert '– <time datetime="2023-03-02">' in second
    assert second.endswith(", Łódź &lt;centrum&gt;\n")
    assert "Ukryte Wydarzenie" not in page


def test_round_page_shows_its_latest_events_and_links_to_the_list_of_them_all(client):
    from clusters.views import ROUND_EVENTS_SHOWN

    round_ = RoundFactory(slug="runda-ruchliwa")
    total = ROUND_EVENTS_SHOWN + 5
    for n in range(total):
        EventFactory(
            title=f"Spotkanie {n:02d}",
            round=round_,
            start_date=D(2020, 1, 1) + datetime.timedelta(n),
        )
    EventFactory(title="Spotkanie innej rundy", round=RoundFactory(slug="inna"))
    page = text(client.get("/en/rounds/runda-ruchliwa/"))
    events = page.split("<h2>Events</h2>", 1)[1]
    shown = [n for n in range(total) if f">Spotkanie {n:02d}</a>" in events]
    assert shown == list(range(5, total))
    assert events.index(">Spotkanie 05<") < events.index(f">Spotkanie {total - 1}<")
    assert (
        f"<p>The latest {ROUND_EVENTS_SHOWN} events of this round. "
        '<a href="/en/events/?round=runda-ruchliwa">All events of this round</a></p>'
    ) in events
    polish = text(client.get("/rundy/runda-ruchliwa/"))
    assert (
        f"<p>{ROUND_EVENTS_SHOWN} najnowszych wydarzeń tej rundy. "
        '<a href="/wydarzenia/?round=runda-ruchliwa">Wszystkie wydarzenia tej rundy</a></p>'
    ) in polish

    every = text(client.get("/en/events/", {"round": "runda-ruchliwa"}))
    assert all(f">Spotkanie {n:02d}</a>" in every for n in range(total))
    assert "Spotkanie innej rundy" not in every
    assert '<option value="runda-ruchliwa" selected>' in every


def test_a_round_of_as_many_events_as_shown_lists_them_all_without_the_link(client):
    from clusters.views import ROUND_EVENTS_SHOWN

    round_ = RoundFactory(slug="runda-pelna")
    for n in range(ROUND_EVENTS_SHOWN):
        EventFactory(title=f"Spotkanie {n:02d}", round=round_)
    page = text(client.get("/en/rounds/runda-pelna/"))
    assert all(f">Spotkanie {n:02d}</a>" in page for n in range(ROUND_EVENTS_SHOWN))
    assert "All events of this round" not in page and "The latest" not in page


def test_events_of_an_unknown_round_are_refused_with_a_message_not_an_error(client):
    EventFactory(title="Gala Ocalała")
    response = client.get("/en/events/", {"round": "no-such-round"})
    assert response.status_code == 200
    page = text(response)
    assert "Some of the filters could not be used and were ignored:" in page
    assert "Select a valid choice." in page
    assert "Gala Ocalała" in page
