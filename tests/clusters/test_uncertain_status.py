"""Estimated dates: a day the sources neither prove nor rule out answers "uncertain".

The queryset rules and their instance twins are tested on one set of cases.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusters.models import AwardState, Cluster, StatusAward, StatusState
from tests.factories import ClusterFactory, RoundFactory, StatusAwardFactory

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def estimated():
    """Round V as the built-in data reads it: proven 31.12.2021–31.12.2024, possibly from 2021."""
    return StatusAwardFactory(
        valid_from=D(2021, 12, 31),
        valid_until=D(2024, 12, 31),
        earliest_start=D(2021, 1, 1),
        latest_end=D(2025, 3, 31),
        dates_estimated=True,
    )


def state_both_ways(cluster, on):
    """The queryset rules and the instance must agree; return their common state."""
    by_query = {
        state
        for state in (StatusState.CURRENT, StatusState.UNCERTAIN)
        + (StatusState.EXPIRED, StatusState.NEVER)
        if Cluster.objects.in_status_state(state, on).filter(pk=cluster.pk).exists()
    }
    fresh = Cluster.objects.prefetch_related("status_awards").get(pk=cluster.pk)
    assert by_query == {fresh.status_on(on)}, "exactly one state, the same both ways"
    assert fresh.has_status_uncertain_on(on) is (by_query == {StatusState.UNCERTAIN})
    assert Cluster.objects.with_status_uncertain_on(on).filter(
        pk=cluster.pk
    ).exists() is fresh.has_status_uncertain_on(on)
    return fresh.status_on(on)


@pytest.mark.parametrize(
    ("on", "state"),
    [
        (D(2020, 12, 31), StatusState.NEVER),  # before the earliest start the sources allow
        (D(2021, 1, 1), StatusState.UNCERTAIN),  # the earliest start: may have held it
        (D(2021, 12, 30), StatusState.UNCERTAIN),  # the last day before the proven period
        (D(2021, 12, 31), StatusState.CURRENT),  # proven from here
        (D(2024, 12, 31), StatusState.CURRENT),  # proven to here
        (D(2025, 1, 1), StatusState.UNCERTAIN),  # the margin after the end
        (D(2025, 3, 31), StatusState.UNCERTAIN),  # the latest end the sources allow
        (D(2025, 4, 1), StatusState.EXPIRED),  # surely over
    ],
)
def test_a_day_in_a_margin_is_uncertain_and_the_proven_period_is_yes(estimated, on, state):
    assert state_both_ways(estimated.cluster, on) == state


@pytest.mark.parametrize(
    ("on", "state"),
    [
        (D(2021, 1, 1), AwardState.UNCERTAIN),
        (D(2021, 12, 31), AwardState.CURRENT),
        (D(2025, 1, 1), AwardState.UNCERTAIN),
        (D(2025, 4, 1), AwardState.EXPIRED),
        (D(2020, 1, 1), AwardState.FUTURE),
    ],
)
def test_an_award_in_a_margin_is_neither_in_force_nor_expired(estimated, on, state):
    assert estimated.state_on(on) == state
    assert estimated.is_uncertain_on(on) is (state == AwardState.UNCERTAIN)
    in_query = StatusAward.objects.uncertain_on(on).filter(pk=estimated.pk).exists()
    assert in_query is (state == AwardState.UNCERTAIN)


def test_a_proven_award_outweighs_another_awards_margin(estimated):
    # The earlier award, proven until 30.12.2021, covers the later one's leading margin.
    StatusAwardFactory(
        cluster=estimated.cluster,
        round=RoundFactory(),
        valid_from=D(2018, 12, 17),
        valid_until=D(2021, 12, 30),
    )
    assert state_both_ways(estimated.cluster, D(2021, 6, 1)) == StatusState.CURRENT


def test_without_bounds_an_estimated_award_leaves_no_margin():
    award = StatusAwardFactory(
        valid_from=D(2021, 12, 31), valid_until=D(2024, 12, 31), dates_estimated=True
    )
    assert state_both_ways(award.cluster, D(2021, 12, 30)) == StatusState.NEVER
    assert state_both_ways(award.cluster, D(2025, 1, 1)) == StatusState.EXPIRED


def test_the_answer_names_the_award_and_whether_it_rests_on_estimates(estimated):
    cluster = Cluster.objects.prefetch_related("status_awards").get(pk=estimated.cluster.pk)
    assert cluster.status_award_on(D(2021, 6, 1)) == estimated
    assert cluster.status_rests_on_estimates(D(2021, 6, 1))
    assert cluster.status_award_on(D(2026, 1, 1)) is None
    assert not cluster.status_rests_on_estimates(D(2026, 1, 1))
    exact = StatusAwardFactory(cluster=ClusterFactory(), valid_from=D(2022, 12, 17))
    assert not exact.cluster.status_rests_on_estimates(D(2023, 1, 1))


def test_bounds_widen_the_proven_period_only():
    award = StatusAwardFactory.build(
        valid_from=D(2021, 12, 31),
        valid_until=D(2024, 12, 31),
        earliest_start=D(2022, 1, 1),
        latest_end=D(2024, 12, 30),
        dates_estimated=True,
    )
    with pytest.raises(ValidationError) as error:
        award.full_clean()
    assert set(error.value.message_dict) >= {"earliest_start", "latest_end"}


def test_only_estimated_dates_have_bounds():
    award = StatusAwardFactory.build(earliest_start=D(2022, 1, 1), dates_estimated=False)
    with pytest.raises(ValidationError) as error:
        award.full_clean()
    assert "earliest_start" in error.value.message_dict


@pytest.mark.parametrize(
    "bounds",
    [
        {"earliest_start": D(2023, 1, 1), "dates_estimated": True},  # after valid_from
        {"latest_end": D(2025, 1, 1), "dates_estimated": True},  # before valid_until
        {"latest_end": D(2026, 1, 1), "dates_estimated": False},  # not estimated
    ],
)
def test_the_database_refuses_bounds_that_do_not_widen_an_estimate(bounds):
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusAwardFactory(**bounds)


@pytest.mark.parametrize(
    ("on", "on_estimates"),
    [
        (D(2020, 12, 31), False),  # no status, not even uncertain
        (D(2021, 6, 1), True),  # uncertain: only the estimate speaks of it
        (D(2023, 6, 1), True),  # held on estimated dates only
        (D(2024, 6, 1), False),  # an exact award holds it too
        (D(2025, 4, 1), False),  # over
    ],
)
def test_whether_the_status_rests_on_estimates_both_ways(estimated, on, on_estimates):
    StatusAwardFactory(
        cluster=estimated.cluster,
        round=RoundFactory(),
        valid_from=D(2024, 1, 1),
        valid_until=D(2024, 12, 1),
    )
    by_query = Cluster.objects.with_status_on_estimates(on).filter(pk=estimated.cluster_id)
    fresh = Cluster.objects.prefetch_related("status_awards").get(pk=estimated.cluster_id)
    assert by_query.exists() is fresh.status_rests_on_estimates(on) is on_estimates
