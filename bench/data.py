"""A realistic registry of any size, bulk-created: Polish names, every relation filled.

bulk_create skips save() and signals, so the stored sort and search fields are
computed here exactly as Cluster.save() and clusters/signals.py would.
"""

import datetime
import random

ADJECTIVES = [
    "Śląski",
    "Małopolski",
    "Pomorski",
    "Łódzki",
    "Wielkopolski",
    "Mazowiecki",
    "Lubuski",
    "Podkarpacki",
    "Świętokrzyski",
    "Żuławski",
    "Bałtycki",
    "Zielony",
]
SECTORS = [
    ("Lotnictwo", "Lotniczy"),
    ("Chemia", "Chemiczny"),
    ("Motoryzacja", "Motoryzacyjny"),
    ("Turystyka", "Turystyczny"),
    ("Energetyka", "Energetyczny"),
    ("Logistyka", "Logistyczny"),
    ("Meblarstwo", "Meblarski"),
    ("Żywność", "Spożywczy"),
    ("Informatyka", "Informatyczny"),
    ("Medycyna", "Medyczny"),
    ("Budownictwo", "Budowlany"),
    ("Gospodarka wodna", "Wodny"),
]
CITIES = [
    ("Katowice", "silesia"),
    ("Gliwice", "silesia"),
    ("Kraków", "lesser_poland"),
    ("Gdańsk", "pomerania"),
    ("Łódź", "lodz"),
    ("Poznań", "greater_poland"),
    ("Warszawa", "masovia"),
    ("Zielona Góra", "lubusz"),
    ("Rzeszów", "subcarpatia"),
    ("Wrocław", "lower_silesia"),
    ("Białystok", "podlasie"),
    ("Olsztyn", "warmia-masuria"),
    ("Lublin", "lublin"),
    ("Opole", "opole"),
    ("Bydgoszcz", "kuyavia-pomerania"),
    ("Szczecin", "west_pomerania"),
    ("Kielce", "swietokrzyskie"),
]
LEGAL_FORMS = ["association", "foundation", "llc", "jsc"]
COORDINATOR_KINDS = [
    "Stowarzyszenie Rozwoju",
    "Fundacja Wspierania",
    "Park Naukowo-Technologiczny",
    "Agencja Rozwoju Regionalnego",
]
EVENT_TITLES = [
    "Gala wręczenia certyfikatów KKK",
    "Kongres Klastrów Polskich",
    "Konferencja „Klastry dla gospodarki”",
    "Panel dyskusyjny o transformacji energetycznej",
    "Spotkanie projektowe",
    "Misja gospodarcza",
]
BATCH = 5000


def insert(model, columns, rows):
    """Rows straight into the table: the ORM's bulk_create spends most of its time
    building model instances, which would make generating 100 000 clusters take minutes."""
    from django.db import connection

    given = [model._meta.get_field(name) for name in columns]
    # Every other column gets the field's default, as Model.save() would give it.
    defaults = [
        field
        for field in model._meta.concrete_fields
        if field not in given and not field.primary_key
    ]
    constants = tuple(field.get_default() for field in defaults)
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in given + defaults)
    placeholders = ", ".join(["%s"] * (len(given) + len(defaults)))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"
    rows = [(*row, *constants) for row in rows]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    return len(rows)


