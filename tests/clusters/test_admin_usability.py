"""The round's admin as a new member of staff meets it: what it offers, fills in and refuses."""

import re

import pytest
from django.urls import reverse

from clusters.models import EvaluationStage, StageResult
from kkkregistry.roles import EXPERTS, VIEWERS
from tests.admin_forms import form_data
from tests.factories import (
    ApplicationFactory,
    RoundFactory,
    StageFactory,
    StageResultFactory,
    staff_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages():
    """A round's three stages, numbered 1, 2, 3: formal, merit, Expert Panel."""
    formal = StageFactory(order=1, kind="formal")
    merit = StageFactory(round=formal.round, order=2, kind="merit")
    panel = StageFactory(round=formal.round, order=3, kind="panel")
    return formal, merit, panel


def stage_orders(round_):
    return list(round_.stages.order_by("order").values_list("kind", "order"))


def post_stage_numbers(client, round_, numbers):
    """The round's page saved with the stages' numbers changed as in {kind: number}."""
    url = reverse("admin:clusters_round_change", args=[round_.pk])
    page = client.get(url)
    data = form_data(page)
    formset = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is EvaluationStage
    )
    for form in formset.forms:
        if form.instance.kind in numbers:
            data[form.add_prefix("order")] = str(numbers[form.instance.kind])
    return client.post(url, data)


def test_a_stage_typed_a_new_number_moves_and_the_others_are_renumbered(admin_client, stages):
    round_ = stages[0].round
    response = post_stage_numbers(admin_client, round_, {"panel": 1})
    assert response.status_code == 302
    assert stage_orders(round_) == [("panel", 1), ("formal", 2), ("merit", 3)]
    # Moved down, it goes after the stage that held its new number.
    assert post_stage_numbers(admin_client, round_, {"panel": 2}).status_code == 302
    assert stage_orders(round_) == [("formal", 1), ("panel", 2), ("merit", 3)]


def test_two_stages_swap_numbers(admin_client, stages):
    round_ = stages[0].round
    response = post_stage_numbers(admin_client, round_, {"formal": 2, "merit": 1})
    assert response.status_code == 302
    assert stage_orders(round_) == [("merit", 1), ("formal", 2), ("panel", 3)]


def test_stages_are_not_moved_once_a_result_was_decided(admin_client, stages):
    formal, *_ = stages
    StageResultFactory(stage=formal, application__round=formal.round, result="passed")
    response = post_stage_numbers(admin_client, formal.round, {"panel": 1})
    assert response.status_code == 200
    stage_formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is EvaluationStage
    )
    assert stage_formset.non_form_errors() == [
        "Nie można zmienić kolejności etapów, gdy jakiś wynik jest już rozstrzygnięty."
    ]
    assert stage_orders(formal.round) == [("formal", 1), ("merit", 2), ("panel", 3)]


def application_post(client, application, result, note):
    url = reverse("admin:clusters_application_change", args=[application.pk])
    formal = application.round.stages.get(kind="formal")
    data = form_data(client.get(url))
    data.update(
        {
            "stage_results-TOTAL_FORMS": "1",
            "stage_results-INITIAL_FORMS": "0",
            "stage_results-0-stage": str(formal.pk),
            "stage_results-0-result": result,
            "stage_results-0-note": note,
        }
    )
    return client.post(url, data)


def test_an_unscored_stage_decided_in_the_application_form_needs_a_note(admin_client, stages):
    application = ApplicationFactory(round=stages[0].round)
    refused = application_post(admin_client, application, "passed", "  ")
    assert refused.status_code == 200
    errors = refused.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert list(errors) == ["note"]
    assert not application.stage_results.exists()
    response = application_post(admin_client, application, "passed", "Wniosek kompletny")
    assert response.status_code == 302
    assert application.stage_results.get().note == "Wniosek kompletny"
    # Pending is no decision: it needs no note.
    waiting = ApplicationFactory(round=stages[0].round)
    assert application_post(admin_client, waiting, "pending", "").status_code == 302


