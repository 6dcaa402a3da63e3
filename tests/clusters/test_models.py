"""Model rules: natural keys, constraints mirrored in clean(), names over time."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusters.models import (
    Application,
    Cluster,
    ClusterFormerName,
    Coordinator,
    EvaluationStage,
    Institution,
    InstitutionName,
    Representation,
    Round,
    StageResult,
    StatusAward,
)
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    CoordinatorFactory,
    InstitutionFactory,
    RoundFactory,
    StatusAwardFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
D = datetime.date


def test_cluster_is_found_by_a_former_name_ignoring_case():
    cluster = ClusterFactory(name="Pomorski Klaster ICT Interizon")
    ClusterFormerName.objects.create(
        cluster=cluster, name="Klaster Interizon", used_until_year=2015
    )
    ClusterFactory(name="Inny klaster")
    assert list(Cluster.objects.matching_name("KLASTER INTERIZON")) == [cluster]
    assert list(Cluster.objects.matching_name("pomorski klaster ict interizon")) == [cluster]
    assert not Cluster.objects.matching_name("Interizon").exists()


def test_slug_is_made_from_a_polish_name():
    cluster = ClusterFactory(name="Śląski Klaster Łódzkich Żaglówek")
    assert cluster.slug == "slaski-klaster-lodzkich-zaglowek"


def test_cluster_names_are_unique_ignoring_case():
    ClusterFactory(name="Klaster Obróbki Metali")
    duplicate = Cluster(name="KLASTER OBRÓBKI METALI", slug="inny")
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_coordinator_nip_is_unique_only_when_present():
    CoordinatorFactory(nip="")
    CoordinatorFactory(nip="")  # many coordinators without a NIP are fine
    CoordinatorFactory(nip="5260250274")
    with pytest.raises(ValidationError, match="NIP already exists"):
        Coordinator(name="Inna", nip="526-025-02-74").full_clean()


def test_one_application_per_cluster_and_round():
    application = ApplicationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.create(cluster=application.cluster, round=application.round)


def test_one_award_per_cluster_and_round():
    award = StatusAwardFactory()
    again = StatusAward(
        cluster=award.cluster,
        round=award.round,
        valid_from=D(2023, 1, 1),
        valid_until=D(2026, 1, 1),
    )
    with pytest.raises(ValidationError, match="already has an award"):
        again.full_clean()


def test_award_cannot_end_before_it_starts():
    award = StatusAward(
        cluster=ClusterFactory(),
        round=RoundFactory(),
        valid_from=D(2025, 1, 1),
        valid_until=D(2024, 1, 1),
    )
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        award.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        award.save()


def test_award_without_any_date_is_rejected_with_a_field_message():
    award = StatusAward(cluster=ClusterFactory(), round=RoundFactory())
    with pytest.raises(ValidationError) as caught:
        award.full_clean()
    assert {"valid_from", "valid_until"} <= set(caught.value.message_dict)


def test_award_application_must_match_cluster_and_round():
    application = ApplicationFactory()
    award = StatusAward(
        cluster=ClusterFactory(),
        round=application.round,
        application=application,
        valid_from=D(2022, 1, 1),
        valid_until=D(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        award.full_clean()
    assert "application" in caught.value.message_dict


def test_round_call_cannot_close_before_it_opens():
    round_ = RoundFactory.build(
        organiser=InstitutionFactory(), call_opens=D(2018, 9, 27), call_closes=D(2018, 7, 13)
    )
    with pytest.raises(ValidationError, match="cannot close before it opens"):
        round_.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        round_.save()


def test_renewal_competitions_have_no_number_and_numbered_rounds_are_unique():
    RoundFactory(number=5)
    with pytest.raises(ValidationError, match="already exists"):
        RoundFactory.build(
            organiser=InstitutionFactory(), number=5, slug="x", name="X"
        ).full_clean()
    renewal = RoundFactory.build(
        organiser=InstitutionFactory(), kind=Round.Kind.RENEWAL, number=3, slug="y", name="Y"
    )
    with pytest.raises(ValidationError, match="renewal competitions do not"):
        renewal.full_clean()


def test_stage_result_points_cannot_exceed_the_stage_maximum():
    application = ApplicationFactory()
    stage = EvaluationStage.objects.create(
        round=application.round, order=1, kind=EvaluationStage.Kind.PARAMETRIC, max_points=140
    )
    StageResult(application=application, stage=stage, points=Decimal("140")).full_clean()
    with pytest.raises(ValidationError, match="exceeds the stage's maximum"):
        StageResult(application=application, stage=stage, points=Decimal("140.5")).full_clean()


def test_stage_result_must_belong_to_the_application_round():
    application = ApplicationFactory()
    other_stage = EvaluationStage.objects.create(
        round=RoundFactory(), order=1, kind=EvaluationStage.Kind.FORMAL
    )
    with pytest.raises(ValidationError, match="another round"):
        StageResult(application=application, stage=other_stage).full_clean()


def test_stage_order_is_unique_within_a_round():
    round_ = RoundFactory()
    EvaluationStage.objects.create(round=round_, order=1, kind=EvaluationStage.Kind.FORMAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationStage.objects.create(round=round_, order=1, kind=EvaluationStage.Kind.MERIT)


def test_institution_is_named_as_it_was_on_a_date():
    ministry = InstitutionFactory(name="Ministerstwo Rozwoju i Technologii")
    InstitutionName.objects.create(
        institution=ministry, name="Ministerstwo Gospodarki", used_until=D(2015, 11, 15)
    )
    InstitutionName.objects.create(
        institution=ministry,
        name="Ministerstwo Rozwoju i Technologii",
        used_from=D(2021, 10, 26),
    )
    ministry = Institution.objects.prefetch_related("names").get(pk=ministry.pk)
    assert ministry.name_on(D(2015, 5, 1)) == "Ministerstwo Gospodarki"
    assert ministry.name_on(D(2023, 1, 23)) == "Ministerstwo Rozwoju i Technologii"
    # A gap in the history falls back to the current name.
    assert ministry.name_on(D(2018, 1, 1)) == "Ministerstwo Rozwoju i Technologii"


def test_coordinator_history_gives_the_coordinator_on_a_date():
    cluster = ClusterFactory()
    old, new = CoordinatorFactory(), CoordinatorFactory()
    Representation.objects.create(cluster=cluster, coordinator=old, until=D(2019, 12, 31))
    Representation.objects.create(cluster=cluster, coordinator=new, since=D(2020, 1, 1))
    assert cluster.coordinator_on(D(2019, 6, 1)) == old
    assert cluster.coordinator_on(D(2023, 6, 1)) == new


def test_a_coordinator_still_representing_a_cluster_cannot_be_deleted():
    cluster = ClusterFactory()
    coordinator = CoordinatorFactory()
    Representation.objects.create(cluster=cluster, coordinator=coordinator)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        coordinator.delete()


def test_changes_are_kept_in_the_audit_history():
    cluster = ClusterFactory(name="Klaster A")
    cluster.name = "Klaster B"
    cluster.save()
    names = list(cluster.history.order_by("history_date").values_list("name", flat=True))
    assert names == ["Klaster A", "Klaster B"]
    delta = cluster.history.first().diff_against(cluster.history.last())
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("name", "Klaster A", "Klaster B")]


def test_former_name_matching_folds_polish_capitals_and_stray_spaces():
    cluster = ClusterFactory(name="Śląski Klaster NANO")
    assert list(Cluster.objects.matching_name("  ŚLĄSKI   klaster nano ")) == [cluster]
