"""Spreadsheet columns of institutions, coordinators, clusters, rounds, stages,
applications and status awards. Headers are Polish and stable: they are the
file format, documented in docs/csv-formats.md, not translated per user."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.pl import nip as nip_number
from stdnum.pl import regon as regon_number

from core.dates import today
from core.text import compact_digits, squash_spaces
from transfer.resources import (
    Column,
    RegistryResource,
    RelatedColumn,
    boolean,
    cell,
    choice,
    date,
    integer,
    text,
)
from transfer.widgets import (
    ChoiceWidget,
    DateWidget,
    DecimalWidget,
    DigitsWidget,
    NameListWidget,
    PointsListWidget,
    TextWidget,
    pipe_lines,
    voivodeship_widget,
)

from .cluster_import import ClusterImportHooks
from .models import (
    Application,
    Cluster,
    ClusterLabel,
    Coordinator,
    EvaluationStage,
    ExpertScore,
    Institution,
    InstitutionName,
    Person,
    PersonRole,
    ReportedStatusCount,
    Representation,
    Role,
    Round,
    Specialisation,
    StageResult,
    StatusAward,
)

# --- small cell languages -----------------------------------------------------


class PeriodListWidget(TextWidget):
    """'Name (2010–2015); Other name (–2018)': names with optional years or dates."""

    ITEM = re.compile(r"^(?P<name>.*?)\s*(?:\((?P<start>[^()–-]*)\s*[–-]\s*(?P<end>[^()–-]*)\))?$")

    def __init__(self, part=None):
        self.part = part or (lambda s: int(s) if s else None)
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        items = []
        for chunk in str(value or "").split(";"):
            chunk = squash_spaces(chunk)
            if chunk:
                items.append(self.clean_item(chunk))
        return items

    def clean_item(self, chunk):
        match = self.ITEM.match(chunk)
        try:
            start = self.part(match["start"].strip()) if match["start"] else None
            end = self.part(match["end"].strip()) if match["end"] else None
        except ValueError:
            raise ValueError(
                _("“%(value)s” should look like “Name (2010–2015)”.") % {"value": chunk}
            ) from None
        return (match["name"], start, end)

    def render_part(self, part):
        if part is None:
            return ""
        return part.strftime("%d.%m.%Y") if isinstance(part, datetime.date) else str(part)

    def render(self, value, obj=None, **kwargs):
        parts = []
        for name, start, end in value or []:
            if start is None and end is None:
                parts.append(name)
            else:
                parts.append(f"{name} ({self.render_part(start)}–{self.render_part(end)})")
        return "; ".join(parts)


class FormerNamesWidget(PeriodListWidget):
    """'Klaster Obróbki Metali (–2024) <https://…>': a former name, its years, its source.

    The source address goes in angle brackets, as addresses are quoted in running
    text (RFC 3986, appendix C); a name never contains them.
    """

    SOURCE = re.compile(r"^(?P<rest>.*?)\s*<(?P<url>[^<>\s]+)>$")

    def clean_item(self, chunk):
        match = self.SOURCE.match(chunk)
        rest, url = (match["rest"], match["url"]) if match else (chunk, "")
        return (*super().clean_item(rest), url)

    def render(self, value, obj=None, **kwargs):
        parts = []
        for name, start, end, url in value or []:
            part = super().render([(name, start, end)])
            parts.append(f"{part} <{url}>" if url else part)
        return "; ".join(parts)


def _date_part(text):
    return DateWidget().clean(text)


class MemberCountsWidget(TextWidget):
    """'2018: 80 firm, 20 partnerów, ok.' – figures for one or more years."""

    ITEM = re.compile(
        r"^(?P<year>\d{4})\s*:\s*(?:(?P<firms>\d+)\s*firm\w*)?\s*,?\s*"
        r"(?:(?P<partners>\d+)\s*partner\w*)?\s*,?\s*(?P<approx>ok\.?|około)?$",
        re.IGNORECASE,
    )

    def clean(self, value, row=None, **kwargs):
        items = []
        for chunk in str(value or "").split(";"):
            chunk = squash_spaces(chunk)
            if not chunk:
                continue
            match = self.ITEM.match(chunk)
            if not match:
                raise ValueError(
                    _("“%(value)s” should look like “2018: 80 firm, 20 partnerów, ok.”.")
                    % {"value": chunk}
                )
            items.append(
                (
                    int(match["year"]),
                    int(match["firms"]) if match["firms"] else None,
                    int(match["partners"]) if match["partners"] else None,
                    bool(match["approx"]),
                )
            )
        return sorted(items, reverse=True)

    def render(self, value, obj=None, **kwargs):
        parts = []
        for year, firms, partners, approximate in value or []:
            bits = [f"{year}:"]
            details = []
            if firms is not None:
                details.append(f"{firms} firm")
            if partners is not None:
                details.append(f"{partners} partnerów")
            if approximate:
                details.append("ok.")
            parts.append(" ".join(bits + [", ".join(details)]).strip())
        return "; ".join(parts)


class LabelsWidget(TextWidget):
    """'srebrna (2018)' or 'złota (01.03.2020–28.02.2022)': cluster-management labels."""

    LEVELS = ChoiceWidget(
        ClusterLabel.Level.choices
        + [("bronze", "brązowa"), ("silver", "srebrna"), ("gold", "złota")]
    )
    NAMES = {"bronze": "brązowa", "silver": "srebrna", "gold": "złota"}

    def clean(self, value, row=None, **kwargs):
        items = []
        for name, start, end in PeriodListWidget(part=str).clean(value):
            level = self.LEVELS.clean(name)
            if start and not end and re.fullmatch(r"\d{4}", start):
                items.append((level, None, None, int(start)))
                continue
            items.append(
                (
                    level,
                    _date_part(start) if start else None,
                    _date_part(end) if end else None,
                    None,
                )
            )
        return items

    def render(self, value, obj=None, **kwargs):
        parts = []
        for level, awarded, until, year in value or []:
            name = self.NAMES[level]
            if awarded or until:
                parts.append(
                    f"{name} ({DateWidget().render(awarded)}–{DateWidget().render(until)})"
                )
            elif year:
                parts.append(f"{name} ({year}–)")
            else:
                parts.append(name)
        return "; ".join(parts)


class InstitutionWidget(TextWidget):
    """An institution's current or any former name (the resource finds it)."""

    def clean(self, value, row=None, **kwargs):
        name = squash_spaces(str(value or ""))
        return name or None


