"""Every public page type on a 390 px phone, in Polish and English, and axe in high contrast.

A phone must never scroll sideways and no visible text may be smaller than 12 px as
rendered (an SVG's text counts at the size it is drawn, not its nominal size). axe-core
checks WCAG 2.1 A/AA on every page type in both languages, in the browser's forced
colours (Windows high contrast), in a dark colour scheme and in the site's own high
contrast switch.
"""

import pytest
from django.urls import translate_url
from django.utils import translation
from playwright.sync_api import expect

from core.display import SWITCHES
from kkkregistry.builtin_data import load_registry_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SMALLEST_TEXT_PX = 12

# One address of each public page type, without the language prefix.
PAGE_TYPES = {
    "home": "/",
    "cluster-list": "/klastry/",
    "cluster-detail": "/klastry/klaster-obrobki-metali/",
    "round-list": "/rundy/",
    "round-detail": "/rundy/odnowienie-2018/",
    "status-check": "/weryfikacja-statusu/?cluster=klaster-obrobki-metali&on=2019-01-01",
    "event-list": "/wydarzenia/",
    "event-detail": "/wydarzenia/e-boost-kick-off-2023/",
    "statement": "/deklaracja-dostepnosci/",
    "not-found": "/nie-ma-takiej-strony/",
}
# Today (in the built-in data) no cluster holds status; on this day twenty did.
HELD_STATUS_IN_2023 = "/klastry/?status=current&as_of=2023-06-01"
LANGUAGES = {"pl": "", "en": "/en"}
PAGES = [(name, language) for name in PAGE_TYPES for language in LANGUAGES]

# Text smaller than the limit as the visitor sees it, with where it is: the element's
# computed font size, scaled by the SVG's drawing scale for text inside an SVG.
# Text clipped to a 1 px box (.visually-hidden) is for screen readers and is skipped.
TINY_TEXT_JS = """(limit) => {
  const tiny = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element) continue;
    const box = element.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none") continue;
    if (!element.checkVisibility()) continue;
    let size = parseFloat(style.fontSize);
    if (element.ownerSVGElement) size *= element.getScreenCTM().d;
    if (size < limit - 0.01) tiny.push(`${size.toFixed(1)}px: ${text.slice(0, 40)}`);
  }
  return tiny;
}"""


@pytest.fixture
def registry():
    load_registry_data()


def address(name, language):
    """The page's own address in the language: /en/clusters/ for /klastry/."""
    path = PAGE_TYPES[name]
    if language == "pl":
        return path
    with translation.override("pl"):
        english = translate_url(path, language)
    # An address no page answers (the 404) has no translation: only the prefix.
    return english if english != path else LANGUAGES[language] + path


def visit(page, name, language):
    response = page.goto(address(name, language))
    expected = 404 if name == "not-found" else 200
    assert response.status == expected, f"{page.url}: {response.status}"


@pytest.mark.parametrize(("name", "language"), PAGES)
def test_page_fits_a_phone_with_readable_text_and_passes_axe(
    page, registry, screenshot, assert_accessible, name, language
):
    page.set_viewport_size(PHONE)
    visit(page, name, language)
    screenshot(page, f"phone-{name}-{language}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"
    assert page.evaluate(TINY_TEXT_JS, SMALLEST_TEXT_PX) == []
    assert_accessible(page)


@pytest.mark.parametrize(("name", "language"), PAGES)
def test_page_passes_axe_in_forced_colours_and_dark_scheme(
    page, registry, assert_accessible, name, language
):
    page.set_viewport_size(PHONE)
    page.emulate_media(forced_colors="active", color_scheme="dark")
    visit(page, name, language)
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    assert_accessible(page)


@pytest.mark.parametrize(("name", "language"), PAGES)
def test_page_passes_axe_in_the_sites_high_contrast(
    page, live_server, registry, assert_accessible, name, language
):
    page.context.add_cookies([{"name": SWITCHES["contrast"], "value": "1", "url": live_server.url}])
    page.set_viewport_size(PHONE)
    visit(page, name, language)
    assert "contrast" in page.locator("html").get_attribute("class")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)


