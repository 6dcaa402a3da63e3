"""The public site in a real Chromium: a visitor's journeys, downloads, axe-core, screenshots."""

import io
import re

import openpyxl
import pytest

from kkkregistry.builtin_data import load_registry_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

PAGE_TYPES = {
    "home": "/",
    "home-en": "/en/",
    "cluster-list": "/klastry/?status=expired&voivodeship=silesia",
    "cluster-list-invalid": "/klastry/?as_of=wczoraj&voivodeship=narnia",
    # Round V's margin: clusters marked "status uncertain" with their bounds.
    "cluster-list-uncertain": "/klastry/?as_of=2021-06-01",
    "cluster-detail": "/klastry/klaster-obrobki-metali/",
    "round-list": "/rundy/",
    "round-detail": "/rundy/odnowienie-2018/",
    "event-list": "/wydarzenia/",
    "event-list-round": "/wydarzenia/?round=runda-vi",
    "event-detail": "/en/events/e-boost-kick-off-2023/",
    "status-check": "/weryfikacja-statusu/?cluster=klaster-obrobki-metali&on=2019-01-01",
    "status-check-en-invalid": "/en/status-check/?nip=123&on=jutro",
    "accessibility-statement": "/deklaracja-dostepnosci/",
    "not-found": "/nie-ma-takiej-strony/",
}


@pytest.fixture
def registry():
    load_registry_data()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_every_page_type_passes_axe_at_phone_and_desktop_widths(
    page, registry, screenshot, assert_accessible, name
):
    for label, size in [("phone", PHONE), ("desktop", DESKTOP)]:
        page.set_viewport_size(size)
        page.goto(PAGE_TYPES[name])
        screenshot(page, f"{name}-{label}")
        assert_accessible(page)


def test_high_contrast_and_larger_text_pass_axe_and_survive_navigation(
    page, registry, screenshot, assert_accessible
):
    page.goto("/")
    page.get_by_role("button", name="Wysoki kontrast").click()
    page.get_by_role("button", name="Większy tekst").click()
    assert page.locator("html").get_attribute("class") == "contrast large-text"
    page.get_by_role("link", name="Klastry", exact=True).click()
    assert page.locator("html").get_attribute("class") == "contrast large-text"
    contrast = page.get_by_role("button", name="Wysoki kontrast")
    assert contrast.get_attribute("aria-pressed") == "true"
    screenshot(page, "cluster-list-contrast-desktop")
    assert_accessible(page)


def test_visitor_searches_filters_and_opens_a_cluster(page, registry, screenshot):
    page.goto("/klastry/")
    page.get_by_label("Nazwa, miejscowość lub koordynator").fill("slaski")
    page.get_by_label("Województwo").select_option("silesia")
    page.get_by_role("button", name="Pokaż klastry").click()
    # The address changes when the answer starts: wait for the whole new page.
    page.wait_for_load_state()
    assert "q=slaski" in page.url and "voivodeship=silesia" in page.url
    results = page.locator("tbody tr")
    assert results.count() >= 1
    assert all("Śląsk" in name for name in results.locator("td:first-child a").all_inner_texts())
    page.set_viewport_size(PHONE)
    screenshot(page, "cluster-search-phone")
    page.get_by_role("link", name="Śląski Klaster NANO").click()
    assert page.locator("h1").inner_text() == "Śląski Klaster NANO"


def test_visitor_asks_who_held_status_on_a_day(page, registry):
    page.goto("/klastry/")
    page.get_by_label("Na dzień").fill("2023-06-01")
    page.get_by_label("Status KKK").select_option("current")
    page.get_by_role("button", name="Pokaż klastry").click()
    assert "Znaleziono 20 klastrów" in page.locator("[role=status]").inner_text()


def test_visitor_switches_language_and_stays_on_the_same_page(page, registry):
    page.goto("/klastry/klaster-obrobki-metali/")
    page.get_by_role("link", name="English", exact=True).click()
    assert page.url.endswith("/en/clusters/klaster-obrobki-metali/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="KKK status history").is_visible()
    page.get_by_role("link", name="Polski", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "pl"


def test_visitor_downloads_the_calendar_and_the_csv(page, registry, tmp_path):
    page.goto("/wydarzenia/")
    with page.expect_download() as ics:
        page.get_by_role("link", name="Dodaj wydarzenia do swojego kalendarza (iCalendar)").click()
    body = ics.value.path().read_bytes()
    assert ics.value.suggested_filename == "kkk-wydarzenia.ics"
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and b"E-BOOST" in body

    page.goto("/klastry/?voivodeship=lubusz")
    with page.expect_download() as csv_file:
        page.get_by_role("link", name="CSV, dane otwarte").click()
    content = csv_file.value.path().read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    assert "Zielona Góra" in content.decode("utf-8-sig")
    assert "Rzeszów" not in content.decode("utf-8-sig")
    assert re.fullmatch(
        r"klastry-wojewodztwo-lubuskie-\d{4}-\d\d-\d\d\.csv", csv_file.value.suggested_filename
    )
    with page.expect_download() as xlsx_file:
        page.get_by_role("link", name="XLSX dla Excela").click()
    assert xlsx_file.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_file.value.path().read_bytes())).active
    assert [row[0] for row in sheet.values][0] == "Nazwa"
    assert "Zielona Góra" in [row[4] for row in sheet.values]


def test_map_tiles_lead_to_the_voivodeships_clusters(page, registry):
    page.goto("/")
    page.locator("svg.tilemap a[href*='voivodeship=silesia']").click()
    assert "voivodeship=silesia" in page.url
    assert page.get_by_label("Województwo").input_value() == "silesia"


def test_visitor_lists_the_events_of_one_round(page, registry):
    page.goto("/wydarzenia/")
    page.get_by_label("Runda").select_option(label="Runda VI")
    page.get_by_role("button", name="Pokaż wydarzenia").click()
    assert page.url.endswith("/wydarzenia/?kind=&year=&round=runda-vi")
    assert page.get_by_label("Runda").input_value() == "runda-vi"
    titles = page.locator(".card-list h3").all_inner_texts()
    assert titles == [
        "Gala wręczenia certyfikatów nadania/odnowienia statusu Krajowego Klastra Kluczowego"
    ]
