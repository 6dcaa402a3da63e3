"""The KKK programme: institutions, coordinators, clusters, rounds, applications, awards.

Status is never stored as a flag: whether a cluster holds KKK status on a
date is computed from its StatusAward rows, so the answer cannot go stale.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from localflavor.pl.pl_voivodeships import VOIVODESHIP_CHOICES
from simple_history.models import HistoricalRecords

from kkkregistry.text import polish_slugify, squash_spaces

from .fields import CompactDigitsField
from .search import SORT_KEY_LENGTH, polish_sort_key, search_text
from .validators import validate_krs, validate_nip, validate_postal_code, validate_regon

# Status lasts 3 years from the certificate (competition rules, § on the award).
STATUS_YEARS = 3
# "Expiring" on the site and in the admin means: ends within this many days.
EXPIRING_WITHIN_DAYS = 183


def today():
    return timezone.localdate()


def add_years(day, years):
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def status_end_for(certificate_date):
    """Last day of a status certified on `certificate_date`.

    Art. 112 of the Civil Code: a period given in years ends with the day
    that corresponds by date to the day it started.
    """
    return add_years(certificate_date, STATUS_YEARS)


def voivodeship_field(**kwargs):
    return models.CharField(
        _("voivodeship"), max_length=20, choices=VOIVODESHIP_CHOICES, blank=True, **kwargs
    )


class Institution(models.Model):
    """A ministry, agency or office that organises rounds or events."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("ministry")
        AGENCY = "agency", _("government agency")
        REGIONAL = "regional", _("regional government")
        PARLIAMENT = "parliament", _("parliament")
        OTHER = "other", pgettext_lazy("institution kind", "other")

    name = models.CharField(
        _("current name"), max_length=200, help_text=_("The name in use today.")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def name_on(self, day):
        """The name the institution bore on `day` (ministries are renamed with governments)."""
        for period in self.names.all():
            if (period.used_from is None or period.used_from <= day) and (
                period.used_until is None or day <= period.used_until
            ):
                return period.name
        return self.name


class InstitutionName(models.Model):
    institution = models.ForeignKey(
        Institution, models.CASCADE, related_name="names", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=200)
    used_from = models.DateField(_("used from"), null=True, blank=True)
    used_until = models.DateField(_("used until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution name")
        verbose_name_plural = _("institution names")
        ordering = ["institution", F("used_from").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_until__isnull=True)
                | Q(used_from__isnull=True)
                | Q(used_until__gte=F("used_from")),
                name="institution_name_period_ordered",
                violation_error_message=_("A name cannot stop being used before it starts."),
            ),
        ]

    def __str__(self):
        return self.name


