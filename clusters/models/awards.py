"""KKK status: the awards a round gave, valid between two dates."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.dates import add_years, today
from core.fields import source_url_field

# Status lasts 3 years from the certificate (competition rules, § on the award).
STATUS_YEARS = 3
# "Expiring" on the site and in the admin means: ends within this many days.
EXPIRING_WITHIN_DAYS = 183


def expiry_horizon(on):
    """A status held on `on` is expiring when it ends on or before this day."""
    return on + datetime.timedelta(days=EXPIRING_WITHIN_DAYS)


def status_end_for(certificate_date):
    """Last day of a status certified on `certificate_date`.

    Art. 112 of the Civil Code: a period given in years ends with the day
    that corresponds by date to the day it started.
    """
    return add_years(certificate_date, STATUS_YEARS)


class StatusAwardQuerySet(models.QuerySet):
    def published(self, now=None):
        """Awards made public by `now`: a round run in the registry publishes them with its
        results; until then no status, count or export rests on them."""
        return self.filter(Q(awaits_publication=False) | Q(published_at__lte=now or timezone.now()))

    def next_publication(self, now=None):
        """The next moment one of these awards goes public, or None."""
        return self.filter(
            awaits_publication=True, published_at__gt=now or timezone.now()
        ).aggregate(next=models.Min("published_at"))["next"]

    def valid_on(self, on=None):
        """Awards in force on `on`: both validity dates are inclusive."""
        on = on or today()
        return self.filter(valid_from__lte=on, valid_until__gte=on)

    def uncertain_on(self, on=None):
        """Awards whose estimated dates leave `on` open: in a margin, not in the proven period.

        The margins are earliest_start..valid_from-1 and valid_until+1..latest_end;
        an empty bound means the sources leave no margin at that end.
        """
        on = on or today()
        return self.filter(
            Q(earliest_start__lte=on, valid_from__gt=on) | Q(valid_until__lt=on, latest_end__gte=on)
        )


class StatusAward(models.Model):
    """KKK status given to a cluster by a round's outcome."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("granted")
        RENEWED = "renewed", _("renewed")

    cluster = models.ForeignKey(
        "Cluster", models.PROTECT, related_name="status_awards", verbose_name=_("cluster")
    )
    round = models.ForeignKey(
        "Round", models.PROTECT, related_name="status_awards", verbose_name=_("round")
    )
    application = models.OneToOneField(
        "Application",
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
    # For estimated dates valid_from..valid_until is only what the sources prove; these
    # bound what they allow, so a day between the two gets "uncertain", not yes or no.
    earliest_start = models.DateField(
        _("may have started as early as"),
        null=True,
        blank=True,
        help_text=_(
            "Estimated dates only: the earliest start the sources allow. "
            "Empty when the start is known."
        ),
    )
    latest_end = models.DateField(
        _("may have lasted until"),
        null=True,
        blank=True,
        help_text=_(
            "Estimated dates only: the latest end the sources allow. Empty when the end is known."
        ),
    )
    # Awards entered or imported by hand record a status already announced: public at
    # once. Closing a round run in the registry makes awards that wait for its results.
    awaits_publication = models.BooleanField(
        _("awaits the publication of results"),
        default=False,
        help_text=_("Made by closing a round: public only from its results' publication."),
    )
    published_at = models.DateTimeField(
        _("public from"),
        null=True,
        blank=True,
        help_text=_("The round's publication of results, for awards that await it."),
    )
    note = models.TextField(_("note"), blank=True)
    source_url = source_url_field()

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
            models.CheckConstraint(
                condition=Q(dates_estimated=True)
                | Q(earliest_start__isnull=True, latest_end__isnull=True),
                name="award_bounds_only_when_estimated",
                violation_error_message=_(
                    "Only estimated dates have an earliest start or a latest end."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(earliest_start__isnull=True) | Q(earliest_start__lte=F("valid_from")))
                & (Q(latest_end__isnull=True) | Q(latest_end__gte=F("valid_until"))),
                name="award_bounds_around_validity",
                violation_error_message=_(
                    "The earliest start cannot follow the start of validity, "
                    "nor the latest end precede its end."
                ),
            ),
            models.UniqueConstraint(
                fields=["cluster", "round"],
                name="award_one_per_cluster_and_round",
                violation_error_message=_("This cluster already has an award from this round."),
            ),
        ]
        indexes = [
            models.Index(fields=["valid_from", "valid_until"], name="award_validity"),
            # A cluster's status on a day read from the index alone (the list's status
            # filter asks it of every cluster: 18 ms instead of 70 for 12 000 of them).
            models.Index(
                fields=[
                    "cluster",
                    "valid_until",
                    "valid_from",
                    "awaits_publication",
                    "published_at",
                ],
                name="award_cluster_validity",
            ),
            # A round's public awards counted from the index alone (attach_public_counts):
            # 60 000 awards of six rounds in 6 ms instead of 65 through their clusters' rows.
            models.Index(
                fields=["round", "awaits_publication", "published_at", "cluster"],
                name="award_round_publication",
            ),
        ]

    def __str__(self):
        return f"{self.cluster} – {self.round}"

    def save(self, *args, **kwargs):
        self.fill_derived_fields()
        super().save(*args, **kwargs)

    def fill_derived_fields(self):
        """What save() fills in; bulk inserts call this, not save()."""
        self.fill_default_dates()

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
        errors.update(self.bound_errors())
        if errors:
            raise ValidationError(errors)

    def bound_errors(self):
        """The two bound constraints as field messages (clean() runs before them)."""
        errors = {}
        if not self.dates_estimated:
            message = _("Only estimated dates have an earliest start or a latest end.")
            if self.earliest_start:
                errors["earliest_start"] = message
            if self.latest_end:
                errors["latest_end"] = message
            return errors
        if self.earliest_start and self.valid_from and self.earliest_start > self.valid_from:
            errors["earliest_start"] = _("The earliest start cannot follow the start of validity.")
        if self.latest_end and self.valid_until and self.latest_end < self.valid_until:
            errors["latest_end"] = _("The latest end cannot precede the end of validity.")
        return errors

    @property
    def possible_from(self):
        """The first day on which the status may have been held."""
        return self.earliest_start or self.valid_from

    @property
    def possible_until(self):
        """The last day on which the status may have been held."""
        return self.latest_end or self.valid_until

    @property
    def has_margin(self):
        return bool(self.earliest_start or self.latest_end)

    def is_published(self, now=None):
        """Twin of StatusAwardQuerySet.published."""
        if not self.awaits_publication:
            return True
        return self.published_at is not None and self.published_at <= (now or timezone.now())

    def is_valid_on(self, on=None):
        on = on or today()
        return self.valid_from <= on <= self.valid_until

    def is_uncertain_on(self, on=None):
        """Twin of StatusAwardQuerySet.uncertain_on."""
        on = on or today()
        return self.possible_from <= on <= self.possible_until and not self.is_valid_on(on)

    def state_on(self, on=None):
        """One of AwardState for `on` (default today)."""
        on = on or today()
        if self.is_uncertain_on(on):
            return AwardState.UNCERTAIN
        if on < self.valid_from:
            return AwardState.FUTURE
        if on > self.valid_until:
            return AwardState.EXPIRED
        if self.valid_until <= expiry_horizon(on):
            return AwardState.EXPIRING
        return AwardState.CURRENT


