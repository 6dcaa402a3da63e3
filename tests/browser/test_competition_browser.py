"""A round run end to end in a real Chromium: setup, experts, stages, closing, publication."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clusters.models import Application, EvaluationStage, ExpertAssignment, StatusAward
from clusters.services import decide_stage
from core.dates import today
from kkkregistry.roles import EDITORS, EXPERTS
from tests.browser.test_admin_browser import log_in
from tests.factories import ApplicationFactory, EventFactory, RoundFactory, staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLUSTERS = ["Klaster Alfa", "Klaster Beta", "Klaster Gamma"]
# Each expert's points per criterion (5 criteria of at most 30): 145, 125 and 75 in all.
POINTS = {"Klaster Alfa": "29", "Klaster Beta": "25", "Klaster Gamma": "15"}


def new_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def run_action(page, round_, action):
    page.goto("/admin/clusters/round/")
    page.check(f"input[name=_selected_action][value='{round_.pk}']")
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def public_text(page, url):
    """The page or file a visitor gets (exports and the calendar are downloads)."""
    return page.request.get(url).text()


def test_a_round_from_setup_to_publication(
    page, browser, live_server, screenshot, assert_accessible
):
    gala = today() - datetime.timedelta(days=1)
    round_ = RoundFactory(
        name="Runda VII",
        slug="runda-vii",
        number=7,
        year=today().year,
        gala_date=gala,
        max_points=150,
        pass_threshold=100,
        results_published_at=None,
    )
    EventFactory(title="Gala Krajowych Klastrów Kluczowych", round=round_, start_date=gala)
    editor = staff_in(EDITORS)
    experts = [staff_in(EXPERTS, username=name) for name in ("ekspert-nowak", "ekspert-lis")]
    log_in(page, editor)

    # Staff set up the stages: numbered as they are added.
    page.goto(f"/admin/clusters/round/{round_.pk}/change/")
    page.check("#id_publishes_points")
    stages = [("formal", "", "", "0"), ("parametric", "150", "100", "2"), ("panel", "", "", "0")]
    for index, (kind, maximum, threshold, experts_count) in enumerate(stages):
        page.click("#stages-group .add-row a")
        page.select_option(f"#id_stages-{index}-kind", kind)
        page.fill(f"#id_stages-{index}-max_points", maximum)
        page.fill(f"#id_stages-{index}-pass_threshold", threshold)
        page.fill(f"#id_stages-{index}-experts", experts_count)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    formal, scored, panel = EvaluationStage.objects.filter(round=round_).order_by("order")
    assert [formal.order, scored.order, panel.order] == [1, 2, 3]
    run_action(page, round_, "add_criteria")
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert scored.criteria.count() == 5

    # Three applications; the formal assessment passes all of them.
    applications = [
        ApplicationFactory(
            round=round_, cluster__name=name, cluster__slug=name.lower().replace(" ", "-")
        )
        for name in CLUSTERS
    ]
    for application in applications:
        decide_stage(application, formal, True, "Wniosek kompletny.")

    # Two experts for each application at the scored stage.
    for application in applications:
        for expert in experts:
            page.goto("/admin/clusters/expertassignment/add/")
            page.select_option("#id_expert", str(expert.pk))
            page.select_option("#id_application", str(application.pk))
            page.select_option("#id_stage", str(scored.pk))
            page.click("input[name=_save]")
            expect(page.locator(".messagelist .success")).to_be_visible()
    assert ExpertAssignment.objects.count() == 6

    # Each expert declares impartiality, then scores.
    for expert in experts:
        expert_page = new_page(browser, live_server)
        log_in_expert(expert_page, expert)
        expert_page.goto("/admin/clusters/expertassignment/")
        expect(expert_page.locator("#result_list tbody tr")).to_have_count(3)
        for assignment in ExpertAssignment.objects.filter(expert=expert):
            expert_page.goto(f"/admin/clusters/expertassignment/{assignment.pk}/score/")
            expect(expert_page).to_have_url(
                f"{live_server.url}/admin/clusters/expertassignment/{assignment.pk}/declare/"
            )
            expert_page.check("input[name=impartial][value=yes]")
            expert_page.click("input[type=submit]")
            points = POINTS[str(assignment.application.cluster)]
            for criterion in scored.criteria.all():
                expert_page.fill(f"#id_points_{criterion.pk}", points)
                expert_page.fill(
                    f"#id_justification_{criterion.pk}", "Opis potwierdzony w załącznikach."
                )
            expert_page.click("input[name=_submit]")
            expect(expert_page.locator(".messagelist .success")).to_be_visible()
        screenshot(expert_page, "expert-score-card")
        # Anything else of the admin: refused, in its layout, saying why.
        expert_page.goto("/admin/clusters/application/")
        expect(expert_page.locator("#content .errornote")).to_contain_text("Eksperci widzą tylko")
        expert_page.context.close()

    # The merit stage: Gamma's mean of 75 fails the threshold of 100.
    gamma = Application.objects.get(cluster__name="Klaster Gamma")
    assert gamma.stage_results.get(stage=scored).result == "failed"

    # Staff decide the Expert Panel for the two that passed.
    for name in ("Klaster Alfa", "Klaster Beta"):
        application = Application.objects.get(cluster__name=name)
        page.goto(f"/admin/clusters/application/{application.pk}/change/")
        page.click("#stage_results-group .add-row a")
        page.select_option("#id_stage_results-2-stage", str(panel.pk))
        page.select_option("#id_stage_results-2-result", "passed")
        page.fill("#id_stage_results-2-note", "Prezentacja przekonująca.")
        page.click("input[name=_save]")
        expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto(f"/admin/clusters/round/{round_.pk}/progress/")
    screenshot(page, "admin-round-progress")
    run_action(page, round_, "close")
    expect(page.locator(".messagelist .success")).to_contain_text("nadano status 2 klastrom")
    assert set(StatusAward.objects.values_list("cluster__name", flat=True)) == {
        "Klaster Alfa",
        "Klaster Beta",
    }

    # Before publication: nothing of it on the public site.
    visitor = new_page(browser, live_server)
    before = {
        url: public_text(visitor, url)
        for url in (
            "/rundy/runda-vii/",
            "/klastry/?status=current",
            "/klastry/export.csv?status=current",
            "/klastry/export.json?status=current",
            "/wydarzenia/kalendarz.ics",
        )
    }
    for url, text in before.items():
        for name in CLUSTERS:
            assert name not in text, (url, name)

    # Staff publish the results now.
    page.goto(f"/admin/clusters/round/{round_.pk}/change/")
    moment = timezone.localtime() - datetime.timedelta(minutes=1)
    page.fill("#id_results_published_at_0", moment.strftime("%d.%m.%Y"))
    page.fill("#id_results_published_at_1", moment.strftime("%H:%M:%S"))
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    visitor.goto("/rundy/runda-vii/")
    results = visitor.locator("#results + .table-scroll tbody tr")
    expect(results).to_have_count(3)
    expect(results.nth(0)).to_contain_text("Klaster Alfa")
    expect(results.nth(0)).to_contain_text("145")
    expect(results.nth(2)).to_contain_text("Klaster Gamma")
    screenshot(visitor, "public-round-results")
    assert_accessible(visitor)
    current = public_text(visitor, "/klastry/export.csv?status=current")
    assert "Klaster Alfa" in current and "Klaster Beta" in current
    assert "Klaster Gamma" not in current
    visitor.goto("/klastry/?status=current")
    expect(visitor.locator("main")).to_contain_text("Klaster Alfa")


def log_in_expert(page, user):
    from tests.factories import PASSWORD

    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#content")).to_be_visible()
