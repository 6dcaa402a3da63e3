"""Brute force on the admin login is throttled per user name and per address."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "redaktor", password="Poprawne-Haslo-2026", is_staff=True
    )


def attempt(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_user_name_is_locked_at_an_address_after_five_failures_even_with_the_right_password(
    staff, settings
):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "redaktor", "zle").status_code == 200
    assert attempt(client, "redaktor", "zle").status_code == 429
    locked = attempt(client, "redaktor", "Poprawne-Haslo-2026")
    assert locked.status_code == 429
    assert "15 minut" in locked.content.decode()  # "minut" in Polish, "minutes" in English


def test_failures_with_a_staff_name_elsewhere_never_lock_that_person_out(staff, settings):
    attacker = Client(REMOTE_ADDR="10.0.0.2")
    for _ in range(settings.AXES_FAILURE_LIMIT * 2):
        attempt(attacker, "redaktor", "zle")
    assert attempt(attacker, "redaktor", "Poprawne-Haslo-2026").status_code == 429
    assert (
        attempt(Client(REMOTE_ADDR="10.0.0.3"), "redaktor", "Poprawne-Haslo-2026").status_code
        == 302
    )


PROXY = "127.0.0.1"  # FORWARDED_ALLOW_IPS by default, as in the documented setup


def behind_proxy(address, proxy=PROXY):
    return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=address)


def test_behind_the_proxy_failures_with_made_up_names_lock_out_no_staff_member(staff, settings):
    # Every request reaches gunicorn from the proxy's address: throttling by it alone
    # locked every staff member out whenever anyone failed five times.
    for number in range(settings.AXES_FAILURE_LIMIT * 2):
        attempt(behind_proxy("203.0.113.9"), f"ktos{number}", "zle")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(behind_proxy("203.0.113.9"), "redaktor", "zle")
    assert (
        attempt(behind_proxy("203.0.113.9"), "redaktor", "Poprawne-Haslo-2026").status_code == 429
    )
    response = attempt(behind_proxy("198.51.100.7"), "redaktor", "Poprawne-Haslo-2026")
    assert response.status_code == 302


def test_an_address_written_by_the_client_itself_is_not_believed(staff, settings):
    # Not from a trusted proxy: a made-up X-Forwarded-For cannot dodge the lock.
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(behind_proxy(f"198.51.100.{number}", proxy="10.0.0.9"), "redaktor", "zle")
    assert (
        attempt(behind_proxy("198.51.100.99", proxy="10.0.0.9"), "redaktor", "zle").status_code
        == 429
    )


@pytest.mark.parametrize(
    ("remote", "forwarded", "allowed", "expected"),
    [
        ("127.0.0.1", "", ["127.0.0.1"], "127.0.0.1"),
        ("127.0.0.1", "203.0.113.9", ["127.0.0.1"], "203.0.113.9"),
        # The client wrote the left entry; the proxy appended what it saw.
        ("127.0.0.1", "1.1.1.1, 203.0.113.9", ["127.0.0.1"], "203.0.113.9"),
        # Two proxies of ours: a load balancer in 10.0.0.0/8 before the local one.
        ("127.0.0.1", "1.1.1.1, 203.0.113.9, 10.1.2.3", ["127.0.0.1", "10.0.0.0/8"], "203.0.113.9"),
        ("192.0.2.1", "203.0.113.9", ["127.0.0.1"], "192.0.2.1"),
        ("127.0.0.1", "203.0.113.9, nonsense", ["127.0.0.1"], "127.0.0.1"),
        ("192.0.2.1", "203.0.113.9", ["*"], "203.0.113.9"),
    ],
)
def test_the_client_address_comes_from_trusted_proxies_only(
    rf, settings, remote, forwarded, allowed, expected
):
    from kkkregistry.security import client_address

    settings.FORWARDED_ALLOW_IPS = allowed
    request = rf.get("/admin/login/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_a_success_resets_the_count(staff, settings):
    client = Client(REMOTE_ADDR="10.0.0.4")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "redaktor", "zle")
    assert attempt(client, "redaktor", "Poprawne-Haslo-2026").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "redaktor", "zle")
    assert attempt(client, "redaktor", "Poprawne-Haslo-2026").status_code == 302


def test_the_lock_out_page_speaks_polish_to_polish_browsers(staff, settings):
    client = Client(REMOTE_ADDR="10.0.0.5", HTTP_ACCEPT_LANGUAGE="pl")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "redaktor", "zle")
    assert "Zbyt wiele nieudanych" in attempt(client, "redaktor", "zle").content.decode()


def test_weak_passwords_are_refused_by_the_validators():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["haslo", "12345678", "password1"]:
        with pytest.raises(ValidationError):
            validate_password(weak)