class AwardState(models.TextChoices):
    FUTURE = "future", _("not yet in force")
    CURRENT = "current", _("in force")
    EXPIRING = "expiring", _("in force, expiring soon")
    EXPIRED = "expired", _("expired")
    # Estimated dates: the day is in a margin the sources neither prove nor rule out.
    UNCERTAIN = "uncertain", _("uncertain (estimated dates)")


class ReportedStatusCountQuerySet(models.QuerySet):
    def between(self, first_day, last_day):
        return self.filter(on__range=(first_day, last_day))

    def above_registry(self, clusters, periods=None):
        """These reports where `clusters` (a Cluster queryset) hold status on fewer days' counts.

        Each report comes with `known`: how many of `clusters` the registry says held
        status that day. Two queries, whatever the number of reports; one when the
        caller read the clusters' status_periods covering the reports' days (`periods`).
        """
        reports = list(self)
        known = clusters.status_counts_on([report.on for report in reports], periods)
        short = []
        for report in reports:
            report.known = known[report.on]
            if report.is_above_registry():
                short.append(report)
        return short


class ReportedStatusCount(models.Model):
    """How many clusters held KKK status on a day, as a source reports it.

    Notices give totals ("16 KKK after round II") where the registry may not know
    every holder (rounds III and IV are missing from it): pages compare the two
    and say when the registry's own count falls short.
    """

    on = models.DateField(
        _("date"), unique=True, help_text=_("The day the source gives the count for.")
    )
    clusters = models.PositiveSmallIntegerField(
        _("clusters holding status"), validators=[MinValueValidator(1)]
    )
    note = models.CharField(_("note"), max_length=250, blank=True)
    source_url = source_url_field()

    objects = ReportedStatusCountQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reported status count")
        verbose_name_plural = _("reported status counts")
        ordering = ["on"]

    def __str__(self):
        return f"{self.on:%d.%m.%Y}: {self.clusters}"

    def is_above_registry(self):
        """Whether the registry knows fewer holders that day (`known`, set by the queryset)."""
        return self.known < self.clusters
