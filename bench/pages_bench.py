"""Public pages served by gunicorn beside a trivial Django view, at growing registry sizes.

Each size runs in a fresh SQLite database (or the PostgreSQL database that
DATABASE_URL names, emptied first): bulk-create a realistic registry (bench/data.py),
count the SQL queries of each page (rendered, not from the cache) and time the
admin clusters changelist in-process, then start gunicorn (2 workers, production
settings) on a free loopback port, once with the page cache as deployed and once
without it, and load each page from a few client threads for a fixed number
of requests or seconds, whichever ends first, each page right after the trivial
view. Absolute figures depend on the machine and on whatever else runs on it; the
ratio to the trivial view measured just before it is the figure that matters.

    python bench/pages_bench.py [--sizes 1000 10000 100000] [--json bench/results.json]
"""

import argparse
import http.client
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_PAGE = 25  # ClusterListView.paginate_by
DEEP_PAGE = 1000
CONCURRENCY = 4
TRIVIAL = "trivial view"
BUILTIN = "builtin"  # the built-in data (data/*.toml) instead of a generated registry


def pages(size, cluster_slug):
    """Every kind of public page, and the API beside them."""
    from clusters.models import Cluster, Round
    from events.models import Event

    round_slug = Round.objects.order_by("-year").values_list("slug", flat=True)[0]
    event_slug = Event.objects.published().order_by("-start_date").values_list("slug", flat=True)[0]
    clusters = Cluster.objects.published().count() if size == BUILTIN else size
    deep = min(DEEP_PAGE, math.ceil(clusters / PER_PAGE))
    return {
        TRIVIAL: "/_bench/ping",
        "home": "/",
        "list, page 1": "/klastry/",
        "list, filtered": "/klastry/?voivodeship=silesia&status=current",
        "list, search": "/klastry/?q=slaski",
        f"list, page {deep}": f"/klastry/?page={deep}",
        "cluster page": f"/klastry/{cluster_slug}/",
        "rounds": "/rundy/",
        "round page": f"/rundy/{round_slug}/",
        "events": "/wydarzenia/",
        "event page": f"/wydarzenia/{event_slug}/",
        "status check page": f"/weryfikacja-statusu/?cluster={cluster_slug}",
        "API clusters": "/api/v1/clusters/",
        "API clusters, filtered": "/api/v1/clusters/?voivodeship=silesia&status=current",
        "API cluster": f"/api/v1/clusters/{cluster_slug}/",
        "API status check": f"/api/v1/status/?cluster={cluster_slug}",
    }


def environment(database_url, static_root):
    """Production settings, as a deployment behind a TLS proxy would have them."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(static_root),
        # In-process query counts are of rendered pages; gunicorn runs both ways.
        "PUBLIC_PAGE_CACHE_SECONDS": "0",
        # The load comes from one address: the API's per-address limit would refuse it.
        "API_REQUESTS_PER_MINUTE": "100000000",
    }


def setup_django(env):
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def reset_database():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)


def count_queries(urls):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    counts = {}
    for name, url in urls.items():
        if name == TRIVIAL:
            continue
        # The second request: the first computes and keeps what the registry keeps between
        # changes (home's status figures, core/summaries.py), as after an edit.
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        counts[name] = len(queries)
    return counts


def time_admin_changelist(repeat=3):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = get_user_model().objects.create_superuser("bench", "bench@example.pl", "bench")
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    seconds = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get("/admin/clusters/cluster/")
            seconds.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return {"median_ms": round(statistics.median(seconds) * 1000, 1), "queries": len(queries)}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port):
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "kkkregistry.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
            # gunicorn's default 30 s kills a worker writing the 100 000-cluster export
            # on a busy machine (see README, Performance), before the pages are measured.
            "--timeout=180",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = request(port, "/_bench/ping")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within 30 seconds")


def request(port, url):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        response.read()
        return response.status, response
    finally:
        connection.close()


def load(port, url, *, requests, seconds, concurrency=CONCURRENCY):
    """Up to `requests` requests or `seconds` seconds, from `concurrency` threads."""
    # Warm every worker's templates, connections and page cache: concurrent requests, so
    # that a worker busy rendering leaves the next one to another (one after another,
    # a single worker may take them all and the other render during the measurement).
    for _ in range(2):
        warmers = [threading.Thread(target=request, args=(port, url)) for _ in range(concurrency)]
        for warmer in warmers:
            warmer.start()
        for warmer in warmers:
            warmer.join()
    latencies, failures, lock = [], [], threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + seconds

    def client():
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            start = time.perf_counter()
            status, _ = request(port, url)
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if status == 200 else failures).append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    if failures or not latencies:
        raise RuntimeError(f"{url}: {len(failures)} failed requests")
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / wall, 1),
        "median_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[max(math.ceil(len(latencies) * 0.95) - 1, 0)] * 1000, 1),
    }


# The sitemap is an index; its clusters file is the one that grows with the registry. The
# calendar feed, every event, is a whole-registry download too.
DOWNLOADS = [
    "/klastry/export.csv",
    "/klastry/export.json",
    "/sitemap.xml",
    "/sitemap-clusters.xml",
    "/wydarzenia/kalendarz.ics",
]


# Read of each download: its first byte is the figure; the whole of a 100 000-cluster
# file takes minutes on a busy machine, longer than a bench can wait for each size.
DOWNLOAD_BYTES = 1_000_000


def time_download(port, url):
    """Seconds to the first byte of the body and to its first DOWNLOAD_BYTES (or its end)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        start = time.perf_counter()
        connection.request("GET", url)
        response = connection.getresponse()
        assert response.status == 200, (url, response.status)
        first = response.read(1)
        first_byte = time.perf_counter() - start
        size = len(first) + len(response.read(DOWNLOAD_BYTES - 1))
        return {
            "first_byte_s": round(first_byte, 3),
            "first_mb_s": round(time.perf_counter() - start, 3),
            "bytes_read": size,
        }
    finally:
        connection.close()


