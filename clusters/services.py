"""Multi-step changes to the registry: atomic, checked first, failing with a domain error."""

import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ASSESSMENT_AREAS,
    Application,
    Cluster,
    ClusterFormerName,
    Criterion,
    CriterionScore,
    EvaluationStage,
    ExpertAssignment,
    Representation,
    Round,
    ScoreCard,
    StageResult,
    StatusAward,
)

logger = logging.getLogger(__name__)


class RegistryError(Exception):
    """A change the registry's rules do not allow; the message is shown to the user."""


def grant_status_to_successful_applications(round_, certificate_date=None, user=None):
    """Create the StatusAward of every successful application of the round that has none.

    Successful: its outcome says status awarded, or it is still pending and its stage
    results award it (Application.outcome_by_results); such an application's outcome
    is then set to awarded, recorded in its history as the grant's doing.

    The certificate date defaults to the round's gala (certificates are handed out
    there), else its results date; validity follows from it as in StatusAward.save().
    A cluster that already holds an award from this round is never given a second one.
    Returns the awards created.
    """
    with transaction.atomic():
        # Locking the round makes two simultaneous grants run one after the other.
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        certificate_date = certificate_date or round_.gala_date or round_.results_date
        if certificate_date is None:
            raise RegistryError(
                _(
                    "“%(round)s” has no certificate gala or results date: "
                    "fill one in before granting status."
                )
                % {"round": round_}
            )
        stages = list(round_.stages.order_by("order"))
        candidates = (
            round_.applications.filter(
                outcome__in=[Application.Outcome.AWARDED, Application.Outcome.PENDING],
                status_award=None,
            )
            .exclude(cluster__status_awards__round=round_)
            .select_related("cluster", "round")
            .prefetch_related("stage_results")
        )
        successful = []
        for application in candidates:
            if application.outcome == Application.Outcome.PENDING:
                if application.outcome_by_results(stages) != Application.Outcome.AWARDED:
                    continue
                application.outcome = Application.Outcome.AWARDED
                application._history_user = user
                application._change_reason = _("grant status: every stage passed")
                application.save(update_fields=["outcome"])
            successful.append(application)
        kind = (
            StatusAward.Kind.RENEWED
            if round_.kind == Round.Kind.RENEWAL
            else StatusAward.Kind.GRANTED
        )
        awards = []
        for application in successful:
            award = StatusAward(
                cluster=application.cluster,
                round=round_,
                application=application,
                kind=kind,
                certificate_date=certificate_date,
            )
            award.full_clean()
            award.save()
            awards.append(award)
    logger.info("Granted status to %d application(s) of %s", len(awards), round_)
    return awards


def merge_cluster_into(old, new, user=None, reason=""):
    """Make `old` a former name of `new`: its records move to `new`, then `old` goes.

    For a cluster recorded twice under two names (Wschodni Klaster Budowlany, renamed
    Polski Klaster Budowlany). A record `new` already has the like of (an award or
    application of the same round, a term of the same coordinator, figures of the same
    year) is the better-sourced one: `old`'s is deleted rather than moved. Every
    relation to clusters is followed, those of apps built on this one (events) too.
    """
    if old.pk == new.pk:
        raise RegistryError(_("A cluster cannot be merged into itself."))
    with transaction.atomic():
        coordinators = set(new.representations.values_list("coordinator_id", flat=True))
        for relation in Cluster._meta.related_objects:
            if relation.many_to_many:
                accessor = getattr(new, relation.get_accessor_name())
                accessor.add(*getattr(old, relation.get_accessor_name()).all())
                continue
            for row in getattr(old, relation.get_accessor_name()).all():
                row._history_user, row._change_reason = user, reason
                setattr(row, relation.field.name, new)
                duplicate = isinstance(row, Representation) and row.coordinator_id in coordinators
                try:
                    row.validate_constraints()
                except ValidationError:
                    duplicate = True
                if duplicate:
                    setattr(row, relation.field.name, old)
                    row.delete()
                else:
                    row.save()
        for specialisation in old.specialisations.all():
            new.specialisations.add(specialisation)
        if not new.former_names.filter(name__iexact=old.name).exists():
            former = ClusterFormerName(cluster=new, name=old.name)
            former._history_user, former._change_reason = user, reason
            former.save()
        old._history_user, old._change_reason = user, reason
        old.delete()
        new.refresh_search_text()
    logger.info("Merged cluster %s into %s", old, new)


