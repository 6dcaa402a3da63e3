"""Import throughput of every kind but clusters beside a bare bulk_create of the same rows.

For each kind (institutions, specialisations, coordinators, rounds, stages,
applications, awards, people, projects, events) in a fresh SQLite database
(or the PostgreSQL database that DATABASE_URL names, emptied first): create
what the kind's rows refer to (bulk_create), generate a realistic file of N
rows (semicolons, Windows-1250 or UTF-8 with a BOM, Polish letters, dates
dd.mm.yyyy), then time

- the import of the file into a registry holding none of the kind's rows
  (`transfer.service.import_file`), and
- the yardstick: the same file read with csv.DictReader, the model objects
  built with the same plain values (foreign keys from a dict made beforehand)
  and saved with one bulk_create in one transaction that is rolled back.

Between runs the kind's rows and their audit records are deleted with plain
DELETEs, so every run sees the same prerequisites. The ratio of the import's
rate to bulk_create's is the figure that matters (the target is 0.20 or more);
the SQL statements an import issues are counted on a separate import of the
file's first 1 000 rows (`--count-rows`), untimed.

    python bench/kinds_bench.py --rows 10000 [--kinds rounds stages] [--json bench/results.json]

Related-list columns (Nazwy w czasie, Role, Klastry partnerskie, Uczestnicy, the
stage columns of applications) and the foreign keys events may name are left
out: the files hold each kind's key columns and its plain columns.
Rates are the median of three runs at 10 000 rows or fewer, of one run above;
a kind whose imports would take more than --budget seconds (default 60) in all
is imported fewer times (the runs column says how many), so that the whole
benchmark stays within minutes. One kind after another, each in a flushed database.
"""

import argparse
import csv
import datetime
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from import_bench import setup_django, timed  # noqa: E402

from data import ADJECTIVES  # noqa: E402  (bench/ is this script's folder)