def test_cluster_list_shows_each_cluster_as_a_block_with_its_status_on_a_phone(page, registry):
    page.set_viewport_size(PHONE)
    page.goto(HELD_STATUS_IN_2023)
    first = page.locator("table.stack tbody tr").first
    status = first.locator("td.status")
    coordinator = first.locator("td.coordinator")
    for cell in (status, coordinator):
        assert cell.is_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert "posiada status" in status.inner_text()
    # Each cell says what it is, since the column headings are out of sight.
    assert status.get_attribute("data-label") == "Status KKK"
    label = status.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Status KKK: "'
    # Blocks: the status sits below the cluster's name, not beside it.
    name_box = first.locator("td").first.bounding_box()
    assert status.bounding_box()["y"] > name_box["y"] + name_box["height"] - 1
    assert page.locator("table.stack thead").bounding_box()["height"] <= 1


def test_cluster_list_stays_a_table_on_a_desktop(page, registry):
    page.set_viewport_size(DESKTOP)
    page.goto(HELD_STATUS_IN_2023)
    assert page.locator("table.stack thead").is_visible()
    row = page.locator("table.stack tbody tr").first
    name_box = row.locator("td").first.bounding_box()
    assert row.locator("td.status").bounding_box()["y"] == name_box["y"]


def test_tables_that_stay_tables_say_they_scroll_and_scroll_by_keyboard(page, registry):
    page.set_viewport_size(PHONE)
    page.goto("/rundy/")
    region = page.get_by_role("region", name="Rundy konkursu")
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("r => r.scrollWidth > r.clientWidth"), "the table fits: no hint needed"
    hint = page.locator(".scroll-hint")
    # Scroll-state queries are answered a frame after layout: expect() waits for it.
    expect(hint).to_be_visible()
    assert "Przewiń tabelę w bok" in hint.inner_text()
    region.focus()
    page.keyboard.press("ArrowRight")
    # Arrow keys scroll smoothly: give it a moment (the CSP forbids wait_for_function).
    for _ in range(20):
        if region.evaluate("r => r.scrollLeft") > 0:
            break
        page.wait_for_timeout(50)
    assert region.evaluate("r => r.scrollLeft") > 0
    page.set_viewport_size(DESKTOP)
    expect(hint).to_be_hidden()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_map_tiles_show_names_inside_their_accessible_names(page, registry, axe, size):
    page.set_viewport_size(size)
    page.goto("/")
    # The phone gets the list; the desktop the map, wide enough for 12 px names.
    tiles = page.locator("svg.tilemap a" if size is DESKTOP else ".tile-list a")
    assert tiles.count() == 16 and tiles.first.is_visible()
    for index in range(tiles.count()):
        tile = tiles.nth(index)
        visible = " ".join(tile.locator("text, span").all_text_contents())
        name = tile.get_attribute("aria-label")
        assert visible.replace(":", "").replace("*", "").split()[0] in name
        assert visible.split()[-1].rstrip("*") in name
    assert page.evaluate(TINY_TEXT_JS, SMALLEST_TEXT_PX) == []
    rule = {"runOnly": {"type": "rule", "values": ["label-content-name-mismatch"]}}
    assert axe.run(page, options=rule).response["violations"] == []


def test_no_page_scrolls_sideways_with_larger_text_either(page, live_server, registry):
    page.context.add_cookies(
        [{"name": SWITCHES["large_text"], "value": "1", "url": live_server.url}]
    )
    page.set_viewport_size(PHONE)
    for name in PAGE_TYPES:
        visit(page, name, "pl")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} is {width} px wide with larger text"
        # A hint shows exactly where a table is wider than its region.
        for region in page.locator(".table-scroll").all():
            hint = expect(region.locator(".scroll-hint"))
            if region.evaluate("r => r.scrollWidth > r.clientWidth"):
                hint.to_be_visible()
            else:
                hint.to_be_hidden()
