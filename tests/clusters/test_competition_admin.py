"""The admin of a running round: experts see only their own work, staff see it all."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clusters.models import ExpertAssignment, ScoreCard
from clusters.services import (
    assign_expert,
    decide_stage,
    declare_impartiality,
    save_score_card,
)
from kkkregistry.roles import EDITORS, EXPERTS, VIEWERS
from tests.clusters.test_competition import competition, full_marks  # noqa: F401
from tests.factories import ApplicationFactory, staff_in

pytestmark = pytest.mark.django_db


def score_url(assignment, name="score"):
    return reverse(f"admin:clusters_expertassignment_{name}", args=[assignment.pk])


@pytest.fixture
def two_assignments(competition):  # noqa: F811
    round_, (_formal, scored, _panel), (first, second) = competition
    application = ApplicationFactory(round=round_, cluster__name="Klaster Alfa")
    return [assign_expert(application, scored, expert) for expert in (first, second)]


def test_an_expert_lists_only_their_own_assignments(client, two_assignments):
    mine, theirs = two_assignments
    other_round = ApplicationFactory(cluster__name="Klaster Obcy")
    client.force_login(mine.expert)
    response = client.get(reverse("admin:clusters_expertassignment_changelist"))
    assert list(response.context["cl"].result_list) == [mine]
    assert "Klaster Obcy" not in response.text and other_round.pk
    # Nothing on the page names the other expert.
    assert theirs.expert.get_username() not in response.text


def test_an_expert_declares_impartiality_before_the_first_look(client, two_assignments):
    mine, _theirs = two_assignments
    client.force_login(mine.expert)
    response = client.get(score_url(mine))
    assert response.url == score_url(mine, "declare")
    response = client.post(score_url(mine, "declare"), {"impartial": "yes"})
    assert response.url == score_url(mine)
    mine.refresh_from_db()
    assert mine.impartiality == ExpertAssignment.Impartiality.DECLARED and mine.declared_at


def test_an_expert_saves_a_draft_then_submits_it_locked(client, two_assignments):
    mine, _theirs = two_assignments
    declare_impartiality(mine, impartial=True)
    client.force_login(mine.expert)
    data = {}
    for criterion in mine.stage.criteria.all():
        data[f"points_{criterion.pk}"] = "25.5"
        data[f"justification_{criterion.pk}"] = "Dobrze udokumentowane."
    client.post(score_url(mine), {**data, "_save": "1"})
    card = ScoreCard.objects.get(assignment=mine)
    assert card.state == ScoreCard.State.DRAFT and card.total() == Decimal("127.5")
    client.post(score_url(mine), {**data, "_submit": "1"})
    card.refresh_from_db()
    assert card.is_locked()
    assert client.post(score_url(mine), {**data, "_save": "1"}).status_code == 403


def test_an_expert_cannot_see_another_experts_draft(client, two_assignments):
    mine, theirs = two_assignments
    declare_impartiality(theirs, impartial=True)
    save_score_card(theirs, full_marks(theirs.stage, justification="Tajne uzasadnienie."))
    client.force_login(mine.expert)
    for url in (
        score_url(theirs),
        reverse("admin:clusters_expertassignment_change", args=[theirs.pk]),
    ):
        response = client.get(url, follow=True)
        assert "Tajne uzasadnienie" not in response.text
    refused = client.get(score_url(theirs))
    assert refused.status_code == 403
    assert "To nie jest Twój przydział." in refused.text


@pytest.mark.parametrize(
    "name",
    [
        "admin:clusters_application_changelist",
        "admin:clusters_cluster_changelist",
        "admin:clusters_round_changelist",
        "admin:clusters_expertassignment_add",
    ],
)
def test_an_expert_is_refused_every_other_page_in_the_admins_layout(client, name):
    client.force_login(staff_in(EXPERTS))
    response = client.get(reverse(name))
    assert response.status_code == 403
    # The admin's header and a sentence, not a bare "403 Forbidden".
    assert "Administracja rejestru KKK" in response.text
    assert "Eksperci widzą tylko przydzielone im wnioski" in response.text


def test_a_viewer_refused_a_change_reads_why_in_the_admins_layout(client):
    client.force_login(staff_in(VIEWERS))
    response = client.get(reverse("admin:clusters_round_add"))
    assert response.status_code == 403
    assert "Administracja rejestru KKK" in response.text


def test_editors_see_progress_with_missing_experts_and_diverging_totals(client, competition):  # noqa: F811
    round_, (formal, scored, _panel), experts = competition
    round_.divergence_share = 20
    round_.save()
    diverging = ApplicationFactory(round=round_, cluster__name="Klaster Rozbieżny")
    waiting = ApplicationFactory(round=round_, cluster__name="Klaster Czekający")
    for expert, share in zip(experts, [1, Decimal("0.5")], strict=True):
        assignment = declare_impartiality(assign_expert(diverging, scored, expert), impartial=True)
        save_score_card(assignment, full_marks(scored, share), submit=True)
    assign_expert(waiting, scored, experts[0])
    rejected = ApplicationFactory(round=round_, cluster__name="Klaster Odrzucony")
    decide_stage(rejected, formal, False, "Brak wymaganych dokumentów.")
    client.force_login(staff_in(EDITORS))
    response = client.get(reverse("admin:clusters_round_progress", args=[round_.pk]))
    rows = dict(
        (application.cluster.name, cells) for application, cells in response.context["rows"]
    )
    assert rows["Klaster Rozbieżny"][1]["diverges"]
    assert rows["Klaster Czekający"][1]["experts_missing"] == 1
    assert rows["Klaster Czekający"][1]["cards_missing"] == 1
    assert "Sumy punktów ekspertów się rozchodzą." in response.text
    # A failed stage leaves nothing to do after it.
    assert rows["Klaster Odrzucony"][1]["after_failure"]
    assert not rows["Klaster Czekający"][1]["after_failure"]


def test_editors_reopen_a_submitted_card_with_a_reason(client, two_assignments):
    mine, _theirs = two_assignments
    declare_impartiality(mine, impartial=True)
    card = save_score_card(mine, full_marks(mine.stage), submit=True)
    client.force_login(staff_in(EDITORS))
    client.post(score_url(mine, "reopen"), {"reason": "Pomyłka w kryterium 3."})
    card.refresh_from_db()
    assert card.state == ScoreCard.State.DRAFT and card.reopen_reason == "Pomyłka w kryterium 3."


def test_an_expert_cannot_reopen_their_own_card(client, two_assignments):
    mine, _theirs = two_assignments
    declare_impartiality(mine, impartial=True)
    save_score_card(mine, full_marks(mine.stage), submit=True)
    client.force_login(mine.expert)
    assert client.post(score_url(mine, "reopen"), {"reason": "x"}).status_code == 403


def test_editors_assign_only_experts_through_the_admin(client, competition):  # noqa: F811
    round_, (_formal, scored, _panel), (expert, _other) = competition
    application = ApplicationFactory(round=round_)
    client.force_login(staff_in(EDITORS))
    url = reverse("admin:clusters_expertassignment_add")
    client.post(url, {"expert": expert.pk, "application": application.pk, "stage": scored.pk})
    assert ExpertAssignment.objects.filter(expert=expert, application=application).exists()
    editor = staff_in(EDITORS)
    response = client.post(
        url, {"expert": editor.pk, "application": application.pk, "stage": scored.pk}
    )
    assert response.status_code == 200
    assert not ExpertAssignment.objects.filter(expert=editor).exists()