SECTORS = [
    ("Lotnictwo", "Lotniczy", "Aviation"),
    ("Chemia", "Chemiczny", "Chemistry"),
    ("Motoryzacja", "Motoryzacyjny", "Automotive"),
    ("Turystyka", "Turystyczny", "Tourism"),
    ("Energetyka", "Energetyczny", "Energy"),
    ("Logistyka", "Logistyczny", "Logistics"),
    ("Meblarstwo", "Meblarski", "Furniture"),
    ("Żywność", "Spożywczy", "Food"),
    ("Informatyka", "Informatyczny", "IT"),
    ("Medycyna", "Medyczny", "Medicine"),
    ("Budownictwo", "Budowlany", "Construction"),
    ("Gospodarka wodna", "Wodny", "Water management"),
]
# (city, voivodeship as a file writes it, as stored)
CITIES = [
    ("Katowice", "śląskie", "silesia"),
    ("Gliwice", "woj. śląskie", "silesia"),
    ("Kraków", "małopolskie", "lesser_poland"),
    ("Gdańsk", "pomorskie", "pomerania"),
    ("Łódź", "łódzkie", "lodz"),
    ("Poznań", "wielkopolskie", "greater_poland"),
    ("Warszawa", "mazowieckie", "masovia"),
    ("Zielona Góra", "lubuskie", "lubusz"),
    ("Rzeszów", "podkarpackie", "subcarpatia"),
    ("Wrocław", "dolnośląskie", "lower_silesia"),
    ("Białystok", "podlaskie", "podlasie"),
    ("Kielce", "świętokrzyskie", "swietokrzyskie"),
]
FIRST_NAMES = [
    "Anna", "Małgorzata", "Katarzyna", "Agnieszka", "Barbara", "Ewa", "Elżbieta", "Zofia",
    "Joanna", "Łucja", "Jadwiga", "Grażyna", "Krystyna", "Bożena", "Iwona", "Jolanta",
    "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Michał", "Marcin", "Grzegorz",
    "Józef", "Łukasz", "Wojciech", "Zbigniew", "Jerzy", "Tadeusz", "Mirosław", "Sławomir",
]  # fmt: skip
SURNAMES = [
    "Nowak", "Kowalczyk", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
    "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski",
    "Krawczyk", "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Król",
    "Wieczorek", "Jabłoński", "Wróbel", "Majewski", "Olszewski", "Stępień", "Jaworski",
    "Malinowski", "Górski", "Rutkowski", "Sikora", "Baran", "Duda", "Szewczyk", "Ostrowski",
    "Tomaszewski", "Pietrzak", "Zalewski", "Wróblewski", "Jasiński", "Marciniak", "Bąk",
    "Żak", "Sadowski", "Zawadzki", "Jakubowski", "Chmielewski", "Włodarczyk", "Borkowski",
]  # fmt: skip
INSTITUTION_KINDS = [
    ("ministerstwo", "ministry", "Ministerstwo"),
    ("agencja rządowa", "agency", "Agencja"),
    ("samorząd województwa", "regional", "Urząd Marszałkowski Województwa"),
    ("inna", "other", "Instytut"),
]
LEGAL_FORMS = [
    ("stowarzyszenie", "association", "Stowarzyszenie Rozwoju"),
    ("fundacja", "foundation", "Fundacja Wspierania"),
    ("spółka z o.o.", "llc", "Park Naukowo-Technologiczny"),
    ("spółka akcyjna", "jsc", "Agencja Rozwoju Regionalnego"),
]
# EvaluationStage.Kind in order 1-4, as its Polish labels read.
STAGE_KINDS = [
    ("ocena formalna", "formal", None, 0),
    ("ocena merytoryczna", "merit", 60, 2),
    ("ocena merytoryczna parametryczna", "parametric", 40, 3),
    ("prezentacja przed Panelem Ekspertów", "panel", 20, 5),
]
OUTCOMES = [("w toku", "pending"), ("status nadany", "awarded"), ("odrzucony", "rejected")]
AWARD_KINDS = [("nadany", "granted"), ("odnowiony", "renewed")]
EVENT_KINDS = [
    ("gala wręczenia certyfikatów", "gala", "Gala wręczenia certyfikatów KKK"),
    ("kongres", "congress", "Kongres Klastrów Polskich"),
    ("konferencja", "conference", "Konferencja „Klastry dla gospodarki”"),
    ("panel dyskusyjny", "panel", "Panel o transformacji energetycznej"),
    ("spotkanie projektowe", "project_meeting", "Spotkanie projektowe partnerów"),
    ("spotkanie biznesowe", "business_meeting", "Misja gospodarcza klastrów"),
]
COUNTRIES = ["PL", "PL", "PL", "DE", "ES"]
ORGANISER = "Ministerstwo Rozwoju i Technologii"
ROUNDS_FOR_CLUSTERS = 4  # applications and awards: N clusters spread over these rounds


def pl_date(day):
    return day.strftime("%d.%m.%Y")


def parse_date(text):
    return datetime.datetime.strptime(text, "%d.%m.%Y").date() if text else None


def parse_decimal(text):
    return Decimal(text.replace(" ", "").replace(",", ".")) if text else None


def parse_int(text):
    return int(text) if text else None


def day_in(rng, year):
    return datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))


