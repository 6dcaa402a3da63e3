"""Status summaries behind the home page and the status timeline."""

import datetime

import pytest
from django.utils import timezone

from clusters.models import AwardState, Cluster
from clusters.models.clusters import day_number
from tests.factories import ClusterFactory, RoundFactory, StatusAwardFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_cluster_counts_in_every_year_it_held_status_on_at_least_one_day():
    StatusAwardFactory(valid_from=D(2015, 12, 31), valid_until=D(2017, 1, 1))
    cluster = StatusAwardFactory(valid_from=D(2016, 1, 1), valid_until=D(2016, 2, 1)).cluster
    # A second award in the same year does not count the cluster twice.
    StatusAwardFactory(cluster=cluster, valid_from=D(2016, 6, 1), valid_until=D(2018, 1, 1))
    assert Cluster.objects.status_counts_by_year(2014, 2019) == {
        2014: 0,
        2015: 1,
        2016: 2,
        2017: 2,
        2018: 1,
        2019: 0,
    }


def test_a_years_count_says_how_many_clusters_only_estimated_dates_put_in_it():
    estimated = StatusAwardFactory(
        valid_from=D(2021, 12, 31),
        valid_until=D(2024, 12, 31),
        earliest_start=D(2020, 6, 1),
        dates_estimated=True,
    ).cluster
    # An exact award in 2024 makes the count of that year rest on it, not on the estimate.
    StatusAwardFactory(
        cluster=estimated, round=RoundFactory(), valid_from=D(2024, 6, 1), valid_until=D(2027, 6, 1)
    )
    StatusAwardFactory(valid_from=D(2021, 3, 1), valid_until=D(2024, 3, 1))
    # The margin from June 2020 counts nowhere: only proven days do.
    assert Cluster.objects.status_years(2020, 2025) == {
        2020: (0, 0),
        2021: (2, 1),
        2022: (2, 1),
        2023: (2, 1),
        2024: (2, 0),
        2025: (1, 0),
    }


def test_year_counts_follow_the_queryset_they_are_asked_of():
    StatusAwardFactory(
        cluster__published=False, valid_from=D(2016, 1, 1), valid_until=D(2016, 2, 1)
    )
    assert Cluster.objects.published().status_counts_by_year(2016, 2016) == {2016: 0}


def test_last_day_with_status_is_the_latest_end_up_to_the_day():
    StatusAwardFactory(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17))
    StatusAwardFactory(valid_from=D(2021, 1, 1), valid_until=D(2024, 12, 31))
    assert Cluster.objects.last_day_with_status(D(2026, 11, 24)) == D(2025, 12, 17)
    assert Cluster.objects.last_day_with_status(D(2023, 5, 1)) == D(2023, 5, 1)
    assert Cluster.objects.last_day_with_status(D(2020, 1, 1)) is None


def test_no_cluster_means_no_last_day():
    ClusterFactory()
    assert Cluster.objects.last_day_with_status(D(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (D(2022, 12, 16), AwardState.FUTURE),
        (D(2022, 12, 17), AwardState.CURRENT),
        (D(2025, 6, 16), AwardState.CURRENT),
        (D(2025, 6, 17), AwardState.EXPIRING),
        (D(2025, 12, 17), AwardState.EXPIRING),
        (D(2025, 12, 18), AwardState.EXPIRED),
    ],
)
def test_award_state_on_a_day(day, state):
    award = StatusAwardFactory.build(valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17))
    assert award.state_on(day) == state


def test_award_periods_are_read_as_day_numbers_in_the_dates_order():
    # The counts compare YYYYMMDD numbers the database computes with those of Python's dates.
    award = StatusAwardFactory(valid_from=D(2009, 1, 2), valid_until=D(2031, 10, 30))
    [(cluster_id, first, last, estimated)] = Cluster.objects.status_periods(
        D(2009, 1, 2), D(2009, 1, 2)
    )
    assert (cluster_id, first, last, estimated) == (award.cluster_id, 20090102, 20311030, False)
    assert day_number(D(2009, 1, 2)) == first


def test_a_day_count_takes_both_ends_of_a_period_and_nothing_beyond():
    StatusAwardFactory(valid_from=D(2022, 8, 25), valid_until=D(2025, 8, 24))
    days = [D(2022, 8, 24), D(2022, 8, 25), D(2025, 8, 24), D(2025, 8, 25)]
    assert Cluster.objects.status_counts_on(days) == dict(zip(days, [0, 1, 1, 0], strict=True))


def test_years_of_awards_awaiting_publication_are_not_counted_yet():
    StatusAwardFactory(
        valid_from=D(2022, 1, 1),
        valid_until=D(2024, 1, 1),
        awaits_publication=True,
        published_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert Cluster.objects.status_years(2022, 2022) == {2022: (0, 0)}
