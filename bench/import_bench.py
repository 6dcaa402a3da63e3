"""Import throughput of `import_csv clusters` beside a bare bulk_create of the same rows.

Each size runs in a fresh SQLite database (or the PostgreSQL database that
DATABASE_URL names, emptied first): generate a realistic Windows-1250
semicolon file, time a dry run (what the admin's preview costs), the import,
a re-import of the same file (all rows unchanged), a file changing every row
beside a bare bulk_update, an export, and two yardsticks: csv -> Cluster ->
bulk_create in one transaction (the file read inside the clock), and a
bulk_create alone of Cluster objects built before the clock, beside
`manage.py import_csv` run as a process (its start included). Last, the
admin's path: a preview kept as a job, confirmed, run by `db_worker`. The
ratios are the figures that matter; each is measured in one run on one machine.

    python bench/import_bench.py --rows 10000 [--json bench/results.json]

One size a process (`make bench` runs each), so peak memory is the import's own.
Rates are the median of three runs at 10 000 rows or fewer, of one run above.
"""

import argparse
import csv
import io
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

VOIVODESHIPS = ["śląskie", "małopolskie", "mazowieckie", "łódzkie", "lubuskie", "pomorskie"]
SPECIALISATIONS = ["Lotnictwo", "Chemia", "Motoryzacja", "Turystyka", "Energetyka", "Logistyka"]
CITIES = ["Łódź", "Kraków", "Gdańsk", "Zielona Góra", "Rzeszów", "Świebodzin", "Żary"]
WORDS = ["Śląski", "Pomorski", "Żółty", "Łódzki", "Innowacyjny", "Zielony", "Przemysłowy"]


def generate(rows, seed=2026, moved=False):
    """A clusters file as Excel in Poland saves it: Windows-1250, semicolons.

    `moved`: the same clusters, each with another seat (every row changes one cell).
    """
    rng = random.Random(seed)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["Nazwa", "Miejscowość", "Województwo", "Specjalizacje", "Koordynator", "Opublikowany"]
    )
    for number in range(rows):
        writer.writerow(
            [
                f"{rng.choice(WORDS)} Klaster {rng.choice(SPECIALISATIONS)} nr {number}",
                rng.choice(CITIES) + (" (nowa siedziba)" if moved else ""),
                rng.choice(VOIVODESHIPS),
                "; ".join(rng.sample(SPECIALISATIONS, 2)),
                f"Stowarzyszenie Rozwoju Regionu nr {number % max(rows // 20, 1)}",
                "tak",
            ]
        )
    return buffer.getvalue().encode("cp1250")


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kkkregistry.settings")
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 60)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def bare_bulk_create(data):
    """The floor: parse the same file and bulk_create plain Cluster rows in one transaction."""
    from django.db import transaction

    from clusters.models import Cluster
    from core.text import polish_slugify
    from transfer.spreadsheets import decode

    rows = list(csv.DictReader(io.StringIO(decode(data)), delimiter=";"))
    with transaction.atomic():
        objects = [
            Cluster(
                name=r["Nazwa"] + " (bulk)",
                slug=polish_slugify(r["Nazwa"] + " bulk"),
                city=r["Miejscowość"],
            )
            for r in rows
        ]
        Cluster.objects.bulk_create(objects, batch_size=1000)
        transaction.set_rollback(True)
    return len(rows)


def prebuilt_bulk_create(data):
    """The bare limit: only bulk_create, of Cluster objects built before the clock starts."""
    from django.db import transaction

    from clusters.models import Cluster
    from core.text import polish_slugify
    from transfer.spreadsheets import decode

    rows = list(csv.DictReader(io.StringIO(decode(data)), delimiter=";"))
    objects = [
        Cluster(
            name=r["Nazwa"] + " (bulk)",
            slug=polish_slugify(r["Nazwa"] + " bulk"),
            city=r["Miejscowość"],
        )
        for r in rows
    ]
    with transaction.atomic():
        start = time.perf_counter()
        Cluster.objects.bulk_create(objects, batch_size=1000)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds


def import_csv_process(data):
    """`manage.py import_csv clusters FILE` as a user runs it, process start included."""
    import subprocess

    from django.db import connection

    with tempfile.NamedTemporaryFile(suffix=".csv") as upload:
        upload.write(data)
        upload.flush()
        connection.close()  # SQLite: the process writes the same file
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "import_csv", "clusters", upload.name],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return time.perf_counter() - start


def background_import(size, data):
    """The admin's path: previewed, confirmed, the job run by the worker (db_worker).

    Timed from the confirmation (the job enqueued) to the worker's end; the preview,
    as in the admin, is the worker's check before it.
    """
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from transfer.jobs import check_upload, confirm_preview
    from transfer.models import ImportJob

    user = get_user_model().objects.create_superuser("bench", "bench@kkk.pl", "bench-" + "x" * 20)
    job = check_upload(user, "clusters", "bench.csv", data)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED, (job.message, job.preview.get("errors"))
    start = time.perf_counter()
    confirm_preview(job.token, user, "clusters")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    seconds = time.perf_counter() - start
    job = ImportJob.objects.get(pk=job.pk)
    assert job.state == ImportJob.State.DONE, (job.message, job.errors[:3])
    assert job.rows_written == size and not job.revalidated
    return seconds


