"""Production settings: refused without secrets, clean under `check --deploy`, headers on."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings

PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "Q9v!t2#Lm8@pZ4&sR7*wX1^yB6" + "j" * 10,
    "DATABASE_URL": "sqlite:////tmp/kkk-production-check.sqlite3",
    "ALLOWED_HOSTS": "kkk.example.gov.pl",
}


# What a developer or the test run may have set that a deployment does not.
NOT_IN_PRODUCTION = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_with(env, *args):
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=clean | {"DJANGO_SETTINGS_MODULE": "kkkregistry.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_with({k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize("key", ["short", "django-insecure-" + "x" * 60])
def test_production_refuses_a_weak_secret_key(key):
    result = run_with(PRODUCTION | {"SECRET_KEY": key}, "check")
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_a_database_url():
    result = run_with({k: v for k, v in PRODUCTION.items() if k != "DATABASE_URL"}, "check")
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr


def test_check_deploy_reports_nothing_with_the_documented_production_variables():
    result = run_with(PRODUCTION, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
@override_settings(
    SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_PRELOAD=True
)
def test_production_redirects_to_https_and_sends_hsts():
    client = Client()
    insecure = client.get("/")
    assert insecure.status_code == 301
    assert insecure.url.startswith("https://")
    secure = client.get("/", secure=True)
    assert "max-age=31536000" in secure.headers["Strict-Transport-Security"]
    assert "preload" in secure.headers["Strict-Transport-Security"]


def test_cookies_are_secure_and_http_only_in_production():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_COOKIE_AGE)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean | {"DJANGO_SETTINGS_MODULE": "kkkregistry.settings", **PRODUCTION},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "28800"], result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_by_default(tmp_path):
    # Readers then never wait for an import's transaction, and a writer queues for the
    # lock instead of failing "database is locked".
    show = (
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA busy_timeout').fetchone()[0], connection.transaction_mode)"
    )
    database = PRODUCTION | {"DATABASE_URL": f"sqlite:///{tmp_path / 'kkk.sqlite3'}"}
    result = run_with(database, "shell", "-c", show)
    assert result.stdout.splitlines()[-1].split() == ["wal", "60000", "IMMEDIATE"], result.stderr


def test_hsts_preload_is_sent_only_when_the_setting_asks_for_it():
    show = "from django.conf import settings; print(settings.SECURE_HSTS_PRELOAD)"
    assert run_with(PRODUCTION, "shell", "-c", show).stdout.splitlines()[-1] == "False"
    asked = run_with(PRODUCTION | {"SECURE_HSTS_PRELOAD": "1"}, "shell", "-c", show)
    assert asked.stdout.splitlines()[-1] == "True"
    # check --deploy stays clean either way: declining to preload is a choice.
    result = run_with(PRODUCTION, "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
