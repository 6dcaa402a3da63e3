"""Spreadsheet columns of projects and events (with their participants)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_countries import countries

from clusters.models import Cluster, Person
from clusters.resources import ROLE_WIDGET, RegistryLookups
from core.text import slug_for, squash_spaces
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
        found = []
        for name in filter(None, names):
            try:
                found.append(Cluster.objects.get_by_natural_key(name))
            except Cluster.DoesNotExist:
                message = _("There is no cluster “%(value)s” (nor one formerly so named).")
                raise ValueError(message % {"value": name}) from None
        return found

    def render(self, value, obj=None, **kwargs):
        return "; ".join(sorted(c.name for c in value or []))


class CountryWidget(TextWidget):
    """A country by ISO code ('ES') or English name ('Spain'); written as the code."""

    validates_choices = True

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


class ProjectResource(RegistryLookups, RegistryResource):
    file_kind = "projects"
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

    def get_clusters(self, project):
        return list(project.clusters.all()) if project.pk else []

    def set_clusters(self, project, clusters):
        if set(project.clusters.all()) != set(clusters):
            project.clusters.set(clusters)


class EventResource(RegistryLookups, RegistryResource):
    file_kind = "events"
    required_columns = ("title", "kind", "start_date")
    title = text("title", "Tytuł")
    slug = text("slug", "Identyfikator")
    title_en = text("title_en", "Tytuł angielski")
    kind = choice("kind", "Rodzaj", Event.Kind.choices)
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
    source_url = text("source_url", "Źródło")
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

    key_field = "slug"

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
            "organiser": self.institution_named,
            "part_of": self.event_part_of,
            "round": lambda name: self.round_named(name) if name else None,
            "project": lambda name: (
                self.lookup(Project, name, "%(value)s", create=True) if name else None
            ),
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
                self.organisation_named(organisation)
            except ValueError as error:
                errors["participants"] = ValidationError(f"{person}: {error}")
        if not event.slug and event.title and event.start_date:
            event.slug = slug_for(Event, f"{event.title} {event.start_date:%Y}")
            event.slug_made_from_title = True

    def duplicate_message(self, row_number, instance=None):
        if getattr(instance, "slug_made_from_title", False):
            # Titles repeat (a gala every year, two panels of one congress): without an
            # identifier two events of one title and year would get the same address.
            return _(
                "Row %(row)d has an event of the same title and year, so the identifier "
                "“%(slug)s” made from them is taken: give this event its own identifier."
            ) % {"row": row_number, "slug": instance.slug}
        return super().duplicate_message(row_number, instance)

    def event_part_of(self, slug):
        """The event a row is part of: in the registry, or given by an earlier row."""
        if not slug:
            return None
        if isinstance(self.keys.get("slug:" + slug), tuple):
            # A gala in an earlier row of this file: written now, so the panel finds it.
            self.engine.write_pending()
            try:
                return self.lookup(Event, slug, _("There is no event “%(value)s”."))
            except ValueError:
                # The gala's row was checked but not written: the file has errors, or a
                # dry run left an earlier batch unwritten. The reference itself is sound.
                return None
        return self.lookup(Event, slug, _("There is no event “%(value)s”."))

    def set_clusters(self, event, clusters):
        if set(event.clusters.all()) != set(clusters):
            event.clusters.set(clusters)

    def set_participants(self, event, participants):
        wanted = {}
        for name, role, organisation, title in participants:
            person = self.lookup(Person, name, "%(value)s", create=True)
            cluster, institution = self.organisation_named(organisation)
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
