"""An application's outcome agrees with its stage results, or records why it does not."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clusters.models import Application, StageResult
from tests.admin_forms import form_data
from tests.factories import ApplicationFactory, StageFactory, StageResultFactory
from transfer.service import import_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PASSED, FAILED, PENDING = "passed", "failed", "pending"


@pytest.fixture
def stages():
    """A round of two stages with a pass threshold of 100 points."""
    formal = StageFactory(order=1, kind="formal", round__max_points=150, round__pass_threshold=100)
    merit = StageFactory(round=formal.round, order=2, kind="merit")
    return [formal, merit]


@pytest.mark.parametrize(
    ("outcome", "verdicts", "points", "reason", "agrees"),
    [
        ("awarded", [PASSED, PASSED], 120, "", True),
        ("awarded", [PASSED, FAILED], 120, "", False),
        ("awarded", [PASSED, PENDING], 120, "", False),
        # Every stage passed, but the points fall short of the round's threshold.
        ("awarded", [PASSED, PASSED], 90, "", False),
        ("rejected", [PASSED, FAILED], None, "", True),
        ("rejected", [PASSED, PASSED], 90, "", True),
        ("rejected", [PASSED, PASSED], 120, "", False),
        ("rejected", [PASSED, PENDING], None, "", False),
        # Pending waits for the stages, or for the grant once every stage passed...
        ("pending", [PASSED, PENDING], None, "", True),
        ("pending", [PASSED, PASSED], 120, "", True),
        # ...but a failed stage has decided it.
        ("pending", [FAILED, PENDING], None, "", False),
        ("withdrawn", [PASSED, PASSED], 120, "", True),
        ("awarded", [PASSED, FAILED], 120, "Odwołanie uwzględnione 3.02.2023.", True),
        ("awarded", [PASSED, FAILED], 120, "   ", False),
    ],
)
def test_an_outcome_must_follow_the_stage_results_or_give_its_reason(
    stages, outcome, verdicts, points, reason, agrees
):
    application = ApplicationFactory(
        round=stages[0].round, outcome=outcome, total_points=points, outcome_reason=reason
    )
    given = {stage.pk: verdict for stage, verdict in zip(stages, verdicts, strict=True)}
    if agrees:
        application.check_outcome(stages, given)
    else:
        with pytest.raises(ValidationError) as error:
            application.check_outcome(stages, given)
        assert list(error.value.message_dict) == ["outcome"]


def test_a_round_without_stages_leaves_the_outcome_to_staff():
    application = ApplicationFactory(outcome="awarded")
    application.check_outcome([], {})


def test_the_outcome_is_checked_against_the_saved_results_when_none_are_given(stages):
    application = ApplicationFactory(round=stages[0].round, outcome="awarded", total_points=120)
    for stage in stages:
        StageResultFactory(application=application, stage=stage, result=PASSED)
    application.check_outcome(stages)
    StageResult.objects.filter(stage=stages[1]).update(result=FAILED)
    with pytest.raises(ValidationError, match="give the outcome “rejected”"):
        Application.objects.get(pk=application.pk).check_outcome(stages)


# --- the admin ----------------------------------------------------------------


@pytest.fixture
def client(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def application_form(client, application, outcome, results, reason=""):
    url = reverse("admin:clusters_application_change", args=[application.pk])
    data = form_data(client.get(url))
    data.update(
        {
            "outcome": outcome,
            "outcome_reason": reason,
            "total_points": "120",
            "stage_results-TOTAL_FORMS": str(len(results)),
            "stage_results-INITIAL_FORMS": "0",
        }
    )
    for i, (stage, result) in enumerate(results):
        data[f"stage_results-{i}-stage"] = str(stage.pk)
        data[f"stage_results-{i}-result"] = result
        # Staff decide an unscored stage with a note (the admin refuses one without).
        data[f"stage_results-{i}-note"] = "" if stage.is_scored() else "Decyzja zespołu oceny"
    return client.post(url, data)


def test_the_admin_refuses_status_awarded_after_a_failed_stage_and_saves_nothing(client, stages):
    application = ApplicationFactory(round=stages[0].round)
    response = application_form(
        client, application, "awarded", [(stages[0], PASSED), (stages[1], FAILED)]
    )
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == [
        "The stage results give the outcome “rejected”, not “status awarded”. "
        "Change the outcome, or give the reason for the exception."
    ]
    application.refresh_from_db()
    assert application.outcome == "pending"
    assert not StageResult.objects.exists()


def test_the_admin_checks_the_outcome_against_the_results_entered_in_the_same_save(client, stages):
    application = ApplicationFactory(round=stages[0].round)
    response = application_form(
        client, application, "awarded", [(stages[0], PASSED), (stages[1], PASSED)]
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.outcome == "awarded"


def test_an_exception_is_saved_with_its_reason_in_the_history(client, stages):
    application = ApplicationFactory(round=stages[0].round)
    reason = "Odwołanie uwzględnione przez ministra."
    response = application_form(
        client, application, "awarded", [(stages[0], PASSED), (stages[1], FAILED)], reason
    )
    assert response.status_code == 302
    latest = application.history.latest()
    assert (latest.outcome, latest.outcome_reason) == ("awarded", reason)


def test_a_stage_result_changed_on_its_own_page_cannot_contradict_the_outcome(client, stages):
    application = ApplicationFactory(
        round=stages[0].round, outcome="awarded", total_points=Decimal(120)
    )
    StageResultFactory(application=application, stage=stages[0], result=PASSED)
    last = StageResultFactory(application=application, stage=stages[1], result=PASSED)
    url = reverse("admin:clusters_stageresult_change", args=[last.pk])
    data = form_data(client.get(url))
    data["result"] = FAILED
    response = client.post(url, data)
    assert response.status_code == 200
    assert "give the outcome “rejected”" in response.context["adminform"].form.errors["result"][0]
    last.refresh_from_db()
    assert last.result == PASSED


# --- files ----------------------------------------------------------------------


def applications_file(application, reason=None):
    """A row awarding status although the second stage failed, with a reason if given."""
    headers = ["Klaster", "Runda", "Rozstrzygnięcie", "Punkty łącznie"]
    cells = [application.cluster.name, application.round.name, "status nadany", "120"]
    if reason is not None:
        headers.append("Powód rozstrzygnięcia")
        cells.append(reason)
    headers += ["Ocena formalna – wynik", "Ocena merytoryczna – wynik"]
    cells += ["pozytywny", "negatywny"]
    return f"{';'.join(headers)}\n{';'.join(cells)}\n".encode()


def test_a_file_whose_outcome_contradicts_its_stage_results_is_refused_on_that_column(stages):
    application = ApplicationFactory(round=stages[0].round)
    report = import_file("applications", applications_file(application))
    assert [(e.row, e.column) for e in report.errors] == [(2, "Rozstrzygnięcie")]
    application.refresh_from_db()
    assert application.outcome == "pending"
    assert not StageResult.objects.exists()

    report = import_file("applications", applications_file(application, "Odwołanie uwzględnione"))
    assert report.errors == []
    application.refresh_from_db()
    assert (application.outcome, application.outcome_reason) == (
        "awarded",
        "Odwołanie uwzględnione",
    )


def test_a_file_with_only_the_outcome_is_checked_against_the_saved_results(stages):
    application = ApplicationFactory(round=stages[0].round, total_points=120)
    StageResultFactory(application=application, stage=stages[0], result=FAILED)
    data = (
        f"Klaster;Runda;Rozstrzygnięcie\n{application.cluster.name};{stages[0].round.name};"
        "status nadany\n"
    ).encode()
    assert [e.column for e in import_file("applications", data).errors] == ["Rozstrzygnięcie"]