def time_downloads(port):
    """Each whole-registry file twice (a file read in part is not kept by the cache)."""
    return {
        url: {"first": time_download(port, url), "again": time_download(port, url)}
        for url in DOWNLOADS
    }


def load_pages(port, urls, **limits):
    """Each page right after the trivial view, so that both meet the machine in one mood.

    A shared machine's speed drifts within a run; a page is compared with the trivial
    view measured just before it, and the trivial view's row is the median of those.
    """
    served, yardsticks = {}, []
    for name, url in urls.items():
        if name == TRIVIAL:
            continue
        yardstick = load(port, urls[TRIVIAL], **limits)
        yardsticks.append(yardstick)
        served[name] = {**load(port, url, **limits), "trivial_rps": yardstick["rps"]}
    median = sorted(yardsticks, key=lambda figures: figures["rps"])[len(yardsticks) // 2]
    return {TRIVIAL: {**median, "trivial_rps": median["rps"]}, **served}


def load_builtin_data():
    """The registry's own data (data/*.toml): the 39 real clusters, rounds and events."""
    from django.core.management import call_command
    from django.db.models import Count

    from clusters.models import Cluster

    call_command("load_registry_data", verbosity=0)
    # The cluster with the most awards: the fullest page of the real ones.
    cluster = Cluster.objects.published().annotate(n=Count("status_awards")).order_by("-n", "pk")
    return {"cluster_slug": cluster.values_list("slug", flat=True)[0]}


def size_argument(value):
    return value if value == BUILTIN else int(value)


def run(size, env, *, requests, seconds):
    from bench.data import populate

    reset_database()
    start = time.perf_counter()
    slugs = load_builtin_data() if size == BUILTIN else populate(size)
    generated = time.perf_counter() - start
    from django.core.cache import cache

    # flush restarted the data version: pages of the previous size (in Redis) must go.
    cache.clear()
    urls = pages(size, slugs["cluster_slug"])
    queries = count_queries(urls)
    admin = time_admin_changelist()
    from django.db import connections

    connections.close_all()  # SQLite: let gunicorn's workers see a settled file
    served, downloads = {}, {}
    # As deployed (page cache on), then with every request rendering its page.
    for mode, cache_seconds in [("cached", "3600"), ("uncached", "0")]:
        port = free_port()
        server = start_gunicorn({**env, "PUBLIC_PAGE_CACHE_SECONDS": cache_seconds}, port)
        try:
            downloads[mode] = time_downloads(port)
            served[mode] = load_pages(port, urls, requests=requests, seconds=seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "clusters": size,
        "generate_s": round(generated, 1),
        "admin_changelist": admin,
        "downloads": downloads,
        **{
            mode: {
                name: {
                    "url": urls[name],
                    **figures,
                    "vs_trivial": round(figures["rps"] / figures.pop("trivial_rps"), 3),
                    "queries": queries.get(name, 0),
                }
                for name, figures in pages_served.items()
            }
            for mode, pages_served in served.items()
        },
    }


def print_result(result):
    clusters = result["clusters"]
    print(
        f"\n{clusters if clusters == BUILTIN else format(clusters, ',')} clusters "
        f"(generated in {result['generate_s']} s); "
        f"admin changelist {result['admin_changelist']['median_ms']} ms, "
        f"{result['admin_changelist']['queries']} queries",
        flush=True,
    )
    print(f"  {'download':<30} {'first byte s':>12} {'1 MB s':>8} {'again: first byte':>18}")
    for mode, files in result["downloads"].items():
        for url, timing in files.items():
            print(
                f"  {url + ' (' + mode + ')':<30} {timing['first']['first_byte_s']:>12} "
                f"{timing['first']['first_mb_s']:>8} {timing['again']['first_byte_s']:>18}",
                flush=True,
            )
    for mode in ["cached", "uncached"]:
        print(
            f"  {mode + ' page':<18} {'req/s':>7} {'median ms':>10} {'p95 ms':>8} "
            f"{'vs trivial':>11} queries"
        )
        for name, page in result[mode].items():
            print(
                f"  {name:<18} {page['rps']:>7} {page['median_ms']:>10} {page['p95_ms']:>8} "
                f"{page['vs_trivial']:>11.3f} {page['queries']:>7}",
                flush=True,
            )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=size_argument,
        nargs="+",
        default=[BUILTIN, 1_000, 10_000, 100_000],
        help=f"clusters to generate, or {BUILTIN!r} for the built-in data",
    )
    parser.add_argument("--requests", type=int, default=1000, help="per page, at most")
    parser.add_argument("--seconds", type=float, default=1.5, help="per page, at most")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        env = environment(database_url, Path(folder) / "static")
        setup_django(env)
        results = []
        for size in args.sizes:
            result = run(size, env, requests=args.requests, seconds=args.seconds)
            print_result(result)
            results.append(result)
        from django.db import connection

        vendor = connection.vendor

    stored = json.loads(args.json.read_text()) if args.json.exists() else {}
    stored["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "database": vendor,
    }
    stored["pages"] = [
        {key: value for key, value in r.items() if key != "admin_changelist"} for r in results
    ]
    stored["admin"] = [{"clusters": r["clusters"], **r["admin_changelist"]} for r in results]
    args.json.parent.mkdir(exist_ok=True)
    args.json.write_text(json.dumps(stored, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
