"""A foreign partner in a real Chromium: English addresses, filter labels and round names,
and the language switch keeping the page."""

import pytest

from kkkregistry.builtin_data import load_registry_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry():
    load_registry_data()


def option_labels(page, label):
    return page.get_by_label(label).locator("option").all_inner_texts()


def test_the_english_cluster_list_shows_english_filters_and_round_names(
    page, registry, screenshot, assert_accessible
):
    page.goto("/en/clusters/")
    assert page.locator("html").get_attribute("lang") == "en"
    specialisations = option_labels(page, "Specialisation")
    assert "Construction and infrastructure" in specialisations
    assert "Budownictwo i infrastruktura" not in specialisations
    rounds = option_labels(page, "Awarded status in")
    assert "Round VI" in rounds and "Runda VI" not in rounds

    page.get_by_label("Awarded status in").select_option(label="Round VI")
    page.get_by_role("button", name="Show clusters").click()
    assert "/en/clusters/?" in page.url and "round=runda-vi" in page.url
    chosen = page.get_by_label("Awarded status in").locator("option:checked")
    assert chosen.inner_text() == "Round VI"
    screenshot(page, "english-cluster-list-round-vi")
    assert_accessible(page)


def test_an_old_english_address_lands_on_the_english_one(page, registry):
    page.goto("/en/klastry/?round=runda-vi")
    assert page.url.endswith("/en/clusters/?round=runda-vi")
    page.goto("/en/rundy/runda-vi/")
    assert page.url.endswith("/en/rounds/runda-vi/")
    assert page.locator("h1").inner_text() == "Round VI"


def test_switching_language_keeps_the_page_and_its_filters(page, registry):
    page.goto("/klastry/?round=runda-vi")
    page.get_by_role("link", name="English", exact=True).click()
    assert page.url.endswith("/en/clusters/?round=runda-vi")
    assert page.get_by_label("Awarded status in").locator("option:checked").inner_text() == (
        "Round VI"
    )
    page.get_by_role("link", name="Polski", exact=True).click()
    assert page.url.endswith("/klastry/?round=runda-vi")
    assert page.locator("html").get_attribute("lang") == "pl"

    page.goto("/en/events/")
    page.get_by_role("link", name="E-BOOST project kick-off meeting").click()
    assert page.url.endswith("/en/events/e-boost-kick-off-2023/")
    page.get_by_role("link", name="Polski", exact=True).click()
    assert page.url.endswith("/wydarzenia/e-boost-kick-off-2023/")
    assert page.locator("h1").inner_text() == "Kick-off meeting projektu E-BOOST"
