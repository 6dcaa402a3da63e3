"""The accessibility statement in a real Chromium: axe-core and the template's ids as rendered."""

import pytest

from pages.models import AccessibilityStatement, InaccessibleContent
from tests.pages.test_statement import REQUIRED_IDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def statement():
    """A published, partially compliant statement with every optional part filled in."""
    statement = AccessibilityStatement.objects.create(
        published=True,
        status=AccessibilityStatement.Status.PARTIAL,
        contact_person="Ewa Dostępna",
        contact_email="dostepnosc@example.gov.pl",
        contact_phone="+48 22 123 45 67",
        architecture_url="https://www.gov.pl/web/rozwoj-technologia",
        communication_pl="Wideotłumacz PJM online w dni robocze.",
        mobile_apps_pl="Aplikacja „KKK” na Androida.",
    )
    for kind in InaccessibleContent.Kind:
        statement.inaccessible_items.create(kind=kind, description_pl=f"Bariera: {kind.label}.")
    return statement


@pytest.mark.parametrize("url", ["/deklaracja-dostepnosci/", "/en/accessibility-statement/"])
def test_published_statement_passes_axe_at_phone_and_desktop_widths(
    page, statement, screenshot, assert_accessible, url
):
    for label, size in [("phone", PHONE), ("desktop", DESKTOP)]:
        page.set_viewport_size(size)
        page.goto(url)
        screenshot(page, f"statement{'-en' if '/en/' in url else ''}-{label}")
        assert_accessible(page)
    for element_id in [*REQUIRED_IDS, "a11y-ocena", "a11y-aplikacje", "a11y-architektura-url"]:
        assert page.locator(f"#{element_id}").count() == 1, element_id


def test_draft_notice_passes_axe_in_high_contrast(page, screenshot, assert_accessible):
    page.goto("/deklaracja-dostepnosci/")
    assert (
        page.get_by_role("note")
        .inner_text()
        .startswith("Deklaracja dostępności jest w przygotowaniu")
    )
    page.get_by_role("button", name="Wysoki kontrast").click()
    assert page.locator("html").get_attribute("class") == "contrast"
    screenshot(page, "statement-draft-contrast")
    assert_accessible(page)
