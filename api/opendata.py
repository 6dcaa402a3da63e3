"""The registry's downloadable tables, each described once: its columns with their Table
Schema types, and how a row is read. The CSV and XLSX files and the Frictionless data
package (datapackage.json) are all made from these descriptions."""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from localflavor.pl.pl_voivodeships import VOIVODESHIP_CHOICES

from clusters.models import Cluster, Round, StatusAward, StatusState
from events.models import Event

# Identifiers are text: a consumer must not read REGON 012345675 as the number 12345675.
NIP = {"pattern": "[0-9]{10}"}
REGON = {"pattern": "[0-9]{9}|[0-9]{14}"}
KRS = {"pattern": "[0-9]{10}"}
SLUG = {"pattern": "[-a-z0-9_]+"}


def codes(choices):
    return {"enum": [str(code) for code, _label in choices]}


@dataclass
class Column:
    name: str
    type: str
    description: str
    constraints: dict = field(default_factory=dict)
    format: str | None = None

    def schema(self):
        described = {"name": self.name, "type": self.type, "description": self.description}
        if self.format:
            described["format"] = self.format
        if self.constraints:
            described["constraints"] = self.constraints
        return described


@dataclass
class Table:
    name: str
    title: str
    description: str
    columns: list
    primary_key: list = field(default_factory=list)

    @property
    def headers(self):
        return [column.name for column in self.columns]


CLUSTERS = Table(
    name="clusters",
    title="Clusters and their KKK status today",
    description="Published clusters, one a row, with their KKK status on the day of the "
    "download (or on ?as_of=YYYY-MM-DD); the same list as /klastry/.",
    columns=[
        Column("name", "string", "Current name.", {"required": True}),
        Column("short_name", "string", "Short name, e.g. KOM."),
        Column("url", "string", "The cluster's public page.", {"required": True}, "uri"),
        Column("kind", "string", "Kind of cluster.", codes(Cluster.Kind.choices)),
        Column("city", "string", "Seat city."),
        Column("voivodeship", "string", "Voivodeship of the seat.", codes(VOIVODESHIP_CHOICES)),
        Column("specialisations", "string", "Specialisations, separated by '; '."),
        Column(
            "specialisations_en",
            "string",
            "The same in English, in the same order (Polish where no English name is given).",
        ),
        Column("coordinator", "string", "Coordinator on the day."),
        Column("coordinator_nip", "string", "Coordinator's NIP (tax id), 10 digits.", NIP),
        Column("coordinator_regon", "string", "Coordinator's REGON, 9 or 14 digits.", REGON),
        Column("coordinator_krs", "string", "Coordinator's KRS number, 10 digits.", KRS),
        Column(
            "status",
            "string",
            "KKK status on the day.",
            {"enum": [s for s in StatusState.values if s != StatusState.EXPIRING]},
        ),
        Column("status_expiring", "boolean", "The status held ends within 6 months."),
        Column("status_valid_until", "date", "End of the status held on the day."),
        Column("last_status_end", "date", "End of the latest status started by the day."),
        Column("dates_estimated", "boolean", "The award's dates are estimated."),
        Column("status_proven_from", "date", "Start of the period the sources prove."),
        Column("status_proven_until", "date", "End of the period the sources prove."),
        Column("status_possible_from", "date", "Earliest start the sources allow."),
        Column("status_possible_until", "date", "Latest end the sources allow."),
        Column("website", "string", "The cluster's website.", format="uri"),
    ],
    primary_key=["url"],
)

AWARDS = Table(
    name="awards",
    title="KKK status awards",
    description="Every award of KKK status to a published cluster: round, kind and validity.",
    columns=[
        Column("cluster", "string", "The cluster's slug.", {"required": True, **SLUG}),
        Column("cluster_name", "string", "The cluster's current name."),
        Column("round", "string", "The round's slug.", {"required": True, **SLUG}),
        Column("round_name", "string", "The round's name."),
        Column("round_name_en", "string", "The round's English name; empty when none is given."),
        Column("kind", "string", "Granted or renewed.", codes(StatusAward.Kind.choices)),
        Column("certificate_date", "date", "Date of the certificate."),
        Column("valid_from", "date", "First day of validity.", {"required": True}),
        Column("valid_until", "date", "Last day of validity.", {"required": True}),
        Column("dates_estimated", "boolean", "The sources give only estimated dates."),
        Column("earliest_start", "date", "Estimated dates: the earliest start allowed."),
        Column("latest_end", "date", "Estimated dates: the latest end allowed."),
        Column("source_url", "string", "Where the award is reported.", format="uri"),
    ],
    primary_key=["cluster", "round"],
)

