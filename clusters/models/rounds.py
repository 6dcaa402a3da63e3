"""Competition rounds and their ordered evaluation stages."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.fields import source_url_field
from core.language import EnglishNamed
from core.models import NaturalKeyQuerySet

from .applications import Application, StageResult
from .awards import StatusAward
from .clusters import OfPublishedCluster


def attach_public_counts(rounds, now=None):
    """Set on each of `rounds` what the public pages count: `applications_recorded` of
    published clusters once the round's results are published, `awards_recorded` of
    published clusters and awards. An unpublished cluster is in no public count.

    One grouped query each for all the rounds: joined to the rounds in one query, a
    round's applications and awards made rows of every pair of them, and a subquery
    per round made PostgreSQL read every cluster for each round. The rows are counted
    from an index of the round's rows alone, leaving out the few unpublished clusters
    read from their own index: joined to every counted row's cluster, the 60 000 awards
    of 100 000 clusters took 65 ms to count.
    """
    now = now or timezone.now()
    rounds = list(rounds)
    published = [r.pk for r in rounds if r.results_published_at and r.results_published_at <= now]
    # No round's results published (a round page before them): no count to build.
    applications = (
        _counts_by_round(
            Application.objects.filter(round__in=published).filter(
                OfPublishedCluster(F("cluster"), True)
            )
        )
        if published
        else {}
    )
    awards = _counts_by_round(counted_awards(now).filter(round__in=[r.pk for r in rounds]))
    for round_ in rounds:
        round_.applications_recorded = applications.get(round_.pk, 0)
        round_.awards_recorded = awards.get(round_.pk, 0)
    return rounds


def counted_awards(now=None):
    """The awards public pages count: public at `now`, of published clusters (left out
    by their own index, so a round's awards are counted from the round's)."""
    return StatusAward.objects.published(now).filter(OfPublishedCluster(F("cluster"), True))


def _counts_by_round(rows):
    return dict(rows.order_by().values("round").annotate(n=Count("*")).values_list("round", "n"))


class RoundQuerySet(NaturalKeyQuerySet):
    def with_results_published(self, now=None):
        """Rounds whose results are public at `now`: the publication moment has come."""
        return self.filter(results_published_at__lte=now or timezone.now())

    def next_publication(self, now=None):
        """The next moment a round's results go public, or None: cached pages end there."""
        now = now or timezone.now()
        return self.filter(results_published_at__gt=now).aggregate(
            next=models.Min("results_published_at")
        )["next"]

    def missing_numbers(self):
        """Numbers of competition rounds before the last recorded one that the registry lacks."""
        return missing_numbers(self.filter(kind="regular").values_list("number", flat=True))


def missing_numbers(numbers):
    """The numbers before the last of `numbers`, those of the recorded competition rounds,
    that are not among them."""
    numbers = set(numbers)
    return [n for n in range(1, max(numbers, default=0)) if n not in numbers]


ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number):
    """Rounds are numbered I, II, … in every notice: 3 → 'III'."""
    digits = ""
    for value, letters in ROMAN:
        count, number = divmod(number, value)
        digits += letters * count
    return digits


