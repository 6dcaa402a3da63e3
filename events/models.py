"""Events around the programme: galas, congresses, panels, project meetings."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from clusters.models import Cluster, Institution, Person, Role, Round
from core.dates import today
from core.fields import source_url_field
from core.language import EnglishNamed
from core.models import NaturalKeyQuerySet
from core.text import slug_for


class Project(models.Model):
    """An international project clusters take part in (E-BOOST under COSME)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    programme = models.CharField(
        _("funding programme"), max_length=120, blank=True, help_text=_("E.g. COSME.")
    )
    topic = models.CharField(_("topic"), max_length=250, blank=True)
    grant_signed_on = models.DateField(_("grant agreement signed"), null=True, blank=True)
    clusters = models.ManyToManyField(
        Cluster, blank=True, related_name="projects", verbose_name=_("partner clusters")
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)

    objects = NaturalKeyQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[clusters])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["name"]

    def __str__(self):
        return self.name


class EventQuerySet(NaturalKeyQuerySet):
    def by_name(self, name):
        # Titles repeat every year: an event is named by its slug alone.
        return self.none()

    def natural_key_index(self):
        by_slug, _by_name = super().natural_key_index()
        return by_slug, {}

    def published(self):
        return self.filter(published=True)

    def upcoming(self, on=None):
        """Events not yet over on `on`: an event lasting several days is upcoming until its end."""
        on = on or today()
        return self.filter(Q(end_date__gte=on) | Q(end_date__isnull=True, start_date__gte=on))

    def past(self, on=None):
        """Events over before `on`: those not upcoming, said without a subquery of them."""
        on = on or today()
        return self.filter(Q(end_date__lt=on) | Q(end_date__isnull=True, start_date__lt=on))


class Event(EnglishNamed, models.Model):
    polish_field = "title"
    english_field = "title_en"

    class Kind(models.TextChoices):
        GALA = "gala", _("certificate gala")
        CONGRESS = "congress", _("congress")
        CONFERENCE = "conference", _("conference")
        PANEL = "panel", _("panel discussion")
        PROJECT_MEETING = "project_meeting", _("project meeting")
        BUSINESS_MEETING = "business_meeting", _("business meeting")
        OTHER = "other", _("other event")

    title = models.CharField(_("title"), max_length=250)
    title_en = models.CharField(
        _("title (English)"),
        max_length=250,
        blank=True,
        help_text=_("Shown on the English pages; empty: the Polish title is shown."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=250,
        unique=True,
        blank=True,
        help_text=_("Made from the name when empty."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Leave empty for a one-day event.")
    )
    venue = models.CharField(_("venue"), max_length=250, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="PL")
    organiser = models.ForeignKey(
        Institution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("organiser"),
    )
    part_of = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        verbose_name=_("part of"),
        help_text=_("For a panel held during a gala, the gala."),
    )
    round = models.ForeignKey(
        Round,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("related round"),
    )
    project = models.ForeignKey(
        Project,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("project"),
    )
    clusters = models.ManyToManyField(
        Cluster, blank=True, related_name="events", verbose_name=_("related clusters")
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    source_url = source_url_field()
    published = models.BooleanField(_("published"), default=True)

    objects = EventQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[clusters])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="event_ends_after_start",
                violation_error_message=_("An event cannot end before it starts."),
            ),
        ]
        indexes = [models.Index(fields=["start_date"], name="event_start")]

    def __str__(self):
        return f"{self.title} ({self.start_date:%d.%m.%Y})"

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"slug": self.slug})

    def fill_derived_fields(self):
        """The slug, when empty, from the title and year; bulk inserts call this, not save()."""
        if not self.slug:
            self.slug = slug_for(type(self), f"{self.title} {self.start_date:%Y}")

    def organiser_name(self):
        """The organiser as it was called on the event's day (ministries are renamed)."""
        return self.organiser.display_name_on(self.start_date) if self.organiser_id else ""

    @property
    def last_day(self):
        return self.end_date or self.start_date


class Participation(models.Model):
    """A person taking part in an event in a role, perhaps for a cluster or an institution."""

    event = models.ForeignKey(
        Event, models.CASCADE, related_name="participations", verbose_name=_("event")
    )
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="participations", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    title = models.CharField(
        _("title as stated"),
        max_length=250,
        blank=True,
        help_text=_("E.g. “z-ca Dyrektora Departamentu Innowacji”."),
    )
    cluster = models.ForeignKey(
        Cluster,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("on behalf of cluster"),
    )
    institution = models.ForeignKey(
        Institution,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("on behalf of institution"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["event", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person", "role"],
                name="participation_unique_role",
                violation_error_message=_("This person already has this role at the event."),
            ),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"

    def institution_name(self):
        """The institution as it was called on the event's day."""
        return (
            self.institution.display_name_on(self.event.start_date) if self.institution_id else ""
        )
