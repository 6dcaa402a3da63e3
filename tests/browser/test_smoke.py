import pytest

from kkkregistry.builtin_data import load_registry_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_cluster_page_renders_in_chromium_and_passes_axe(page, screenshot, assert_accessible):
    load_registry_data()
    page.goto("/klastry/klaster-obrobki-metali/")
    assert page.locator("h1").inner_text() == "Evoluma"
    assert page.locator("html").get_attribute("lang") == "pl"
    screenshot(page, "cluster-detail-desktop")
    assert_accessible(page)
