"""Spreadsheet columns of projects and events (with their participants)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries

from clusters.models import Person
from clusters.resources import (
    ROLE_WIDGET,
    InstitutionWidget,
    cluster_by_name,
    organisation_by_name,
    round_by_name,
)
from core.text import polish_slugify, squash_spaces
from transfer.resources import (
    Column,
    RegistryResource,
    RelatedColumn,
    boolean,
    choice,
    date,
    text,
)
from transfer.widgets import TextWidget, pipe_lines

from .models import Event, Participation, Project


class ClusterNamesWidget(TextWidget):
    """Clusters by name (a former name or slug matches too), separated by semicolons."""

    def clean(self, value, row=None, **kwargs):
        names = [squash_spaces(n) for n in str(value or "").split(";")]
        return [cluster_by_name(name) for name in names if name]

    def render(self, value, obj=None, **kwargs):
        return "; ".join(sorted(c.name for c in value or []))


class CountryWidget(TextWidget):
    """A country by ISO code ('ES') or English name ('Spain'); written as the code."""

    def clean(self, value, row=None, **kwargs):
        text = squash_spaces(str(value or "")) or "PL"
        if text.upper() in dict(countries):
            return text.upper()
        code = countries.by_name(text)
        if not code:
            raise ValueError(
                _("“%(value)s” is not a country code such as PL or ES.") % {"value": text}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return str(value.code if hasattr(value, "code") else value or "")


class ParticipantsWidget(TextWidget):
    """One participant a line: 'Name | role | cluster or institution | title as stated'."""

    def clean(self, value, row=None, **kwargs):
        message = _("“%(value)s” should look like “Name | role | organisation | title”.")
        return [
            (name, ROLE_WIDGET.clean(role), organisation, title)
            for name, role, organisation, title in pipe_lines(value, 2, 4, message)
        ]

    def render(self, value, obj=None, **kwargs):
        lines = []
        for name, role, organisation, title in value or []:
            fields = [name, ROLE_WIDGET.render(role), organisation, title]
            while fields and not fields[-1]:
                fields.pop()
            lines.append(" | ".join(fields))
        return "\n".join(lines)


class ProjectResource(RegistryResource):
    kind = "projects"
    name = text("name", "Nazwa")
    slug = text("slug", "Identyfikator")
    programme = text("programme", "Program")
    topic = text("topic", "Temat")
    grant_signed_on = date("grant_signed_on", "Umowa podpisana")
    clusters = RelatedColumn("Klastry partnerskie", ClusterNamesWidget())
    description = text("description", "Opis")
    website = text("website", "Strona WWW")

    class Meta(RegistryResource.Meta):
        model = Project

    def get_queryset(self):
        return Project.objects.prefetch_related("clusters")

    def prepare_instance(self, project, values, errors):
        project.slug = project.slug or polish_slugify(project.name or "")[:200]

    def get_clusters(self, project):
        return list(project.clusters.all()) if project.pk else []

    def set_clusters(self, project, clusters):
        if set(project.clusters.all()) != set(clusters):
            project.clusters.set(clusters)


class EventResource(RegistryResource):
    kind = "events"
    required_columns = ("title", "event_kind", "start_date")
    title = text("title", "Tytuł")
    slug = text("slug", "Identyfikator")
    event_kind = choice("kind", "Rodzaj", Event.Kind.choices)
    start_date = date("start_date", "Data rozpoczęcia")
    end_date = date("end_date", "Data zakończenia")
    venue = text("venue", "Miejsce")
    city = text("city", "Miejscowość")
    country = Column("country", "Kraj", CountryWidget())
    organiser = RelatedColumn("Organizator")
    part_of = RelatedColumn("Część wydarzenia")
    round = RelatedColumn("Runda")
    project = RelatedColumn("Projekt")
    clusters = RelatedColumn("Klastry", ClusterNamesWidget())
    participants = RelatedColumn("Uczestnicy", ParticipantsWidget())
    description = text("description", "Opis")
    website = text("website", "Strona WWW")
    published = boolean("published", "Opublikowane")

    class Meta(RegistryResource.Meta):
        model = Event

    def get_queryset(self):
        return Event.objects.select_related(
            "organiser", "part_of", "round", "project"
        ).prefetch_related(
            "clusters",
            "participations__person",
            "participations__cluster",
            "participations__institution",
        )

    def find_existing(self, row):
        slug = squash_spaces(str(row.get("Identyfikator") or ""))
        return Event.objects.filter(slug=slug).first() if slug else None

    def get_organiser(self, event):
        return event.organiser.name if event.organiser_id else ""

    def get_part_of(self, event):
        return event.part_of.slug if event.part_of_id else ""

    def get_round(self, event):
        return event.round.name if event.round_id else ""

    def get_project(self, event):
        return event.project.name if event.project_id else ""

    def get_clusters(self, event):
        return list(event.clusters.all()) if event.pk else []

    def get_participants(self, event):
        if not event.pk:
            return []
        return [
            (
                p.person.name,
                p.role,
                str(p.cluster or p.institution or ""),
                p.title,
            )
            for p in event.participations.all()
        ]

    def prepare_instance(self, event, values, errors):
        """Foreign keys are set before validation; each names its own column when wrong."""
        lookups = {
            "organiser": lambda name: InstitutionWidget.resolve(name) if name else None,
            "part_of": lambda slug: self._event_by_slug(slug),
            "round": lambda name: round_by_name(name) if name else None,
            "project": lambda name: self._project_by_name(name),
        }
        for name, lookup in lookups.items():
            if name not in values:
                continue
            try:
                setattr(event, name, lookup(values[name]))
            except ValueError as error:
                errors[name] = str(error)
        for person, _role, organisation, _title in values.get("participants", []):
            try:
                organisation_by_name(organisation)
            except ValueError as error:
                errors["participants"] = ValidationError(f"{person}: {error}")
        if not event.slug and event.title and event.start_date:
            event.slug = polish_slugify(f"{event.title} {event.start_date:%Y}")[:250]

    @staticmethod
    def _event_by_slug(slug):
        if not slug:
            return None
        found = Event.objects.filter(slug=slug).first()
        if found is None:
            raise ValueError(_("There is no event “%(value)s”.") % {"value": slug})
        return found

    def _project_by_name(self, name):
        if not name:
            return None
        project = Project.objects.filter(name__iexact=name).first()
        if project is None:
            project = self.save_child(Project(name=name, slug=polish_slugify(name)[:200]))
        return project

    def set_clusters(self, event, clusters):
        if set(event.clusters.all()) != set(clusters):
            event.clusters.set(clusters)

    def set_participants(self, event, participants):
        wanted = {}
        for name, role, organisation, title in participants:
            person = Person.objects.filter(name__iexact=name).first() or self.save_child(
                Person(name=name)
            )
            cluster, institution = organisation_by_name(organisation)
            wanted[(person.pk, role)] = (cluster, institution, title)
        for participation in list(event.participations.all()):
            key = (participation.person_id, participation.role)
            if key not in wanted:
                self.attribute(participation).delete()
                continue
            cluster, institution, title = wanted.pop(key)
            if (participation.cluster, participation.institution, participation.title) != (
                cluster,
                institution,
                title,
            ):
                participation.cluster, participation.institution = cluster, institution
                participation.title = title
                self.save_child(participation)
        for (person_pk, role), (cluster, institution, title) in wanted.items():
            self.save_child(
                Participation(
                    event=event,
                    person_id=person_pk,
                    role=role,
                    cluster=cluster,
                    institution=institution,
                    title=title,
                )
            )


# The kinds this app imports and exports (found by transfer.service); after clusters'.
RESOURCES = [ProjectResource, EventResource]