ROUNDS = Table(
    name="rounds",
    title="Competition rounds",
    description="Rounds of the competition for KKK status and renewal competitions.",
    columns=[
        Column("slug", "string", "The round's identifier.", {"required": True, **SLUG}),
        Column("name", "string", "Name.", {"required": True}),
        Column("name_en", "string", "English name; empty when none is given."),
        Column("kind", "string", "Round or renewal competition.", codes(Round.Kind.choices)),
        Column("number", "integer", "Round number (I = 1) of a competition round."),
        Column("year", "integer", "Year held.", {"required": True}),
        Column("call_opens", "date", "Call for applications opens."),
        Column("call_closes", "date", "Call for applications closes."),
        Column("results_date", "date", "Results announced."),
        Column("gala_date", "date", "Certificate gala."),
        Column("max_points", "integer", "Maximum points."),
        Column("pass_threshold", "integer", "Points needed to pass."),
        Column("status_valid_until", "date", "End date announced for every status of the round."),
        Column("source_url", "string", "Where the round is reported.", format="uri"),
    ],
    primary_key=["slug"],
)

EVENTS = Table(
    name="events",
    title="Events",
    description="Published events of the programme: galas, congresses, conferences, meetings.",
    columns=[
        Column("slug", "string", "The event's identifier.", {"required": True, **SLUG}),
        Column("title", "string", "Title.", {"required": True}),
        Column("title_en", "string", "English title; empty when none is given."),
        Column("kind", "string", "Kind of event.", codes(Event.Kind.choices)),
        Column("start_date", "date", "First day.", {"required": True}),
        Column("end_date", "date", "Last day; empty for a one-day event."),
        Column("venue", "string", "Venue."),
        Column("city", "string", "City."),
        Column("country", "string", "ISO 3166-1 alpha-2 code.", {"pattern": "[A-Z]{2}"}),
        Column("round", "string", "Slug of the related round."),
        Column("clusters", "string", "Slugs of the related clusters, separated by '; '."),
        Column("website", "string", "Website.", format="uri"),
        Column("source_url", "string", "Where the event is reported.", format="uri"),
    ],
    primary_key=["slug"],
)


def iso(day):
    return day.isoformat() if day else ""


def award_rows():
    awards = (
        StatusAward.objects.filter(cluster__published=True)
        .select_related("cluster", "round")
        .order_by("valid_from", "cluster__sort_key")
    )
    # One per cluster and round: read in chunks, the file is streamed (core/downloads.py).
    for award in awards.iterator(chunk_size=2000):
        yield [
            award.cluster.slug,
            award.cluster.name,
            award.round.slug,
            award.round.name,
            award.round.name_en,
            award.kind,
            iso(award.certificate_date),
            iso(award.valid_from),
            iso(award.valid_until),
            award.dates_estimated,
            iso(award.earliest_start),
            iso(award.latest_end),
            award.source_url,
        ]


def round_rows():
    for round_ in Round.objects.order_by("year", "number", "name"):
        yield [
            round_.slug,
            round_.name,
            round_.name_en,
            round_.kind,
            round_.number,
            round_.year,
            iso(round_.call_opens),
            iso(round_.call_closes),
            iso(round_.results_date),
            iso(round_.gala_date),
            round_.max_points,
            round_.pass_threshold,
            iso(round_.status_valid_until),
            round_.source_url,
        ]


def event_rows():
    events = (
        Event.objects.published()
        .select_related("round")
        .prefetch_related(
            Prefetch("clusters", queryset=Cluster.objects.published(), to_attr="public_clusters")
        )
        .order_by("start_date", "slug")
    )
    for event in events:
        yield [
            event.slug,
            event.title,
            event.title_en,
            event.kind,
            iso(event.start_date),
            iso(event.end_date),
            event.venue,
            event.city,
            event.country.code,
            event.round.slug if event.round else "",
            "; ".join(cluster.slug for cluster in event.public_clusters),
            event.website,
            event.source_url,
        ]


# The tables besides the clusters' list (which /klastry/export.csv gives), by file name.
TABLES = {"nadania-statusu": (AWARDS, award_rows), "rundy": (ROUNDS, round_rows)}
TABLES["wydarzenia"] = (EVENTS, event_rows)


def table_schema(table):
    return {
        "fields": [column.schema() for column in table.columns],
        "primaryKey": table.primary_key,
        "missingValues": [""],
    }
