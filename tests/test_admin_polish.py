"""The Polish admin speaks correct Polish: titles and messages agree with each model's name."""

import html
import re

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.html import strip_tags

from core.admin import RegistryAdmin
from core.grammar import FEMININE, MASCULINE, NEUTER, PolishNoun, noun_for
from tests.factories import RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTRY_ADMINS = sorted(
    (
        model_admin
        for model_admin in admin.site._registry.values()
        if isinstance(model_admin, RegistryAdmin)
    ),
    key=lambda model_admin: model_admin.opts.label,
)
IDS = [model_admin.opts.label for model_admin in REGISTRY_ADMINS]

#: What a Polish reader expects, model by model: the add title and the message after adding.
EXPECTED = {
    "clusters.Application": ("Dodaj wniosek", "Wniosek „X” został dodany."),
    "clusters.Cluster": ("Dodaj klaster", "Klaster „X” został dodany."),
    "clusters.Coordinator": ("Dodaj koordynatora", "Koordynator „X” został dodany."),
    "clusters.EvaluationStage": ("Dodaj etap oceny", "Etap oceny „X” został dodany."),
    "clusters.ExpertAssignment": (
        "Dodaj przydział eksperta",
        "Przydział eksperta „X” został dodany.",
    ),
    "clusters.Institution": ("Dodaj instytucję", "Instytucja „X” została dodana."),
    "clusters.Person": ("Dodaj osobę", "Osoba „X” została dodana."),
    "clusters.ReportedStatusCount": (
        "Dodaj liczbę klastrów ze statusem wg źródła",
        "Liczba klastrów ze statusem wg źródła „X” została dodana.",
    ),
    "clusters.Round": ("Dodaj rundę", "Runda „X” została dodana."),
    "clusters.Specialisation": ("Dodaj specjalizację", "Specjalizacja „X” została dodana."),
    "clusters.StageResult": ("Dodaj wynik etapu", "Wynik etapu „X” został dodany."),
    "clusters.StatusAward": ("Dodaj nadanie statusu", "Nadanie statusu „X” zostało dodane."),
    "events.Event": ("Dodaj wydarzenie", "Wydarzenie „X” zostało dodane."),
    "events.Project": ("Dodaj projekt", "Projekt „X” został dodany."),
    "pages.AccessibilityStatement": (
        "Dodaj deklarację dostępności",
        "Deklaracja dostępności „X” została dodana.",
    ),
}


def test_every_registry_admin_names_its_model_in_polish():
    assert sorted(EXPECTED) == IDS
    with translation.override("pl"):
        for model_admin in REGISTRY_ADMINS:
            noun = model_admin.noun
            assert isinstance(noun, PolishNoun), model_admin.opts.label
            # The forms start from the model's own Polish name.
            assert noun.nominative == str(model_admin.opts.verbose_name), model_admin.opts.label
            assert noun.gender in (MASCULINE, FEMININE, NEUTER)


def test_every_inline_of_a_registry_admin_names_its_model_in_polish():
    with translation.override("pl"):
        for model_admin in REGISTRY_ADMINS:
            for inline in model_admin.inlines:
                noun = noun_for(inline.model)
                assert isinstance(noun, PolishNoun), inline.model._meta.label
                assert noun.nominative == str(inline.model._meta.verbose_name)


@pytest.mark.parametrize(
    "count, form",
    [
        (1, "rundę"),
        (2, "rundy"),
        (4, "rundy"),
        (5, "rund"),
        (12, "rund"),
        (22, "rundy"),
        (25, "rund"),
        (112, "rund"),
    ],
)
def test_counted_forms_follow_polish_numerals(count, form):
    assert REGISTRY_ADMINS[IDS.index("clusters.Round")].noun.counted(count) == form


def message_request(post=None):
    request = RequestFactory().post("/admin/", post or {})
    request.user = UserFactory(is_superuser=True)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def messages_of(request):
    return [strip_tags(str(m)) for m in get_messages(request)]


class Subject:
    """Stands in for a saved object: the messages need only its name and id."""

    def __init__(self, model):
        self._meta = model._meta
        self.pk = 1

    def __str__(self):
        return "X"