# --- looking up what a cell names -------------------------------------------------


class RegistryLookups:
    """What cells of several kinds name: rounds, clusters, institutions, organisations."""

    def round_named(self, name):
        if not squash_spaces(str(name or "")):
            raise ValueError(_("Name the round."))
        return self.lookup(Round, name, _("There is no round “%(value)s”."))

    def cluster_named(self, name):
        if not squash_spaces(str(name or "")):
            raise ValueError(_("Name the cluster."))
        return self.lookup(
            Cluster, name, _("There is no cluster “%(value)s” (nor one formerly so named).")
        )

    def institution_named(self, name):
        """The institution of that name now or formerly; an unknown one is added."""
        return self.lookup(Institution, name, "%(value)s", create=True) if name else None

    def organisation_named(self, name):
        """A cluster or else an institution called `name` (now or formerly)."""
        if not name:
            return None, None
        for model in (Cluster, Institution):
            try:
                found = self.lookup(model, name, "%(value)s")
            except ValueError:
                continue
            return (found, None) if model is Cluster else (None, found)
        raise ValueError(_("No cluster or institution is called “%(value)s”.") % {"value": name})


# --- resources ------------------------------------------------------------------


class InstitutionResource(RegistryResource):
    file_kind = "institutions"
    name = text("name", "Nazwa")
    slug = text("slug", "Identyfikator")
    name_en = text("name_en", "Nazwa angielska")
    short_name = text("short_name", "Nazwa skrócona")
    kind = choice("kind", "Rodzaj", Institution.Kind.choices)
    website = text("website", "Strona WWW")
    names = RelatedColumn("Nazwy w czasie", PeriodListWidget(part=_date_part))

    class Meta(RegistryResource.Meta):
        model = Institution

    def get_names(self, institution):
        return [(n.name, n.used_from, n.used_until) for n in institution.names.all()]

    def set_names(self, institution, periods):
        wanted = {(name, start, end) for name, start, end in periods}
        for old in institution.names.all():
            if (old.name, old.used_from, old.used_until) not in wanted:
                old.delete()
        existing = set(self.get_names(institution))
        for name, start, end in periods:
            if (name, start, end) not in existing:
                self.save_child(
                    InstitutionName(
                        institution=institution, name=name, used_from=start, used_until=end
                    )
                )


