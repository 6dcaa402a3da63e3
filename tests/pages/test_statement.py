"""The accessibility statement on the ministry's template version 2.0: page, rules, reminders."""

import datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from kkkregistry.dashboard import statement_reminder
from kkkregistry.roles import EDITORS, VIEWERS
from pages.models import AccessibilityStatement, InaccessibleContent
from tests.admin_forms import form_data
from tests.factories import staff_in

pytestmark = pytest.mark.django_db

D = datetime.date

# The ids version 2.0 requires on every statement (FACTS.md, "The accessibility statement").
REQUIRED_IDS = [
    "a11y-wstep",
    "a11y-podmiot",
    "a11y-zakres",
    "a11y-url",
    "a11y-data-publikacja",
    "a11y-data-aktualizacja",
    "a11y-status",
    "a11y-kontakt",
    "a11y-email",
    "a11y-telefon",
    "a11y-procedura",
    "a11y-data-sporzadzenie",
    "a11y-architektura",
    "a11y-komunikacja",
]
# Its fixed headings, word for word, in the order the template gives them.
REQUIRED_HEADINGS = [
    ("h1", "Deklaracja dostępności"),
    ("h2", "Stan dostępności cyfrowej"),
    ("h2", "Przygotowanie deklaracji dostępności"),
    ("h2", "Informacje zwrotne i dane kontaktowe"),
    ("h2", "Obsługa wniosków i skarg związanych z dostępnością"),
    ("h2", "Pozostałe informacje"),
    ("h3", "Dostępność architektoniczna"),
    ("h3", "Dostępność komunikacyjno-informacyjna"),
]
DATE_IDS = [
    "a11y-data-publikacja",
    "a11y-data-aktualizacja",
    "a11y-data-sporzadzenie",
    "a11y-data-przeglad",
]


