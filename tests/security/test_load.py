"""The public site on gunicorn, under concurrent requests, while a big import runs.

Everything stays on 127.0.0.1 and is bounded in time: gunicorn and the import
run as child processes and are stopped in `finally`. SQLite runs use a file
database of their own (the in-memory test database is invisible to other
processes); PostgreSQL runs use the test database, committed data included.
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

pytestmark = [pytest.mark.load, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
IMPORT_ROWS = 10_000
THREADS = 4
MAX_REQUESTS_PER_THREAD = 150
LOAD_SECONDS = 10
PAGES = ["/", "/klastry/", "/klastry/?status=current&sort=status_end", "/rundy/", "/wydarzenia/"]
PAGES += ["/en/clusters/?q=klaster", "/deklaracja-dostepnosci/", "/sitemap.xml"]

IMPORTER = """
import sys, django
django.setup()
from transfer.service import import_file
data = open(sys.argv[1], "rb").read()
print("started", flush=True)
report = import_file("clusters", data, source="load test")
print("new", report.new, flush=True)
"""

# An editor saving a record while the import runs: waits for the lock, never fails.
EDITOR = """
import django
django.setup()
from clusters.models import Cluster
cluster = Cluster.objects.order_by("pk").first()
cluster.description = "Zapisane w trakcie importu"
cluster.save()
print("saved", flush=True)
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(tmp_path):
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        return (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    return f"sqlite:///{tmp_path / 'registry.sqlite3'}"


def production_env(tmp_path):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kkkregistry.settings",
        "DEBUG": "0",
        "SECRET_KEY": "load-test-" + "k" * 60,
        "DATABASE_URL": database_url(tmp_path),
        "ALLOWED_HOSTS": "127.0.0.1",
        # Plain HTTP on loopback: no TLS terminates in front of this gunicorn.
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
    }


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def prepare_database(env):
    if env["DATABASE_URL"].startswith("sqlite"):
        # The documented setup as it is: the settings alone must make SQLite take the load.
        manage(env, "migrate", "--no-input")
    manage(env, "load_registry_data")
    manage(env, "collectstatic", "--no-input")


def wait_until_serving(base, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        try:
            with urllib.request.urlopen(base + "/", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer in time")


def hammer(base, urls, stop_at, results):
    for n in range(MAX_REQUESTS_PER_THREAD):
        if time.monotonic() > stop_at:
            return
        url = base + urls[n % len(urls)]
        try:
            with urllib.request.urlopen(url, timeout=15) as response:
                response.read()
                results.append((url, response.status))
        except urllib.error.HTTPError as error:
            results.append((url, error.code))
        except OSError as error:
            results.append((url, repr(error)))


def test_public_pages_answer_under_concurrent_load_while_10000_rows_import(tmp_path):
    env = production_env(tmp_path)
    prepare_database(env)
    rows = ["Nazwa;Miejscowość;Województwo"]
    rows += [f"Klaster Obciążeniowy {n:05d};Łódź;łódzkie" for n in range(IMPORT_ROWS)]
    csv_file = tmp_path / "klastry.csv"
    csv_file.write_text("\n".join(rows), encoding="utf-8")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = importer = editor = None
    try:
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "kkkregistry.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--threads", "2", "--timeout", "30"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        wait_until_serving(base, gunicorn)
        sitemap = ""
        for section in ("clusters", "events"):
            with urllib.request.urlopen(f"{base}/sitemap-{section}.xml", timeout=10) as response:
                sitemap += response.read().decode()
        details = [
            url.removeprefix(f"http://127.0.0.1:{port}")
            for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)
            if "/klastry/" in url or "/wydarzenia/" in url
        ][:20]
        assert details, "the built-in data has published clusters and events"

        importer = subprocess.Popen(
            [sys.executable, "-c", IMPORTER, str(csv_file)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert importer.stdout.readline().strip() == "started"
        stop_at = time.monotonic() + LOAD_SECONDS
        results = []
        threads = [
            threading.Thread(
                target=hammer, args=(base, PAGES + details[n::THREADS], stop_at, results)
            )
            for n in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        import_was_running = importer.poll() is None
        editor = subprocess.Popen(
            [sys.executable, "-c", EDITOR],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for thread in threads:
            thread.join(LOAD_SECONDS + 30)
        import_still_running = importer.poll() is None
        editor_output, editor_errors = editor.communicate(timeout=90)
    finally:
        for process in (importer, editor, gunicorn):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    assert editor_output.strip() == "saved", editor_errors
    failures = [(url, status) for url, status in results if status != 200]
    assert failures == []
    assert len(results) >= THREADS * 10
    assert import_was_running
    if not import_still_running:
        # A faster importer may finish within the load: then it must have written every row.
        assert importer.returncode == 0
        assert f"new {IMPORT_ROWS}" in importer.stdout.read()
    connection.close()