def encode(headers, rows, encoding):
    """A file as Excel in Poland saves it: semicolons, CRLF, Windows-1250 or UTF-8 with a BOM."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def first_rows(data, count):
    """The header and the first `count` data rows of a file (one line a row)."""
    lines = data.split(b"\r\n")
    return b"\r\n".join(lines[: count + 1]) + b"\r\n"


def valid_nips(count, rng):
    """`count` distinct NIPs with a right check digit (numbers whose check digit is 10 skipped)."""
    from stdnum.pl import nip

    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    found = {}
    while len(found) < count:
        nine = f"{rng.randint(100, 999)}{rng.randint(0, 999999):06d}"
        if hasattr(nip, "calc_check_digit"):
            check = int(nip.calc_check_digit(nine))
        else:  # python-stdnum 2.x has only checksum(); this is the same sum
            check = sum(w * int(d) for w, d in zip(weights, nine, strict=True)) % 11
        if check == 10:
            continue
        number = nine + str(check)
        assert nip.is_valid(number), number
        found[number] = None
    return list(found)


def nip_as_written(number, n):
    """Some as Excel users type them: 526-025-02-74, PL5260250274, or plain digits."""
    if n % 3 == 0:
        return f"{number[:3]}-{number[3:6]}-{number[6:8]}-{number[8:]}"
    if n % 3 == 1:
        return "PL" + number
    return number


# --- prerequisites ---------------------------------------------------------------


def make_organiser():
    from clusters.models import Institution

    return Institution.objects.create(name=ORGANISER, slug="mrit", kind="ministry")


def make_rounds(count, organiser, rng, name=None):
    """`count` competition rounds, bulk-created; returns {name: pk}."""
    from clusters.models import Round

    rounds = []
    for n in range(count):
        year = 2015 + n % 12
        title = name(n, year) if name else f"Runda {n + 1} konkursu o status KKK ({year})"
        rounds.append(
            Round(
                name=title,
                slug=f"runda-{n + 1}",
                kind="regular",
                number=n + 1,
                year=year,
                organiser=organiser,
                max_points=100,
                pass_threshold=60,
                call_opens=datetime.date(year, 3, 1),
                call_closes=datetime.date(year, 4, 30),
            )
        )
    Round.objects.bulk_create(rounds, batch_size=1000)
    return dict(Round.objects.values_list("name", "pk"))


def make_clusters(count, rng):
    """`count` clusters with their stored sort and search text, bulk-created; {name: pk}."""
    from clusters.models import Cluster

    clusters = []
    for n in range(count):
        _sector, adjective, _en = rng.choice(SECTORS)
        city, _label, voivodeship = rng.choice(CITIES)
        cluster = Cluster(
            name=f"{rng.choice(ADJECTIVES)} Klaster {adjective} nr {n}",
            slug=f"klaster-{n}",
            city=city,
            voivodeship=voivodeship,
        )
        cluster.fill_derived_fields(related_names=[])
        clusters.append(cluster)
    Cluster.objects.bulk_create(clusters, batch_size=1000)
    return dict(Cluster.objects.values_list("name", "pk"))


# --- the kinds: prerequisites, file, yardstick objects ---------------------------
#
# prepare(n, rng) -> context (what the file and the yardstick refer to)
# generate(n, context, rng) -> (headers, rows)
# build(record, context) -> an unsaved model object with the row's plain values


def prepare_nothing(n, rng):
    return {}


def institutions_file(n, context, rng):
    headers = ["Nazwa", "Nazwa skrócona", "Rodzaj", "Strona WWW"]
    rows = []
    for i in range(n):
        label, _value, prefix = INSTITUTION_KINDS[i % len(INSTITUTION_KINDS)]
        sector, _adjective, _en = rng.choice(SECTORS)
        city = rng.choice(CITIES)[0]
        rows.append(
            [
                f"{prefix} {sector} i Rozwoju – oddział {city} nr {i}",
                f"I{i}",
                label,
                f"https://www.instytucja-{i}.gov.pl/",
            ]
        )
    return headers, rows


def institution(record, context):
    from clusters.models import Institution
    from core.text import slug_for

    return Institution(
        name=record["Nazwa"],
        slug=slug_for(Institution, record["Nazwa"]),
        short_name=record["Nazwa skrócona"],
        kind=context["kinds"][record["Rodzaj"]],
        website=record["Strona WWW"],
    )


def specialisations_file(n, context, rng):
    headers = ["Nazwa", "Nazwa angielska"]
    rows = []
    for i in range(n):
        sector, _adjective, english = SECTORS[i % len(SECTORS)]
        region = ADJECTIVES[(i // len(SECTORS)) % len(ADJECTIVES)].lower()
        rows.append([f"{sector} – profil {region} {i}", f"{english} {i}"])
    return headers, rows


def specialisation(record, context):
    from clusters.models import Specialisation
    from core.text import slug_for

    return Specialisation(
        name=record["Nazwa"],
        slug=slug_for(Specialisation, record["Nazwa"]),
        name_en=record["Nazwa angielska"],
    )


def coordinators_file(n, context, rng):
    from stdnum.pl import regon

    headers = [
        "Nazwa",
        "Forma prawna",
        "NIP",
        "REGON",
        "KRS",
        "Ulica i numer",
        "Kod pocztowy",
        "Miejscowość",
        "Województwo",
        "Strona WWW",
        "E-mail",
    ]
    rows = []
    for i, number in enumerate(valid_nips(n, rng)):
        label, _value, prefix = LEGAL_FORMS[i % len(LEGAL_FORMS)]
        city, voivodeship, _stored = rng.choice(CITIES)
        eight = f"{10_000_000 + i:08d}"
        rows.append(
            [
                f"{prefix} {rng.choice(ADJECTIVES)}ego Regionu nr {i}",
                label,
                nip_as_written(number, i),
                eight + regon.calc_check_digit(eight),
                f"{i + 1:010d}",
                f"ul. Żeromskiego {i % 200 + 1}",
                f"{rng.randint(10, 99)}-{rng.randint(100, 999)}",
                city,
                voivodeship,
                f"https://koordynator-{i}.org.pl/",
                f"biuro@koordynator-{i}.org.pl",
            ]
        )
    return headers, rows


def coordinator(record, context):
    from clusters.models import Coordinator
    from core.text import slug_for

    nip = record["NIP"].replace("-", "").removeprefix("PL")
    return Coordinator(
        name=record["Nazwa"],
        slug=slug_for(Coordinator, record["Nazwa"]),
        legal_form=context["legal_forms"][record["Forma prawna"]],
        nip=nip,
        regon=record["REGON"],
        krs=record["KRS"],
        street=record["Ulica i numer"],
        postal_code=record["Kod pocztowy"],
        city=record["Miejscowość"],
        voivodeship=context["voivodeships"][record["Województwo"]],
        website=record["Strona WWW"],
        email=record["E-mail"],
    )


def prepare_rounds(n, rng):
    return {"organiser": make_organiser().pk}


def rounds_file(n, context, rng):
    headers = [
        "Nazwa",
        "Rodzaj",
        "Numer",
        "Rok",
        "Organizator",
        "Nabór od",
        "Nabór do",
        "Ogłoszenie wyników",
        "Maksimum punktów",
        "Próg punktowy",
        "Opis",
    ]
    rows = []
    for i in range(n):
        year = 2014 + i % 12
        opens = day_in(rng, year)
        renewal = i % 10 == 9
        name = (
            f"Konkurs o odnowienie statusu KKK nr {i} ({year})"
            if renewal
            else f"Runda {i + 1} konkursu o status Krajowego Klastra Kluczowego ({year})"
        )
        rows.append(
            [
                name,
                "konkurs o odnowienie statusu" if renewal else "runda konkursu",
                "" if renewal else str(i + 1),
                str(year),
                ORGANISER,
                pl_date(opens),
                pl_date(opens + datetime.timedelta(days=45)),
                pl_date(opens + datetime.timedelta(days=150)),
                "100",
                str(rng.choice([50, 60, 70])),
                f"Nabór wniosków o status KKK w roku {year}; ocena w czterech etapach.",
            ]
        )
    return headers, rows


def round_(record, context):
    from clusters.models import Round
    from core.text import slug_for

    return Round(
        name=record["Nazwa"],
        slug=slug_for(Round, record["Nazwa"]),
        kind=context["round_kinds"][record["Rodzaj"]],
        number=parse_int(record["Numer"]),
        year=int(record["Rok"]),
        organiser_id=context["organiser"],
        call_opens=parse_date(record["Nabór od"]),
        call_closes=parse_date(record["Nabór do"]),
        results_date=parse_date(record["Ogłoszenie wyników"]),
        max_points=parse_int(record["Maksimum punktów"]),
        pass_threshold=parse_int(record["Próg punktowy"]),
        description=record["Opis"],
    )


def prepare_stages(n, rng):
    count = -(-n // len(STAGE_KINDS))
    return {"rounds": make_rounds(count, make_organiser(), rng)}


def stages_file(n, context, rng):
    headers = ["Runda", "Kolejność", "Etap", "Maksimum punktów", "Liczba ekspertów", "Opis"]
    rows = []
    for name in context["rounds"]:
        for order, (label, _value, points, experts) in enumerate(STAGE_KINDS, start=1):
            rows.append(
                [
                    name,
                    str(order),
                    label,
                    "" if points is None else str(points),
                    str(experts),
                    f"Etap {order}: {label}, wyniki ogłaszane przez ministerstwo.",
                ]
            )
    return headers, rows[:n]


def stage(record, context):
    from clusters.models import EvaluationStage

    return EvaluationStage(
        round_id=context["rounds"][record["Runda"]],
        order=int(record["Kolejność"]),
        kind=context["stage_kinds"][record["Etap"]],
        max_points=parse_int(record["Maksimum punktów"]),
        experts=int(record["Liczba ekspertów"]),
        description=record["Opis"],
    )


def prepare_clusters_and_rounds(n, rng):
    return {
        "rounds": make_rounds(ROUNDS_FOR_CLUSTERS, make_organiser(), rng),
        "clusters": make_clusters(n, rng),
    }


def cluster_rounds(context):
    """Each cluster once, in one of the few rounds: (cluster name, round name, round year)."""
    rounds = sorted(context["rounds"])
    for i, cluster_name in enumerate(context["clusters"]):
        name = rounds[i % len(rounds)]
        yield cluster_name, name, int(name.rsplit("(", 1)[1].rstrip(")"))


def applications_file(n, context, rng):
    headers = [
        "Klaster",
        "Runda",
        "Data złożenia",
        "Rozstrzygnięcie",
        "Punkty łącznie",
        "Punkty opublikowane",
        "Uwagi",
    ]
    rows = []
    for cluster_name, round_name, year in cluster_rounds(context):
        label, _value = rng.choice(OUTCOMES)
        points = f"{rng.randint(40, 99)},{rng.choice([0, 5])}"
        rows.append(
            [
                cluster_name,
                round_name,
                pl_date(datetime.date(year, 4, rng.randint(1, 28))),
                label,
                points,
                rng.choice(["tak", "nie"]),
                "Wniosek złożony w terminie; uzupełnienie braków formalnych.",
            ]
        )
    return headers, rows


def application(record, context):
    from clusters.models import Application

    return Application(
        cluster_id=context["clusters"][record["Klaster"]],
        round_id=context["rounds"][record["Runda"]],
        submitted_on=parse_date(record["Data złożenia"]),
        outcome=context["outcomes"][record["Rozstrzygnięcie"]],
        total_points=parse_decimal(record["Punkty łącznie"]),
        scores_published=record["Punkty opublikowane"] == "tak",
        note=record["Uwagi"],
    )


def awards_file(n, context, rng):
    headers = [
        "Klaster",
        "Runda",
        "Rodzaj",
        "Data certyfikatu",
        "Ważny od",
        "Ważny do",
        "Daty szacunkowe",
        "Uwagi",
    ]
    rows = []
    for i, (cluster_name, round_name, year) in enumerate(cluster_rounds(context)):
        label, _value = AWARD_KINDS[i % 2]
        certified = datetime.date(year, rng.randint(9, 12), rng.randint(1, 28))
        rows.append(
            [
                cluster_name,
                round_name,
                label,
                pl_date(certified),
                pl_date(certified),
                pl_date(certified.replace(year=certified.year + 3)),
                "tak" if i % 7 == 0 else "nie",
                "Certyfikat wręczony podczas gali w Warszawie.",
            ]
        )
    return headers, rows


def award(record, context):
    from clusters.models import StatusAward

    return StatusAward(
        cluster_id=context["clusters"][record["Klaster"]],
        round_id=context["rounds"][record["Runda"]],
        kind=context["award_kinds"][record["Rodzaj"]],
        certificate_date=parse_date(record["Data certyfikatu"]),
        valid_from=parse_date(record["Ważny od"]),
        valid_until=parse_date(record["Ważny do"]),
        dates_estimated=record["Daty szacunkowe"] == "tak",
        note=record["Uwagi"],
    )


PEOPLE_EMAIL = "E-mail (tylko dla pracowników)"
PEOPLE_PHONE = "Telefon (tylko dla pracowników)"


def people_file(n, context, rng):
    headers = ["Imię i nazwisko", PEOPLE_EMAIL, PEOPLE_PHONE]
    rows = []
    first, surnames = len(FIRST_NAMES), len(SURNAMES)
    for i in range(n):
        given = FIRST_NAMES[i % first]
        second = FIRST_NAMES[(i // first + i) % first]
        surname = SURNAMES[(i // first) % surnames]
        if given.endswith("a") and surname.endswith("ski"):
            surname = surname[:-1] + "a"
        name = f"{given} {second} {surname}"
        if i >= first * surnames:  # past the distinct combinations
            name += f"-{SURNAMES[(i // (first * surnames)) % surnames]} {i}"
        rows.append(
            [
                name,
                f"osoba{i}@klaster.example.pl",
                f"+48 {rng.randint(500, 899)} {rng.randint(100, 999)} {rng.randint(100, 999)}",
            ]
        )
    return headers, rows


def person(record, context):
    from clusters.models import Person

    return Person(
        name=record["Imię i nazwisko"], email=record[PEOPLE_EMAIL], phone=record[PEOPLE_PHONE]
    )


def projects_file(n, context, rng):
    headers = ["Nazwa", "Program", "Temat", "Umowa podpisana", "Opis", "Strona WWW"]
    rows = []
    for i in range(n):
        sector, adjective, _en = rng.choice(SECTORS)
        rows.append(
            [
                f"{rng.choice(ADJECTIVES)} projekt {adjective.lower()} „{sector}” nr {i}",
                rng.choice(["COSME", "Horyzont Europa", "Interreg Europa Środkowa"]),
                f"Umiędzynarodowienie klastrów – {sector.lower()}",
                pl_date(day_in(rng, rng.randint(2015, 2025))),
                "Wspólne misje gospodarcze, szkolenia i dopasowywanie partnerów.",
                f"https://projekt-{i}.eu/",
            ]
        )
    return headers, rows


def project(record, context):
    from core.text import slug_for
    from events.models import Project

    return Project(
        name=record["Nazwa"],
        slug=slug_for(Project, record["Nazwa"]),
        programme=record["Program"],
        topic=record["Temat"],
        grant_signed_on=parse_date(record["Umowa podpisana"]),
        description=record["Opis"],
        website=record["Strona WWW"],
    )


def events_file(n, context, rng):
    from core.text import polish_slugify

    headers = [
        "Tytuł",
        "Identyfikator",
        "Rodzaj",
        "Data rozpoczęcia",
        "Data zakończenia",
        "Miejsce",
        "Miejscowość",
        "Kraj",
        "Opis",
        "Strona WWW",
        "Opublikowane",
    ]
    rows = []
    for i in range(n):
        label, _value, title = EVENT_KINDS[i % len(EVENT_KINDS)]
        start = day_in(rng, rng.randint(2015, 2025))
        city = rng.choice(CITIES)[0]
        title = f"{title} {start.year}"
        rows.append(
            [
                title,
                f"{polish_slugify(title)}-{i}",
                label,
                pl_date(start),
                pl_date(start + datetime.timedelta(days=rng.randint(0, 2))),
                f"Centrum Kongresowe – sala {rng.choice('ABCDŻ')}",
                city,
                rng.choice(COUNTRIES),
                f"Spotkanie środowiska klastrowego w mieście {city}.",
                f"https://wydarzenia.example.pl/{i}/",
                "tak" if i % 10 else "nie",
            ]
        )
    return headers, rows


def event(record, context):
    from events.models import Event

    return Event(
        title=record["Tytuł"],
        slug=record["Identyfikator"],
        kind=context["event_kinds"][record["Rodzaj"]],
        start_date=parse_date(record["Data rozpoczęcia"]),
        end_date=parse_date(record["Data zakończenia"]),
        venue=record["Miejsce"],
        city=record["Miejscowość"],
        country=record["Kraj"],
        description=record["Opis"],
        website=record["Strona WWW"],
        published=record["Opublikowane"] == "tak",
    )


def models_of():
    from clusters import models as cm
    from events import models as em

    return {
        "institutions": cm.Institution,
        "specialisations": cm.Specialisation,
        "coordinators": cm.Coordinator,
        "rounds": cm.Round,
        "stages": cm.EvaluationStage,
        "applications": cm.Application,
        "awards": cm.StatusAward,
        "people": cm.Person,
        "projects": em.Project,
        "events": em.Event,
    }


# kind: (prepare, generate, build, encoding)
KINDS = {
    "institutions": (prepare_nothing, institutions_file, institution, "cp1250"),
    "specialisations": (prepare_nothing, specialisations_file, specialisation, "cp1250"),
    "coordinators": (prepare_nothing, coordinators_file, coordinator, "cp1250"),
    "rounds": (prepare_rounds, rounds_file, round_, "cp1250"),
    "stages": (prepare_stages, stages_file, stage, "cp1250"),
    "applications": (prepare_clusters_and_rounds, applications_file, application, "cp1250"),
    "awards": (prepare_clusters_and_rounds, awards_file, award, "cp1250"),
    "people": (prepare_nothing, people_file, person, "utf-8-sig"),
    "projects": (prepare_nothing, projects_file, project, "utf-8-sig"),
    "events": (prepare_nothing, events_file, event, "utf-8-sig"),
}


def choice_tables():
    """Polish label as the files write it -> stored value, for the yardstick."""
    return {
        "kinds": {label: value for label, value, _p in INSTITUTION_KINDS},
        "legal_forms": {label: value for label, value, _p in LEGAL_FORMS},
        "voivodeships": {label: value for _c, label, value in CITIES},
        "round_kinds": {"runda konkursu": "regular", "konkurs o odnowienie statusu": "renewal"},
        "stage_kinds": {label: value for label, value, _p, _e in STAGE_KINDS},
        "outcomes": dict(OUTCOMES),
        "award_kinds": dict(AWARD_KINDS),
        "event_kinds": {label: value for label, value, _t in EVENT_KINDS},
    }


def check_choices():
    """The labels above are the models' own Polish labels (a renamed label fails here)."""
    from django.utils import translation

    from clusters import models as cm
    from events import models as em

    tables = choice_tables()
    with translation.override("pl"):
        for table, choices in (
            ("kinds", cm.Institution.Kind),
            ("legal_forms", cm.Coordinator.LegalForm),
            ("round_kinds", cm.Round.Kind),
            ("stage_kinds", cm.EvaluationStage.Kind),
            ("outcomes", cm.Application.Outcome),
            ("award_kinds", cm.StatusAward.Kind),
            ("event_kinds", em.Event.Kind),
        ):
            labels = {str(label): value for value, label in choices.choices}
            for label, value in tables[table].items():
                assert labels.get(label) == value, (table, label, value)


