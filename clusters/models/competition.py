"""Running a round in the registry: criteria, experts' assignments and their score cards."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The five assessment areas the notices name; each round may edit its own copies.
ASSESSMENT_AREAS = [
    _("human, infrastructural and financial resources"),
    _("economic potential"),
    _("knowledge creation and transfer"),
    _("activity for public policies"),
    _("customer orientation"),
]


class Criterion(models.Model):
    """One criterion of a scored stage, with the most points an expert may give for it."""

    stage = models.ForeignKey(
        "EvaluationStage", models.CASCADE, related_name="criteria", verbose_name=_("stage")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    max_points = models.DecimalField(
        _("maximum points"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["stage", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "name"],
                name="criterion_name_unique_in_stage",
                violation_error_message=_("The stage already has a criterion of this name."),
            ),
        ]

    def __str__(self):
        return f"{self.name} (max. {self.max_points})"


class ExpertAssignment(models.Model):
    """An independent expert scores one application at one stage."""

    class Impartiality(models.TextChoices):
        PENDING = "pending", _("not declared yet")
        DECLARED = "declared", _("impartiality declared")
        CONFLICT = "conflict", _("conflict of interest declared")

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="expert_assignments",
        verbose_name=_("expert"),
    )
    application = models.ForeignKey(
        "Application", models.CASCADE, related_name="assignments", verbose_name=_("application")
    )
    stage = models.ForeignKey(
        "EvaluationStage", models.PROTECT, related_name="assignments", verbose_name=_("stage")
    )
    impartiality = models.CharField(
        _("declaration of impartiality"),
        max_length=10,
        choices=Impartiality,
        default=Impartiality.PENDING,
    )
    # The declaration is signed before the first look at the application: when, exactly.
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    conflict_note = models.TextField(_("conflict of interest"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["application", "stage__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["expert", "application", "stage"],
                name="assignment_one_per_expert_application_stage",
                violation_error_message=_(
                    "This expert is already assigned to the application at this stage."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.application} – {self.stage}"

    def is_active(self):
        """A conflict of interest ends the assignment; its record stays."""
        return self.impartiality != self.Impartiality.CONFLICT

    def clean(self):
        if (
            self.stage_id
            and self.application_id
            and self.stage.round_id != self.application.round_id
        ):
            raise ValidationError(
                {"stage": _("The stage belongs to another round than the application.")}
            )


class ScoreCard(models.Model):
    """An expert's points for one assignment: a draft until submitted, then locked."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    assignment = models.OneToOneField(
        ExpertAssignment, models.CASCADE, related_name="score_card", verbose_name=_("assignment")
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # Staff reopen a submitted card only with a reason; each one stays in the history.
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score card")
        verbose_name_plural = _("score cards")
        ordering = ["assignment"]

    def __str__(self):
        return str(self.assignment)

    def is_locked(self):
        return self.state == self.State.SUBMITTED

    def total(self):
        return sum((score.points or 0 for score in self.scores.all()), Decimal(0))


class CriterionScore(models.Model):
    card = models.ForeignKey(
        ScoreCard, models.CASCADE, related_name="scores", verbose_name=_("score card")
    )
    criterion = models.ForeignKey(
        Criterion, models.PROTECT, related_name="scores", verbose_name=_("criterion")
    )
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    justification = models.TextField(_("justification"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("score for a criterion")
        verbose_name_plural = _("scores for criteria")
        ordering = ["card", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "criterion"], name="criterion_score_one_per_card"
            ),
        ]

    def __str__(self):
        return f"{self.criterion.name}: {self.points}"

    def clean(self):
        if self.points is None:
            return
        if self.points < 0 or self.points * 2 != int(self.points * 2):
            raise ValidationError({"points": _("Give whole or half points, not less than 0.")})
        if self.points > self.criterion.max_points:
            raise ValidationError(
                {
                    "points": _("%(points)s exceeds the criterion's maximum of %(max)s points.")
                    % {"points": self.points, "max": self.criterion.max_points}
                }
            )
