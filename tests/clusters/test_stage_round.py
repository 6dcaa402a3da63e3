"""A stage result belongs to a stage of its application's round: in the model, the
database and the admin form."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from clusters.models import Application, EvaluationStage, StageResult
from tests.factories import ApplicationFactory, ClusterFactory, RoundFactory, StageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def two_rounds():
    mine, other = RoundFactory(name="Runda V"), RoundFactory(name="Runda VI")
    return (
        ApplicationFactory(round=mine),
        StageFactory(round=mine, order=1, kind="formal"),
        StageFactory(round=other, order=1, kind="formal"),
    )


def test_the_model_refuses_another_round_s_stage(two_rounds):
    application, _own, foreign = two_rounds
    with pytest.raises(ValidationError, match="another round"):
        StageResult(application=application, stage=foreign, result="passed").full_clean()


def test_the_database_refuses_another_round_s_stage(two_rounds):
    application, own, foreign = two_rounds
    with pytest.raises(IntegrityError), transaction.atomic():
        StageResult.objects.create(application=application, stage=foreign, result="passed")
    result = StageResult.objects.create(application=application, stage=own, result="passed")
    with pytest.raises(IntegrityError), transaction.atomic():
        StageResult.objects.filter(pk=result.pk).update(stage=foreign)


def test_the_database_refuses_moving_an_application_or_stage_away_from_its_results(two_rounds):
    application, own, foreign = two_rounds
    StageResult.objects.create(application=application, stage=own, result="passed")
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(round=foreign.round)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationStage.objects.filter(pk=own.pk).update(round=foreign.round)
    # A move that keeps them together is allowed.
    other_stage = StageFactory(round=foreign.round, order=2, kind="merit")
    EvaluationStage.objects.filter(pk=other_stage.pk).update(order=3)


def test_the_add_form_labels_each_stage_with_its_round_and_saves_only_its_own(
    admin_client, two_rounds
):
    _application, own, foreign = two_rounds
    page = admin_client.get(reverse("admin:clusters_application_add")).content.decode()
    assert "Runda V – 1. formal assessment" in page or "Runda V – 1. ocena formalna" in page
    assert "Runda VI – 1." in page
    cluster = ClusterFactory()
    data = {
        "cluster": cluster.pk,
        "round": own.round.pk,
        "outcome": "pending",
        "stage_results-TOTAL_FORMS": "1",
        "stage_results-INITIAL_FORMS": "0",
        "stage_results-0-stage": foreign.pk,
        "stage_results-0-result": "passed",
        "stage_results-0-note": "Wniosek kompletny",
    }
    response = admin_client.post(reverse("admin:clusters_application_add"), data)
    assert response.status_code == 200  # the form again, with the error
    assert not Application.objects.filter(cluster=cluster).exists()
    data["stage_results-0-stage"] = own.pk
    response = admin_client.post(reverse("admin:clusters_application_add"), data)
    assert response.status_code == 302
    assert Application.objects.get(cluster=cluster).stage_results.get().stage == own
