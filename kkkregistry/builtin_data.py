"""Load the registry's built-in data from the TOML files in `data/`.

Every record is matched on its natural key and saved only when a value
differs, so loading twice creates nothing and adds nothing to the audit
history. Rows staff added are left alone: loading never deletes.
"""

import datetime
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from clusters.models import (
    Application,
    Cluster,
    ClusterFormerName,
    ClusterLabel,
    Coordinator,
    EvaluationStage,
    Institution,
    InstitutionName,
    MemberCount,
    Person,
    PersonRole,
    Representation,
    Round,
    Specialisation,
    StageResult,
    StatusAward,
    status_end_for,
)
from events.models import Event, Participation, Project

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


class _Loader:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.report = LoadReport()

    def read(self, name):
        with (self.directory / name).open("rb") as handle:
            return tomllib.load(handle)

    def upsert(self, model, lookup, values=None):
        values = values or {}
        obj = model.objects.filter(**lookup).first()
        label = model._meta.verbose_name_plural
        if obj is None:
            obj = model(**lookup, **values)
            self.report.created[label] += 1
        else:
            changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
            if not changed:
                self.report.unchanged[label] += 1
                return obj
            for key, value in changed.items():
                setattr(obj, key, value)
            self.report.updated[label] += 1
        try:
            obj.full_clean()
        except ValidationError as error:
            raise DataError(f"{label} {lookup}: {error.message_dict}") from error
        obj._change_reason = CHANGE_REASON
        obj.save()
        return obj

    def get(self, model, **lookup):
        try:
            return model.objects.get(**lookup)
        except model.DoesNotExist:
            raise DataError(f"{model._meta.verbose_name} {lookup} is not defined") from None

    def optional(self, model, slug):
        return self.get(model, slug=slug) if slug else None

    def set_m2m(self, manager, objects):
        if set(manager.all()) != set(objects):
            manager.set(objects)

    def load(self):
        self.institutions(self.read("institutions.toml"))
        self.specialisations(self.read("specialisations.toml"))
        self.coordinators(self.read("coordinators.toml"))
        self.clusters(self.read("clusters.toml"))
        self.rounds(self.read("rounds.toml"))
        self.people_and_events(self.read("events.toml"))
        return self.report

    def institutions(self, data):
        for item in data["institution"]:
            institution = self.upsert(
                Institution,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "short_name": item.get("short_name", ""),
                    "kind": item.get("kind", Institution.Kind.OTHER),
                    "website": item.get("website", ""),
                },
            )
            for period in item.get("names", []):
                self.upsert(
                    InstitutionName,
                    {
                        "institution": institution,
                        "name": period["name"],
                        "used_from": _date(period.get("from")),
                    },
                    {"used_until": _date(period.get("until"))},
                )

    def specialisations(self, data):
        for item in data["specialisation"]:
            self.upsert(
                Specialisation,
                {"slug": item["slug"]},
                {"name": item["name"], "name_en": item.get("name_en", "")},
            )

    def coordinators(self, data):
        for item in data["coordinator"]:
            self.upsert(
                Coordinator,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "legal_form": item.get("legal_form", Coordinator.LegalForm.OTHER),
                    "city": item.get("city", ""),
                    "voivodeship": item.get("voivodeship", ""),
                    "website": item.get("website", ""),
                },
            )

    def clusters(self, data):
        for item in data["cluster"]:
            cluster = self.upsert(
                Cluster,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "short_name": item.get("short_name", ""),
                    "kind": item.get("kind", Cluster.Kind.CLUSTER),
                    "in_registration": item.get("in_registration", False),
                    "founded_year": item.get("founded_year"),
                    "city": item.get("city", ""),
                    "voivodeship": item.get("voivodeship", ""),
                    "website": item.get("website", ""),
                    "description": item.get("description", ""),
                },
            )
            self.set_m2m(
                cluster.specialisations,
                [self.get(Specialisation, slug=slug) for slug in item.get("specialisations", [])],
            )
            if "coordinator" in item:
                self.upsert(
                    Representation,
                    {
                        "cluster": cluster,
                        "coordinator": self.get(Coordinator, slug=item["coordinator"]),
                    },
                )
            for former in item.get("former_names", []):
                self.upsert(
                    ClusterFormerName,
                    {"cluster": cluster, "name": former["name"]},
                    {"used_from_year": former.get("from"), "used_until_year": former.get("until")},
                )
            for figures in item.get("members", []):
                self.upsert(
                    MemberCount,
                    {"cluster": cluster, "year": figures["year"]},
                    {
                        "firms": figures.get("firms"),
                        "strategic_partners": figures.get("strategic_partners"),
                        "approximate": figures.get("approximate", False),
                    },
                )
            for label in item.get("labels", []):
                self.upsert(
                    ClusterLabel,
                    {"cluster": cluster, "level": label["level"]},
                    {
                        "reported_year": label.get("reported_year"),
                        "awarded_on": _date(label.get("awarded_on")),
                        "valid_until": _date(label.get("valid_until")),
                    },
                )

    def rounds(self, data):
        for item in data["round"]:
            round_ = self.upsert(
                Round,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "kind": item.get("kind", Round.Kind.REGULAR),
                    "number": item.get("number"),
                    "year": item["year"],
                    "organiser": self.get(Institution, slug=item["organiser"]),
                    "co_organiser": self.optional(Institution, item.get("co_organiser")),
                    "call_opens": _date(item.get("call_opens")),
                    "call_closes": _date(item.get("call_closes")),
                    "results_date": _date(item.get("results_date")),
                    "gala_date": _date(item.get("gala_date")),
                    "max_points": item.get("max_points"),
                    "pass_threshold": item.get("pass_threshold"),
                    "status_valid_until": _date(item.get("status_valid_until")),
                    "applications_reported": item.get("applications_reported"),
                    "awards_reported": item.get("awards_reported"),
                    "description": item.get("description", ""),
                },
            )
            stages = [
                self.upsert(
                    EvaluationStage,
                    {"round": round_, "order": stage["order"]},
                    {
                        "kind": stage["kind"],
                        "experts": stage.get("experts", 0),
                        "max_points": stage.get("max_points"),
                        "description": stage.get("description", ""),
                    },
                )
                for stage in item.get("stages", [])
            ]
            applications = {}
            for entry in item.get("applications", []):
                cluster = self.get(Cluster, slug=entry["cluster"])
                points = entry.get("total_points")
                application = self.upsert(
                    Application,
                    {"round": round_, "cluster": cluster},
                    {
                        "outcome": entry.get("outcome", Application.Outcome.PENDING),
                        "total_points": Decimal(str(points)) if points is not None else None,
                        "scores_published": entry.get("scores_published", False),
                        "note": entry.get("note", ""),
                    },
                )
                applications[cluster.pk] = application
                for stage, result in zip(stages, entry.get("stages", []), strict=False):
                    self.upsert(
                        StageResult,
                        {"application": application, "stage": stage},
                        {"result": result},
                    )
            for entry in item.get("awards", []):
                cluster = self.get(Cluster, slug=entry["cluster"])
                self.upsert(
                    StatusAward,
                    {"cluster": cluster, "round": round_},
                    {
                        "kind": entry.get("kind", StatusAward.Kind.GRANTED),
                        "application": applications[cluster.pk]
                        if entry.get("application")
                        else None,
                        "certificate_date": _date(entry.get("certificate_date")),
                        "valid_from": _date(entry.get("valid_from", entry.get("certificate_date"))),
                        "valid_until": _date(entry.get("valid_until"))
                        or round_.status_valid_until
                        or _default_end(entry),
                        "dates_estimated": entry.get("dates_estimated", False),
                        "note": entry.get("note", ""),
                    },
                )

    def people_and_events(self, data):
        for item in data["person"]:
            person = self.upsert(
                Person,
                {"name": item["name"]},
                {"email": item.get("email", ""), "phone": item.get("phone", "")},
            )
            for role in item.get("roles", []):
                self.upsert(
                    PersonRole,
                    {
                        "person": person,
                        "role": role["role"],
                        "cluster": self.optional(Cluster, role.get("cluster")),
                        "institution": self.optional(Institution, role.get("institution")),
                    },
                    {"title": role.get("title", ""), "year": role.get("year")},
                )
        for item in data["project"]:
            project = self.upsert(
                Project,
                {"slug": item["slug"]},
                {
                    "name": item["name"],
                    "programme": item.get("programme", ""),
                    "topic": item.get("topic", ""),
                    "description": item.get("description", ""),
                    "website": item.get("website", ""),
                },
            )
            self.set_m2m(
                project.clusters,
                [self.get(Cluster, slug=slug) for slug in item.get("clusters", [])],
            )
        for item in data["event"]:
            event = self.upsert(
                Event,
                {"slug": item["slug"]},
                {
                    "title": item["title"],
                    "kind": item["kind"],
                    "start_date": _date(item["start_date"]),
                    "end_date": _date(item.get("end_date")),
                    "venue": item.get("venue", ""),
                    "city": item.get("city", ""),
                    "country": item.get("country", "PL"),
                    "organiser": self.optional(Institution, item.get("organiser")),
                    "part_of": self.optional(Event, item.get("part_of")),
                    "round": self.optional(Round, item.get("round")),
                    "project": self.optional(Project, item.get("project")),
                    "description": item.get("description", ""),
                    "website": item.get("website", ""),
                },
            )
            self.set_m2m(
                event.clusters, [self.get(Cluster, slug=slug) for slug in item.get("clusters", [])]
            )
            for entry in item.get("participants", []):
                self.upsert(
                    Participation,
                    {
                        "event": event,
                        "person": self.get(Person, name=entry["person"]),
                        "role": entry["role"],
                    },
                    {
                        "title": entry.get("title", ""),
                        "cluster": self.optional(Cluster, entry.get("cluster")),
                        "institution": self.optional(Institution, entry.get("institution")),
                    },
                )


def _default_end(entry):
    certificate = _date(entry.get("certificate_date"))
    return status_end_for(certificate) if certificate else None


@transaction.atomic
def load_registry_data(directory=DATA_DIR):
    """Load every data file in `directory`; all or nothing."""
    return _Loader(directory).load()
