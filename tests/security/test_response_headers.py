"""Deployment defaults seen in the responses: methods, caching, embedding, the icon, the server."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse

from kkkregistry.roles import EDITORS
from tests.factories import ClusterFactory, staff_in
from tests.security.test_admin_permissions import admin_urls, site_urls
from tests.security.test_admin_permissions import registry as admin_registry  # noqa: F401

pytestmark = pytest.mark.django_db

PUBLIC = ["/", "/klastry/", "/en/clusters/", "/rundy/", "/wydarzenia/", "/deklaracja-dostepnosci/"]
PUBLIC += ["/klastry/export.csv", "/sitemap.xml", "/wydarzenia/kalendarz.ics", "/favicon.ico"]


@pytest.mark.parametrize("url", PUBLIC + ["/admin/", "/admin/login/", "/nie-ma/", "/static/x"])
def test_trace_answers_405_on_every_url(client, url):
    response = client.generic("TRACE", url)
    assert response.status_code == 405
    assert "TRACE" not in response.headers["Allow"]


@pytest.mark.parametrize("url", PUBLIC + ["/admin/login/"])
def test_no_other_site_may_embed_a_response(client, url):
    assert client.get(url).headers["Cross-Origin-Resource-Policy"] == "same-origin"


def test_a_favicon_is_named_by_every_page_and_served_where_browsers_look(client):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/kkk/favicon.ico">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == "/static/kkk/favicon.ico"
    icon = Path(finders.find("kkk/favicon.ico")).read_bytes()
    assert icon.startswith(b"\x00\x00\x01\x00")  # an ICO file


def test_hsts_preload_only_when_a_setting_asks_for_it():
    # Preloading cannot be undone quickly: browsers ship the list for months.
    assert settings.SECURE_HSTS_PRELOAD is False
    with override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000):
        hsts = Client().get("/", secure=True).headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "preload" not in hsts


@pytest.mark.parametrize("cache_seconds", [0, 3600])
def test_public_pages_let_browsers_revalidate_with_an_etag(client, settings, cache_seconds):
    settings.PUBLIC_PAGE_CACHE_SECONDS = cache_seconds
    ClusterFactory(name="Klaster Pierwszy")
    first = client.get("/klastry/")
    assert "no-cache" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = client.get("/klastry/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    ClusterFactory(name="Klaster Drugi")
    changed = client.get("/klastry/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Klaster Drugi" in changed.content.decode()


def test_a_page_revalidated_keeps_a_working_csrf_token(client):
    # The display switch is a form: the page kept after a 304 must still post.
    client = Client(enforce_csrf_checks=True)
    first = client.get("/")
    assert client.get("/", HTTP_IF_NONE_MATCH=first.headers["ETag"]).status_code == 304
    token = first.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(reverse("pages:display"), {"csrfmiddlewaretoken": token})
    assert response.status_code != 403


def test_every_admin_page_is_no_store(client, admin_registry):  # noqa: F811
    assert "no-store" in client.get("/admin/login/").headers["Cache-Control"]
    client.force_login(staff_in(EDITORS))
    urls = [url for _kind, url, _model in admin_urls()] + list(site_urls())
    for url in urls:
        response = client.get(url)
        assert "no-store" in response.headers.get("Cache-Control", ""), url


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_does_not_name_itself(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kkkregistry.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kkk.sqlite3'}",
    }
    # As `make serve` starts it: from the project folder, where gunicorn.conf.py is.
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "kkkregistry.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, server.stderr.read().decode()
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/favicon.ico")
                with urllib.request.urlopen(request, timeout=5) as response:
                    headers = response.headers
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "gunicorn did not answer in time"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(10)
    assert "Server" not in headers
