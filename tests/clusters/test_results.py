"""Evaluation results: stages decided in order, points within the maximum, what is waiting."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from clusters.models import Application, Cluster, ExpertScore, StatusState
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    StageFactory,
    StageResultFactory,
    StatusAwardFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = datetime.date


@pytest.fixture
def stages():
    formal = StageFactory(order=1, kind="formal")
    merit = StageFactory(round=formal.round, order=2, kind="merit")
    scored = StageFactory(round=formal.round, order=3, kind="parametric", max_points=140, experts=2)
    return formal, merit, scored


def test_a_later_stage_cannot_be_passed_before_the_earlier_one(stages):
    formal, merit, _ = stages
    application = ApplicationFactory(round=formal.round)
    result = StageResultFactory.build(application=application, stage=merit, result="passed")
    with pytest.raises(ValidationError, match="earlier stages: 1. formal assessment"):
        result.full_clean()


def test_a_later_stage_can_be_failed_once_the_earlier_one_is_passed(stages):
    formal, merit, _ = stages
    application = ApplicationFactory(round=formal.round)
    StageResultFactory(application=application, stage=formal, result="passed")
    StageResultFactory.build(application=application, stage=merit, result="failed").full_clean()


def test_a_failed_earlier_stage_blocks_every_later_decision(stages):
    formal, _, scored = stages
    application = ApplicationFactory(round=formal.round)
    StageResultFactory(application=application, stage=formal, result="failed")
    result = StageResultFactory.build(application=application, stage=scored, result="failed")
    with pytest.raises(ValidationError, match="2. merit assessment"):
        result.full_clean()


def test_a_pending_result_may_be_entered_for_any_stage(stages):
    _, _, scored = stages
    application = ApplicationFactory(round=scored.round)
    StageResultFactory.build(application=application, stage=scored).full_clean()


def test_an_expert_cannot_give_more_than_the_stage_maximum(stages):
    *_, scored = stages
    result = StageResultFactory(application__round=scored.round, stage=scored)
    score = ExpertScore(stage_result=result, expert_number=1, points=Decimal("141"))
    with pytest.raises(ValidationError, match="141 exceeds the maximum of 140 points"):
        score.full_clean()
    ExpertScore(stage_result=result, expert_number=1, points=Decimal("128")).full_clean()


def test_only_as_many_experts_as_the_stage_has_can_score(stages):
    *_, scored = stages
    result = StageResultFactory(application__round=scored.round, stage=scored)
    with pytest.raises(ValidationError, match="has only 2 experts"):
        ExpertScore(stage_result=result, expert_number=3, points=Decimal("50")).full_clean()


def test_applications_without_results_are_pending_with_nothing_decided(stages):
    formal, *_ = stages
    untouched = ApplicationFactory(round=formal.round)
    only_pending = ApplicationFactory(round=formal.round)
    StageResultFactory(application=only_pending, stage=formal)
    evaluated = ApplicationFactory(round=formal.round)
    StageResultFactory(application=evaluated, stage=formal, result="passed")
    decided = ApplicationFactory(round=formal.round, outcome="rejected")

    waiting = set(Application.objects.without_results())

    assert waiting == {untouched, only_pending}
    for application in [untouched, only_pending, evaluated, decided]:
        fresh = Application.objects.prefetch_related("stage_results").get(pk=application.pk)
        assert fresh.has_results() == (application not in waiting)


def test_round_figures_count_applicants_stage_passes_and_awards(stages):
    formal, merit, _ = stages
    for outcome, passed in [("awarded", 2), ("rejected", 1), ("pending", 0)]:
        application = ApplicationFactory(round=formal.round, outcome=outcome)
        for stage in [formal, merit][:passed]:
            StageResultFactory(application=application, stage=stage, result="passed")
    figures = formal.round.results_figures()
    assert figures["applied"] == 3
    assert [(s.order, s.passed) for s in figures["stages"]] == [(1, 2), (2, 1), (3, 0)]
    assert figures["awarded"] == 1


@pytest.mark.parametrize(
    ("on", "states"),
    [
        (D(2022, 1, 1), {StatusState.NEVER}),
        (D(2023, 1, 1), {StatusState.CURRENT}),
        # 184 days before the end: not yet expiring
        (D(2025, 6, 16), {StatusState.CURRENT}),
        # 183 days before the end, and the last day: expiring, and still current
        (D(2025, 6, 17), {StatusState.CURRENT, StatusState.EXPIRING}),
        (D(2025, 12, 17), {StatusState.CURRENT, StatusState.EXPIRING}),
        (D(2025, 12, 18), {StatusState.EXPIRED}),
    ],
)
def test_status_state_queryset_agrees_with_the_instance(on, states):
    cluster = StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17)).cluster
    ClusterFactory()  # never held status: must not leak into the other states
    fresh = Cluster.objects.prefetch_related("status_awards").get(pk=cluster.pk)
    assert fresh.status_on(on) in states
    assert fresh.is_status_expiring_on(on) == (StatusState.EXPIRING in states)
    for other in StatusState:
        in_state = Cluster.objects.in_status_state(other, on).filter(pk=cluster.pk).exists()
        assert in_state == (other in states), other


@time_machine.travel(D(2025, 7, 1))
def test_expiring_defaults_to_today_and_reads_the_latest_of_overlapping_awards():
    soon = StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17)).cluster
    renewed = StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17)).cluster
    StatusAwardFactory(cluster=renewed, valid_from=D(2025, 6, 1), valid_until=D(2028, 6, 1))
    assert list(Cluster.objects.expiring_on()) == [soon]
    assert set(Cluster.objects.with_status_on()) == {soon, renewed}