class Statement(HTMLParser):
    """What the validator reads: elements by id (tag and attributes) and the headings' text."""

    def __init__(self, html):
        super().__init__()
        self.by_id, self.headings, self.metas, self._heading = {}, [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            assert attrs["id"] not in self.by_id, f"id {attrs['id']} twice"
            self.by_id[attrs["id"]] = (tag, attrs)
        if tag == "meta":
            self.metas.append(attrs)
        if tag in ("h1", "h2", "h3"):
            self._heading = (tag, [])

    def handle_data(self, data):
        if self._heading:
            self._heading[1].append(data)

    def handle_endtag(self, tag):
        if self._heading and tag == self._heading[0]:
            self.headings.append((tag, " ".join("".join(self._heading[1]).split())))
            self._heading = None


def read(client, url="/deklaracja-dostepnosci/"):
    response = client.get(url)
    assert response.status_code == 200
    return Statement(response.content.decode()), response.content.decode()


def published_statement(**fields):
    values = {
        "published": True,
        "status": AccessibilityStatement.Status.FULL,
        "contact_person": "Ewa Dostępna",
        "contact_email": "dostepnosc@example.gov.pl",
        "contact_phone": "+48 22 123 45 67",
    }
    return AccessibilityStatement.objects.create(**(values | fields))


@pytest.mark.parametrize("url", ["/deklaracja-dostepnosci/", "/en/accessibility-statement/"])
def test_published_statement_has_every_required_id_and_its_dates_in_time_elements(client, url):
    published_statement(prepared_on=D(2026, 11, 24), reviewed_on=D(2027, 3, 2))
    page, _ = read(client, url)
    for element_id in REQUIRED_IDS:
        assert element_id in page.by_id, element_id
    for element_id in DATE_IDS:
        tag, attrs = page.by_id[element_id]
        assert tag == "time", element_id
        datetime.date.fromisoformat(attrs["datetime"])
    assert page.by_id["a11y-data-przeglad"][1]["datetime"] == "2027-03-02"
    site_root = "/en/" if url.startswith("/en/") else "/"
    assert page.by_id["a11y-url"][1]["href"] == "http://testserver" + site_root
    assert page.by_id["a11y-email"][1]["href"] == "mailto:dostepnosc@example.gov.pl"
    assert page.by_id["a11y-telefon"][1]["href"] == "tel:+48221234567"
    # Version 1's ids are gone from version 2.0.
    assert "a11y-osoba" not in page.by_id and "a11y-audytor" not in page.by_id


def test_published_statement_has_the_fixed_headings_in_order(client):
    published_statement()
    page, html = read(client)
    shown = [heading for heading in page.headings if heading in REQUIRED_HEADINGS]
    assert shown == REQUIRED_HEADINGS
    assert (
        "Strona internetowa jest zgodna z ustawą z dnia 4 kwietnia 2019 r. o dostępności "
        "cyfrowej stron internetowych i aplikacji mobilnych podmiotów publicznych." in html
    )
    assert "Ewa Dostępna" in html


def test_conditional_parts_are_absent_until_they_apply(client):
    published_statement()
    page, _ = read(client)
    for element_id in [
        "a11y-data-przeglad",
        "a11y-ocena",
        "a11y-aplikacje",
        "a11y-architektura-url",
    ]:
        assert element_id not in page.by_id, element_id
    assert ("h2", "Niedostępne treści") not in page.headings
    assert ("h3", "Aplikacje mobilne") not in page.headings


def test_conditional_parts_appear_when_they_apply_each_under_its_heading(client):
    statement = published_statement(
        status=AccessibilityStatement.Status.PARTIAL,
        reviewed_on=D(2027, 3, 2),
        architecture_url="https://www.gov.pl/web/rozwoj-technologia/dostepnosc",
        mobile_apps_pl="Aplikacja „KKK” na Androida.",
    )
    kind = InaccessibleContent.Kind
    statement.inaccessible_items.create(kind=kind.NON_COMPLIANT, description_pl="Mapa bez opisu.")
    statement.inaccessible_items.create(kind=kind.EXEMPT, description_pl="Pliki sprzed 2018 r.")
    statement.inaccessible_items.create(kind=kind.BURDEN, description_pl="Archiwalne skany.")
    page, html = read(client)
    for element_id in [
        "a11y-data-przeglad",
        "a11y-ocena",
        "a11y-aplikacje",
        "a11y-architektura-url",
    ]:
        assert element_id in page.by_id, element_id
    assert page.by_id["a11y-architektura-url"][1]["href"].endswith("/dostepnosc")
    for heading in [
        ("h2", "Niedostępne treści"),
        ("h3", "Niezgodność z załącznikiem"),
        ("h3", "Treści nieobjęte przepisami"),
        ("h3", "Nadmierne koszty"),
        ("h3", "Aplikacje mobilne"),
    ]:
        assert heading in page.headings, heading
    assert "jest częściowo zgodna z ustawą" in html
    assert "Mapa bez opisu." in html and "Archiwalne skany." in html


def test_communication_section_tells_about_sign_language_interpreters(client):
    published_statement(communication_pl="Wideotłumacz PJM online w dni robocze.")
    _, html = read(client)
    assert "polskiego języka migowego (PJM)" in html
    assert "3 dni robocze" in html
    assert "Wideotłumacz PJM online w dni robocze." in html


def test_english_page_shows_english_items_and_polish_where_none_is_given(client):
    statement = published_statement(status=AccessibilityStatement.Status.PARTIAL)
    statement.inaccessible_items.create(description_pl="Mapa bez opisu.", description_en="A map.")
    statement.inaccessible_items.create(description_pl="Tylko po polsku.")
    _, html = read(client, "/en/accessibility-statement/")
    assert "A map." in html and "Mapa bez opisu." not in html
    assert "Tylko po polsku." in html


def test_without_a_published_statement_the_page_says_it_is_being_prepared(client):
    # A draft being edited must not leak: its contact and items are not shown yet.
    draft = AccessibilityStatement.objects.create(contact_person="Szkic Roboczy")
    draft.inaccessible_items.create(description_pl="Roboczy opis.")
    page, html = read(client)
    assert "Deklaracja dostępności jest w przygotowaniu" in html
    assert "Szkic Roboczy" not in html and "Roboczy opis." not in html
    for element_id in REQUIRED_IDS:
        assert element_id in page.by_id, element_id
    assert "a11y-data-przeglad" not in page.by_id


def test_the_latest_published_statement_is_shown_not_a_newer_draft(client):
    published_statement(contact_person="Osoba Opublikowana", updated_on=D(2027, 1, 1))
    AccessibilityStatement.objects.create(contact_person="Osoba Szkicu", updated_on=D(2027, 2, 1))
    _, html = read(client)
    assert "Osoba Opublikowana" in html and "Osoba Szkicu" not in html
    assert "w przygotowaniu" not in html


@pytest.mark.parametrize("url", ["/", "/en/clusters/", "/wydarzenia/", "/deklaracja-dostepnosci/"])
def test_every_public_page_points_to_the_statement_in_a_meta_element(client, url):
    page, _ = read(client, url)
    metas = [meta for meta in page.metas if meta.get("name") == "deklaracja-dostępności"]
    expected = (
        "http://testserver/en/accessibility-statement/"
        if url.startswith("/en/")
        else ("http://testserver/deklaracja-dostepnosci/")
    )
    assert [meta["content"] for meta in metas] == [expected]


# --- The rules for publishing ------------------------------------------------------


@pytest.mark.parametrize("field", ["contact_person", "contact_email", "contact_phone"])
def test_a_statement_cannot_be_published_with_an_empty_contact_field(field):
    statement = AccessibilityStatement(
        published=True,
        status=AccessibilityStatement.Status.FULL,
        contact_person="Ewa Dostępna",
        contact_email="dostepnosc@example.gov.pl",
        contact_phone="22 123 45 67",
    )
    statement.full_clean()
    setattr(statement, field, "")
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert list(error.value.message_dict) == [field]
    # The admin speaks Polish: the message says what is missing, in Polish.
    assert "Opublikowana deklaracja wymaga" in error.value.message_dict[field][0]


def test_a_draft_may_have_empty_contact_fields():
    AccessibilityStatement(published=False).full_clean()


@pytest.mark.parametrize(
    ("status", "published", "count", "refused"),
    [
        ("partial", True, 0, True),
        ("none", True, 0, True),
        ("partial", True, 1, False),
        ("full", True, 0, False),
        ("partial", False, 0, False),
    ],
)
def test_partial_or_no_compliance_needs_inaccessible_items_to_publish(
    status, published, count, refused
):
    statement = AccessibilityStatement(status=status, published=published)
    assert (statement.inaccessible_items_error(count) is not None) == refused


@pytest.fixture
def editor(client):
    client.force_login(staff_in(EDITORS))
    return client


def add_form(editor):
    data = form_data(editor.get(reverse("admin:pages_accessibilitystatement_add")))
    data.update(
        published="on",
        status="partial",
        contact_person="Ewa Dostępna",
        contact_email="dostepnosc@example.gov.pl",
        contact_phone="22 123 45 67",
    )
    return data


def test_admin_refuses_to_publish_a_partially_compliant_statement_listing_nothing(editor):
    response = editor.post(reverse("admin:pages_accessibilitystatement_add"), add_form(editor))
    assert response.status_code == 200
    assert "nie można opublikować bez listy niedostępnych treści" in response.content.decode()
    assert not AccessibilityStatement.objects.exists()


def test_admin_refuses_to_publish_without_the_contact_phone(editor):
    data = add_form(editor) | {"status": "full", "contact_phone": ""}
    response = editor.post(reverse("admin:pages_accessibilitystatement_add"), data)
    assert response.status_code == 200
    assert "Opublikowana deklaracja wymaga numeru telefonu" in response.content.decode()
    assert not AccessibilityStatement.objects.exists()


def test_admin_publishes_with_items_added_in_the_same_save_and_keeps_their_history(editor):
    data = add_form(editor)
    prefix = "inaccessible_items"
    data |= {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-0-kind": "non_compliant",
        f"{prefix}-0-description_pl": "Mapa kafelkowa nie ma opisu tekstowego.",
    }
    response = editor.post(reverse("admin:pages_accessibilitystatement_add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    statement = AccessibilityStatement.objects.get()
    assert statement.published
    item = statement.inaccessible_items.get()
    change = reverse("admin:pages_accessibilitystatement_change", args=[statement.pk])
    data = form_data(editor.get(change))
    data[f"{prefix}-0-description_pl"] = "Mapa kafelkowa ma już opis; brak granic."
    assert editor.post(change, data).status_code == 302
    item.refresh_from_db()
    assert item.description_pl == "Mapa kafelkowa ma już opis; brak granic."
    history = editor.get(reverse("admin:pages_accessibilitystatement_history", args=[statement.pk]))
    assert "Mapa kafelkowa ma już opis; brak granic." in history.content.decode()
    # Deleting the only item of a published, partially compliant statement is refused.
    data = form_data(editor.get(change)) | {f"{prefix}-0-DELETE": "on"}
    assert editor.post(change, data).status_code == 200
    assert statement.inaccessible_items.exists()


def test_restoring_an_earlier_version_brings_back_its_inaccessible_items(editor):
    statement = published_statement(status=AccessibilityStatement.Status.PARTIAL)
    first = statement.history.get()
    statement.inaccessible_items.create(description_pl="Mapa bez opisu.")
    statement.contact_person = "Jan Kowalski"
    statement.save()
    statement.inaccessible_items.all().delete()
    statement.inaccessible_items.create(description_pl="Wykres bez tabeli.")
    url = reverse(
        "admin:pages_accessibilitystatement_simple_history", args=[statement.pk, first.pk]
    )
    assert editor.post(url, form_data(editor.get(url))).status_code == 302
    statement.refresh_from_db()
    assert statement.contact_person == "Ewa Dostępna"
    assert [i.description_pl for i in statement.inaccessible_items.all()] == ["Mapa bez opisu."]


# --- The yearly review --------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "state"),
    [
        (D(2027, 1, 31), None),  # prepared in 2026: nothing to do in January
        (D(2027, 2, 1), "due"),
        (D(2027, 3, 31), "due"),
        (D(2027, 4, 1), "overdue"),
        (D(2027, 12, 31), "overdue"),
        (D(2028, 1, 15), "overdue"),  # the whole 2027 review was missed
    ],
)
def test_review_is_due_from_february_and_overdue_after_31_march(on, state):
    statement = AccessibilityStatement(prepared_on=D(2026, 11, 24))
    assert statement.review_state(on) == state


@pytest.mark.parametrize("on", [D(2027, 2, 20), D(2027, 4, 5), D(2028, 1, 10)])
def test_a_review_this_year_ends_the_reminder(on):
    statement = AccessibilityStatement(prepared_on=D(2026, 11, 24), reviewed_on=D(on.year, 2, 10))
    assert statement.review_state(on) is None


def dashboard_text(client):
    # Logged in on the travelled day: a session from before would have expired.
    client.force_login(staff_in(VIEWERS))
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


@time_machine.travel(D(2027, 2, 15))
def test_dashboard_reminds_staff_of_the_review_before_31_march(client):
    published_statement(prepared_on=D(2026, 11, 24))
    text = dashboard_text(client)
    assert 'id="statement-review"' in text
    assert "Review the accessibility statement by 31.03.2027" in text
    assert "overdue" not in text


@time_machine.travel(D(2027, 4, 2))
def test_dashboard_says_the_review_is_overdue_after_31_march(client):
    published_statement(prepared_on=D(2026, 11, 24))
    text = dashboard_text(client)
    assert "The yearly review of the accessibility statement is overdue" in text
    assert "last reviewed on 24.11.2026" in text


@time_machine.travel(D(2027, 4, 2))
def test_dashboard_stops_reminding_once_the_review_date_is_this_year(client):
    published_statement(prepared_on=D(2026, 11, 24), reviewed_on=D(2027, 3, 20))
    assert 'id="statement-review"' not in dashboard_text(client)


def test_dashboard_says_when_no_statement_is_published(client):
    AccessibilityStatement.objects.create()
    text = dashboard_text(client)
    assert "No accessibility statement is published" in text
    assert statement_reminder(D(2027, 2, 15)) == {"state": "unpublished"}
