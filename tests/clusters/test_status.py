"""Whether a cluster holds KKK status on a date: the queryset rule and its instance twin."""

import datetime

import pytest
import time_machine

from clusters.models import Cluster, StatusState, status_end_for
from core.dates import add_years
from tests.factories import ClusterFactory, RoundFactory, StatusAwardFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def holds_both_ways(cluster, on):
    """The queryset and the instance must agree; return their common answer."""
    by_query = Cluster.objects.with_status_on(on).filter(pk=cluster.pk).exists()
    fresh = Cluster.objects.prefetch_related("status_awards").get(pk=cluster.pk)
    assert fresh.has_status_on(on) == by_query
    return by_query


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2022, 12, 16), False),  # the day before validity
        (D(2022, 12, 17), True),  # first day
        (D(2024, 6, 1), True),
        (D(2025, 12, 17), True),  # last day is inclusive
        (D(2025, 12, 18), False),  # the day after
    ],
)
def test_status_holds_between_inclusive_validity_dates(on, expected):
    award = StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17))
    assert holds_both_ways(award.cluster, on) is expected


def test_status_lapses_after_end_date_and_renewal_continues_it():
    cluster = ClusterFactory()
    StatusAwardFactory(cluster=cluster, valid_from=D(2018, 12, 17), valid_until=D(2021, 12, 17))
    renewal = RoundFactory()
    StatusAwardFactory(
        cluster=cluster, round=renewal, valid_from=D(2021, 12, 31), valid_until=D(2024, 12, 31)
    )
    assert holds_both_ways(cluster, D(2021, 12, 17))
    assert not holds_both_ways(cluster, D(2021, 12, 20))  # the gap between the two awards
    assert holds_both_ways(cluster, D(2024, 12, 31))
    assert not holds_both_ways(cluster, D(2025, 1, 1))


def test_overlapping_awards_count_once_and_end_at_the_later_date():
    cluster = ClusterFactory()
    StatusAwardFactory(cluster=cluster, valid_from=D(2016, 1, 1), valid_until=D(2019, 1, 1))
    StatusAwardFactory(
        cluster=cluster, round=RoundFactory(), valid_from=D(2018, 6, 1), valid_until=D(2021, 6, 1)
    )
    assert list(Cluster.objects.with_status_on(D(2018, 7, 1))) == [cluster]
    annotated = Cluster.objects.with_status_end(D(2018, 7, 1)).get(pk=cluster.pk)
    assert annotated.status_end == D(2021, 6, 1)
    cluster = Cluster.objects.prefetch_related("status_awards").get(pk=cluster.pk)
    assert cluster.status_valid_until(D(2018, 7, 1)) == D(2021, 6, 1)


def test_former_and_never_held_status_are_told_apart_on_a_date():
    former = StatusAwardFactory(valid_from=D(2015, 12, 31), valid_until=D(2018, 1, 1)).cluster
    current = StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17)).cluster
    future = StatusAwardFactory(valid_from=D(2030, 1, 1), valid_until=D(2033, 1, 1)).cluster
    never = ClusterFactory()
    on = D(2023, 6, 1)
    assert set(Cluster.objects.with_former_status_on(on)) == {former}
    assert set(Cluster.objects.with_status_on(on)) == {current}
    assert set(Cluster.objects.never_with_status_by(on)) == {future, never}


@pytest.mark.parametrize(
    ("on", "state"),
    [
        (D(2022, 1, 1), StatusState.NEVER),
        (D(2023, 1, 1), StatusState.CURRENT),
        (D(2025, 6, 30), StatusState.CURRENT),
        (D(2026, 1, 1), StatusState.EXPIRED),
    ],
)
def test_status_state_on_a_date(on, state):
    cluster = StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17)).cluster
    assert cluster.status_on(on) == state
    # An expiring status is still held; the badge says it ends soon.
    expected_badge = StatusState.EXPIRING if on == D(2025, 6, 30) else state
    assert cluster.status_badge_on(on) == expected_badge


@time_machine.travel(D(2024, 3, 1))
def test_dates_default_to_today():
    award = StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17))
    assert list(Cluster.objects.with_status_on()) == [award.cluster]
    assert award.cluster.has_status_on()
    assert award.is_valid_on()


def test_status_lasts_three_years_from_the_certificate_date():
    award = StatusAwardFactory(certificate_date=D(2018, 12, 17), valid_from=None, valid_until=None)
    assert (award.valid_from, award.valid_until) == (D(2018, 12, 17), D(2021, 12, 17))


def test_an_end_date_announced_for_the_round_wins_over_the_three_year_rule():
    round_ = RoundFactory(status_valid_until=D(2024, 12, 31))
    award = StatusAwardFactory(
        round=round_, certificate_date=D(2022, 1, 20), valid_from=None, valid_until=None
    )
    assert award.valid_until == D(2024, 12, 31)


def test_leap_day_certificate_ends_on_28_february():
    assert status_end_for(D(2020, 2, 29)) == D(2023, 2, 28)
    assert add_years(D(2021, 3, 1), 3) == D(2024, 3, 1)