class SpecialisationResource(RegistryResource):
    file_kind = "specialisations"
    name = text("name", "Nazwa")
    slug = text("slug", "Identyfikator")
    name_en = text("name_en", "Nazwa angielska")

    class Meta(RegistryResource.Meta):
        model = Specialisation


class CoordinatorResource(RegistryResource):
    file_kind = "coordinators"
    # A renamed coordinator's save refreshes its clusters' search text (clusters/signals.py).
    bulk_changed_rows = False
    name = text("name", "Nazwa")
    slug = text("slug", "Identyfikator")
    legal_form = choice("legal_form", "Forma prawna", Coordinator.LegalForm.choices)
    nip = Column("nip", "NIP", DigitsWidget((10,), nip_number.is_valid))
    regon = Column("regon", "REGON", DigitsWidget((9, 14), regon_number.is_valid))
    krs = Column("krs", "KRS", DigitsWidget((10,)))
    street = text("street", "Ulica i numer")
    postal_code = text("postal_code", "Kod pocztowy")
    city = text("city", "Miejscowość")
    voivodeship = Column("voivodeship", "Województwo", voivodeship_widget())
    website = text("website", "Strona WWW")
    email = text("email", "E-mail")

    class Meta(RegistryResource.Meta):
        model = Coordinator

    def key_fields(self):
        return ["nip", "slug", "name"]

    def natural_keys(self, values):
        nip = ["nip:" + values["nip"]] if values.get("nip") else []
        return nip + super().natural_keys(values)

    def record_keys(self, engine, record):
        values = {"slug": cell(record, "Identyfikator"), "name": cell(record, "Nazwa")}
        return self.natural_keys({"nip": compact_digits(cell(record, "NIP")), **values})


class ClusterResource(ClusterImportHooks, RegistryResource):
    file_kind = "clusters"
    name = text("name", "Nazwa")
    slug = text("slug", "Identyfikator")
    short_name = text("short_name", "Nazwa skrócona")
    kind = choice("kind", "Rodzaj", Cluster.Kind.choices)
    in_registration = boolean("in_registration", "W fazie rejestracji")
    founded_year = integer("founded_year", "Rok założenia")
    city = text("city", "Miejscowość")
    voivodeship = Column("voivodeship", "Województwo", voivodeship_widget())
    specialisations = RelatedColumn("Specjalizacje", NameListWidget())
    coordinator = RelatedColumn("Koordynator")
    coordinator_nip = RelatedColumn("NIP koordynatora", DigitsWidget((10,), nip_number.is_valid))
    coordinator_since = RelatedColumn("Koordynator od", DateWidget())
    former_names = RelatedColumn("Dawne nazwy", FormerNamesWidget())
    member_counts = RelatedColumn("Liczba członków", MemberCountsWidget())
    labels = RelatedColumn("Certyfikaty zarządzania", LabelsWidget())
    website = text("website", "Strona WWW")
    description = text("description", "Opis")
    source_url = text("source_url", "Źródło")
    published = boolean("published", "Opublikowany")

    class Meta(RegistryResource.Meta):
        model = Cluster

    def with_related(self, queryset, field_names=None):
        """`queryset` with the rows the getters below read, for all columns or `field_names`.

        As plain lists (to_attr): a manager and queryset a cluster would cost more than the
        rows themselves.
        """
        terms = Prefetch(
            "representations",
            queryset=Representation.objects.select_related("coordinator"),
            to_attr="listed_terms",
        )
        reads = {
            "specialisations": Prefetch("specialisations", to_attr="listed_specialisations"),
            "former_names": Prefetch("former_names", to_attr="listed_former_names"),
            "member_counts": Prefetch("member_counts", to_attr="listed_member_counts"),
            "labels": Prefetch("labels", to_attr="listed_labels"),
            "coordinator": terms,
            "coordinator_nip": terms,
            "coordinator_since": terms,
        }
        wanted = self.fields if field_names is None else field_names
        return queryset.prefetch_related(
            *dict.fromkeys(reads[name] for name in wanted if name in reads)
        )

    def filter_export(self, queryset, **kwargs):
        return self.with_related(super().filter_export(queryset, **kwargs))

    def get_specialisations(self, cluster):
        return [s.name for s in cluster.listed_specialisations] if cluster.pk else []

    def current_representation(self, cluster):
        """Today's coordinator term, by the rule the public pages and open data follow."""
        return cluster.representation_on(today(), terms=cluster.listed_terms)

    def get_coordinator(self, cluster):
        term = self.current_representation(cluster) if cluster.pk else None
        return term.coordinator.name if term else ""

    def get_coordinator_nip(self, cluster):
        term = self.current_representation(cluster) if cluster.pk else None
        return term.coordinator.nip if term else ""

    def get_coordinator_since(self, cluster):
        term = self.current_representation(cluster) if cluster.pk else None
        return term.since if term else None

    def get_former_names(self, cluster):
        if not cluster.pk:
            return []
        return [
            (f.name, f.used_from_year, f.used_until_year, f.source_url)
            for f in cluster.listed_former_names
        ]

    def get_member_counts(self, cluster):
        if not cluster.pk:
            return []
        return sorted(
            (
                (m.year, m.firms, m.strategic_partners, m.approximate)
                for m in cluster.listed_member_counts
            ),
            reverse=True,
        )

    def get_labels(self, cluster):
        if not cluster.pk:
            return []
        return [
            (label.level, label.awarded_on, label.valid_until, label.reported_year)
            for label in cluster.listed_labels
        ]