# --- measuring -------------------------------------------------------------------


def clear(model):
    """Delete the kind's rows and their audit records with plain DELETEs (no signals)."""
    from django.db import transaction

    with transaction.atomic():
        for table in (model.history.model, model):
            table._default_manager.all()._raw_delete(table._default_manager.db)


def bare_bulk_create(data, model, build, context):
    """The floor: parse the same file and bulk_create plain objects in one transaction."""
    from django.db import transaction

    from transfer.spreadsheets import decode

    rows = list(csv.DictReader(io.StringIO(decode(data)), delimiter=";"))
    with transaction.atomic():
        objects = [build(record, context) for record in rows]
        model.objects.bulk_create(objects, batch_size=1000)
        transaction.set_rollback(True)
    return len(rows)


def import_rows(kind, data, size):
    from transfer.service import import_file

    report = import_file(kind, data, source="bench")
    assert report.accepted and report.new == size, (kind, report.new, report.errors[:3])
    return report


def count_statements(kind, model, data, size):
    """SQL statements of an import of the file's first `size` rows, untimed."""
    from collections import deque

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    clear(model)
    # The connection keeps only its last 9 000 queries, which a slow kind's 1 000 rows exceed.
    connection.queries_log = deque(maxlen=None)
    with CaptureQueriesContext(connection) as queries:
        import_rows(kind, first_rows(data, size), size)
    clear(model)
    return len(queries)


