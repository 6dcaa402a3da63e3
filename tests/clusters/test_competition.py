"""Running a round in the registry: setup, experts' cards, stages in order, closing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clusters.models import (
    Application,
    Cluster,
    EvaluationStage,
    ExpertAssignment,
    ScoreCard,
    StageResult,
)
from clusters.services import (
    RegistryError,
    add_assessment_areas,
    assign_expert,
    close_round,
    decide_stage,
    declare_impartiality,
    missing_in_round,
    publish_results,
    reopen_score_card,
    reorder_stages,
    save_score_card,
)
from kkkregistry.dashboard import dashboard
from kkkregistry.roles import EDITORS, EXPERTS
from tests.factories import ApplicationFactory, RoundFactory, StageFactory, staff_in

pytestmark = pytest.mark.django_db


def full_marks(stage, share=1, justification="Uzasadnienie."):
    """Points for every criterion of the stage: `share` of each maximum."""
    return {
        criterion: ((criterion.max_points * Decimal(share) * 2).quantize(1) / 2, justification)
        for criterion in stage.criteria.all()
    }


@pytest.fixture
def competition():
    """Round VII as round VI ran: formal, parametric (2 experts, 150 max, 100 to pass), panel."""
    round_ = RoundFactory(
        results_published_at=None,
        gala_date=datetime.date(2026, 12, 15),
        max_points=150,
        pass_threshold=100,
        publishes_points=True,
    )
    formal = StageFactory(round=round_, order=None, kind=EvaluationStage.Kind.FORMAL)
    scored = StageFactory(
        round=round_,
        order=None,
        kind=EvaluationStage.Kind.PARAMETRIC,
        max_points=150,
        pass_threshold=100,
        experts=2,
    )
    panel = StageFactory(round=round_, order=None, kind=EvaluationStage.Kind.PANEL)
    add_assessment_areas(scored)
    experts = [staff_in(EXPERTS, username=f"ekspert{n}") for n in (1, 2)]
    return round_, (formal, scored, panel), experts


def score(application, stage, experts, shares):
    for expert, share in zip(experts, shares, strict=True):
        assignment = assign_expert(application, stage, expert)
        declare_impartiality(assignment, impartial=True)
        save_score_card(assignment, full_marks(stage, share), submit=True)


def test_stages_are_numbered_as_added_and_can_be_reordered(competition):
    round_, (formal, scored, panel), _experts = competition
    assert [formal.order, scored.order, panel.order] == [1, 2, 3]
    reorder_stages(round_, [scored, formal, panel])
    assert list(round_.stages.order_by("order")) == [scored, formal, panel]


def test_a_scored_stage_gets_the_five_assessment_areas_sharing_its_maximum(competition):
    _round, (_formal, scored, _panel), _experts = competition
    criteria = list(scored.criteria.all())
    assert len(criteria) == 5
    assert {c.max_points for c in criteria} == {Decimal(30)}
    assert criteria[0].name == "zasoby ludzkie, infrastrukturalne i finansowe"


def test_only_experts_can_be_assigned():
    round_ = RoundFactory()
    stage = StageFactory(round=round_, kind=EvaluationStage.Kind.MERIT, experts=2)
    with pytest.raises(RegistryError, match="ekspert"):
        assign_expert(ApplicationFactory(round=round_), stage, staff_in(EDITORS))


def test_no_scoring_before_the_declaration_of_impartiality(competition):
    round_, (_formal, scored, _panel), (expert, _other) = competition
    assignment = assign_expert(ApplicationFactory(round=round_), scored, expert)
    with pytest.raises(RegistryError, match="bezstronności"):
        save_score_card(assignment, full_marks(scored))


def test_the_declaration_is_recorded_with_its_date_and_time(competition, frozen_today):
    round_, (_formal, scored, _panel), (expert, _other) = competition
    assignment = declare_impartiality(
        assign_expert(ApplicationFactory(round=round_), scored, expert), impartial=True
    )
    assignment.refresh_from_db()
    assert assignment.impartiality == ExpertAssignment.Impartiality.DECLARED
    assert assignment.declared_at == timezone.now()


def test_a_declared_conflict_unassigns_the_expert_and_tells_the_editors(competition):
    round_, (_formal, scored, _panel), (expert, _other) = competition
    application = ApplicationFactory(round=round_)
    assignment = assign_expert(application, scored, expert)
    declare_impartiality(assignment, impartial=False, conflict_note="Byłem członkiem klastra.")
    assert not assignment.is_active()
    assert dashboard(staff_in(EDITORS))["conflicts"] == [assignment]
    with pytest.raises(RegistryError):
        save_score_card(assignment, full_marks(scored))
    with pytest.raises(RegistryError, match="konflikt"):
        assign_expert(application, scored, expert)


def test_points_are_whole_or_half_and_within_each_maximum(competition):
    round_, (_formal, scored, _panel), (expert, _other) = competition
    assignment = assign_expert(ApplicationFactory(round=round_), scored, expert)
    declare_impartiality(assignment, impartial=True)
    first = scored.criteria.first()
    with pytest.raises(RegistryError):
        save_score_card(assignment, {first: (Decimal("10.3"), "")})
    with pytest.raises(RegistryError):
        save_score_card(assignment, {first: (Decimal("30.5"), "")})
    card = save_score_card(assignment, {first: (Decimal("29.5"), "")})
    assert card.state == ScoreCard.State.DRAFT and card.total() == Decimal("29.5")


def test_a_card_is_submitted_only_complete_with_justifications_then_locked(competition):
    round_, (_formal, scored, _panel), (expert, _other) = competition
    assignment = assign_expert(ApplicationFactory(round=round_), scored, expert)
    declare_impartiality(assignment, impartial=True)
    with pytest.raises(RegistryError, match="uzasadnienie"):
        save_score_card(assignment, full_marks(scored, justification=""), submit=True)
    card = save_score_card(assignment, full_marks(scored), submit=True)
    assert card.is_locked() and card.submitted_at
    with pytest.raises(RegistryError):
        save_score_card(assignment, full_marks(scored, share=0))


def test_staff_reopen_a_card_with_a_recorded_reason(competition):
    round_, (_formal, scored, _panel), experts = competition
    application = ApplicationFactory(round=round_)
    decide_stage(application, round_.stages.get(order=1), True, "Wniosek kompletny.")
    score(application, scored, experts, [1, 1])
    card = ScoreCard.objects.get(assignment__expert=experts[0])
    with pytest.raises(RegistryError):
        reopen_score_card(card, "  ")
    reopen_score_card(card, "Błąd rachunkowy w kryterium 2.")
    assert card.state == ScoreCard.State.DRAFT
    assert card.history.first().history_change_reason == "Błąd rachunkowy w kryterium 2."
    # The stage waits for the corrected card again.
    assert application.stage_results.get(stage=scored).result == StageResult.Result.PENDING


def test_a_scored_stage_result_is_the_mean_of_the_submitted_cards_against_its_threshold(
    competition,
):
    round_, (formal, scored, _panel), experts = competition
    passing, failing = ApplicationFactory(round=round_), ApplicationFactory(round=round_)
    for application in (passing, failing):
        decide_stage(application, formal, True, "Wniosek kompletny.")
    score(passing, scored, experts, [1, Decimal("0.6")])  # 150 and 90: mean 120
    score(failing, scored, experts, [Decimal("0.6"), Decimal("0.6")])  # 90
    assert passing.stage_results.get(stage=scored).points == Decimal(120)
    assert passing.stage_results.get(stage=scored).result == StageResult.Result.PASSED
    assert failing.stage_results.get(stage=scored).result == StageResult.Result.FAILED


def test_no_stage_result_before_the_previous_stage_passed(competition):
    round_, (_formal, _scored, panel), _experts = competition
    with pytest.raises(RegistryError, match="wcześniejszych etapów"):
        decide_stage(ApplicationFactory(round=round_), panel, True, "Prezentacja dobra.")


def test_staff_decide_unscored_stages_only_with_a_note(competition):
    round_, (formal, scored, _panel), _experts = competition
    application = ApplicationFactory(round=round_)
    with pytest.raises(RegistryError):
        decide_stage(application, formal, True, "")
    with pytest.raises(RegistryError):
        decide_stage(application, scored, True, "Ręcznie.")
    result = decide_stage(application, formal, True, "Wniosek kompletny.")
    assert result.note == "Wniosek kompletny."


def run_round(competition):
    """Three applications: two pass every stage, one fails the parametric stage."""
    round_, (formal, scored, panel), experts = competition
    best, second, weak = (
        ApplicationFactory(round=round_, cluster__name=name) for name in ("Alfa", "Beta", "Gamma")
    )
    for application, shares in ((best, [1, 1]), (second, [Decimal("0.8")] * 2), (weak, [0.5] * 2)):
        decide_stage(application, formal, True, "Wniosek kompletny.")
        score(application, scored, experts, shares)
    for application in (best, second):
        decide_stage(application, panel, True, "Prezentacja przekonująca.")
    return best, second, weak


def test_closing_refuses_while_anything_is_missing_and_says_what(competition):
    round_, (formal, _scored, _panel), _experts = competition
    application = ApplicationFactory(round=round_, cluster__name="Klaster Czekający")
    decide_stage(application, formal, True, "Wniosek kompletny.")
    assert missing_in_round(round_) == [
        "Klaster Czekający: 2. ocena merytoryczna parametryczna (karty ocen)"
    ]
    with pytest.raises(RegistryError, match="Klaster Czekający"):
        close_round(round_)
    assert not round_.status_awards.exists()


def test_closing_gives_outcomes_ranks_and_awards_once(competition):
    round_, _stages, _experts = competition
    best, second, weak = run_round(competition)
    awards = close_round(round_)
    assert {award.cluster.name for award in awards} == {"Alfa", "Beta"}
    for application in (best, second, weak):
        application.refresh_from_db()
    assert [best.outcome, second.outcome, weak.outcome] == [
        Application.Outcome.AWARDED,
        Application.Outcome.AWARDED,
        Application.Outcome.REJECTED,
    ]
    assert [best.rank, second.rank, weak.rank] == [1, 2, 3]
    assert best.total_points == Decimal(150) and best.scores_published
    # The status runs from the gala for 3 years.
    assert awards[0].valid_from == datetime.date(2026, 12, 15)
    assert awards[0].valid_until == datetime.date(2029, 12, 15)
    with pytest.raises(RegistryError, match="zamknięta"):
        close_round(round_)


def test_an_outcome_against_the_stages_is_kept_only_with_its_reason(competition):
    round_, _stages, _experts = competition
    _best, _second, weak = run_round(competition)
    Application.objects.filter(pk=weak.pk).update(
        outcome=Application.Outcome.AWARDED, outcome_reason="Odwołanie uwzględnione."
    )
    awards = close_round(round_)
    assert "Gamma" in {award.cluster.name for award in awards}
    assert weak.history.first().outcome_reason == "Odwołanie uwzględnione."


def test_awards_of_a_closed_round_hold_no_status_until_its_results_are_published(
    competition, frozen_today
):
    round_, _stages, _experts = competition
    run_round(competition)
    close_round(round_)
    on = datetime.date(2027, 1, 10)
    assert not Cluster.objects.with_status_on(on).exists()
    assert not Cluster.objects.get(name="Alfa").has_status_on(on)
    publish_results(round_, timezone.now() + datetime.timedelta(days=1))
    assert not Cluster.objects.with_status_on(on).exists()
    publish_results(round_, timezone.now())
    assert set(Cluster.objects.with_status_on(on).values_list("name", flat=True)) == {
        "Alfa",
        "Beta",
    }
    assert Cluster.objects.get(name="Alfa").has_status_on(on)


def test_cards_submitted_before_the_earlier_stage_is_decided_count_once_it_passes(competition):
    round_, (formal, scored, _panel), experts = competition
    application = ApplicationFactory(round=round_)
    score(application, scored, experts, [1, 1])
    assert not application.stage_results.filter(stage=scored).exists()
    decide_stage(application, formal, True, "Wniosek kompletny.")
    assert application.stage_results.get(stage=scored).result == StageResult.Result.PASSED
