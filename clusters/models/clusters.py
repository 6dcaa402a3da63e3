"""Coordinators, specialisations and clusters, with their names, terms, members and labels."""

import datetime
from collections import Counter

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Lower
from django.db.models.lookups import Lookup
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.dates import today
from core.fields import source_url_field
from core.language import EnglishNamed
from core.models import NaturalKeyQuerySet
from core.text import slug_for, squash_spaces

from ..fields import CompactDigitsField, voivodeship_field
from ..search import SORT_KEY_LENGTH, polish_sort_key, search_text
from ..validators import validate_krs, validate_nip, validate_postal_code, validate_regon
from .awards import StatusAward, expiry_horizon


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
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self):
        """The slug, when empty; bulk inserts call this, not save()."""
        if not self.slug:
            self.slug = slug_for(type(self), self.name)

    @property
    def legal_form_known(self):
        """Whether the legal form says anything: "other or unknown" is left off public pages."""
        return self.legal_form != self.LegalForm.OTHER


class Specialisation(EnglishNamed, models.Model):
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


class IsTrue(Lookup):
    """`IsTrue(F("flag"), True)`: the flag is set, written with no SQL parameter.

    Django sends `published = %s` with True as a parameter; SQLite then cannot read the
    flag from a partial index on `"published" = 1` (cluster_public_order) and fetches
    every table row to compare it: 390 ms instead of 20 ms to count 100 000 clusters.
    """

    lookup_name = "is_true"

    def as_sql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        if connection.features.has_native_boolean_field:
            return lhs, params
        return f"{lhs} = 1", params


class IsFalse(IsTrue):
    """`IsFalse(F("flag"), False)`: the flag is unset, written with no SQL parameter (see
    IsTrue), so SQLite reads it from a partial index on `"published" = 0`."""

    lookup_name = "is_false"

    def as_sql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        if connection.features.has_native_boolean_field:
            return f"NOT {lhs}", params
        return f"{lhs} = 0", params


class OfPublishedCluster(Lookup):
    """`OfPublishedCluster(F("cluster"), True)`: the row's cluster is published, told by
    its not being one of the few unpublished ones (read from cluster_unpublished_ids)
    rather than by joining every row to its cluster: 60 000 awards were counted in 65 ms
    through their clusters' rows, in 6 ms so. Written as SQL (the flag with no parameter,
    as IsTrue): Django's `exclude(cluster__in=...)` took a third longer to build than
    the query took to run on a small registry."""

    lookup_name = "of_published_cluster"

    def as_sql(self, compiler, connection):
        lhs, params = compiler.compile(self.lhs)
        quote = connection.ops.quote_name
        flag = quote("published")
        unpublished = (
            f"NOT {flag}" if connection.features.has_native_boolean_field else f"{flag} = 0"
        )
        clusters = f"SELECT {quote('id')} FROM {quote(Cluster._meta.db_table)} WHERE {unpublished}"
        return f"NOT ({lhs} IN ({clusters}))", params


class DayNumber(Func):
    """A date as the number YYYYMMDD: in the dates' order, the year its // 10000.

    Counting 60 000 awards' periods spent more time in turning the database's dates
    into Python dates than in anything else; numbers come as they are.
    """

    output_field = models.IntegerField()
    template = (
        "CAST(EXTRACT(YEAR FROM %(expressions)s) * 10000 + EXTRACT(MONTH FROM %(expressions)s)"
        " * 100 + EXTRACT(DAY FROM %(expressions)s) AS INTEGER)"
    )

    @property
    def convert_value(self):
        # The database gives an integer already: no int() for each of 60 000 rows.
        return self._convert_value_noop

    def as_sqlite(self, compiler, connection, **extra):
        # SQLite keeps a date as its ISO text.
        return self.as_sql(
            compiler, connection, template="CAST(REPLACE(%(expressions)s, '-', '') AS INTEGER)"
        )

    def as_postgresql(self, compiler, connection, **extra):
        # date_part's double precision: EXTRACT's numeric made the read of 60 000 awards'
        # periods take 75 ms in the database instead of 30.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(date_part('year', %(expressions)s) * 10000"
            " + date_part('month', %(expressions)s) * 100"
            " + date_part('day', %(expressions)s) AS INTEGER)",
        )