class RoundResource(RegistryLookups, RegistryResource):
    file_kind = "rounds"
    required_columns = ("name", "year", "organiser")
    name = text("name", "Nazwa")
    slug = text("slug", "Identyfikator")
    name_en = text("name_en", "Nazwa angielska")
    kind = choice("kind", "Rodzaj", Round.Kind.choices)
    number = integer("number", "Numer")
    year = integer("year", "Rok")
    organiser = RelatedColumn("Organizator", InstitutionWidget())
    co_organiser = RelatedColumn("Współorganizator", InstitutionWidget())
    call_opens = date("call_opens", "Nabór od")
    call_closes = date("call_closes", "Nabór do")
    results_date = date("results_date", "Ogłoszenie wyników")
    gala_date = date("gala_date", "Gala")
    max_points = integer("max_points", "Maksimum punktów")
    pass_threshold = integer("pass_threshold", "Próg punktowy")
    status_valid_until = date("status_valid_until", "Status ważny do")
    applications_reported = integer("applications_reported", "Wnioski (wg ogłoszenia)")
    awards_reported = integer("awards_reported", "Nadania statusu (wg ogłoszenia)")
    description = text("description", "Opis")
    source_url = text("source_url", "Źródło")

    class Meta(RegistryResource.Meta):
        model = Round

    def get_queryset(self):
        return Round.objects.select_related("organiser", "co_organiser")

    def init_instance(self, row=None):
        # A round read from a file is recorded after the fact, its results public already;
        # a round run in the registry is set up in the admin and published there.
        return Round(results_published_at=timezone.now())

    def get_organiser(self, round_):
        return round_.organiser.name if round_.organiser_id else ""

    def get_co_organiser(self, round_):
        return round_.co_organiser.name if round_.co_organiser_id else ""

    def prepare_instance(self, round_, values, errors):
        # Foreign keys must be set before validation; institutions are created as named.
        if "organiser" in values:
            if not values["organiser"]:
                errors["organiser"] = _("Name the institution that organised the round.")
            else:
                round_.organiser = self.institution_named(values["organiser"])
        if "co_organiser" in values:
            round_.co_organiser = self.institution_named(values["co_organiser"])


class ClusterRoundKeyMixin(RegistryLookups):
    """Rows of awards and applications are keyed by (cluster, round), both by name."""

    key_field = "cluster"

    def key_fields(self):
        return ["cluster", "round"]

    def natural_keys(self, values):
        if values.get("cluster") and values.get("round"):
            return [(values["cluster"], values["round"])]
        return []

    def record_keys(self, engine, record):
        try:
            cluster = self.cluster_named(record.get("Klaster"))
            round_ = self.round_named(record.get("Runda"))
        except ValueError:
            return []
        return self.natural_keys({"cluster": cluster.pk, "round": round_.pk})

    def get_cluster(self, obj):
        return obj.cluster.name if obj.cluster_id else ""

    def get_round(self, obj):
        return obj.round.name if obj.round_id else ""

    def prepare_instance(self, obj, values, errors):
        for name, finder in (("cluster", self.cluster_named), ("round", self.round_named)):
            if name not in values:
                errors[name] = _("The column is missing.")
                continue
            try:
                setattr(obj, name, finder(values[name]))
            except ValueError as error:
                errors[name] = str(error)