def bare_bulk_update():
    """The floor for changed rows: bulk_update of every cluster's seat, objects read before."""
    from django.db import transaction

    from clusters.models import Cluster

    objects = list(Cluster.objects.all())
    for obj in objects:
        obj.city += " (bulk)"
    with transaction.atomic():
        start = time.perf_counter()
        Cluster.objects.bulk_update(objects, ["city"], batch_size=1000)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def measure(size, data):
    """One run into an empty registry: rates in rows per second, the ratios that matter."""
    from django.core.management import call_command

    from transfer.service import export_file, import_file

    call_command("flush", interactive=False, verbosity=0)
    # What the admin's preview costs: the whole file checked, nothing written.
    preview, preview_seconds = timed(
        lambda: import_file("clusters", data, source="bench", dry_run=True)
    )
    assert preview.accepted and preview.new == size, preview.errors[:3]
    report, seconds = timed(lambda: import_file("clusters", data, source="bench"))
    assert report.accepted and report.new == size, report.errors[:3]
    again, reimport_seconds = timed(lambda: import_file("clusters", data, source="bench"))
    assert again.unchanged == size
    bulk_update_seconds = bare_bulk_update()
    moved = generate(size, moved=True)
    changed, changed_seconds = timed(lambda: import_file("clusters", moved, source="bench"))
    assert changed.accepted and changed.updated == size, changed.errors[:3]
    # Read before the baseline below holds every row in memory at once.
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    exported, export_seconds = timed(lambda: export_file("clusters"))
    assert exported.count(b"\r\n") == size + 1
    _, bulk_seconds = timed(bare_bulk_create, data)
    prebuilt_seconds = prebuilt_bulk_create(data)
    call_command("flush", interactive=False, verbosity=0)
    process_seconds = import_csv_process(data)
    call_command("flush", interactive=False, verbosity=0)
    background_seconds = background_import(size, data)
    return {
        "import_rows_per_s": size / seconds,
        "reimport_rows_per_s": size / reimport_seconds,
        "bulk_create_rows_per_s": size / bulk_seconds,
        "import_vs_bulk": bulk_seconds / seconds,
        "prebuilt_bulk_create_rows_per_s": size / prebuilt_seconds,
        "import_csv_rows_per_s": size / process_seconds,
        "import_csv_vs_prebuilt_bulk": prebuilt_seconds / process_seconds,
        "background_rows_per_s": size / background_seconds,
        "background_vs_import": seconds / background_seconds,
        "reimport_vs_import": seconds / reimport_seconds,
        "changed_rows_per_s": size / changed_seconds,
        "bulk_update_rows_per_s": size / bulk_update_seconds,
        "changed_vs_bulk_update": bulk_update_seconds / changed_seconds,
        "preview_vs_import": preview_seconds / seconds,
        "export_rows_per_s": size / export_seconds,
        "peak_rss_mib": peak_rss,
    }


def run(size, repeat):
    """The median of `repeat` runs; peak memory is the first run's, before any baseline."""
    data = generate(size)
    runs = [measure(size, data) for _ in range(repeat)]
    result = {"rows": size, "runs": repeat}
    for key in runs[0]:
        value = runs[0][key] if key == "peak_rss_mib" else statistics.median(r[key] for r in runs)
        result[key] = round(value, 3) if value < 10 else round(value)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--repeat", type=int, help="runs to take the median of (default 3, 1 above 10 000 rows)"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3")
        result = run(args.rows, args.repeat or (3 if args.rows <= 10_000 else 1))
    print(
        f"{result['rows']:>7} rows, median of {result['runs']}: "
        f"import {result['import_rows_per_s']:>6}/s, "
        f"re-import {result['reimport_rows_per_s']:>6}/s, bulk_create "
        f"{result['bulk_create_rows_per_s']:>7}/s, import/bulk {result['import_vs_bulk']:.3f}, "
        f"preview {result['preview_vs_import']:.2f} of the import's time, "
        f"every row changed {result['changed_rows_per_s']}/s "
        f"({result['changed_vs_bulk_update']:.3f} of bulk_update), "
        f"export {result['export_rows_per_s']}/s, import peak RSS {result['peak_rss_mib']} MiB; "
        f"import_csv process {result['import_csv_rows_per_s']}/s beside a bulk_create of "
        f"objects built before {result['prebuilt_bulk_create_rows_per_s']}/s: "
        f"{result['import_csv_vs_prebuilt_bulk']:.3f}; admin path (confirmed to the worker's "
        f"end) {result['background_rows_per_s']}/s, {result['background_vs_import']:.2f} "
        "of the import's rate",
        flush=True,
    )
    from django.db import connection

    results = json.loads(args.json.read_text()) if args.json.exists() else {}
    results["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "database": connection.vendor,
    }
    results.setdefault("import", [])
    results["import"] = [r for r in results["import"] if r["rows"] != args.rows] + [result]
    args.json.parent.mkdir(exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