def run(kind, size, repeat, count_rows, budget):
    from django.core.management import call_command

    prepare, generate, build, encoding = KINDS[kind]
    model = models_of()[kind]
    rng = random.Random(2026)
    call_command("flush", interactive=False, verbosity=0)
    context = {**choice_tables(), **prepare(size, rng)}
    headers, rows = generate(size, context, rng)
    assert len(rows) == size, (kind, len(rows))
    data = encode(headers, rows, encoding)
    import_seconds, bulk_seconds = [], []
    for _ in range(repeat):
        clear(model)
        # The yardstick sees the same prerequisites and an empty table, then rolls back.
        count, seconds = timed(bare_bulk_create, data, model, build, context)
        assert count == size and not model.objects.exists()
        bulk_seconds.append(seconds)
        if import_seconds and sum(import_seconds) + import_seconds[-1] > budget:
            continue  # a slow kind: one more import would take the run past its budget
        _, seconds = timed(import_rows, kind, data, size)
        assert model.objects.count() == size
        import_seconds.append(seconds)
    counted = min(size, count_rows)
    statements = count_statements(kind, model, data, counted) if counted else None
    import_s, bulk_s = statistics.median(import_seconds), statistics.median(bulk_seconds)
    return {
        "kind": kind,
        "rows": size,
        "runs": len(import_seconds),
        "bulk_create_runs": len(bulk_seconds),
        "columns": headers,
        "encoding": encoding,
        "import_rows_per_s": round(size / import_s),
        "bulk_create_rows_per_s": round(size / bulk_s),
        "import_vs_bulk": round(bulk_s / import_s, 3),
        "statements_rows": counted,
        "statements": statements,
        "statements_per_row": round(statements / counted, 2) if counted else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--repeat", type=int, help="runs to take the median of (default 3, 1 above 10 000 rows)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=60,
        help="seconds of import a kind may take: a slower kind's import is timed fewer times",
    )
    parser.add_argument("--kinds", nargs="+", choices=list(KINDS), default=list(KINDS))
    parser.add_argument(
        "--count-rows",
        type=int,
        default=1000,
        help="rows of the run whose statements are counted (0: none)",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    repeat = args.repeat or (3 if args.rows <= 10_000 else 1)
    results = []
    with tempfile.TemporaryDirectory() as folder:
        setup_django(os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3")
        check_choices()
        print(
            f"{'kind':<16}{'rows':>7}{'runs':>5}  {'import/s':>9}  {'bulk/s':>9}  "
            f"{'import/bulk':>11}  "
            f"statements (first {min(args.rows, args.count_rows)} rows)",
            flush=True,
        )
        for kind in args.kinds:
            result = run(kind, args.rows, repeat, args.count_rows, args.budget)
            results.append(result)
            flag = "" if result["import_vs_bulk"] >= 0.20 else "  below 0.20"
            counted = (
                f"{result['statements']:>6} ({result['statements_per_row']}/row)"
                if result["statements"] is not None
                else "not counted"
            )
            print(
                f"{kind:<16}{result['rows']:>7}{result['runs']:>5}  "
                f"{result['import_rows_per_s']:>9}  {result['bulk_create_rows_per_s']:>9}  "
                f"{result['import_vs_bulk']:>11.3f}  "
                f"{counted}{flag}",
                flush=True,
            )
        from django.db import connection

        vendor = connection.vendor
    print(
        f"import: median of the runs shown (up to {repeat}, fewer past {args.budget:g} s of "
        f"import a kind); bulk_create: median of {repeat}; related-list columns left out",
        flush=True,
    )
    stored = json.loads(args.json.read_text()) if args.json.exists() else {}
    stored["machine"] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "database": vendor,
    }
    done = {(r["kind"], r["rows"]) for r in results}
    stored["kinds"] = [
        r for r in stored.get("kinds", []) if (r["kind"], r["rows"]) not in done
    ] + results
    args.json.parent.mkdir(exist_ok=True)
    args.json.write_text(json.dumps(stored, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