class StageResource(RegistryLookups, RegistryResource):
    file_kind = "stages"
    required_columns = ("round", "order", "kind")
    round = RelatedColumn("Runda")
    order = integer("order", "Kolejność")
    kind = choice("kind", "Etap", EvaluationStage.Kind.choices)
    max_points = integer("max_points", "Maksimum punktów")
    experts = integer("experts", "Liczba ekspertów")
    description = text("description", "Opis")

    class Meta(RegistryResource.Meta):
        model = EvaluationStage

    def get_queryset(self):
        return EvaluationStage.objects.select_related("round")

    key_field = "order"

    def key_fields(self):
        return ["round", "order"]

    def natural_keys(self, values):
        if values.get("round") and values.get("order") is not None:
            return [(values["round"], values["order"])]
        return []

    def record_keys(self, engine, record):
        try:
            round_ = self.round_named(record.get("Runda"))
            order = self.fields["order"].clean(record)
        except (ValueError, KeyError):
            return []
        return self.natural_keys({"round": round_.pk, "order": order})

    def get_round(self, stage):
        return stage.round.name if stage.round_id else ""

    def prepare_instance(self, stage, values, errors):
        try:
            stage.round = self.round_named(values.get("round"))
        except ValueError as error:
            errors["round"] = str(error)


STAGE_RESULT_WIDGET = ChoiceWidget(StageResult.Result.choices, blank=True)
# The three columns of each stage in an applications file.
STAGE_PARTS = ("result", "points", "experts")
STAGE_COLUMNS = {
    EvaluationStage.Kind.FORMAL: "Ocena formalna",
    EvaluationStage.Kind.MERIT: "Ocena merytoryczna",
    EvaluationStage.Kind.PARAMETRIC: "Ocena parametryczna",
    EvaluationStage.Kind.PANEL: "Panel Ekspertów",
}


def _stage_result(application, stage_kind):
    if not application.pk:
        return None
    return next((r for r in application.stage_results.all() if r.stage.kind == stage_kind), None)


def _stage_value(stage_kind, part):
    def get(application):
        result = _stage_result(application, stage_kind)
        if result is None:
            return [] if part == "experts" else None
        if part == "experts":
            return [
                s.points for s in sorted(result.expert_scores.all(), key=lambda s: s.expert_number)
            ]
        return getattr(result, part)

    return get


