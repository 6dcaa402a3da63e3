"""ClusterFilter: search, filters, status on a day and Polish order, as the list uses them."""

import datetime

import pytest
import time_machine

from clusters.filters import ClusterFilter
from clusters.models import Cluster
from tests.factories import (
    ClusterFactory,
    FormerNameFactory,
    RepresentationFactory,
    RoundFactory,
    SpecialisationFactory,
    StatusAwardFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def names(params):
    filterset = ClusterFilter(params, queryset=Cluster.objects.all())
    return [cluster.name for cluster in filterset.qs]


@pytest.fixture
def clusters():
    nano = ClusterFactory(name="Śląski Klaster NANO", city="Katowice", voivodeship="silesia")
    lodz = ClusterFactory(name="Klaster Włókienniczy", city="Łódź", voivodeship="lodz")
    FormerNameFactory(cluster=lodz, name="Łódzki Klaster Tekstylny")
    ict = ClusterFactory(
        name="Mazowiecki Klaster ICT", voivodeship="masovia", kind=Cluster.Kind.INITIATIVE
    )
    RepresentationFactory(cluster=ict, coordinator__name="Stowarzyszenie „Wiedza”")
    return {"nano": nano, "lodz": lodz, "ict": ict}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("slaski", ["Śląski Klaster NANO"]),
        ("ŚLĄSKI nano", ["Śląski Klaster NANO"]),
        ("lodz", ["Klaster Włókienniczy"]),
        ("tekstylny", ["Klaster Włókienniczy"]),
        ("wiedza", ["Mazowiecki Klaster ICT"]),
        ("klaster", ["Klaster Włókienniczy", "Mazowiecki Klaster ICT", "Śląski Klaster NANO"]),
        ("nano lodz", []),
        ("100%_", []),
    ],
)
def test_search_ignores_case_and_polish_letters_and_matches_every_word(clusters, q, expected):
    assert names({"q": q}) == expected


def test_search_refuses_a_huge_query_with_an_error_instead_of_searching(clusters):
    filterset = ClusterFilter({"q": "x" * 5000}, queryset=Cluster.objects.all())
    assert "q" in filterset.errors
    assert len(filterset.qs) == 3


def test_filters_by_voivodeship_kind_and_specialisation(clusters):
    chemistry = SpecialisationFactory(slug="chemia")
    clusters["nano"].specialisations.add(chemistry)
    assert names({"voivodeship": "lodz"}) == ["Klaster Włókienniczy"]
    assert names({"kind": "initiative"}) == ["Mazowiecki Klaster ICT"]
    assert names({"specialisation": "chemia"}) == ["Śląski Klaster NANO"]


def test_unknown_voivodeship_is_an_error_and_is_ignored(clusters):
    filterset = ClusterFilter({"voivodeship": "narnia"}, queryset=Cluster.objects.all())
    assert "voivodeship" in filterset.errors
    assert len(filterset.qs) == 3


def test_filters_by_the_round_that_awarded_status(clusters):
    round_ = RoundFactory(slug="runda-vi")
    StatusAwardFactory(cluster=clusters["ict"], round=round_)
    assert names({"round": "runda-vi"}) == ["Mazowiecki Klaster ICT"]


@pytest.fixture
def statuses(clusters):
    # nano: 2019–2022; ict: 2022–2025; lodz: never.
    StatusAwardFactory(
        cluster=clusters["nano"], valid_from=D(2019, 1, 1), valid_until=D(2022, 1, 1)
    )
    StatusAwardFactory(
        cluster=clusters["ict"], valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17)
    )
    return clusters


@pytest.mark.parametrize(
    ("as_of", "status", "expected"),
    [
        ("2023-06-01", "current", ["Mazowiecki Klaster ICT"]),
        ("2023-06-01", "expired", ["Śląski Klaster NANO"]),
        ("2023-06-01", "never", ["Klaster Włókienniczy"]),
        ("2020-06-01", "current", ["Śląski Klaster NANO"]),
        ("2020-06-01", "never", ["Klaster Włókienniczy", "Mazowiecki Klaster ICT"]),
        ("2025-12-17", "current", ["Mazowiecki Klaster ICT"]),
        ("2025-12-18", "current", []),
    ],
)
def test_status_is_judged_on_the_as_of_day(statuses, as_of, status, expected):
    assert names({"as_of": as_of, "status": status}) == expected


@time_machine.travel(D(2024, 3, 1), tick=False)
def test_status_defaults_to_today(statuses):
    assert names({"status": "current"}) == ["Mazowiecki Klaster ICT"]


@time_machine.travel(D(2024, 3, 1), tick=False)
def test_a_bad_date_is_an_error_and_status_falls_back_to_today(statuses):
    filterset = ClusterFilter(
        {"as_of": "2023-02-31", "status": "current"}, queryset=Cluster.objects.all()
    )
    assert "as_of" in filterset.errors
    assert filterset.as_of_date == D(2024, 3, 1)
    assert [c.name for c in filterset.qs] == ["Mazowiecki Klaster ICT"]


def test_default_order_is_polish_alphabetical():
    for name in ["Żary Klaster", "Zielony Klaster", "Łódzki Klaster", "Lubelski Klaster", "Śląski"]:
        ClusterFactory(name=name)
    assert names({}) == [
        "Lubelski Klaster",
        "Łódzki Klaster",
        "Śląski",
        "Zielony Klaster",
        "Żary Klaster",
    ]


def test_sort_by_status_end_puts_the_latest_end_first_and_never_last(statuses):
    assert names({"sort": "status_end", "as_of": "2024-01-01"}) == [
        "Mazowiecki Klaster ICT",
        "Śląski Klaster NANO",
        "Klaster Włókienniczy",
    ]
