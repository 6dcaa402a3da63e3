"""Granting a round's statuses: every successful application once, never twice."""

import datetime

import pytest

from clusters.models import StatusAward
from clusters.services import RegistryError, grant_status_to_successful_applications
from tests.factories import ApplicationFactory, RoundFactory, StatusAwardFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_grant_creates_an_award_for_each_awarded_application_from_the_gala_date():
    round_ = RoundFactory(gala_date=D(2022, 12, 17))
    won = ApplicationFactory(round=round_, outcome="awarded")
    ApplicationFactory(round=round_, outcome="rejected")
    ApplicationFactory(round=round_, outcome="pending")

    awards = grant_status_to_successful_applications(round_)

    assert [award.application for award in awards] == [won]
    award = StatusAward.objects.get()
    assert (award.cluster, award.round, award.kind) == (won.cluster, round_, "granted")
    assert (award.valid_from, award.valid_until) == (D(2022, 12, 17), D(2025, 12, 17))


def test_grant_uses_the_end_date_the_round_announced_and_marks_renewals():
    round_ = RoundFactory(
        kind="renewal", number=None, results_date=D(2018, 12, 1), status_valid_until=D(2021, 12, 17)
    )
    ApplicationFactory(round=round_, outcome="awarded")
    (award,) = grant_status_to_successful_applications(round_)
    assert (award.kind, award.valid_from, award.valid_until) == (
        "renewed",
        D(2018, 12, 1),
        D(2021, 12, 17),
    )


def test_granting_twice_creates_nothing_the_second_time():
    round_ = RoundFactory(gala_date=D(2022, 12, 17))
    ApplicationFactory.create_batch(3, round=round_, outcome="awarded")
    assert len(grant_status_to_successful_applications(round_)) == 3
    assert grant_status_to_successful_applications(round_) == []
    assert StatusAward.objects.count() == 3


def test_a_cluster_already_awarded_by_the_round_without_a_link_is_not_awarded_again():
    round_ = RoundFactory(gala_date=D(2022, 12, 17))
    application = ApplicationFactory(round=round_, outcome="awarded")
    StatusAwardFactory(cluster=application.cluster, round=round_)  # e.g. typed in by hand
    assert grant_status_to_successful_applications(round_) == []
    assert StatusAward.objects.count() == 1


def test_grant_without_a_gala_or_results_date_is_refused_and_changes_nothing():
    round_ = RoundFactory(gala_date=None, results_date=None)
    ApplicationFactory(round=round_, outcome="awarded")
    with pytest.raises(RegistryError, match=round_.name):
        grant_status_to_successful_applications(round_)
    assert not StatusAward.objects.exists()


def test_an_explicit_certificate_date_wins_over_the_gala():
    round_ = RoundFactory(gala_date=D(2022, 12, 17))
    ApplicationFactory(round=round_, outcome="awarded")
    (award,) = grant_status_to_successful_applications(round_, certificate_date=D(2023, 1, 23))
    assert award.certificate_date == D(2023, 1, 23)