class ApplicationResource(ClusterRoundKeyMixin, RegistryResource):
    """One row per application; for each kind of evaluation stage its result, its points
    and the points of each independent expert ('32; 32,5')."""

    file_kind = "applications"
    required_columns = ("cluster", "round")
    cluster = RelatedColumn("Klaster")
    round = RelatedColumn("Runda")
    submitted_on = date("submitted_on", "Data złożenia")
    outcome = choice("outcome", "Rozstrzygnięcie", Application.Outcome.choices)
    outcome_reason = text("outcome_reason", "Powód rozstrzygnięcia")
    total_points = Column("total_points", "Punkty łącznie", DecimalWidget())
    scores_published = boolean("scores_published", "Punkty opublikowane")
    note = text("note", "Uwagi")

    class Meta(RegistryResource.Meta):
        model = Application

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._stages = {}  # round id -> {kind: stage}, read once a file
        for stage_kind, label in STAGE_COLUMNS.items():
            for part, suffix, widget in (
                ("result", "wynik", STAGE_RESULT_WIDGET),
                ("points", "punkty", DecimalWidget()),
                ("experts", "punkty ekspertów", PointsListWidget()),
            ):
                self.fields[f"{stage_kind}_{part}"] = RelatedColumn(
                    f"{label} – {suffix}", widget, getter=_stage_value(stage_kind, part)
                )

    def get_queryset(self):
        return Application.objects.select_related("cluster", "round").prefetch_related(
            "stage_results__stage", "stage_results__expert_scores"
        )

    def prepare_instance(self, application, values, errors):
        super().prepare_instance(application, values, errors)
        if not application.round_id:
            return
        stages = self.stages_of(application.round)
        for stage_kind in STAGE_COLUMNS:
            if self._stage_values(values, stage_kind) and stage_kind not in stages:
                errors[f"{stage_kind}_result"] = _(
                    "The round “%(round)s” has no stage “%(stage)s”."
                ) % {"round": application.round, "stage": EvaluationStage.Kind(stage_kind).label}
        if not errors:
            self.check_stage_results(application, values, stages, errors)

    def check_stage_results(self, application, values, stages, errors):
        """The row's stage results checked as they will be saved: points, stage order,
        and the outcome they give.

        Checked here, with the row, so that a preview finds what the write would refuse.
        """
        existing = (
            {result.stage.kind: result for result in application.stage_results.all()}
            if application.pk
            else {}
        )
        merged = {}  # kind -> (result, points) once the row is written
        for kind in stages:
            old = existing.get(kind)
            result = old.result if old else StageResult.Result.PENDING
            points = old.points if old else None
            if f"{kind}_result" in values:
                result = values[f"{kind}_result"] or StageResult.Result.PENDING
            if f"{kind}_points" in values:
                points = values[f"{kind}_points"]
            merged[kind] = (result, points)
        passed = {stages[k].pk for k, (result, _p) in merged.items() if result == "passed"}
        for kind, stage in stages.items():
            if not any(f"{kind}_{part}" in values for part in STAGE_PARTS):
                continue
            result, points = merged[kind]
            candidate = StageResult(application=application, stage=stage, result=result)
            candidate.points = points
            candidate.passed_stage_ids = passed - {stage.pk}
            try:
                candidate.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    part = "points" if field == "points" else "result"
                    errors[f"{kind}_{part}"] = messages[0]
        if errors:
            return
        in_order = sorted(stages.values(), key=lambda stage: stage.order)
        try:
            application.check_outcome(
                in_order, {stages[kind].pk: result for kind, (result, _p) in merged.items()}
            )
        except ValidationError as error:
            errors["outcome"] = error.message_dict["outcome"][0]

    def stages_of(self, round_):
        """{kind: stage} of a round, read once a file."""
        if round_.pk not in self._stages:
            self._stages[round_.pk] = {s.kind: s for s in round_.stages.all()}
        return self._stages[round_.pk]

    @staticmethod
    def _stage_values(values, stage_kind):
        result = values.get(f"{stage_kind}_result") or ""
        points = values.get(f"{stage_kind}_points")
        experts = values.get(f"{stage_kind}_experts") or []
        return (result, points, experts) if (result or points is not None or experts) else None

    def save_related(self, application, values):
        for stage_kind in STAGE_COLUMNS:
            given = {
                part: values[f"{stage_kind}_{part}"]
                for part in STAGE_PARTS
                if f"{stage_kind}_{part}" in values
            }
            # Columns the file leaves out keep their values; an empty cell clears one.
            if given:
                self._save_stage(application, stage_kind, given)

    def _save_stage(self, application, stage_kind, given):
        existing = _stage_result(application, stage_kind)
        if existing is None and not any(given.values()) and given.get("points") is None:
            return
        result = existing or StageResult(
            application=application, stage=self.stages_of(application.round)[stage_kind]
        )
        if "result" in given:
            result.result = given["result"] or StageResult.Result.PENDING
        if "points" in given:
            result.points = given["points"]
        have = {s.expert_number: s for s in result.expert_scores.all()} if result.pk else {}
        experts = given.get("experts", [])
        emptied = result.result == StageResult.Result.PENDING and result.points is None
        if len(given) == len(STAGE_PARTS) and emptied and not experts:
            # Every cell of the stage is empty: the stage has no result any more.
            if result.pk:
                self.attribute(result).delete()
            return
        self.save_child(result)
        if "experts" not in given:
            return
        for number, expert_points in enumerate(experts, start=1):
            score = have.pop(number, None) or ExpertScore(stage_result=result, expert_number=number)
            if score.points != expert_points:
                score.points = expert_points
                self.save_child(score)
        for leftover in have.values():
            self.attribute(leftover).delete()