# --- Running a round --------------------------------------------------------------

# The group whose members score applications (kkkregistry.roles.EXPERTS; named here
# because the project package sits above this app).
EXPERTS_GROUP = "experts"


def _validation_text(error):
    return " ".join(error.messages)


def add_assessment_areas(stage, user=None):
    """Give a scored stage the five assessment areas of the notices as its criteria.

    The stage's maximum is shared equally (to half points); staff edit the copies.
    """
    if not stage.is_scored():
        raise RegistryError(
            _("“%(stage)s” is not scored by experts: it has no criteria.") % {"stage": stage}
        )
    if stage.max_points is None:
        raise RegistryError(_("Give “%(stage)s” its maximum points first.") % {"stage": stage})
    if stage.criteria.exists():
        raise RegistryError(_("“%(stage)s” already has criteria.") % {"stage": stage})
    share = (Decimal(stage.max_points) / len(ASSESSMENT_AREAS) * 2).quantize(Decimal(1)) / 2
    criteria = []
    with transaction.atomic():
        for order, area in enumerate(ASSESSMENT_AREAS, start=1):
            criterion = Criterion(stage=stage, order=order, name=str(area), max_points=share)
            criterion._history_user = user
            criterion.save()
            criteria.append(criterion)
    return criteria


def check_stages_can_move(round_):
    """Refuse to reorder a round's stages once any result was decided (the admin asks first)."""
    if (
        StageResult.objects.filter(stage__round=round_)
        .exclude(result=StageResult.Result.PENDING)
        .exists()
    ):
        raise RegistryError(_("Stages cannot be reordered once a result was decided."))


def reorder_stages(round_, stages):
    """Number the round's stages 1, 2, … in the order given (every stage, once)."""
    stages = list(stages)
    if sorted(s.pk for s in stages) != sorted(round_.stages.values_list("pk", flat=True)):
        raise RegistryError(_("Give every stage of the round once."))
    check_stages_can_move(round_)
    with transaction.atomic():
        # Out of the way first: (round, order) is unique at every step.
        top = round_.stages.aggregate(top=Max("order"))["top"] or 0
        for offset, stage in enumerate(stages, start=1):
            EvaluationStage.objects.filter(pk=stage.pk).update(order=top + offset)
        for order, stage in enumerate(stages, start=1):
            stage.order = order
            stage.save(update_fields=["order"])


def _refuse_when_closed(round_):
    if round_.closed_at is not None:
        raise RegistryError(_("“%(round)s” is closed.") % {"round": round_})


def check_assignment(application, stage, expert):
    """Refuse an assignment the round's rules do not allow (the admin's form asks too)."""
    _refuse_when_closed(application.round)
    if stage.round_id != application.round_id:
        raise RegistryError(_("The stage belongs to another round than the application."))
    if not stage.is_scored():
        raise RegistryError(
            _("“%(stage)s” is decided by staff, not scored by experts.") % {"stage": stage}
        )
    if not expert.groups.filter(name=EXPERTS_GROUP).exists():
        raise RegistryError(
            _("%(user)s is not in the experts group.") % {"user": expert.get_username()}
        )
    if application.assignments.filter(
        expert=expert, impartiality=ExpertAssignment.Impartiality.CONFLICT
    ).exists():
        raise RegistryError(
            _("%(user)s declared a conflict of interest with this application.")
            % {"user": expert.get_username()}
        )


def assign_expert(application, stage, expert, user=None):
    """Assign an independent expert to score the application at the stage."""
    check_assignment(application, stage, expert)
    assignment = ExpertAssignment(application=application, stage=stage, expert=expert)
    try:
        assignment.full_clean()
    except ValidationError as error:
        raise RegistryError(_validation_text(error)) from error
    assignment._history_user = user
    assignment.save()
    return assignment