def test_an_unscored_stage_decided_on_its_own_page_needs_a_note(admin_client, stages):
    result = StageResultFactory(stage=stages[0], application__round=stages[0].round)
    url = reverse("admin:clusters_stageresult_change", args=[result.pk])
    data = {**form_data(admin_client.get(url)), "result": "passed", "note": ""}
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "note" in response.context["adminform"].form.errors
    data["note"] = "Wniosek kompletny"
    assert admin_client.post(url, data).status_code == 302
    result.refresh_from_db()
    assert result.result == StageResult.Result.PASSED


def test_the_rounds_page_links_its_applications_and_adds_one_with_the_round_set(
    admin_client, stages
):
    round_ = stages[0].round
    application = ApplicationFactory(round=round_, cluster__name="Klaster Linkowany")
    page = admin_client.get(reverse("admin:clusters_round_change", args=[round_.pk])).text
    change = reverse("admin:clusters_application_change", args=[application.pk])
    assert f'<a href="{change}">' in page
    add = reverse("admin:clusters_application_add") + f"?round={round_.pk}"
    assert f'href="{add}"' in page

    other_round_stage = StageFactory(kind="formal")
    form = admin_client.get(add)
    assert form.context["adminform"].form.initial["round"] == str(round_.pk)
    formset = form.context["inline_admin_formsets"][0].formset
    offered = list(formset.form.base_fields["stage"].queryset)
    assert offered == list(round_.stages.order_by("order"))
    assert other_round_stage not in offered
    labels = [label for _value, label in formset.form.base_fields["stage"].choices][1:]
    assert all(label.startswith(f"{round_} – ") for label in labels)


def test_the_rounds_slug_is_filled_from_its_name(admin_client):
    page = admin_client.get(reverse("admin:clusters_round_add"))
    assert [f["field"].name for f in page.context["prepopulated_fields"]] == ["slug"]
    assert page.context["prepopulated_fields"][0]["dependencies"][0].name == "name"


def test_help_texts_do_not_assume_six_rounds(admin_client):
    page = admin_client.get(reverse("admin:clusters_round_add")).text
    assert "I–VI" not in page
    assert "7 dla rundy VII" in page


def rows_of(page, name):
    return int(re.search(rf'<textarea name="{name}" cols="\d+" rows="(\d+)"', page).group(1))


def test_description_boxes_are_sized_to_their_text(admin_client):
    short = RoundFactory(description="")
    long = RoundFactory(description="Zdanie opisu rundy. " * 200)
    middle = RoundFactory(
        description="Pierwszy akapit.\n\nDrugi akapit.\nTrzeci.\nCzwarty.\nPiąty."
    )

    def rows(round_):
        url = reverse("admin:clusters_round_change", args=[round_.pk])
        return rows_of(admin_client.get(url).text, "description")

    assert rows(short) == 3
    assert rows(middle) == 7
    assert rows(long) == 25


@pytest.mark.parametrize(
    ("group", "url_name"),
    [
        (VIEWERS, "admin:clusters_cluster_import"),
        (VIEWERS, "admin:clusters_cluster_add"),
        (EXPERTS, "admin:clusters_cluster_changelist"),
        (EXPERTS, "admin:clusters_round_export"),
        (EXPERTS, "admin:clusters_application_changelist"),
    ],
)
def test_a_refused_page_keeps_the_admin_layout_and_says_why(client, group, url_name):
    client.force_login(staff_in(group))
    response = client.get(reverse(url_name))
    assert response.status_code == 403
    assert 'id="site-name"' in response.text  # the admin's header
    assert "Brak dostępu" in response.text or "No access" in response.text
    assert 'class="errornote"' in response.text


def test_a_stages_points_to_pass_show_in_polish_on_the_rounds_page(admin_client):
    # A decimal shown with a comma: a number input would refuse "87,50" and show nothing.
    stage = StageFactory(
        kind=EvaluationStage.Kind.PARAMETRIC, max_points=150, pass_threshold="87.50", experts=2
    )
    page = admin_client.get(
        reverse("admin:clusters_round_change", args=[stage.round_id]), HTTP_ACCEPT_LANGUAGE="pl"
    ).content.decode()
    field = re.search(r'<input[^>]*name="stages-0-pass_threshold"[^>]*>', page).group(0)
    assert 'value="87,50"' in field and 'type="text"' in field