def day_number(day):
    """`day` as DayNumber gives it."""
    return day.year * 10000 + day.month * 100 + day.day


class ClusterQuerySet(NaturalKeyQuerySet):
    def published(self):
        return self.filter(IsTrue(F("published"), True))

    def unpublished(self):
        return self.filter(IsFalse(F("published"), False))

    def with_status_on(self, on=None):
        """Clusters holding KKK status on `on` (default today)."""
        return self.filter(
            Exists(StatusAward.objects.published().valid_on(on).filter(cluster=OuterRef("pk")))
        )

    def with_status_uncertain_on(self, on=None):
        """Clusters that may or may not have held status on `on`: the third answer.

        No award is in force on `on`, but an award with estimated dates has `on`
        in a margin (see StatusAwardQuerySet.uncertain_on).
        """
        on = on or today()
        uncertain = StatusAward.objects.published().uncertain_on(on).filter(cluster=OuterRef("pk"))
        return self.filter(Exists(uncertain)).exclude(pk__in=self.with_status_on(on).values("pk"))

    def with_status_on_estimates(self, on=None):
        """Clusters whose status on `on`, held or uncertain, comes only from estimated dates."""
        on = on or today()
        awards = StatusAward.objects.published().filter(cluster=OuterRef("pk"))
        return self.filter(Exists(awards.valid_on(on) | awards.uncertain_on(on))).exclude(
            Exists(awards.valid_on(on).filter(dates_estimated=False))
        )

    def with_former_status_on(self, on=None):
        """Clusters that held status before `on` and surely not on it."""
        on = on or today()
        awards = StatusAward.objects.published().filter(cluster=OuterRef("pk"))
        held_or_maybe = awards.valid_on(on) | awards.uncertain_on(on)
        return self.filter(Exists(awards.filter(valid_until__lt=on))).exclude(Exists(held_or_maybe))

    def never_with_status_by(self, on=None):
        """Clusters with no award that had, or may have, started by `on`."""
        on = on or today()
        started = StatusAward.objects.published().filter(
            Q(valid_from__lte=on) | Q(earliest_start__lte=on), cluster=OuterRef("pk")
        )
        return self.exclude(Exists(started))

    def with_status_end(self, on=None):
        """Annotate `status_end`: the end of the status held on `on`, or None."""
        current = (
            StatusAward.objects.published()
            .valid_on(on)
            .filter(cluster=OuterRef("pk"))
            .order_by("-valid_until")
            .values("valid_until")[:1]
        )
        return self.annotate(status_end=Subquery(current))

    def status_counts_by_year(self, first_year, last_year):
        """{year: how many of these clusters held status on at least one day of that year}."""
        return {year: held for year, (held, _) in self.status_years(first_year, last_year).items()}

    def status_periods(self, first_day, last_day):
        """(cluster_id, valid_from, valid_until, dates_estimated) of these clusters' public
        awards in force on any day of first_day..last_day, the dates as DayNumber: what
        status_years and status_counts_on count, read once by a page that shows both."""
        return (
            StatusAward.objects.published()
            .filter(
                cluster__in=self.values("pk"), valid_from__lte=last_day, valid_until__gte=first_day
            )
            # Unordered: the awards' default order (by cluster name) joined and sorted every
            # cluster for rows that are only counted.
            .order_by()
            .values_list(
                "cluster_id", DayNumber("valid_from"), DayNumber("valid_until"), "dates_estimated"
            )
        )

    def status_years(self, first_year, last_year, periods=None):
        """{year: (clusters that held status that year, how many of them only by estimated dates)}.

        A cluster counts in a year when an award's proven period touches it; the
        count rests on estimates when only awards with estimated dates put it there.
        One query whatever the number of clusters: the awards' periods are read
        once, each cluster's years gathered as the bits of a number, and clusters of
        the same years counted together. `periods`: these clusters' status_periods
        covering the years, when the caller read them already.
        """
        if periods is None:
            periods = self.status_periods(
                datetime.date(first_year, 1, 1), datetime.date(last_year, 12, 31)
            )
        held, on_exact_dates = {}, {}
        for cluster_id, valid_from, valid_until, estimated in periods:
            first = max(valid_from // 10000, first_year)
            last = min(valid_until // 10000, last_year)
            # Bit n: the year first_year + n.
            years = ((1 << (last - first + 1)) - 1) << (first - first_year)
            held[cluster_id] = held.get(cluster_id, 0) | years
            if not estimated:
                on_exact_dates[cluster_id] = on_exact_dates.get(cluster_id, 0) | years
        counts = {year: [0, 0] for year in range(first_year, last_year + 1)}
        patterns = Counter(
            (years, years & ~on_exact_dates.get(cluster_id, 0))
            for cluster_id, years in held.items()
        )
        for (years, estimated_only), clusters in patterns.items():
            for year, count in counts.items():
                bit = 1 << (year - first_year)
                if years & bit:
                    count[0] += clusters
                    if estimated_only & bit:
                        count[1] += clusters
        return {year: tuple(count) for year, count in counts.items()}

    def status_counts_on(self, days, periods=None):
        """{day: how many of these clusters held status on it}, in one query for all days.

        `periods`: these clusters' status_periods covering the days, if read already.
        """
        days = sorted(set(days))
        if not days:
            return {}
        if periods is None:
            periods = self.status_periods(days[0], days[-1])
        numbers = [(day, day_number(day)) for day in days]
        holders = {day: set() for day in days}
        for cluster_id, valid_from, valid_until, _estimated in periods:
            for day, number in numbers:
                if valid_from <= number <= valid_until:
                    holders[day].add(cluster_id)
        return {day: len(clusters) for day, clusters in holders.items()}

    def last_day_with_status(self, on=None):
        """The latest day up to `on` on which any of these clusters held status, or None."""
        on = on or today()
        held = StatusAward.objects.published().filter(
            cluster__in=self.values("pk"), valid_from__lte=on
        )
        last_end = held.aggregate(last=models.Max("valid_until"))["last"]
        return None if last_end is None else min(last_end, on)

    def expiring_on(self, on=None):
        """Clusters holding status on `on` that ends within the expiry window."""
        on = on or today()
        return self.with_status_end(on).filter(status_end__lte=expiry_horizon(on))

    def in_status_state(self, state, on=None):
        """Clusters in `state` on `on`: one of StatusState, the registry's one vocabulary.

        The same values filter the public list, the admin list and the API, and name
        the status in every export; a cluster expiring on `on` is also current.
        """
        return {
            StatusState.CURRENT: self.with_status_on,
            StatusState.EXPIRING: self.expiring_on,
            StatusState.EXPIRED: self.with_former_status_on,
            StatusState.UNCERTAIN: self.with_status_uncertain_on,
            StatusState.NEVER: self.never_with_status_by,
        }[StatusState(state)](on)

    def by_name(self, name):
        return self.matching_name(name)

    def extra_names(self):
        return ClusterFormerName.objects.values_list("cluster_id", "name")

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
    source_url = source_url_field()
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
                # PostgreSQL reads a page's ids from the index alone (SQLite's hold the rowid).
                include=["id"],
            ),
            # Narrow ones for what the list counts without the cache: the published clusters
            # (3 ms for 100 000, against 13 ms along the wide index above) and those of a
            # voivodeship, which this one also gives in the list's order.
            models.Index(fields=["id"], condition=Q(published=True), name="cluster_published_ids"),
            # The few unpublished ones, which public counts (attach_public_counts) and a
            # search's count from the trigram index (clusters.search.published_matches) leave out.
            models.Index(
                fields=["id"], condition=Q(published=False), name="cluster_unpublished_ids"
            ),
            models.Index(
                fields=["voivodeship", "sort_key", "name"],
                condition=Q(published=True),
                name="cluster_public_voivodeship",
                include=["id"],
            ),
            # A voivodeship's published clusters in id order, for counting them with a
            # status: each one's awards are looked up in award_cluster_validity, whose
            # pages are then read in order rather than at random (the 12 000 of Silesia
            # at 100 000 clusters: 5 ms against 10 ms along the index above).
            models.Index(
                fields=["voivodeship"],
                condition=Q(published=True),
                name="cluster_public_voivodeship_ids",
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
            self.slug = slug_for(type(self), self.name)
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
    def published_awards(self):
        """Awards whose round's results are public: the only ones any status rests on.

        A list may have read them into a plain list, `listed_awards` (Prefetch's to_attr),
        sparing a manager and a queryset each time a rule below asks.
        """
        awards = getattr(self, "listed_awards", None)
        if awards is None:
            awards = self.status_awards.all()
        return [award for award in awards if award.is_published()]

    def valid_awards_on(self, on=None):
        on = on or today()
        return [award for award in self.published_awards() if award.is_valid_on(on)]

    def has_status_on(self, on=None):
        return bool(self.valid_awards_on(on))

    def uncertain_awards_on(self, on=None):
        """Awards that leave `on` open, when no award is in force on it."""
        on = on or today()
        if self.valid_awards_on(on):
            return []
        return [award for award in self.published_awards() if award.is_uncertain_on(on)]

    def has_status_uncertain_on(self, on=None):
        return bool(self.uncertain_awards_on(on))

    def status_award_on(self, on=None):
        """The award behind the answer for `on`: in force (ending last), else uncertain, or None."""
        awards = self.valid_awards_on(on) or self.uncertain_awards_on(on)
        return max(awards, key=lambda award: award.valid_until, default=None)

    def award_told_on(self, on=None):
        """The award a list row or an export row tells about on `on`.

        The one behind the status that day (held or uncertain), else of the awards
        started by then the one ending last, as ClusterFilter's last_status_end.
        """
        on = on or today()
        started = [award for award in self.published_awards() if award.valid_from <= on]
        last = max(started, key=lambda award: award.valid_until, default=None)
        return self.status_award_on(on) or last

    def status_rests_on_estimates(self, on=None):
        """Twin of with_status_on_estimates: the answer for `on` comes only from estimated dates."""
        awards = self.valid_awards_on(on) or self.uncertain_awards_on(on)
        return bool(awards) and all(award.dates_estimated for award in awards)

    def status_valid_until(self, on=None):
        """The end of the status held on `on`, or None."""
        return max((award.valid_until for award in self.valid_awards_on(on)), default=None)

    def is_status_expiring_on(self, on=None):
        on = on or today()
        until = self.status_valid_until(on)
        return until is not None and until <= expiry_horizon(on)

    def status_on(self, on=None):
        """CURRENT, UNCERTAIN, EXPIRED or NEVER for `on` (default today).

        See is_status_expiring_on for EXPIRING.
        """
        on = on or today()
        if self.valid_awards_on(on):
            return StatusState.CURRENT
        if self.uncertain_awards_on(on):
            return StatusState.UNCERTAIN
        if any(award.possible_from <= on for award in self.published_awards()):
            return StatusState.EXPIRED
        return StatusState.NEVER

    def status_badge_on(self, on=None):
        """What a page shows of the status: EXPIRING for a current one that ends soon."""
        state = self.status_on(on)
        if state == StatusState.CURRENT and self.is_status_expiring_on(on):
            return StatusState.EXPIRING
        return state

    def representation_on(self, on=None, terms=None):
        """The coordinator's term on `on` (default today): the registry's one rule.

        Of the terms covering the day, the one begun last (terms left open by mistake
        overlap their successors). `terms` are the cluster's, when already read.
        """
        on = on or today()
        terms = self.representations.all() if terms is None else terms
        covering = [term for term in terms if term.covers(on)]
        return max(covering, key=lambda term: term.since or datetime.date.min, default=None)

    def coordinator_on(self, on=None):
        term = self.representation_on(on)
        return term.coordinator if term else None


class StatusState(models.TextChoices):
    """A cluster's KKK status on a day: the values of every filter and export.

    EXPIRING is a part of CURRENT (the status ends within the expiry window): a
    filter for it lists those clusters, an export marks them in their own column.
    The others exclude each other: UNCERTAIN is neither CURRENT nor EXPIRED.
    """

    CURRENT = "current", _("holds status")
    EXPIRING = "expiring", _("status expiring")
    # Neither yes nor no: the day falls in the margin of an award with estimated dates.
    UNCERTAIN = "uncertain", _("status uncertain")
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
    # A rename is a fact of its own, often reported apart from the cluster's other facts.
    source_url = source_url_field()

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