class Person(models.Model):
    """Someone named in the notices: a minister, a cluster's chairman, a moderator."""

    name = models.CharField(_("full name"), max_length=120, unique=True)
    # Contact details are for staff only; the public site never shows them.
    email = models.EmailField(_("e-mail (staff only)"), blank=True)
    phone = models.CharField(_("phone (staff only)"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """Roles people hold in clusters, institutions and events."""

    MINISTER = "minister", _("minister")
    CHAIRMAN = "chairman", _("chairman")
    VICE_CHAIRMAN = "vice_chairman", _("vice-chairman")
    COORDINATOR = "coordinator", pgettext_lazy("person role", "coordinator")
    OFFICE_DIRECTOR = "office_director", _("office director")
    HEAD_OF_UNIT = "head_of_unit", _("head of unit")
    MODERATOR = "moderator", _("moderator")
    REPRESENTATIVE = "representative", _("representative")
    SPEAKER = "speaker", _("speaker")
    AUTHOR = "author", _("author")
    OTHER = "other", pgettext_lazy("person role", "other")


class Coordinator(models.Model):
    """The organisation that represents a cluster ("reprezentowany przez …")."""

    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("association (stowarzyszenie)")
        FOUNDATION = "foundation", _("foundation (fundacja)")
        LLC = "llc", _("limited company (sp. z o.o.)")
        JSC = "jsc", _("joint-stock company (S.A.)")
        OTHER = "other", pgettext_lazy("legal form", "other or unknown")

    name = models.CharField(_("name"), max_length=250)
    slug = models.SlugField(
        _("slug"),
        max_length=250,
        unique=True,
        blank=True,
        help_text=_("Made from the name when empty."),
    )
    legal_form = models.CharField(
        _("legal form"), max_length=20, choices=LegalForm, default=LegalForm.OTHER
    )
    nip = CompactDigitsField(
        "NIP",
        max_length=10,
        blank=True,
        validators=[validate_nip],
        help_text=_("Tax id, 10 digits."),
    )
    regon = CompactDigitsField(
        "REGON",
        max_length=14,
        blank=True,
        validators=[validate_regon],
        help_text=_("Statistical id, 9 or 14 digits."),
    )
    krs = CompactDigitsField(
        "KRS",
        max_length=10,
        blank=True,
        validators=[validate_krs],
        help_text=_("National Court Register number, 10 digits."),
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    voivodeship = voivodeship_field()
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("coordinator")
        verbose_name_plural = _("coordinators")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="coordinator_name_unique_ci",
                violation_error_message=_("A coordinator with this name already exists."),
            ),
            models.UniqueConstraint(
                fields=["nip"],
                condition=~Q(nip=""),
                name="coordinator_nip_unique_when_present",
                violation_error_message=_("A coordinator with this NIP already exists."),
            ),
            models.UniqueConstraint(
                fields=["regon"],
                condition=~Q(regon=""),
                name="coordinator_regon_unique_when_present",
                violation_error_message=_("A coordinator with this REGON already exists."),
            ),
            models.UniqueConstraint(
                fields=["krs"],
                condition=~Q(krs=""),
                name="coordinator_krs_unique_when_present",
                violation_error_message=_("A coordinator with this KRS number already exists."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = polish_slugify(self.name)[:250]
        super().save(*args, **kwargs)


class Specialisation(models.Model):
    """An industry or smart specialisation a cluster works in."""

    name = models.CharField(_("name (Polish)"), max_length=120, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("specialisation")
        verbose_name_plural = _("specialisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ClusterQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def with_status_on(self, on=None):
        """Clusters holding KKK status on `on` (default today)."""
        return self.filter(Exists(StatusAward.objects.valid_on(on).filter(cluster=OuterRef("pk"))))

    def with_former_status_on(self, on=None):
        """Clusters that held status before `on` but not on it."""
        on = on or today()
        ended = StatusAward.objects.filter(cluster=OuterRef("pk"), valid_until__lt=on)
        return self.filter(Exists(ended)).exclude(pk__in=self.with_status_on(on).values("pk"))

    def never_with_status_by(self, on=None):
        """Clusters with no award that had started by `on`."""
        on = on or today()
        started = StatusAward.objects.filter(cluster=OuterRef("pk"), valid_from__lte=on)
        return self.exclude(Exists(started))

    def with_status_until(self, on=None):
        """Annotate `status_valid_until`: the end of the status held on `on`, or None."""
        current = (
            StatusAward.objects.valid_on(on)
            .filter(cluster=OuterRef("pk"))
            .order_by("-valid_until")
            .values("valid_until")[:1]
        )
        return self.annotate(status_valid_until=Subquery(current))

    def status_counts_by_year(self, first_year, last_year):
        """{year: how many of these clusters held status on at least one day of that year}.

        One query whatever the number of clusters: the awards' periods are
        read once and laid over the years in Python.
        """
        holders = {year: set() for year in range(first_year, last_year + 1)}
        periods = StatusAward.objects.filter(
            cluster__in=self.values("pk"),
            valid_from__lte=datetime.date(last_year, 12, 31),
            valid_until__gte=datetime.date(first_year, 1, 1),
        ).values_list("cluster_id", "valid_from", "valid_until")
        for cluster_id, valid_from, valid_until in periods:
            first, last = max(valid_from.year, first_year), min(valid_until.year, last_year)
            for year in range(first, last + 1):
                holders[year].add(cluster_id)
        return {year: len(clusters) for year, clusters in holders.items()}

    def last_day_with_status(self, on=None):
        """The latest day up to `on` on which any of these clusters held status, or None."""
        on = on or today()
        held = StatusAward.objects.filter(cluster__in=self.values("pk"), valid_from__lte=on)
        last_end = held.aggregate(last=models.Max("valid_until"))["last"]
        return None if last_end is None else min(last_end, on)

    def expiring_on(self, on=None):
        """Clusters whose status held on `on` ends within EXPIRING_WITHIN_DAYS of it."""
        on = on or today()
        horizon = on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        return self.with_status_until(on).filter(status_valid_until__lte=horizon)

    def with_lasting_status_on(self, on=None):
        """Clusters holding status on `on` that does not end within the expiry window."""
        on = on or today()
        horizon = on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)
        return self.with_status_until(on).filter(status_valid_until__gt=horizon)

    def in_status_state(self, state, on=None):
        """Clusters whose `status_on(on)` is `state` (one of StatusState)."""
        return {
            StatusState.CURRENT: self.with_lasting_status_on,
            StatusState.EXPIRING: self.expiring_on,
            StatusState.EXPIRED: self.with_former_status_on,
            StatusState.NEVER: self.never_with_status_by,
        }[state](on)

    def matching_name(self, name):
        """Clusters whose current or former name is `name`, ignoring case (Polish letters too)."""
        wanted = squash_spaces(name).lower()
        former = ClusterFormerName.objects.alias(lowered=Lower("name")).filter(
            cluster=OuterRef("pk"), lowered=wanted
        )
        return self.alias(lowered=Lower("name")).filter(Q(lowered=wanted) | Exists(former))


class Cluster(models.Model):
    class Kind(models.TextChoices):
        CLUSTER = "cluster", _("cluster")
        INITIATIVE = "initiative", _("cluster initiative")
        CLUSTER_LIKE = "cluster_like", _("cluster-like association")

    name = models.CharField(_("name"), max_length=250)
    slug = models.SlugField(
        _("slug"),
        max_length=250,
        unique=True,
        blank=True,
        help_text=_("Made from the name when empty."),
    )
    short_name = models.CharField(
        _("short name"), max_length=60, blank=True, help_text=_("E.g. KOM, LTPP.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CLUSTER)
    in_registration = models.BooleanField(
        _("being registered"),
        default=False,
        help_text=_("Still in the process of formal registration (w fazie rejestracji)."),
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded (year)"), null=True, blank=True, validators=[MinValueValidator(1990)]
    )
    city = models.CharField(_("seat city"), max_length=100, blank=True)
    voivodeship = voivodeship_field()
    specialisations = models.ManyToManyField(
        Specialisation, blank=True, related_name="clusters", verbose_name=_("specialisations")
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Unpublished clusters are hidden from the public."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Denormalised for the public search and list (see clusters/search.py); kept
    # current by save() and by the signals in clusters/signals.py. search_text has
    # no index: a B-tree cannot serve a substring search, and at the registry's
    # size (hundreds of clusters) a scan takes well under a millisecond.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    sort_key = models.CharField(
        _("sort key"), max_length=SORT_KEY_LENGTH, blank=True, editable=False, db_index=True
    )

    objects = ClusterQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[specialisations])

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="cluster_name_unique_ci",
                violation_error_message=_("A cluster with this name already exists."),
            ),
        ]
        indexes = [
            models.Index(fields=["voivodeship", "name"], name="cluster_voivodeship_name"),
            # The public list's order, published rows only: the database walks this index
            # instead of sorting the table, counts from it, and skips a deep page's OFFSET
            # within it (see PageIdsFirstPaginator).
            models.Index(
                fields=["sort_key", "name"],
                condition=Q(published=True),
                name="cluster_public_order",
            ),
        ]
        # Bulk loading and exporting cover the whole registry; they hang on the cluster,
        # the registry's central record, because Django permissions belong to a model.
        permissions = [
            ("import_data", _("Can import registry data")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("clusters:detail", kwargs={"slug": self.slug})

    def fill_derived_fields(self, related_names=None):
        """Slug (when empty), sort key and search text; bulk inserts call this, not save()."""
        if not self.slug:
            self.slug = polish_slugify(self.name)[:250]
        self.sort_key = polish_sort_key(self.name)
        self.search_text = self.build_search_text(related_names)

    def build_search_text(self, related_names=None):
        """Names, seat and coordinators, folded.

        `related_names` are the former names and coordinators' names when the caller
        has them (a bulk import); otherwise they are read, once the cluster is saved.
        """
        if related_names is None:
            related_names = []
            if self.pk:
                related_names += self.former_names.values_list("name", flat=True)
                related_names += self.representations.values_list("coordinator__name", flat=True)
        return search_text(self.name, self.short_name, self.city, *related_names)

    def refresh_search_text(self):
        """Store the search text again after a former name or coordinator changed."""
        # update() leaves the audit history alone: nothing a person edited changed here.
        Cluster.objects.filter(pk=self.pk).update(search_text=self.build_search_text())

    # Instance twins of the queryset rules; they read prefetched awards when present.
    def valid_awards_on(self, on=None):
        on = on or today()
        return [award for award in self.status_awards.all() if award.is_valid_on(on)]

    def has_status_on(self, on=None):
        return bool(self.valid_awards_on(on))

    def status_valid_until(self, on=None):
        return self._status_end_on(on)

    # with_status_until() annotates `status_valid_until`, hiding the method above on the
    # instances it returns; the rules below call this name so that they work on those too.
    def _status_end_on(self, on=None):
        return max((award.valid_until for award in self.valid_awards_on(on)), default=None)

    def is_status_expiring_on(self, on=None):
        on = on or today()
        until = self._status_end_on(on)
        return until is not None and (until - on).days <= EXPIRING_WITHIN_DAYS

    def status_on(self, on=None):
        """One of StatusState for `on` (default today)."""
        on = on or today()
        until = self._status_end_on(on)
        if until is not None:
            if self.is_status_expiring_on(on):
                return StatusState.EXPIRING
            return StatusState.CURRENT
        if any(award.valid_from <= on for award in self.status_awards.all()):
            return StatusState.EXPIRED
        return StatusState.NEVER

    def coordinator_on(self, on=None):
        on = on or today()
        for term in self.representations.all():
            if term.covers(on):
                return term.coordinator
        return None


class StatusState(models.TextChoices):
    CURRENT = "current", _("holds status")
    EXPIRING = "expiring", _("status expiring")
    EXPIRED = "expired", _("status expired")
    NEVER = "never", _("never held status")


class ClusterFormerName(models.Model):
    """A name the cluster was known by; search and import find the cluster by it."""

    cluster = models.ForeignKey(
        Cluster, models.CASCADE, related_name="former_names", verbose_name=_("cluster")
    )
    name = models.CharField(_("former name"), max_length=250)
    used_from_year = models.PositiveSmallIntegerField(
        _("used from (year)"), null=True, blank=True, validators=[MinValueValidator(1990)]
    )
    used_until_year = models.PositiveSmallIntegerField(
        _("used until (year)"), null=True, blank=True, validators=[MinValueValidator(1990)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["cluster", "used_from_year", "name"]
        constraints = [
            models.UniqueConstraint(
                "cluster", Lower("name"), name="former_name_unique_per_cluster"
            ),
            models.CheckConstraint(
                condition=Q(used_until_year__isnull=True)
                | Q(used_from_year__isnull=True)
                | Q(used_until_year__gte=F("used_from_year")),
                name="former_name_years_ordered",
                violation_error_message=_("The last year of use cannot precede the first."),
            ),
        ]

    def __str__(self):
        return self.name


class Representation(models.Model):
    """Which coordinator represented a cluster, from when to when (open ends allowed)."""

    cluster = models.ForeignKey(
        Cluster, models.CASCADE, related_name="representations", verbose_name=_("cluster")
    )
    coordinator = models.ForeignKey(
        Coordinator, models.PROTECT, related_name="representations", verbose_name=_("coordinator")
    )
    since = models.DateField(
        _("since"), null=True, blank=True, help_text=_("Leave empty when not known.")
    )
    until = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Leave empty while it still represents it.")
    )
    note = models.CharField(_("note"), max_length=250, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("coordinator history")
        ordering = ["cluster", F("since").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(since__isnull=True) | Q(until__gte=F("since")),
                name="representation_period_ordered",
                violation_error_message=_("A representation cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.coordinator} → {self.cluster}"

    def covers(self, on):
        return (self.since is None or self.since <= on) and (self.until is None or on <= self.until)


class MemberCount(models.Model):
    """Member figures as a notice states them, for the year they refer to."""

    cluster = models.ForeignKey(
        Cluster, models.CASCADE, related_name="member_counts", verbose_name=_("cluster")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1990)])
    firms = models.PositiveIntegerField(_("member firms"), null=True, blank=True)
    strategic_partners = models.PositiveIntegerField(
        _("strategic partners"),
        null=True,
        blank=True,
        help_text=_("Universities, local governments, business-support bodies."),
    )
    approximate = models.BooleanField(
        _("approximate"), default=False, help_text=_("The source says “nearly” or “about”.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("member figures")
        verbose_name_plural = _("member figures")
        ordering = ["cluster", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="member_count_one_per_year"),
        ]

    def __str__(self):
        return f"{self.cluster} ({self.year})"


class ClusterLabel(models.Model):
    """A European cluster-management excellence label (ESCA / ECEI)."""

    class Level(models.TextChoices):
        BRONZE = "bronze", _("Bronze Label")
        SILVER = "silver", _("Silver Label")
        GOLD = "gold", _("Gold Label")

    cluster = models.ForeignKey(
        Cluster, models.CASCADE, related_name="labels", verbose_name=_("cluster")
    )
    level = models.CharField(_("level"), max_length=10, choices=Level)
    issuer = models.CharField(
        _("issuer"), max_length=200, default="European Secretariat for Cluster Analysis"
    )
    awarded_on = models.DateField(_("awarded on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    reported_year = models.PositiveSmallIntegerField(
        _("reported in (year)"),
        null=True,
        blank=True,
        help_text=_("When the exact dates are unknown: the year a source mentions the label."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cluster-management label")
        verbose_name_plural = _("cluster-management labels")
        ordering = ["cluster", "-awarded_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(awarded_on__isnull=True)
                | Q(valid_until__gte=F("awarded_on")),
                name="label_validity_ordered",
                violation_error_message=_("A label cannot expire before it is awarded."),
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} – {self.cluster}"


class PersonRole(models.Model):
    """A role a person is named in by a source, outside any event."""

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    title = models.CharField(
        _("title as stated"), max_length=250, blank=True, help_text=_("E.g. “dyrektor biura KOM”.")
    )
    cluster = models.ForeignKey(
        Cluster,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="people_roles",
        verbose_name=_("cluster"),
    )
    institution = models.ForeignKey(
        Institution,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="people_roles",
        verbose_name=_("institution"),
    )
    year = models.PositiveSmallIntegerField(_("year stated"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person's role")
        verbose_name_plural = _("people's roles")
        ordering = ["person", "-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cluster__isnull=False) | Q(institution__isnull=False),
                name="person_role_has_organisation",
                violation_error_message=_("A role belongs to a cluster or an institution."),
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_role_display()}"


class RoundQuerySet(models.QuerySet):
    def open_on(self, on=None):
        """Rounds taking applications on `on` (call dates inclusive)."""
        on = on or today()
        return self.filter(call_opens__lte=on, call_closes__gte=on)


class Round(models.Model):
    """One competition for KKK status: a numbered round or a renewal competition."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("competition round")
        RENEWAL = "renewal", _("renewal competition")

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.REGULAR)
    number = models.PositiveSmallIntegerField(
        _("round number"), null=True, blank=True, help_text=_("I–VI for competition rounds.")
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2014)], help_text=_("Year the round was held.")
    )
    organiser = models.ForeignKey(
        Institution, models.PROTECT, related_name="organised_rounds", verbose_name=_("organiser")
    )
    co_organiser = models.ForeignKey(
        Institution,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="co_organised_rounds",
        verbose_name=_("co-organiser"),
    )
    call_opens = models.DateField(_("call opens"), null=True, blank=True)
    call_closes = models.DateField(_("call closes"), null=True, blank=True)
    results_date = models.DateField(_("results announced"), null=True, blank=True)
    gala_date = models.DateField(_("certificate gala"), null=True, blank=True)
    max_points = models.PositiveSmallIntegerField(_("maximum points"), null=True, blank=True)
    pass_threshold = models.PositiveSmallIntegerField(_("pass threshold"), null=True, blank=True)
    status_valid_until = models.DateField(
        _("status valid until (as announced)"),
        null=True,
        blank=True,
        help_text=_(
            "When the notice states one end date for every status of the round; "
            "otherwise each award lasts 3 years from its certificate."
        ),
    )
    # Notices sometimes give totals ("of 7 clusters only 4 were recertified")
    # without naming every applicant; these keep the stated figures.
    applications_reported = models.PositiveSmallIntegerField(
        _("applications (as reported)"), null=True, blank=True
    )
    awards_reported = models.PositiveSmallIntegerField(
        _("awards (as reported)"), null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)

    objects = RoundQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["year", "number", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(call_closes__isnull=True)
                | Q(call_opens__isnull=True)
                | Q(call_closes__gte=F("call_opens")),
                name="round_call_period_ordered",
                violation_error_message=_("The call cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(pass_threshold__isnull=True)
                | Q(max_points__isnull=True)
                | Q(pass_threshold__lte=F("max_points")),
                name="round_threshold_within_max",
                violation_error_message=_("The pass threshold cannot exceed the maximum points."),
            ),
            models.CheckConstraint(
                condition=Q(awards_reported__isnull=True)
                | Q(applications_reported__isnull=True)
                | Q(awards_reported__lte=F("applications_reported")),
                name="round_awards_within_applications",
                violation_error_message=_("A round cannot award more clusters than applied."),
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(kind="regular"),
                name="round_number_unique_for_regular",
                violation_error_message=_("A competition round with this number already exists."),
            ),
            models.CheckConstraint(
                condition=Q(kind="renewal", number__isnull=True)
                | Q(kind="regular", number__isnull=False),
                name="round_number_iff_regular",
                violation_error_message=_(
                    "Competition rounds have a number; renewal competitions do not."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("clusters:round-detail", kwargs={"slug": self.slug})

    def is_open_on(self, on=None):
        on = on or today()
        return (
            bool(self.call_opens and self.call_closes) and self.call_opens <= on <= self.call_closes
        )

    # The registry may hold fewer applications and awards than a notice reports
    # ("of 7 clusters only 4 were recertified"): the larger figure is shown.
    # `applications_recorded` / `awards_recorded` are annotated by the public views.
    def applications_total(self):
        recorded = getattr(self, "applications_recorded", None)
        if recorded is None:
            recorded = self.applications.count()
        return max(recorded, self.applications_reported or 0)

    def awards_total(self):
        recorded = getattr(self, "awards_recorded", None)
        if recorded is None:
            recorded = self.status_awards.count()
        return max(recorded, self.awards_reported or 0)

    def results_figures(self):
        """How many applied, passed each stage and were awarded (from the recorded results)."""
        passed = Count("results", filter=Q(results__result=StageResult.Result.PASSED))
        return {
            "applied": self.applications.count(),
            "stages": list(self.stages.annotate(passed=passed).order_by("order")),
            "awarded": self.applications.filter(outcome=Application.Outcome.AWARDED).count(),
        }

    def organiser_name(self):
        """The organiser as it was called when the round was held."""
        day = self.call_opens or self.results_date or datetime.date(self.year, 7, 1)
        return self.organiser.name_on(day)


class EvaluationStage(models.Model):
    class Kind(models.TextChoices):
        FORMAL = "formal", _("formal assessment")
        MERIT = "merit", _("merit assessment")
        PARAMETRIC = "parametric", _("parametric merit assessment")
        PANEL = "panel", _("Expert Panel presentation")

    round = models.ForeignKey(Round, models.CASCADE, related_name="stages", verbose_name=_("round"))
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    max_points = models.PositiveSmallIntegerField(
        _("maximum points"),
        null=True,
        blank=True,
        help_text=_("Empty when the stage is pass/fail."),
    )
    experts = models.PositiveSmallIntegerField(
        _("independent experts"),
        default=0,
        validators=[MaxValueValidator(10)],
        help_text=_("How many experts score each application at this stage."),
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation stage")
        verbose_name_plural = _("evaluation stages")
        ordering = ["round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "order"], name="stage_order_unique_in_round"),
            models.UniqueConstraint(fields=["round", "kind"], name="stage_kind_unique_in_round"),
        ]

    def __str__(self):
        return f"{self.order}. {self.get_kind_display()}"


class ApplicationQuerySet(models.QuerySet):
    def without_results(self):
        """Pending applications with no stage decided yet: the evaluation has not been entered."""
        decided = StageResult.objects.filter(application=OuterRef("pk")).exclude(
            result=StageResult.Result.PENDING
        )
        return self.filter(outcome=Application.Outcome.PENDING).exclude(Exists(decided))


class Application(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        AWARDED = "awarded", _("status awarded")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    round = models.ForeignKey(
        Round, models.PROTECT, related_name="applications", verbose_name=_("round")
    )
    cluster = models.ForeignKey(
        Cluster, models.PROTECT, related_name="applications", verbose_name=_("cluster")
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome, default=Outcome.PENDING
    )
    total_points = models.DecimalField(
        _("total points"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    scores_published = models.BooleanField(
        _("scores published"),
        default=False,
        help_text=_("Only published scores are shown on the public site."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = ApplicationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["round", "cluster__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "cluster"],
                name="application_one_per_cluster_and_round",
                violation_error_message=_("This cluster has already applied in this round."),
            ),
        ]

    def __str__(self):
        return f"{self.cluster} – {self.round}"

    def has_results(self):
        """Instance twin of `without_results()`, read from prefetched stage results."""
        return self.outcome != self.Outcome.PENDING or any(
            result.result != StageResult.Result.PENDING for result in self.stage_results.all()
        )

    def clean(self):
        if (
            self.total_points is not None
            and self.round_id
            and self.round.max_points is not None
            and self.total_points > self.round.max_points
        ):
            raise ValidationError(
                {
                    "total_points": _("%(points)s exceeds the round's maximum of %(max)s points.")
                    % {"points": self.total_points, "max": self.round.max_points}
                }
            )


class StageResult(models.Model):
    class Result(models.TextChoices):
        PENDING = "pending", _("pending")
        PASSED = "passed", _("passed")
        FAILED = "failed", _("failed")

    application = models.ForeignKey(
        Application, models.CASCADE, related_name="stage_results", verbose_name=_("application")
    )
    stage = models.ForeignKey(
        EvaluationStage, models.PROTECT, related_name="results", verbose_name=_("stage")
    )
    result = models.CharField(_("result"), max_length=10, choices=Result, default=Result.PENDING)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage result")
        verbose_name_plural = _("stage results")
        ordering = ["application", "stage__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "stage"],
                name="stage_result_one_per_stage",
                violation_error_message=_("This stage already has a result for the application."),
            ),
        ]

    def __str__(self):
        return f"{self.application}: {self.stage}"

    def clean(self):
        if not (self.stage_id and self.application_id):
            return
        if self.stage.round_id != self.application.round_id:
            raise ValidationError(
                {"stage": _("The stage belongs to another round than the application.")}
            )
        if self.points is not None and (
            self.stage.max_points is None or self.points > self.stage.max_points
        ):
            raise ValidationError(
                {
                    "points": _("%(points)s exceeds the stage's maximum of %(max)s points.")
                    % {"points": self.points, "max": self.stage.max_points or 0}
                }
            )
        self.validate_stage_order()

    # Stages the application passed, when a form enters several stages at once and the
    # database does not know them yet; None reads them from the database.
    passed_stage_ids = None

    def validate_stage_order(self):
        """A stage is decided only after every earlier stage was passed: stages run in order."""
        if self.result == self.Result.PENDING:
            return
        passed_stage_ids = self.passed_stage_ids
        if passed_stage_ids is None:
            passed_stage_ids = set(
                self.application.stage_results.exclude(pk=self.pk)
                .filter(result=self.Result.PASSED)
                .values_list("stage_id", flat=True)
            )
        missing = self.stage.round.stages.filter(order__lt=self.stage.order).exclude(
            pk__in=passed_stage_ids
        )
        if missing:
            raise ValidationError(
                {
                    "result": _(
                        "“%(stage)s” cannot be decided before the application passes "
                        "the earlier stages: %(missing)s."
                    )
                    % {"stage": self.stage, "missing": ", ".join(str(s) for s in missing)}
                }
            )


class ExpertScore(models.Model):
    """Points one independent expert gave at a scored stage."""

    stage_result = models.ForeignKey(
        StageResult, models.CASCADE, related_name="expert_scores", verbose_name=_("stage result")
    )
    expert_number = models.PositiveSmallIntegerField(
        _("expert no."), validators=[MinValueValidator(1)]
    )
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expert's score")
        verbose_name_plural = _("experts' scores")
        ordering = ["stage_result", "expert_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage_result", "expert_number"], name="expert_score_one_per_expert"
            ),
        ]

    def __str__(self):
        return f"{self.stage_result} – #{self.expert_number}"

    def clean(self):
        if not self.stage_result_id:
            return
        stage = self.stage_result.stage
        errors = {}
        if self.points is not None and (stage.max_points is None or self.points > stage.max_points):
            errors["points"] = _(
                "%(points)s exceeds the maximum of %(max)s points at stage “%(stage)s”."
            ) % {"points": self.points, "max": stage.max_points or 0, "stage": stage}
        if self.expert_number and stage.experts and self.expert_number > stage.experts:
            errors["expert_number"] = ngettext(
                "Stage “%(stage)s” has only %(experts)d expert.",
                "Stage “%(stage)s” has only %(experts)d experts.",
                stage.experts,
            ) % {"stage": stage, "experts": stage.experts}
        if errors:
            raise ValidationError(errors)


class StatusAwardQuerySet(models.QuerySet):
    def valid_on(self, on=None):
        """Awards in force on `on`: both validity dates are inclusive."""
        on = on or today()
        return self.filter(valid_from__lte=on, valid_until__gte=on)


class StatusAward(models.Model):
    """KKK status given to a cluster by a round's outcome."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("granted")
        RENEWED = "renewed", _("renewed")

    cluster = models.ForeignKey(
        Cluster, models.PROTECT, related_name="status_awards", verbose_name=_("cluster")
    )
    round = models.ForeignKey(
        Round, models.PROTECT, related_name="status_awards", verbose_name=_("round")
    )
    application = models.OneToOneField(
        Application,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_award",
        verbose_name=_("application"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.GRANTED)
    certificate_date = models.DateField(_("certificate date"), null=True, blank=True)
    valid_from = models.DateField(
        _("valid from"), blank=True, help_text=_("Leave empty to use the certificate date.")
    )
    valid_until = models.DateField(
        _("valid until"),
        blank=True,
        help_text=_(
            "Leave empty to use the end date the round announced, "
            "or else 3 years from the certificate date."
        ),
    )
    dates_estimated = models.BooleanField(
        _("dates estimated"),
        default=False,
        help_text=_("The source gives only a year or one end of the period; see the note."),
    )
    note = models.TextField(_("note"), blank=True)

    objects = StatusAwardQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("status award")
        verbose_name_plural = _("status awards")
        ordering = ["cluster", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")),
                name="award_validity_ordered",
                violation_error_message=_("Status cannot end before it starts."),
            ),
            models.UniqueConstraint(
                fields=["cluster", "round"],
                name="award_one_per_cluster_and_round",
                violation_error_message=_("This cluster already has an award from this round."),
            ),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_until"], name="award_validity")]

    def __str__(self):
        return f"{self.cluster} – {self.round}"

    def save(self, *args, **kwargs):
        self.fill_default_dates()
        super().save(*args, **kwargs)

    def fill_default_dates(self):
        """Fill missing validity dates from the certificate and the round's announcement."""
        if self.valid_from is None and self.certificate_date:
            self.valid_from = self.certificate_date
        if self.valid_until is None:
            if self.round_id and self.round.status_valid_until:
                self.valid_until = self.round.status_valid_until
            elif self.certificate_date:
                self.valid_until = status_end_for(self.certificate_date)

    def clean(self):
        self.fill_default_dates()
        errors = {}
        if self.valid_from is None:
            errors["valid_from"] = _("Give the start of validity or the certificate date.")
        if self.valid_until is None:
            errors["valid_until"] = _("Give the end of validity or the certificate date.")
        if self.application_id and (
            self.application.cluster_id != self.cluster_id
            or self.application.round_id != self.round_id
        ):
            errors["application"] = _("The application is for another cluster or round.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, on=None):
        on = on or today()
        return self.valid_from <= on <= self.valid_until

    def state_on(self, on=None):
        """One of AwardState for `on` (default today)."""
        on = on or today()
        if on < self.valid_from:
            return AwardState.FUTURE
        if on > self.valid_until:
            return AwardState.EXPIRED
        if (self.valid_until - on).days <= EXPIRING_WITHIN_DAYS:
            return AwardState.EXPIRING
        return AwardState.CURRENT


class AwardState(models.TextChoices):
    FUTURE = "future", _("not yet in force")
    CURRENT = "current", _("in force")
    EXPIRING = "expiring", _("in force, expiring soon")
    EXPIRED = "expired", _("expired")