def declare_impartiality(assignment, impartial, conflict_note=""):
    """The expert's declaration before the first look at the application, with its time.

    A declared conflict ends the assignment (its record stays); the editors find it on
    their dashboard and the round's progress page, and assign another expert.
    """
    if assignment.impartiality != ExpertAssignment.Impartiality.PENDING:
        raise RegistryError(_("The declaration for this application was already made."))
    if not impartial and not conflict_note.strip():
        raise RegistryError(_("Say what the conflict of interest is."))
    assignment.declared_at = timezone.now()
    assignment.impartiality = (
        ExpertAssignment.Impartiality.DECLARED
        if impartial
        else ExpertAssignment.Impartiality.CONFLICT
    )
    assignment.conflict_note = "" if impartial else conflict_note.strip()
    assignment._history_user = assignment.expert
    assignment.save()
    if not impartial:
        logger.warning("Conflict of interest declared: %s", assignment)
    return assignment


def save_score_card(assignment, scores, submit=False):
    """Save the expert's points and justifications; `submit` locks the card.

    `scores` maps a criterion of the assignment's stage to (points, justification).
    A draft may be incomplete; a submitted card has points and a justification for
    every criterion. When the stage's last card comes in, its result is computed.
    """
    if assignment.impartiality != ExpertAssignment.Impartiality.DECLARED:
        raise RegistryError(_("Declare impartiality before scoring the application."))
    card, _created = ScoreCard.objects.get_or_create(assignment=assignment)
    if card.is_locked():
        raise RegistryError(_("The score card was submitted and is locked."))
    criteria = list(assignment.stage.criteria.all())
    if not criteria:
        raise RegistryError(_("The stage has no criteria yet."))
    errors = []
    with transaction.atomic():
        for criterion, (points, justification) in scores.items():
            if criterion not in criteria:
                raise RegistryError(_("The criterion belongs to another stage."))
            score, _created = CriterionScore.objects.get_or_create(card=card, criterion=criterion)
            score.points = points
            score.justification = (justification or "").strip()
            try:
                score.full_clean()
            except ValidationError as error:
                errors.append(f"{criterion.name}: {_validation_text(error)}")
                continue
            score._history_user = assignment.expert
            score.save()
        if errors:
            raise RegistryError(" ".join(errors))
        if submit:
            given = {s.criterion_id: s for s in card.scores.all()}
            incomplete = [
                c.name
                for c in criteria
                if c.pk not in given or given[c.pk].points is None or not given[c.pk].justification
            ]
            if incomplete:
                raise RegistryError(
                    _("Give points and a justification for every criterion: %(missing)s.")
                    % {"missing": ", ".join(incomplete)}
                )
            card.state = ScoreCard.State.SUBMITTED
            card.submitted_at = timezone.now()
            card._history_user = assignment.expert
            card.save()
            score_stages_when_ready(assignment.application)
    return card


def reopen_score_card(card, reason, user=None):
    """Staff reopen a submitted card for the expert to correct; the reason is recorded."""
    _refuse_when_closed(card.assignment.application.round)
    if not card.is_locked():
        raise RegistryError(_("The score card is not submitted."))
    if not reason.strip():
        raise RegistryError(_("Give the reason for reopening the score card."))
    assignment = card.assignment
    result = assignment.application.stage_results.filter(stage=assignment.stage).first()
    later = assignment.application.stage_results.filter(
        stage__order__gt=assignment.stage.order
    ).exclude(result=StageResult.Result.PENDING)
    if later.exists():
        raise RegistryError(_("A later stage was decided already: the card cannot be reopened."))
    with transaction.atomic():
        card.state = ScoreCard.State.DRAFT
        card.submitted_at = None
        card.reopen_reason = reason.strip()
        card._history_user = user
        card._change_reason = reason.strip()
        card.save()
        if result is not None:
            # The stage's result rested on this card: it waits for the card again.
            result.result, result.points = StageResult.Result.PENDING, None
            result._history_user, result._change_reason = user, reason.strip()
            result.save()
    return card