class Round(EnglishNamed, models.Model):
    """One competition for KKK status: a numbered round or a renewal competition."""

    class Kind(models.TextChoices):
        REGULAR = "regular", _("competition round")
        RENEWAL = "renewal", _("renewal competition")

    name = models.CharField(_("name"), max_length=150, unique=True)
    name_en = models.CharField(
        _("name (English)"),
        max_length=150,
        blank=True,
        help_text=_("Shown on the English pages; empty: the Polish name is shown."),
    )
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.REGULAR)
    number = models.PositiveSmallIntegerField(
        _("round number"),
        null=True,
        blank=True,
        help_text=_(
            "The competition round's number in digits: 7 for round VII. Empty for a renewal "
            "competition."
        ),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2014)], help_text=_("Year the round was held.")
    )
    organiser = models.ForeignKey(
        "Institution", models.PROTECT, related_name="organised_rounds", verbose_name=_("organiser")
    )
    co_organiser = models.ForeignKey(
        "Institution",
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
    # Running the round in the registry: when its results go public, how far two
    # experts may disagree, whether points are published, and when it was closed.
    results_published_at = models.DateTimeField(
        _("results published at"),
        null=True,
        blank=True,
        help_text=_(
            "Until this moment nothing of the round's applications, scores, outcomes or "
            "awards is public; it may lie in the future. Empty: not published."
        ),
    )
    publishes_points = models.BooleanField(
        _("publishes points"),
        default=False,
        help_text=_("Closing the round publishes each application's points and rank."),
    )
    divergence_share = models.PositiveSmallIntegerField(
        _("experts may differ by (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "The progress page flags two experts whose totals at a stage differ by more "
            "than this share of the stage's maximum points; a third expert may then be "
            "assigned."
        ),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)
    description = models.TextField(_("description"), blank=True)
    source_url = source_url_field()

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

    def results_are_published(self, now=None):
        """Twin of RoundQuerySet.with_results_published: the publication moment has come."""
        now = now or timezone.now()
        return self.results_published_at is not None and self.results_published_at <= now

    # The registry may hold fewer applications and awards than a notice reports
    # ("of 7 clusters only 4 were recertified"): the larger figure is shown.
    # `applications_recorded` / `awards_recorded` are annotated by the public views.
    def applications_total(self):
        return max(self.applications_recorded_count(), self.applications_reported or 0)

    def awards_total(self):
        return max(self.awards_recorded_count(), self.awards_reported or 0)

    # What the registry does not know: the reported figure less the recorded one.
    def applications_unknown(self):
        return max((self.applications_reported or 0) - self.applications_recorded_count(), 0)

    def awards_unknown(self):
        return max((self.awards_reported or 0) - self.awards_recorded_count(), 0)

    def applications_recorded_count(self):
        recorded = getattr(self, "applications_recorded", None)
        return self.applications.count() if recorded is None else recorded

    def awards_recorded_count(self):
        recorded = getattr(self, "awards_recorded", None)
        return self.status_awards.count() if recorded is None else recorded

    def results_figures(self):
        """How many applied, passed each stage and were awarded (from the recorded results)."""
        passed = Count("results", filter=Q(results__result=StageResult.Result.PASSED))
        return {
            "applied": self.applications.count(),
            "stages": list(self.stages.annotate(passed=passed).order_by("order")),
            "awarded": self.applications.filter(outcome=Application.Outcome.AWARDED).count(),
        }

    def organiser_name(self):
        """The organiser as it was called when the round was held, in the page's language."""
        day = self.call_opens or self.results_date or datetime.date(self.year, 7, 1)
        return self.organiser.display_name_on(day)


class EvaluationStage(models.Model):
    class Kind(models.TextChoices):
        FORMAL = "formal", _("formal assessment")
        MERIT = "merit", _("merit assessment")
        PARAMETRIC = "parametric", _("parametric merit assessment")
        PANEL = "panel", _("Expert Panel presentation")

    round = models.ForeignKey(Round, models.CASCADE, related_name="stages", verbose_name=_("round"))
    order = models.PositiveSmallIntegerField(
        _("order"),
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty to put the stage last."),
    )
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
    pass_threshold = models.DecimalField(
        _("points to pass"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A scored stage is passed when the mean of its experts' totals reaches this."),
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

    def save(self, *args, **kwargs):
        if not self.order:
            # Stages are numbered as they are added; reorder_stages() moves them.
            last = self.round.stages.aggregate(last=models.Max("order"))["last"]
            self.order = (last or 0) + 1
        super().save(*args, **kwargs)

    def is_scored(self):
        """Scored by experts against criteria; the others are decided by staff with a note."""
        return self.experts > 0
