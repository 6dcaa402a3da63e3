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


def test_a_user_name_is_locked_after_five_failures_even_with_the_right_password(staff, settings):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "redaktor", "zle").status_code == 200
    assert attempt(client, "redaktor", "zle").status_code == 429
    other_address = Client(REMOTE_ADDR="10.0.0.2")
    locked = attempt(other_address, "redaktor", "Poprawne-Haslo-2026")
    assert locked.status_code == 429
    assert "15 minut" in locked.content.decode()  # "minut" in Polish, "minutes" in English


def test_an_address_is_locked_after_five_failures_across_user_names(staff, settings):
    client = Client(REMOTE_ADDR="10.0.0.3")
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"ktos{number}", "zle")
    assert attempt(client, "redaktor", "Poprawne-Haslo-2026").status_code == 429


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
