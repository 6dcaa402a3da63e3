"""A large admin import as `make serve` runs it: gunicorn (its default 30 s timeout) and a worker.

The file is uploaded through the admin over loopback (the request reads only its
head), checked by the worker into a preview, and confirmed; a second process
follows the job's page while the worker checks and writes; at the end every row
is in and the temporary folder is empty. `KKK_SERVED_IMPORT_ROWS` sets the
size (default 10 000; the README records a run at 200 000, the most a file may
hold). Everything runs on 127.0.0.1 as child processes, stopped in `finally`.
"""

import os
import re
import secrets
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import pytest
from django.db import connection

from clusters.models import Cluster
from tests.security.test_load import ROOT, free_port, manage, production_env
from transfer.models import STALE_AFTER, ImportJob

pytestmark = [pytest.mark.load, pytest.mark.django_db(transaction=True)]

ROWS = int(os.environ.get("KKK_SERVED_IMPORT_ROWS", 10_000))
PASSWORD = "haslo-do-importu-" + "x" * 12
CITIES = ["Łódź", "Kraków", "Gdańsk", "Zielona Góra", "Rzeszów", "Żary"]
SPECIALISATIONS = ["Lotnictwo", "Chemia", "Motoryzacja", "Turystyka", "Energetyka"]

# The second process: follows the job's page as another browser tab would, printing
# the counts it sees, until the page stops refreshing itself (the check's preview is
# ready, or the import has ended).
FOLLOWER = r"""
import re, sys, time, urllib.request
url, cookie = sys.argv[1], sys.argv[2]
headers = {"Cookie": cookie, "X-Forwarded-Proto": "https"}
deadline = time.monotonic() + float(sys.argv[3])
while time.monotonic() < deadline:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        page = response.read().decode()
    read = re.search(r'class="rows-read">(\d+)', page).group(1)
    written = re.search(r'class="rows-written">(\d+)', page).group(1)
    done = 'http-equiv="refresh"' not in page
    print(read, written, int(done), flush=True)
    if done:
        break
    time.sleep(0.5)
"""


@dataclass
class Response:
    status_code: int
    text: str
    headers: dict


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 302 is answered as it is, as the test reads its Location


