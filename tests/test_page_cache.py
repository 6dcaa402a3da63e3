"""Public pages cached until registry data changes: invalidation, variants, shared cache."""

import datetime
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from clusters.models import Cluster
from tests.factories import ClusterFactory, SpecialisationFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()
    yield
    cache.clear()


def text(response):
    return response.content.decode()


def test_an_unchanged_page_is_served_from_the_cache_with_one_query(client):
    ClusterFactory(name="Klaster Pierwotny")
    assert "Klaster Pierwotny" in text(client.get("/klastry/"))
    # No signal: the database changes behind the cache's back.
    Cluster.objects.update(name="Klaster Zmieniony Po Cichu")
    with CaptureQueriesContext(connection) as queries:
        page = text(client.get("/klastry/"))
    assert "Klaster Pierwotny" in page
    assert len(queries) == 1  # the data version


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda c: setattr(c, "name", "Klaster Nowy") or c.save(), id="save"),
        pytest.param(lambda c: c.delete(), id="delete"),
        pytest.param(
            lambda c: c.specialisations.add(SpecialisationFactory(name="Branża Nowa")),
            id="many-to-many",
        ),
    ],
)
def test_a_saved_change_is_on_the_next_page(client, change):
    cluster = ClusterFactory(name="Klaster Stary")
    before = text(client.get(f"/klastry/{cluster.slug}/"))
    list_before = text(client.get("/klastry/"))
    change(cluster)
    after = client.get(f"/klastry/{cluster.slug}/")
    list_after = text(client.get("/klastry/"))
    assert after.status_code == 404 or text(after) != before
    assert list_after != list_before


def test_cached_pages_differ_by_language_and_display_preference(client):
    ClusterFactory()
    polish = text(client.get("/klastry/"))
    english = text(client.get("/en/clusters/"))
    assert 'lang="pl"' in polish and 'lang="en"' in english
    client.cookies["kkk_contrast"] = "1"
    contrast = text(client.get("/klastry/"))
    assert re.search(r'<html[^>]*class="[^"]*contrast', contrast)
    assert not re.search(r'<html[^>]*class="[^"]*contrast', polish)


def test_each_visitor_posts_the_display_form_with_their_own_token_from_a_cached_page():
    ClusterFactory()
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = text(visitor.get("/klastry/"))
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = visitor.post(
            "/wyswietlanie/", {"switch": "contrast", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302


def test_logged_in_staff_always_get_a_fresh_page(client):
    ClusterFactory(name="Klaster Pierwotny")
    client.get("/klastry/")
    client.force_login(
        UserFactory(is_superuser=True), backend="django.contrib.auth.backends.ModelBackend"
    )
    Cluster.objects.update(name="Klaster Zmieniony Po Cichu")
    assert "Klaster Zmieniony Po Cichu" in text(client.get("/klastry/"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url():
    binary = shutil.which("redis-server")
    if not binary:
        pytest.fail("redis-server is not installed: apt-get install redis-server (.ci/run does)")
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_change_saved_by_staff_is_on_the_next_page_another_process_serves(redis_url, tmp_path):
    env = {
        **os.environ,
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "kkkregistry.settings",
        # A database of its own: the processes must share it, and the test database
        # of this process lives in a transaction (or in memory) that they cannot see.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "REDIS_URL": redis_url,
        "PUBLIC_PAGE_CACHE_SECONDS": "600",
    }

    def step(*args):
        return subprocess.run(
            [sys.executable, "-m", "tests.page_cache_process", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    step("setup", "Klaster Pierwotny")
    assert "Klaster Pierwotny" in step("show", "/klastry/")
    # A change without signals stays unseen: this page came from the shared cache.
    step("rename-quietly", "Klaster Zmieniony Po Cichu")
    assert "Klaster Pierwotny" in step("show", "/klastry/")
    step("rename", "Klaster Zapisany Przez Pracownika")
    page = step("show", "/klastry/")
    assert "Klaster Zapisany Przez Pracownika" in page
    assert "Klaster Pierwotny" not in page


def test_an_imported_file_is_on_the_next_page(client):
    from transfer.service import import_file

    client.get("/klastry/")
    data = "Nazwa;Miejscowość;Województwo;Specjalizacje;Koordynator;Opublikowany\r\n"
    data += "Klaster Zaimportowany;Łódź;łódzkie;;;tak\r\n"
    report = import_file("clusters", data.encode("cp1250"), source="test")
    assert report.accepted and report.new == 1, report.errors
    assert "Klaster Zaimportowany" in text(client.get("/klastry/"))


def test_a_page_cached_before_a_publication_moment_is_rendered_again_at_it(client):
    from tests.factories import ApplicationFactory, RoundFactory

    morning = datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC)
    moment = morning + datetime.timedelta(minutes=5)  # within the 600 s a page lives
    round_ = RoundFactory(slug="runda-vii", results_published_at=moment)
    ApplicationFactory(round=round_, cluster__name="Klaster Ogłoszony", rank=1)
    with time_machine.travel(morning, tick=False):
        assert "Klaster Ogłoszony" not in text(client.get("/rundy/runda-vii/"))
    # The same day, so the page's key is the same: only its shorter life renders it again.
    with time_machine.travel(moment + datetime.timedelta(minutes=1), tick=False):
        assert "Klaster Ogłoszony" in text(client.get("/rundy/runda-vii/"))
