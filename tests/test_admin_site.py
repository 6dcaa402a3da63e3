"""The admin's first page and its language."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from kkkregistry.roles import VIEWERS
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    EventFactory,
    StatusAwardFactory,
    staff_in,
)

pytestmark = pytest.mark.django_db
D = datetime.date
LOGIN = reverse("admin:login")


def test_admin_is_polish_by_default(client):
    response = client.get(LOGIN)
    assert response.headers["Content-Language"] == "pl"
    assert "Zaloguj się" in response.content.decode()


def test_admin_speaks_english_when_the_browser_asks(client):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response.headers["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def test_the_language_cookie_wins_over_the_browser(client):
    client.cookies["django_language"] = "pl"
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "pl"


def test_public_site_stays_polish_at_the_root_whatever_the_browser_asks(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "pl"


@time_machine.travel(D(2025, 7, 1))
def test_dashboard_counts_and_lists_what_needs_attention(client):
    StatusAwardFactory(cluster__name="Klaster Kończący", valid_until=D(2025, 12, 17))
    StatusAwardFactory(cluster__name="Klaster Trwały", valid_until=D(2027, 1, 1))
    ClusterFactory(name="Klaster Szkic", published=False)
    EventFactory(title="Wydarzenie Szkic", published=False)
    ApplicationFactory(cluster__name="Klaster Czekający")
    ApplicationFactory(cluster__name="Klaster Oceniony", outcome="rejected")
    client.force_login(staff_in(VIEWERS))

    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")

    board = response.context["dashboard"]
    assert board["counts"]["clusters"] == 5
    assert board["counts"]["with_status"] == 2
    assert [c.name for c in board["expiring"]] == ["Klaster Kończący"]
    assert [c.name for c in board["draft_clusters"]] == ["Klaster Szkic"]
    assert [e.title for e in board["draft_events"]] == ["Wydarzenie Szkic"]
    assert [a.cluster.name for a in board["waiting_applications"]] == ["Klaster Czekający"]
    content = response.content.decode()
    assert "1 status ends within 6 months" in content
    assert "1 unpublished cluster" in content
    assert "1 application without results" in content


def test_dashboard_is_not_shown_to_staff_who_cannot_view_clusters(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"))
    assert response.context["dashboard"] is None
    assert 'id="registry-dashboard"' not in response.content.decode()


def test_dashboard_leaves_out_what_the_user_may_not_view(client):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_cluster"))
    EventFactory(published=False)
    ApplicationFactory()
    client.force_login(user)
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    content = response.content.decode()
    assert 'id="registry-dashboard"' in content
    assert 'id="draft-events"' not in content and 'id="waiting-applications"' not in content
    assert reverse("admin:events_event_changelist") not in content
