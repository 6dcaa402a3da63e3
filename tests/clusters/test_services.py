"""Granting a round's statuses: every successful application once, never twice."""

import datetime

import pytest

from clusters.models import Cluster, StatusAward
from clusters.services import (
    RegistryError,
    grant_status_to_successful_applications,
    merge_cluster_into,
)
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    EventFactory,
    RepresentationFactory,
    RoundFactory,
    StatusAwardFactory,
)

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


def passed_every_stage(round_, *, last="passed", total_points=None):
    from tests.factories import StageFactory, StageResultFactory

    formal = StageFactory(round=round_, order=1, kind="formal")
    scored = StageFactory(round=round_, order=2, kind="parametric", max_points=150)
    application = ApplicationFactory(round=round_, outcome="pending", total_points=total_points)
    StageResultFactory(application=application, stage=formal, result="passed")
    StageResultFactory(application=application, stage=scored, result=last)
    return application


def test_an_application_whose_every_stage_passed_is_granted_and_its_outcome_recorded(
    django_user_model,
):
    round_ = RoundFactory(gala_date=D(2022, 12, 17))
    application = passed_every_stage(round_)
    editor = django_user_model.objects.create_user("redaktor")
    (award,) = grant_status_to_successful_applications(round_, user=editor)
    application.refresh_from_db()
    assert (award.application, application.outcome) == (application, "awarded")
    record = application.history.first()
    assert (record.history_user, record.outcome) == (editor, "awarded")
    # Recorded in the registry's language, Polish, whoever reads it later.
    assert record.history_change_reason == "nadanie statusu: wszystkie etapy zaliczone"


@pytest.mark.parametrize(
    ("last", "threshold", "points"),
    [("failed", None, None), ("pending", None, None), ("passed", 100, 99), ("passed", 100, None)],
)
def test_no_status_without_every_stage_passed_and_the_threshold_reached(last, threshold, points):
    round_ = RoundFactory(gala_date=D(2022, 12, 17), max_points=150, pass_threshold=threshold)
    application = passed_every_stage(round_, last=last, total_points=points)
    assert grant_status_to_successful_applications(round_) == []
    application.refresh_from_db()
    assert application.outcome == "pending"


def test_the_threshold_reached_grants_the_status():
    round_ = RoundFactory(gala_date=D(2022, 12, 17), max_points=150, pass_threshold=100)
    passed_every_stage(round_, total_points=100)
    assert len(grant_status_to_successful_applications(round_)) == 1


def test_the_admin_says_why_nothing_was_granted(admin_client):
    from django.urls import reverse

    round_ = RoundFactory(gala_date=D(2022, 12, 17))
    passed_every_stage(round_, last="pending")
    response = admin_client.post(
        reverse("admin:clusters_round_changelist"),
        {"action": "grant_status", "_selected_action": [round_.pk]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any("have not passed every stage yet" in m for m in messages), messages


def test_merging_a_cluster_moves_its_records_and_keeps_its_name_as_a_former_name():
    old = ClusterFactory(name="Wschodni Klaster Budowlany")
    new = ClusterFactory(name="Polski Klaster Budowlany")
    coordinator = RepresentationFactory(cluster=new).coordinator
    RepresentationFactory(cluster=old, coordinator=coordinator)
    kept = StatusAwardFactory(cluster=new, valid_from=datetime.date(2015, 10, 27))
    StatusAwardFactory(cluster=old, round=kept.round, valid_from=datetime.date(2015, 12, 31))
    moved = StatusAwardFactory(cluster=old)
    event = EventFactory()
    event.clusters.add(old)
    merge_cluster_into(old, new, reason="test")
    assert not Cluster.objects.filter(pk=old.pk).exists()
    assert set(new.status_awards.all()) == {kept, moved}
    assert new.representations.count() == 1
    assert list(event.clusters.all()) == [new]
    assert list(new.former_names.values_list("name", flat=True)) == ["Wschodni Klaster Budowlany"]
    assert Cluster.objects.filter(search_text__contains="wschodni").get() == new


def test_a_cluster_cannot_be_merged_into_itself():
    cluster = ClusterFactory()
    with pytest.raises(RegistryError):
        merge_cluster_into(cluster, cluster)