@pytest.mark.parametrize("model_admin", REGISTRY_ADMINS, ids=IDS)
def test_titles_and_messages_agree_with_the_model(model_admin):
    add_title, added = EXPECTED[model_admin.opts.label]
    noun = model_admin.noun
    subject = Subject(model_admin.model)
    with translation.override("pl"):
        assert add_title == f"Dodaj {noun.accusative}"

        request = message_request()
        model_admin.response_add(request, subject)
        request_continue = message_request({"_continue": "1"})
        model_admin.response_add(request_continue, subject)
        request_another = message_request({"_addanother": "1"})
        model_admin.response_add(request_another, subject)
        changed_request = message_request()
        changed_request.resolver_match = None
        model_admin.response_change(changed_request, subject)
        deleted_request = message_request()
        model_admin.response_delete(deleted_request, "X", 1)

    changed = added.replace("dodan", "zmienion")
    assert messages_of(request) == [added]
    edit_again = f" Można {noun.pronoun} ponownie edytować poniżej."
    if not model_admin.has_change_permission(request, subject):
        edit_again = ""  # Django offers no editing to whoever cannot change it
    assert messages_of(request_continue) == [added + edit_again]
    assert messages_of(request_another) == [
        f"{added} Można dodać {noun.another} {noun.accusative} poniżej."
    ]
    assert messages_of(changed_request) == [changed]
    assert messages_of(deleted_request) == [added.replace("dodan", "usunięt")]


def test_other_messages_pass_unchanged():
    model_admin = REGISTRY_ADMINS[IDS.index("clusters.Round")]
    request = message_request()
    with translation.override("pl"):
        model_admin.message_user(request, "Runda VII: nadano status 2 klastrom.")
    assert messages_of(request) == ["Runda VII: nadano status 2 klastrom."]


def test_english_keeps_djangos_messages():
    model_admin = REGISTRY_ADMINS[IDS.index("clusters.Round")]
    request = message_request()
    with translation.override("en"):
        model_admin.response_add(request, Subject(model_admin.model))
    assert messages_of(request) == ["The round “X” was added successfully."]


def h1(response):
    return strip_tags(
        re.search(r"<h1>(.*?)</h1>", response.content.decode(), re.S).group(1)
    ).strip()


def test_round_pages_and_messages_in_polish(client):
    client.force_login(UserFactory(is_superuser=True))
    round_ = RoundFactory(name="Runda testowa")
    changelist = client.get(reverse("admin:clusters_round_changelist"))
    assert h1(changelist) == "Wybierz rundę do zmiany"
    assert "Dodaj rundę" in changelist.content.decode()
    assert "Dodaj runda" not in changelist.content.decode()
    assert h1(client.get(reverse("admin:clusters_round_add"))) == "Dodaj rundę"
    change_url = reverse("admin:clusters_round_change", args=[round_.pk])
    change_page = client.get(change_url)
    assert h1(change_page) == "Zmień rundę"
    # The stage inline's button, in its script's settings.
    assert "Dodaj kolejny etap oceny" in html.unescape(change_page.content.decode())
    assert "kolejne(go)" not in html.unescape(change_page.content.decode())
    assert (
        h1(client.get(reverse("admin:clusters_round_changelist") + "?_popup=1")) == "Wybierz rundę"
    )

    delete_page = client.get(reverse("admin:clusters_round_delete", args=[round_.pk]))
    assert "Czy na pewno usunąć „Runda testowa” (runda)?" in delete_page.content.decode()

    response = client.post(
        reverse("admin:clusters_round_changelist"),
        {"action": "delete_selected", "_selected_action": [round_.pk], "post": "yes"},
        follow=True,
    )
    assert "Usunięto 1 rundę." in [str(m) for m in response.context["messages"]]


def test_viewer_sees_titles_for_viewing(client):
    from kkkregistry.roles import VIEWERS
    from tests.factories import staff_in

    round_ = RoundFactory()
    client.force_login(staff_in(VIEWERS))
    assert (
        h1(client.get(reverse("admin:clusters_round_changelist"))) == "Wybierz rundę do obejrzenia"
    )
    assert (
        h1(client.get(reverse("admin:clusters_round_change", args=[round_.pk]))) == "Zobacz rundę"
    )


def test_staff_accounts_speak_the_same_polish(client):
    client.force_login(UserFactory(is_superuser=True))
    changelist = client.get(reverse("admin:auth_user_changelist"))
    assert h1(changelist) == "Wybierz użytkownika do zmiany"
    assert h1(client.get(reverse("admin:auth_group_add"))) == "Dodaj grupę"
