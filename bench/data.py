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
BATCH = 2000


def populate(size, *, seed=2026, today=None):
    """`size` published clusters with coordinators, specialisations, awards, former names
    and events; returns a few slugs the benchmark requests."""
    from clusters import models as cm
    from clusters.search import polish_sort_key, search_text
    from events import models as em
    from kkkregistry.text import polish_slugify

    rng = random.Random(seed)
    today = today or datetime.date.today()

    ministry = cm.Institution.objects.create(
        name="Ministerstwo Rozwoju i Technologii", slug="mrit", kind="ministry"
    )
    specialisations = cm.Specialisation.objects.bulk_create(
        cm.Specialisation(name=name, slug=polish_slugify(name)) for name, _ in SECTORS
    )
    # Rounds every two years; statuses last three, so some are current, some lapsed.
    rounds = cm.Round.objects.bulk_create(
        cm.Round(
            name=f"Runda {number}",
            slug=f"runda-{number}",
            number=number,
            year=2015 + 2 * (number - 1),
            organiser=ministry,
        )
        for number in range(1, 7)
    )

    coordinator_count = max(size // 2, 1)
    coordinators = []
    for n in range(coordinator_count):
        city, voivodeship = rng.choice(CITIES)
        name = f"{rng.choice(COORDINATOR_KINDS)} {rng.choice(ADJECTIVES)} nr {n}"
        coordinators.append(
            cm.Coordinator(
                name=name,
                slug=polish_slugify(name),
                legal_form=rng.choice(LEGAL_FORMS),
                city=city,
                voivodeship=voivodeship,
                street=f"ul. Przemysłowa {n % 200 + 1}",
                postal_code=f"{rng.randint(10, 99)}-{rng.randint(100, 999)}",
            )
        )
    coordinators = cm.Coordinator.objects.bulk_create(coordinators, batch_size=BATCH)

    clusters, names = [], []
    for n in range(size):
        sector, adjective = rng.choice(SECTORS)
        city, voivodeship = rng.choice(CITIES)
        name = f"{rng.choice(ADJECTIVES)} Klaster {adjective} nr {n}"
        former = f"Klaster {sector} {city} {n}" if n % 3 == 0 else ""
        coordinator = coordinators[n % coordinator_count]
        names.append((former, coordinator))
        clusters.append(
            cm.Cluster(
                name=name,
                slug=polish_slugify(name),
                short_name=f"K{n}",
                kind="cluster" if n % 5 else "initiative",
                founded_year=rng.randint(1995, 2022),
                city=city,
                voivodeship=voivodeship,
                website=f"https://klaster-{n}.example.pl/",
                description=f"Klaster z branży „{sector}” działający w mieście {city}.",
                sort_key=polish_sort_key(name),
                search_text=search_text(name, f"K{n}", city, former, coordinator.name),
            )
        )
    clusters = cm.Cluster.objects.bulk_create(clusters, batch_size=BATCH)

    cm.Representation.objects.bulk_create(
        (
            cm.Representation(cluster=cluster, coordinator=coordinator)
            for cluster, (_, coordinator) in zip(clusters, names, strict=True)
        ),
        batch_size=BATCH,
    )
    cm.ClusterFormerName.objects.bulk_create(
        (
            cm.ClusterFormerName(cluster=cluster, name=former, used_until_year=2018)
            for cluster, (former, _) in zip(clusters, names, strict=True)
            if former
        ),
        batch_size=BATCH,
    )
    through = cm.Cluster.specialisations.through
    through.objects.bulk_create(
        (
            through(cluster=cluster, specialisation=specialisation)
            for cluster in clusters
            for specialisation in rng.sample(specialisations, 2)
        ),
        batch_size=BATCH,
    )
    # Three clusters in five hold or held status; the rest never did.
    awards = []
    for cluster in clusters:
        if rng.random() < 0.6:
            round_ = rng.choice(rounds)
            start = datetime.date(round_.year, 12, 1)
            awards.append(
                cm.StatusAward(
                    cluster=cluster,
                    round=round_,
                    certificate_date=start,
                    valid_from=start,
                    valid_until=start.replace(year=start.year + 3),
                )
            )
    cm.StatusAward.objects.bulk_create(awards, batch_size=BATCH)

    # One event per twenty clusters, spread over ten years around today.
    events = []
    for n in range(max(size // 20, 10)):
        start = today + datetime.timedelta(days=rng.randint(-3650, 365))
        title = f"{rng.choice(EVENT_TITLES)} {n}"
        events.append(
            em.Event(
                title=title,
                slug=polish_slugify(title),
                kind=rng.choice(["gala", "congress", "conference", "panel"]),
                start_date=start,
                city=rng.choice(CITIES)[0],
                venue="Międzynarodowe Centrum Kongresowe",
                organiser=ministry,
                round=rng.choice(rounds),
            )
        )
    events = em.Event.objects.bulk_create(events, batch_size=BATCH)
    event_through = em.Event.clusters.through
    event_through.objects.bulk_create(
        (
            event_through(event=event, cluster=cluster)
            for event in events
            for cluster in rng.sample(clusters, 3)
        ),
        batch_size=BATCH,
    )
    # The cluster page the benchmark requests: one with every relation present.
    return {"cluster_slug": clusters[0].slug}
