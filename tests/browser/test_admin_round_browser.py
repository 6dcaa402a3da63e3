"""A round's page on a 1280-pixel screen: its stages fit, its slug fills itself in."""

import pytest
from playwright.sync_api import expect

from kkkregistry.roles import EDITORS
from tests.browser.test_admin_browser import log_in
from tests.factories import RoundFactory, StageFactory, staff_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_stage_inline_fits_a_1280_pixel_screen(page, screenshot):
    round_ = RoundFactory(name="Runda VII")
    description = "Ocena spełnienia kryteriów formalnych wniosku wraz z załącznikami. " * 4
    for order, kind in enumerate(["formal", "merit", "parametric", "panel"], start=1):
        StageFactory(
            round=round_,
            order=order,
            kind=kind,
            max_points=150 if kind == "parametric" else None,
            pass_threshold=100 if kind == "parametric" else None,
            experts=2 if kind == "parametric" else 0,
            description=description,
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, staff_in(EDITORS))
    page.goto(f"/admin/clusters/round/{round_.pk}/change/")
    inline = page.locator("#stages-group")
    expect(inline.locator("tbody tr.form-row.has_original")).to_have_count(4)
    screenshot(page, "admin-round-stages-1280")
    widths = inline.evaluate(
        """group => {
            const table = group.querySelector("table");
            return {
                group: group.clientWidth,
                table: table.scrollWidth,
                wrapper: table.parentElement.scrollWidth,
                page: document.documentElement.scrollWidth,
                screen: window.innerWidth,
            };
        }"""
    )
    assert widths["table"] <= widths["group"], widths
    assert widths["wrapper"] <= widths["group"], widths
    assert widths["page"] <= widths["screen"], widths


def test_the_rounds_slug_fills_itself_from_the_name(page):
    log_in(page, staff_in(EDITORS))
    page.goto("/admin/clusters/round/add/")
    page.locator("#id_name").press_sequentially("Runda VIII konkursu KKK")
    expect(page.locator("#id_slug")).to_have_value("runda-viii-konkursu-kkk")