def multipart(fields, files):
    """A multipart/form-data body and its content type."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (file_name, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{file_name}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def clusters_file(rows):
    """Windows-1250 with semicolons, as Excel in Poland saves it: about 75 bytes a row."""
    lines = ["Nazwa;Miejscowość;Województwo;Specjalizacje;Koordynator;Opublikowany"]
    for n in range(rows):
        lines.append(
            f"Klaster Przemysłowy nr {n};{CITIES[n % 6]};łódzkie;"
            f'"{SPECIALISATIONS[n % 5]}; {SPECIALISATIONS[(n + 1) % 5]}";'
            f"Stowarzyszenie Rozwoju nr {n % max(rows // 20, 1)};tak"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1250")


class Served:
    """gunicorn as `make serve` starts it, and a db_worker, on a database of the test's."""

    def __init__(self, tmp_path):
        self.temporary = tmp_path / "tmp"
        self.temporary.mkdir()
        self.logs = tmp_path / "logs"
        self.logs.mkdir()
        self.env = {
            **production_env(tmp_path),
            "TMPDIR": str(self.temporary),
            "BEHIND_TLS_PROXY": "1",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        }
        self.database = self.env["DATABASE_URL"]
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes = []
        self.cookies = {}

    def start(self):
        if self.database.startswith("sqlite"):
            manage(self.env, "migrate", "--no-input")
        manage(self.env, "collectstatic", "--no-input")
        manage(
            self.env,
            "createsuperuser",
            "--no-input",
            "--username",
            "importer",
            "--email",
            "i@kkk.pl",
        )
        # `make serve`'s command line; gunicorn.conf.py is read from the project folder.
        self.spawn(
            "-m",
            "gunicorn",
            "kkkregistry.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "3",
            "--forwarded-allow-ips",
            "127.0.0.1",
        )
        self.worker = self.spawn("manage.py", "db_worker", "--no-reload")

    def spawn(self, *args):
        log = open(self.logs / f"{len(self.processes)}.log", "wb")  # noqa: SIM115 - kept open
        process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=self.env, stdout=log, stderr=log
        )
        self.processes.append(process)
        return process

    def log(self):
        """What the servers wrote, for a failed assertion's message."""
        return "\n".join(path.read_text()[-3000:] for path in sorted(self.logs.iterdir()))

    def stop(self):
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    # --- HTTP, as a browser behind the TLS proxy -----------------------------------
    def request(self, method, path, data=None, files=None):
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{self.port}{path}",
            "Cookie": self.cookie(),
        }
        body = None
        if files:
            body, headers["Content-Type"] = multipart(data or {}, files)
        elif data is not None:
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, body, headers, method=method)
        try:
            with urllib.request.build_opener(NoRedirects).open(request, timeout=60) as answer:
                response = Response(answer.status, answer.read().decode(), answer.headers)
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.read().decode(errors="replace"), error.headers)
        for line in response.headers.get_all("Set-Cookie") or []:
            name, _sep, value = line.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response

    def cookie(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def csrf(self, page):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def wait_until_serving(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.processes[0].poll() is None, self.log()
            try:
                if self.request("GET", "/admin/login/").status_code == 200:
                    return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError("gunicorn did not answer in time")

    def log_in(self):
        page = self.request("GET", "/admin/login/").text
        form = {
            "username": "importer",
            "password": PASSWORD,
            "csrfmiddlewaretoken": self.csrf(page),
        }
        response = self.request("POST", "/admin/login/?next=/admin/", data=form)
        assert response.status_code == 302, response.text[:500]

    def clusters(self):
        if self.database.startswith("sqlite"):
            path = self.database.removeprefix("sqlite:///")
            with sqlite3.connect(path) as database:
                return database.execute("SELECT count(*) FROM clusters_cluster").fetchone()[0]
        return Cluster.objects.count()


@pytest.fixture
def served(tmp_path):
    server = Served(tmp_path)
    try:
        server.start()
        server.wait_until_serving()
        server.log_in()
        yield server
    finally:
        server.stop()
        connection.close()


def follow(served, path, seconds=900):
    """A second process follows the job's page until it stops refreshing; what it saw."""
    follower = subprocess.run(
        [sys.executable, "-c", FOLLOWER, served.base + path, served.cookie(), str(seconds)],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    seen = [tuple(map(int, line.split())) for line in follower.stdout.splitlines()]
    assert seen and seen[-1][2] == 1, (seen[-5:], follower.stderr[-2000:], served.log())
    return seen


def upload(served, data):
    """Upload `data` to the clusters' import: the answer sends to the job's page at once."""
    form = served.request("GET", "/admin/clusters/cluster/import/").text
    answer = served.request(
        "POST",
        "/admin/clusters/cluster/import/",
        data={"resource": "0", "format": "0", "csrfmiddlewaretoken": served.csrf(form)},
        files={"import_file": ("klastry.csv", data, "text/csv")},
    )
    assert answer.status_code == 302, (answer.text[:2000], served.log())
    return answer.headers["Location"]


def confirm_form(served, job_page):
    """The hidden fields of the job page's confirmation form (the preview checked)."""
    page = served.request("GET", job_page).text
    form = re.search(r'<form[^>]+id="confirm-import".*?</form>', page, re.S)
    assert form, re.findall(r'<table class="import-errors.*?</table>', page, re.S)[:1] or page
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))


def preview(served, data):
    """Upload `data` and wait for the worker's check; the confirmation form's fields."""
    job_page = upload(served, data)
    follow(served, job_page)
    return confirm_form(served, job_page)


def test_an_admin_import_of_a_large_file_under_make_serve_settings(served):
    data = clusters_file(ROWS)
    start = time.monotonic()
    job_page = upload(served, data)
    upload_seconds = time.monotonic() - start
    checked = follow(served, job_page)
    check_seconds = time.monotonic() - start
    hidden = confirm_form(served, job_page)
    assert re.fullmatch(r"[\w-]{40,}", hidden["import_file_name"])  # a token, not a path
    assert list(served.temporary.iterdir()) == []  # the upload waits in the database
    assert checked[-1][:2] == (ROWS, 0)  # every row read, none written

    start = time.monotonic()
    confirmed = served.request("POST", "/admin/clusters/cluster/process_import/", data=hidden)
    assert confirmed.status_code == 302, confirmed.text[:500]
    assert confirmed.headers["Location"] == job_page  # one job from upload to end
    seen = follow(served, job_page)
    job_seconds = time.monotonic() - start
    assert seen[-1] == (ROWS, ROWS, 1), seen[-5:]
    print(
        f"\n{ROWS} rows, {len(data) / 1e6:.1f} MB: upload request {upload_seconds:.1f} s, "
        f"preview ready {check_seconds:.1f} s after the upload began, "
        f"confirmation to the job's end {job_seconds:.1f} s ({ROWS / job_seconds:.0f} rows/s), "
        f"check progress seen {[read for read, _w, _d in checked]}, "
        f"import progress seen {[read for read, _w, _d in seen]}"
    )
    if served.database.startswith("postgres"):
        # Counts while the check's and the import's transactions are open (SQLite: at
        # their ends, README), wherever a phase lasted long enough for several of the
        # job's progress writes (every 0.5 s) to fall between the follower's looks
        # (every 0.2 s): a 10 000-row check can end within a second on a quiet machine.
        for phase in (checked, seen):
            if len(phase) > 8:
                assert any(0 < read < ROWS for read, _written, _done in phase), phase
    assert served.clusters() == ROWS
    assert served.worker.poll() is None  # the worker goes on
    assert list(served.temporary.iterdir()) == []


def test_a_killed_worker_leaves_a_job_that_is_failed_with_its_reason(served):
    hidden = preview(served, clusters_file(ROWS))
    job_page = served.request("POST", "/admin/clusters/cluster/process_import/", data=hidden)
    deadline = time.monotonic() + 120
    while "<strong>trwa</strong>" not in (
        page := served.request("GET", job_page.headers["Location"]).text
    ):
        assert time.monotonic() < deadline, page[:2000]
        time.sleep(0.2)
    served.worker.kill()  # as the OOM killer or a lost machine would: no clean-up
    served.worker.wait()
    # Time passes: STALE_AFTER without a heartbeat (the sweep is told the time).
    later = STALE_AFTER.total_seconds() + 5
    sweep = (
        "import django, datetime; django.setup(); from django.utils import timezone; "
        "from django_tasks_db.models import DBTaskResult; "
        "from transfer.jobs import fail_stale_jobs; from transfer.models import ImportJob; "
        f"print(fail_stale_jobs(timezone.now() + datetime.timedelta(seconds={later}))); "
        "print(DBTaskResult.objects.get(id=ImportJob.objects.get().task_result_id).status)"
    )
    swept = subprocess.run(
        [sys.executable, "-c", sweep], cwd=ROOT, env=served.env, capture_output=True, text=True
    )
    # The job and the killed worker's task in django-tasks-db, which would stay RUNNING.
    assert swept.stdout.split() == ["1", "FAILED"], swept.stderr[-2000:]
    page = served.request("GET", job_page.headers["Location"]).text
    assert "nie dał znaku życia" in page and 'http-equiv="refresh"' not in page
    dashboard = served.request("GET", "/admin/").text
    assert "nie dał znaku życia" in dashboard.partition('id="recent-imports"')[2]
    assert served.clusters() == 0
    if served.database.startswith("postgres"):
        job = ImportJob.objects.get()
        assert job.state == ImportJob.State.FAILED and job.upload is None