class StatusAwardResource(ClusterRoundKeyMixin, RegistryResource):
    file_kind = "awards"
    required_columns = ("cluster", "round")
    cluster = RelatedColumn("Klaster")
    round = RelatedColumn("Runda")
    kind = choice("kind", "Rodzaj", StatusAward.Kind.choices)
    certificate_date = date("certificate_date", "Data certyfikatu")
    valid_from = date("valid_from", "Ważny od")
    valid_until = date("valid_until", "Ważny do")
    dates_estimated = boolean("dates_estimated", "Daty szacunkowe")
    earliest_start = date("earliest_start", "Możliwy od")
    latest_end = date("latest_end", "Możliwy do")
    note = text("note", "Uwagi")
    source_url = text("source_url", "Źródło")

    class Meta(RegistryResource.Meta):
        model = StatusAward

    def get_queryset(self):
        return StatusAward.objects.select_related("cluster", "round")

    def prepare_instance(self, award, values, errors):
        super().prepare_instance(award, values, errors)
        # The award is the outcome of the cluster's application in that round, when recorded.
        if award.cluster_id and award.round_id:
            award.application_id = self.applications().get((award.cluster_id, award.round_id))

    def applications(self):
        """{(cluster id, round id): application id}, read once a file."""
        if not hasattr(self, "_applications"):
            self._applications = {
                (cluster, round_): pk
                for pk, cluster, round_ in Application.objects.values_list(
                    "pk", "cluster_id", "round_id"
                )
            }
        return self._applications


class ReportedStatusCountResource(RegistryResource):
    """Counts of status holders as sources report them, one row a day."""

    file_kind = "status_counts"
    required_columns = ("on", "clusters")
    key_field = "on"
    on = date("on", "Data")
    clusters = integer("clusters", "Liczba klastrów ze statusem")
    note = text("note", "Uwagi")
    source_url = text("source_url", "Źródło")

    class Meta(RegistryResource.Meta):
        model = ReportedStatusCount

    def key_fields(self):
        return ["on"]

    def natural_keys(self, values):
        return [values["on"]] if values.get("on") else []

    def record_keys(self, engine, record):
        try:
            return self.natural_keys({"on": self.fields["on"].clean(record)})
        except (ValueError, KeyError):
            return []


ROLE_WIDGET = ChoiceWidget(Role.choices)


class PersonRolesWidget(TextWidget):
    """One role a line: 'role | cluster or institution | title as stated | year'."""

    def clean(self, value, row=None, **kwargs):
        message = _("“%(value)s” should look like “role | organisation | title | year”.")
        return [
            (
                ROLE_WIDGET.clean(role),
                organisation,
                title,
                int(DecimalWidget().clean(year)) if year else None,
            )
            for role, organisation, title, year in pipe_lines(value, 4, 4, message)
        ]

    def render(self, value, obj=None, **kwargs):
        return "\n".join(
            " | ".join([ROLE_WIDGET.render(role), organisation, title, str(year or "")])
            for role, organisation, title, year in value or []
        )


class PersonResource(RegistryLookups, RegistryResource):
    file_kind = "people"
    name = text("name", "Imię i nazwisko")
    email = text("email", "E-mail (tylko dla pracowników)")
    phone = text("phone", "Telefon (tylko dla pracowników)")
    roles = RelatedColumn("Role", PersonRolesWidget())

    class Meta(RegistryResource.Meta):
        model = Person

    def get_queryset(self):
        return Person.objects.prefetch_related("roles__cluster", "roles__institution")

    def prepare_instance(self, person, values, errors):
        for _role, organisation, _title, _year in values.get("roles", []):
            try:
                self.organisation_named(organisation)
            except ValueError as error:
                errors["roles"] = str(error)

    def get_roles(self, person):
        if not person.pk:
            return []
        return [
            (r.role, str(r.cluster or r.institution or ""), r.title, r.year)
            for r in person.roles.all()
        ]

    def set_roles(self, person, roles):
        def make(item):
            role, organisation, title, year = item
            cluster, institution = self.organisation_named(organisation)
            return PersonRole(
                person=person,
                role=role,
                cluster=cluster,
                institution=institution,
                title=title,
                year=year,
            )

        self.sync_related(
            person.roles.select_related("cluster", "institution"),
            roles,
            key=lambda r: (r.role, str(r.cluster or r.institution or ""), r.title, r.year),
            make=make,
        )


# The kinds this app imports and exports (found by transfer.service), in the order a
# whole registry is restored: each kind refers only to earlier ones.
RESOURCES = [
    InstitutionResource,
    SpecialisationResource,
    CoordinatorResource,
    ClusterResource,
    RoundResource,
    StageResource,
    ApplicationResource,
    StatusAwardResource,
    ReportedStatusCountResource,
    PersonResource,
]