def populate(size, *, seed=2026, today=None):
    """`size` published clusters with coordinators, specialisations, awards, former names
    and events, in an empty database; returns a slug the benchmark requests."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from clusters import models as cm
    from clusters.search import polish_sort_key, search_text
    from core.text import polish_slugify
    from events import models as em

    rng = random.Random(seed)
    today = today or datetime.date.today()
    now = timezone.now()

    with transaction.atomic():
        ministry = cm.Institution.objects.create(
            name="Ministerstwo Rozwoju i Technologii", slug="mrit", kind="ministry"
        )
        specialisations = [
            cm.Specialisation.objects.create(name=name, slug=polish_slugify(name)).pk
            for name, _ in SECTORS
        ]
        # Rounds every two years; statuses last three, so some are current, some lapsed.
        rounds = [
            cm.Round.objects.create(
                name=f"Runda {number}",
                slug=f"runda-{number}",
                number=number,
                year=2015 + 2 * (number - 1),
                organiser=ministry,
            )
            for number in range(1, 7)
        ]

        coordinator_count = max(size // 2, 1)
        coordinators = []
        for n in range(coordinator_count):
            city, voivodeship = rng.choice(CITIES)
            name = f"{rng.choice(COORDINATOR_KINDS)} {rng.choice(ADJECTIVES)} nr {n}"
            coordinators.append(
                (
                    n + 1,
                    name,
                    f"koordynator-{n}",
                    rng.choice(LEGAL_FORMS),
                    "",
                    "",
                    "",
                    f"ul. Przemysłowa {n % 200 + 1}",
                    f"{rng.randint(10, 99)}-{rng.randint(100, 999)}",
                    city,
                    voivodeship,
                    "",
                    "",
                )
            )
        insert(
            cm.Coordinator,
            ["id", "name", "slug", "legal_form", "nip", "regon", "krs", "street"]
            + ["postal_code", "city", "voivodeship", "website", "email"],
            coordinators,
        )

        clusters, former_names, representations = [], [], []
        for n in range(size):
            sector, adjective = rng.choice(SECTORS)
            city, voivodeship = rng.choice(CITIES)
            name = f"{rng.choice(ADJECTIVES)} Klaster {adjective} nr {n}"
            former = f"Klaster {sector} {city} {n}" if n % 3 == 0 else ""
            coordinator = coordinators[n % coordinator_count]
            pk = n + 1
            representations.append((pk, pk, coordinator[0]))
            if former:
                former_names.append((len(former_names) + 1, pk, former, 2018))
            clusters.append(
                (
                    pk,
                    name,
                    f"klaster-{n}",
                    f"K{n}",
                    "cluster" if n % 5 else "initiative",
                    False,
                    rng.randint(1995, 2022),
                    city,
                    voivodeship,
                    f"https://klaster-{n}.example.pl/",
                    f"Klaster z branży „{sector}” działający w mieście {city}.",
                    True,
                    now,
                    now,
                    search_text(name, f"K{n}", city, former, coordinator[1]),
                    polish_sort_key(name),
                )
            )
        insert(
            cm.Cluster,
            ["id", "name", "slug", "short_name", "kind", "in_registration", "founded_year"]
            + ["city", "voivodeship", "website", "description", "published", "created_at"]
            + ["updated_at", "search_text", "sort_key"],
            clusters,
        )
        insert(cm.Representation, ["id", "cluster", "coordinator"], representations)
        insert(cm.ClusterFormerName, ["id", "cluster", "name", "used_until_year"], former_names)
        through = cm.Cluster.specialisations.through
        insert(
            through,
            ["cluster", "specialisation"],
            ((pk, s) for pk in range(1, size + 1) for s in rng.sample(specialisations, 2)),
        )
        # Three clusters in five hold or held status; the rest never did.
        awards = []
        for pk in range(1, size + 1):
            if rng.random() < 0.6:
                round_ = rng.choice(rounds)
                start = datetime.date(round_.year, 12, 1)
                end = start.replace(year=start.year + 3)
                awards.append((len(awards) + 1, pk, round_.pk, "granted", start, start, end))
        insert(
            cm.StatusAward,
            ["id", "cluster", "round", "kind", "certificate_date", "valid_from", "valid_until"]
            + ["dates_estimated", "note"],
            ((*award, False, "") for award in awards),
        )

        # One event per twenty clusters, spread over ten years around today.
        events = []
        for n in range(max(size // 20, 10)):
            start = today + datetime.timedelta(days=rng.randint(-3650, 365))
            title = f"{rng.choice(EVENT_TITLES)} {n}"
            events.append(
                (
                    n + 1,
                    title,
                    f"wydarzenie-{n}",
                    rng.choice(["gala", "congress", "conference", "panel"]),
                    start,
                    rng.choice(CITIES)[0],
                    "Międzynarodowe Centrum Kongresowe",
                    "PL",
                    ministry.pk,
                    rng.choice(rounds).pk,
                    "",
                    "",
                    True,
                )
            )
        insert(
            em.Event,
            ["id", "title", "slug", "kind", "start_date", "city", "venue", "country"]
            + ["organiser", "round", "description", "website", "published"],
            events,
        )
        insert(
            em.Event.clusters.through,
            ["event", "cluster"],
            (
                (event[0], cluster)
                for event in events
                for cluster in rng.sample(range(1, size + 1), 3)
            ),
        )
        # Explicit ids leave PostgreSQL's sequences behind; later inserts need them ahead.
        reset = connection.ops.sequence_reset_sql(
            no_style(),
            [cm.Coordinator, cm.Cluster, cm.Representation, cm.ClusterFormerName]
            + [cm.StatusAward, em.Event],
        )
        with connection.cursor() as cursor:
            for sql in reset:
                cursor.execute(sql)
    # The cluster page the benchmark requests: one with every relation present.
    return {"cluster_slug": "klaster-0"}