def submitted_cards(application, stage):
    """The submitted cards of the experts still assigned, or None while any is missing."""
    active = [
        a
        for a in application.assignments.filter(stage=stage).select_related("score_card")
        if a.is_active()
    ]
    cards = [getattr(a, "score_card", None) for a in active]
    if len(active) < stage.experts or any(c is None or not c.is_locked() for c in cards):
        return None
    return cards


def score_stages_when_ready(application):
    """Compute the scored stages whose cards are all in and whose earlier stages passed.

    Experts may submit before staff decide an earlier stage; the result then follows
    that decision.
    """
    verdicts = {r.stage_id: r.result for r in application.stage_results.all()}
    for stage in application.round.stages.order_by("order"):
        verdict = verdicts.get(stage.pk, StageResult.Result.PENDING)
        if verdict == StageResult.Result.PENDING and stage.is_scored():
            result = score_stage(application, stage)
            verdict = result.result if result else verdict
        if verdict != StageResult.Result.PASSED:
            return


def score_stage(application, stage, user=None):
    """The stage's result from its submitted cards: the mean total against its threshold.

    Returns the result, or None while a card is missing.
    """
    cards = submitted_cards(application, stage)
    if cards is None:
        return None
    mean = sum((card.total() for card in cards), Decimal(0)) / len(cards)
    passed = stage.pass_threshold is None or mean >= stage.pass_threshold
    return _save_stage_result(
        application,
        stage,
        StageResult.Result.PASSED if passed else StageResult.Result.FAILED,
        points=mean.quantize(Decimal("0.01")),
        user=user,
    )


def decide_stage(application, stage, passed, note, user=None):
    """Staff decide an unscored stage (formal assessment, Expert Panel), with a note."""
    _refuse_when_closed(application.round)
    if stage.is_scored():
        raise RegistryError(
            _("“%(stage)s” is scored by experts: its result follows from their cards.")
            % {"stage": stage}
        )
    if not note.strip():
        raise RegistryError(_("Give a note on the decision."))
    result = _save_stage_result(
        application,
        stage,
        StageResult.Result.PASSED if passed else StageResult.Result.FAILED,
        note=note.strip(),
        user=user,
    )
    score_stages_when_ready(application)
    return result


def _save_stage_result(application, stage, verdict, points=None, note="", user=None):
    result = StageResult.objects.filter(application=application, stage=stage).first()
    result = result or StageResult(application=application, stage=stage)
    result.result, result.points, result.note = verdict, points, note
    try:
        result.full_clean()
    except ValidationError as error:
        raise RegistryError(_validation_text(error)) from error
    result._history_user = user
    result.save()
    return result


def round_progress(round_):
    """Staff's view of a running round: for each application and stage, who scores it,
    how far they are, what is missing, and whether two experts' totals diverge.

    Returns a list of (application, [cell, …]) in the stages' order; a cell is a dict
    with the stage, its result, the assignments and the flags.
    """
    stages = list(round_.stages.order_by("order"))
    applications = round_.applications.select_related("cluster").prefetch_related(
        "stage_results",
        models.Prefetch(
            "assignments",
            queryset=ExpertAssignment.objects.select_related(
                "expert", "score_card"
            ).prefetch_related("score_card__scores"),
        ),
    )
    rows = []
    for application in applications:
        results = {r.stage_id: r for r in application.stage_results.all()}
        cells = []
        # After a failed stage the later ones are never decided: nothing is missing there.
        failed = False
        for stage in stages:
            assignments = [a for a in application.assignments.all() if a.stage_id == stage.pk]
            active = [a for a in assignments if a.is_active()]
            totals = [
                a.score_card.total()
                for a in active
                if hasattr(a, "score_card") and a.score_card.is_locked()
            ]
            cells.append(
                {
                    "stage": stage,
                    "result": results.get(stage.pk),
                    "assignments": assignments,
                    "experts_missing": max(stage.experts - len(active), 0),
                    "cards_missing": len(active) - len(totals),
                    "diverges": diverges(round_, stage, totals),
                    "after_failure": failed,
                }
            )
            result = results.get(stage.pk)
            failed = failed or (result is not None and result.result == StageResult.Result.FAILED)
        rows.append((application, cells))
    return rows


