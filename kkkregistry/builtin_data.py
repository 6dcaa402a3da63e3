"""Load the registry's built-in data from the TOML files in `data/`.

The files are turned into one spreadsheet a kind, the columns staff use, and
imported through the one import engine (transfer.engine), as a file staff
upload would be: every record is matched on its natural key and written only
when a value differs, so loading twice creates nothing and adds nothing to the
audit history, and all of it is one transaction. Records staff added are left
alone; the columns of a built-in record that the data files give are made to
equal them (its former names, for example).
"""

import datetime
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import tablib
from django.conf import settings
from django.db import transaction

from clusters.models import Cluster, status_end_for
from clusters.resources import STAGE_COLUMNS
from clusters.services import merge_cluster_into
from transfer.service import import_dataset, resource_for

DATA_DIR = Path(settings.BASE_DIR) / "data"
CHANGE_REASON = "load_registry_data"


class DataError(Exception):
    """A data file names something that does not exist or breaks a rule."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def total(self, kind):
        return sum(getattr(self, kind).values())


def _date(value):
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


class _Sheet:
    """The rows of one kind, written as its columns render the values."""

    def __init__(self, kind):
        self.resource = resource_for(kind, source=CHANGE_REASON)
        self.rows = []

    def add(self, **values):
        """One row of field values (as the resource's getters give them), rendered."""
        fields = self.resource.fields
        self.rows.append(
            {fields[name].column_name: fields[name].widget.render(v) for name, v in values.items()}
        )

    def dataset(self):
        headers = list(dict.fromkeys(column for row in self.rows for column in row))
        return tablib.Dataset(
            *[[row.get(c, "") for c in headers] for row in self.rows], headers=headers
        )


class _Loader:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.report = LoadReport()
        self.names = {}  # (kind, slug) -> name: the files refer by slug, the columns by name

    def read(self, name):
        with (self.directory / name).open("rb") as handle:
            return tomllib.load(handle)

    def name(self, kind, slug):
        if not slug:
            return ""
        try:
            return self.names[kind, slug]
        except KeyError:
            raise DataError(f"{kind} “{slug}” is not defined in the data files") from None

    def remember(self, kind, items, name_key="name"):
        for item in items:
            self.names[kind, item["slug"]] = item[name_key]

    def load(self):
        institutions = self.read("institutions.toml")["institution"]
        specialisations = self.read("specialisations.toml")["specialisation"]
        coordinators = self.read("coordinators.toml")["coordinator"]
        clusters_file = self.read("clusters.toml")
        clusters = clusters_file["cluster"]
        rounds = self.read("rounds.toml")["round"]
        events = self.read("events.toml")
        status_counts = self.read("status_counts.toml")["status_count"]
        for kind, items in [
            ("institution", institutions),
            ("specialisation", specialisations),
            ("coordinator", coordinators),
            ("cluster", clusters),
            ("round", rounds),
            ("project", events["project"]),
        ]:
            self.remember(kind, items)
        sheets = [
            self.institutions(institutions),
            self.specialisations(specialisations),
            self.coordinators(coordinators),
            self.clusters(clusters),
            *self.rounds(rounds),
            self.people(events["person"]),
            self.projects(events["project"]),
            self.events(events["event"]),
            self.status_counts(status_counts),
        ]
        for sheet in sheets:
            self.write(sheet)
        for item in clusters_file.get("merged_cluster", []):
            self.merge(item)
        return self.report

    def merge(self, item):
        """A cluster an older load recorded apart becomes a former name of the one it is.

        After the other files: the cluster it merges into has its awards by then, and
        those win over the older, estimated ones.
        """
        old = Cluster.objects.filter(slug=item["slug"]).first()
        if old is None:
            return
        try:
            into = Cluster.objects.get(slug=item["into"])
        except Cluster.DoesNotExist:
            raise DataError(f"cluster “{item['into']}” is not defined in the data files") from None
        merge_cluster_into(old, into, reason=CHANGE_REASON)
        self.report.updated["clusters merged"] += 1

    def write(self, sheet):
        if not sheet.rows:
            return
        report = import_dataset(sheet.resource, sheet.dataset())
        if report.errors:
            errors = "; ".join(str(error) for error in report.errors[:5])
            raise DataError(f"{sheet.resource.file_kind}: {errors}")
        label = sheet.resource.file_kind
        self.report.created[label] += report.new
        self.report.updated[label] += report.updated
        self.report.unchanged[label] += report.unchanged

    # --- one sheet a kind ---------------------------------------------------------
    def institutions(self, items):
        sheet = _Sheet("institutions")
        for item in items:
            sheet.add(
                slug=item["slug"],
                name=item["name"],
                name_en=item.get("name_en", ""),
                short_name=item.get("short_name", ""),
                kind=item.get("kind", "other"),
                website=item.get("website", ""),
                names=[
                    (period["name"], _date(period.get("from")), _date(period.get("until")))
                    for period in item.get("names", [])
                ],
            )
        return sheet

    def specialisations(self, items):
        sheet = _Sheet("specialisations")
        for item in items:
            sheet.add(slug=item["slug"], name=item["name"], name_en=item.get("name_en", ""))
        return sheet

    def coordinators(self, items):
        sheet = _Sheet("coordinators")
        for item in items:
            sheet.add(
                slug=item["slug"],
                name=item["name"],
                legal_form=item.get("legal_form", "other"),
                city=item.get("city", ""),
                voivodeship=item.get("voivodeship", ""),
                website=item.get("website", ""),
            )
        return sheet

    def clusters(self, items):
        sheet = _Sheet("clusters")
        for item in items:
            sheet.add(
                slug=item["slug"],
                name=item["name"],
                short_name=item.get("short_name", ""),
                kind=item.get("kind", "cluster"),
                in_registration=item.get("in_registration", False),
                founded_year=item.get("founded_year"),
                city=item.get("city", ""),
                voivodeship=item.get("voivodeship", ""),
                specialisations=[
                    self.name("specialisation", slug) for slug in item.get("specialisations", [])
                ],
                coordinator=self.name("coordinator", item.get("coordinator")),
                former_names=[
                    (
                        former["name"],
                        former.get("from"),
                        former.get("until"),
                        former.get("source_url", ""),
                    )
                    for former in item.get("former_names", [])
                ],
                member_counts=sorted(
                    (
                        (
                            m["year"],
                            m.get("firms"),
                            m.get("strategic_partners"),
                            m.get("approximate", False),
                        )
                        for m in item.get("members", [])
                    ),
                    reverse=True,
                ),
                labels=[
                    (
                        label["level"],
                        _date(label.get("awarded_on")),
                        _date(label.get("valid_until")),
                        label.get("reported_year"),
                    )
                    for label in item.get("labels", [])
                ],
                website=item.get("website", ""),
                description=item.get("description", ""),
                source_url=item.get("source_url", ""),
            )
        return sheet

    def rounds(self, items):
        rounds, stages = _Sheet("rounds"), _Sheet("stages")
        applications, awards = _Sheet("applications"), _Sheet("awards")
        for item in items:
            rounds.add(
                slug=item["slug"],
                name=item["name"],
                name_en=item.get("name_en", ""),
                kind=item.get("kind", "regular"),
                number=item.get("number"),
                year=item["year"],
                organiser=self.name("institution", item["organiser"]),
                co_organiser=self.name("institution", item.get("co_organiser")),
                call_opens=_date(item.get("call_opens")),
                call_closes=_date(item.get("call_closes")),
                results_date=_date(item.get("results_date")),
                gala_date=_date(item.get("gala_date")),
                max_points=item.get("max_points"),
                pass_threshold=item.get("pass_threshold"),
                status_valid_until=_date(item.get("status_valid_until")),
                applications_reported=item.get("applications_reported"),
                awards_reported=item.get("awards_reported"),
                description=item.get("description", ""),
                source_url=item.get("source_url", ""),
            )
            for stage in item.get("stages", []):
                stages.add(
                    round=item["name"],
                    order=stage["order"],
                    kind=stage["kind"],
                    max_points=stage.get("max_points"),
                    experts=stage.get("experts", 0),
                    description=stage.get("description", ""),
                )
            stage_kinds = [stage["kind"] for stage in item.get("stages", [])]
            for entry in item.get("applications", []):
                results = dict(zip(stage_kinds, entry.get("stages", []), strict=False))
                points = entry.get("total_points")
                applications.add(
                    cluster=self.name("cluster", entry["cluster"]),
                    round=item["name"],
                    outcome=entry.get("outcome", "pending"),
                    total_points=None if points is None else Decimal(str(points)),
                    scores_published=entry.get("scores_published", False),
                    note=entry.get("note", ""),
                    **{f"{kind}_result": results.get(kind, "") for kind in STAGE_COLUMNS},
                )
            round_end = _date(item.get("status_valid_until"))
            for entry in item.get("awards", []):
                certificate = _date(entry.get("certificate_date"))
                awards.add(
                    cluster=self.name("cluster", entry["cluster"]),
                    round=item["name"],
                    kind=entry.get("kind", "granted"),
                    certificate_date=certificate,
                    valid_from=_date(entry.get("valid_from", entry.get("certificate_date"))),
                    valid_until=_date(entry.get("valid_until"))
                    or round_end
                    or (status_end_for(certificate) if certificate else None),
                    dates_estimated=entry.get("dates_estimated", False),
                    earliest_start=_date(entry.get("earliest_start")),
                    latest_end=_date(entry.get("latest_end")),
                    note=entry.get("note", ""),
                    source_url=entry.get("source_url", ""),
                )
        return rounds, stages, applications, awards

    def organisation(self, entry):
        if entry.get("cluster"):
            return self.name("cluster", entry["cluster"])
        return self.name("institution", entry.get("institution"))

    def people(self, items):
        sheet = _Sheet("people")
        for item in items:
            sheet.add(
                name=item["name"],
                email=item.get("email", ""),
                phone=item.get("phone", ""),
                roles=[
                    (role["role"], self.organisation(role), role.get("title", ""), role.get("year"))
                    for role in item.get("roles", [])
                ],
            )
        return sheet

    def projects(self, items):
        sheet = _Sheet("projects")
        for item in items:
            sheet.add(
                slug=item["slug"],
                name=item["name"],
                programme=item.get("programme", ""),
                topic=item.get("topic", ""),
                description=item.get("description", ""),
                website=item.get("website", ""),
            )
            sheet.rows[-1]["Klastry partnerskie"] = self.cluster_names(item)
        return sheet

    def cluster_names(self, item):
        return "; ".join(sorted(self.name("cluster", slug) for slug in item.get("clusters", [])))

    def events(self, items):
        sheet = _Sheet("events")
        for item in items:
            sheet.add(
                slug=item["slug"],
                title=item["title"],
                title_en=item.get("title_en", ""),
                kind=item["kind"],
                start_date=_date(item["start_date"]),
                end_date=_date(item.get("end_date")),
                venue=item.get("venue", ""),
                city=item.get("city", ""),
                country=item.get("country", "PL"),
                organiser=self.name("institution", item.get("organiser")),
                part_of=item.get("part_of", ""),
                round=self.name("round", item.get("round")),
                project=self.name("project", item.get("project")),
                participants=[
                    (
                        entry["person"],
                        entry["role"],
                        self.organisation(entry),
                        entry.get("title", ""),
                    )
                    for entry in item.get("participants", [])
                ],
                description=item.get("description", ""),
                website=item.get("website", ""),
                source_url=item.get("source_url", ""),
            )
            sheet.rows[-1]["Klastry"] = self.cluster_names(item)
        return sheet

    def status_counts(self, items):
        sheet = _Sheet("status_counts")
        for item in items:
            sheet.add(
                on=_date(item["on"]),
                clusters=item["clusters"],
                note=item.get("note", ""),
                source_url=item.get("source_url", ""),
            )
        return sheet


@transaction.atomic
def load_registry_data(directory=DATA_DIR):
    """Load every data file in `directory` through the import engine; all or nothing."""
    return _Loader(directory).load()
