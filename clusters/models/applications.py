"""Applications to a round, their stage results and the experts' scores."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords


class ApplicationQuerySet(models.QuerySet):
    def results_public(self):
        """Applications whose outcome and points the public may read: the one rule for results.

        Scores published by staff, for a published cluster, once the round's results
        are published.
        """
        return self.filter(
            scores_published=True,
            cluster__published=True,
            round__results_published_at__lte=timezone.now(),
        )

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
        "Round", models.PROTECT, related_name="applications", verbose_name=_("round")
    )
    cluster = models.ForeignKey(
        "Cluster", models.PROTECT, related_name="applications", verbose_name=_("cluster")
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
    # A deliberate exception to the stage results (an appeal upheld, a withdrawal of
    # status) must say why; the reason is kept in the application's history.
    outcome_reason = models.TextField(
        _("reason for the outcome"),
        blank=True,
        help_text=_(
            "Required only when the outcome differs from what the stage results give: "
            "why the exception was made."
        ),
    )
    rank = models.PositiveSmallIntegerField(
        _("rank"), null=True, blank=True, help_text=_("Set when the round is closed.")
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

    def outcome_by_results(self, stages, verdicts=None):
        """The outcome the stage results give, or None when the round has no stages.

        Every stage passed (and, where the round sets a threshold, the total points
        reach it): status awarded. A stage failed, or points below the threshold:
        rejected. Otherwise the evaluation is still going on: pending. `stages` are
        the round's, in order (read once for a whole round); `verdicts` maps a stage's
        id to its result as a form or a file is about to save it, None reads the
        application's saved results.
        """
        if not stages:
            return None
        if verdicts is None:
            verdicts = {result.stage_id: result.result for result in self.stage_results.all()}
        in_order = [verdicts.get(stage.pk, StageResult.Result.PENDING) for stage in stages]
        if StageResult.Result.FAILED in in_order:
            return self.Outcome.REJECTED
        if any(verdict != StageResult.Result.PASSED for verdict in in_order):
            return self.Outcome.PENDING
        threshold = self.round.pass_threshold
        if threshold is not None:
            if self.total_points is None:
                return self.Outcome.PENDING
            if self.total_points < threshold:
                return self.Outcome.REJECTED
        return self.Outcome.AWARDED

    def check_outcome(self, stages, verdicts=None):
        """Refuse an outcome the stage results do not give, unless a reason is recorded.

        A withdrawal is a fact, not a verdict: always allowed. Pending is allowed while
        the results are incomplete or award the status (the grant action then records
        it); after a failed stage the outcome is “rejected”. Arguments as for
        outcome_by_results().
        """
        if self.outcome == self.Outcome.WITHDRAWN or self.outcome_reason.strip():
            return
        expected = self.outcome_by_results(stages, verdicts)
        if expected is None or expected == self.outcome:
            return
        if self.outcome == self.Outcome.PENDING and expected == self.Outcome.AWARDED:
            return
        raise ValidationError(
            {
                "outcome": _(
                    "The stage results give the outcome “%(expected)s”, not “%(outcome)s”. "
                    "Change the outcome, or give the reason for the exception."
                )
                % {
                    "expected": self.Outcome(expected).label,
                    "outcome": self.Outcome(self.outcome).label,
                }
            },
            code="outcome_disagrees",
        )

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
        "EvaluationStage", models.PROTECT, related_name="results", verbose_name=_("stage")
    )
    result = models.CharField(_("result"), max_length=10, choices=Result, default=Result.PENDING)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)
    # Unscored stages (formal, Expert Panel) are decided by staff: the note says why.
    note = models.TextField(_("decision note"), blank=True)

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
        # The application may be unsaved yet (a new one with its results in one form).
        cached = type(self).application.is_cached(self)
        application = self.application if self.application_id or cached else None
        if not (self.stage_id and application is not None):
            return
        if self.stage.round_id != application.round_id:
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