def diverges(round_, stage, totals):
    """Two experts' totals differ by more than the round's share of the stage's maximum."""
    if round_.divergence_share is None or not stage.max_points or len(totals) < 2:
        return False
    allowed = Decimal(stage.max_points) * round_.divergence_share / 100
    return max(totals) - min(totals) > allowed


def missing_in_round(round_):
    """What still has to happen before the round can be closed, one sentence each."""
    missing = []
    if (round_.gala_date or round_.results_date) is None:
        missing.append(_("the certificate gala or results date"))
    stages = list(round_.stages.order_by("order"))
    if not stages:
        missing.append(_("the round's stages"))
    applications = round_.applications.select_related("cluster").prefetch_related("stage_results")
    for application in applications:
        if application.outcome == Application.Outcome.WITHDRAWN:
            continue
        verdicts = {r.stage_id: r.result for r in application.stage_results.all()}
        for stage in stages:
            verdict = verdicts.get(stage.pk, StageResult.Result.PENDING)
            if verdict == StageResult.Result.FAILED:
                break
            if verdict == StageResult.Result.PENDING:
                what = _("score cards") if stage.is_scored() else _("the staff's decision")
                missing.append(
                    _("%(cluster)s: %(stage)s (%(what)s)")
                    % {"cluster": application.cluster, "stage": stage, "what": what}
                )
                break
    return missing


def close_round(round_, user=None):
    """Close the round: outcomes, ranks and the status awards, in one step, once.

    Refuses while anything is missing (and says what). Outcomes follow the stages
    (Application.outcome_by_results), except one kept with its recorded reason; the
    total is the sum of the stages' points; ranks put the awarded first, each group by
    its totals. The
    awards start at the gala (or results date) and last until the round's end date or
    3 years; they become public with the round's results.
    """
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.closed_at is not None:
            raise RegistryError(
                _("“%(round)s” was closed on %(when)s.")
                % {"round": round_, "when": timezone.localtime(round_.closed_at)}
            )
        missing = missing_in_round(round_)
        if missing:
            raise RegistryError(
                _("“%(round)s” cannot be closed yet. Missing: %(missing)s.")
                % {"round": round_, "missing": "; ".join(missing)}
            )
        stages = list(round_.stages.order_by("order"))
        applications = list(
            round_.applications.exclude(outcome=Application.Outcome.WITHDRAWN)
            .select_related("round", "cluster")
            .prefetch_related("stage_results")
        )
        for application in applications:
            points = [r.points for r in application.stage_results.all() if r.points is not None]
            application.total_points = sum(points, Decimal(0)) if points else None
            expected = application.outcome_by_results(stages)
            if not application.outcome_reason.strip():
                application.outcome = expected
            application.scores_published = round_.publishes_points
        ranked = sorted(
            (a for a in applications if a.outcome == Application.Outcome.AWARDED),
            key=lambda a: a.total_points or 0,
            reverse=True,
        )
        ranked += sorted(
            (a for a in applications if a.outcome != Application.Outcome.AWARDED),
            key=lambda a: a.total_points or 0,
            reverse=True,
        )
        for rank, application in enumerate(ranked, start=1):
            application.rank = rank
            application._history_user = user
            application._change_reason = _("round closed")
            application.check_outcome(stages)
            application.save()
        awards = grant_status_to_successful_applications(round_, user=user)
        round_.status_awards.filter(application__in=applications).update(
            awaits_publication=True, published_at=round_.results_published_at
        )
        round_.closed_at = timezone.now()
        round_._history_user = user
        round_._change_reason = _("round closed")
        round_.save(update_fields=["closed_at"])
    logger.info("Closed %s: %d award(s)", round_, len(awards))
    return awards


def publish_results(round_, at, user=None):
    """Set when the round's results go public (possibly in the future; None withdraws).

    Its status awards follow: no status shows before the results do.
    """
    with transaction.atomic():
        round_.results_published_at = at
        round_._history_user = user
        round_.save(update_fields=["results_published_at"])
        round_.status_awards.update(published_at=at)
