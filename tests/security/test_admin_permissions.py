"""Every admin URL, asked for by each role: anonymous, viewer, editor.

The URLs come from the admin site's own registry, so a model or a view added
later is walked too; a URL of an unknown kind fails the walk until it is
given an expected answer here.
"""

from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from clusters import models as cm
from events import models as em
from kkkregistry.roles import EDITORS, EXPERTS, VIEWERS
from pages.models import AccessibilityStatement
from tests.factories import (
    CoordinatorFactory,
    EventFactory,
    ParticipationFactory,
    PersonFactory,
    ReportedStatusCountFactory,
    RepresentationFactory,
    SpecialisationFactory,
    StageFactory,
    StageResultFactory,
    StatusAwardFactory,
    staff_in,
)
from transfer.models import ImportJob

pytestmark = pytest.mark.django_db

# What a role may do with a kind of URL: the permission it needs, for reading and for writing.
NEEDS = {
    "changelist": ("view", None),
    "add": ("add", "add"),
    "change": ("view", "change"),
    "delete": ("delete", "delete"),
    "history": ("view", None),
    "simple_history": ("view", "change"),
    "import": ("import", "import"),
    "process_import": (None, "import"),
    "export": ("view", None),
    "import_template": ("import", None),
    "import_job": ("import", None),
    "password_change": ("change", "change"),
    # A running round: its progress is read by staff; an expert's declaration is made
    # only by the assigned expert, never by a role; a card is read by staff and
    # reopened by editors.
    "progress": ("view", None),
    "declare": (None, None),
    "score": ("view", None),
    "reopen": ("change", "change"),
}


@pytest.fixture
def registry():
    """One object of every registered kind, each with a history record."""
    award = StatusAwardFactory()
    result = StageResultFactory(application__cluster=award.cluster, application__round=award.round)
    scored = StageFactory(round=award.round, order=2, kind="merit", experts=1, max_points=10)
    cm.Criterion.objects.create(stage=scored, name="Kryterium", max_points=10)
    assignment = cm.ExpertAssignment.objects.create(
        expert=staff_in(EXPERTS, username="ekspertka"),
        application=result.application,
        stage=scored,
        impartiality="declared",
    )
    cm.ScoreCard.objects.create(assignment=assignment, state="submitted")
    RepresentationFactory(cluster=award.cluster, coordinator=CoordinatorFactory())
    ParticipationFactory(event=EventFactory(), person=PersonFactory())
    em.Project.objects.create(name="Projekt", slug="projekt")
    SpecialisationFactory()
    ReportedStatusCountFactory()
    AccessibilityStatement.objects.create()
    staff_in(EDITORS, username="ktos")
    attempt = {"username": "ktos", "ip_address": "192.0.2.1", "user_agent": "test"}
    AccessAttempt.objects.create(**attempt, failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)


def objects():
    for model in admin.site._registry:
        yield model, model._default_manager.order_by("pk").first()


def admin_urls():
    """(kind, url, model) for every named URL of every registered ModelAdmin."""
    for model, obj in objects():
        model_admin = admin.site._registry[model]
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            if not pattern.name:
                continue
            kind = pattern.name.removeprefix(prefix)
            assert kind in NEEDS, f"{pattern.name}: give this admin URL an expected answer"
            if kind in ("changelist", "add", "import", "process_import", "export"):
                args = []
            elif kind == "import_template":
                args = ["csv"]
            elif kind == "import_job":
                job, _new = ImportJob.objects.get_or_create(
                    kind=model_admin.file_kind, defaults={"file_name": "a.csv", "file_hash": "0"}
                )
                args = [job.pk]
            elif obj is None:
                raise AssertionError(f"the registry fixture has no {model._meta.label}")
            elif kind == "simple_history":
                args = [obj.pk, obj.history.order_by("history_id").first().history_id]
            else:
                args = [obj.pk]
            yield kind, reverse(f"admin:{pattern.name}", args=args), model


def site_urls():
    yield reverse("admin:index")
    yield reverse("admin:password_change")
    yield reverse("admin:autocomplete")
    yield reverse("admin:jsi18n")
    for app_label in ("clusters", "events", "pages", "auth", "axes"):
        yield reverse("admin:app_list", args=[app_label])


def allowed(user, model, permission):
    if permission is None:
        return False
    opts = model._meta
    if permission == "import":
        # Import takes the role's import right and the right to change the kind.
        return user.has_perm("clusters.import_data") and allowed(user, model, "change")
    if permission == "add" and not admin.site._registry[model].has_add_permission(
        SimpleNamespace(user=user)
    ):
        return False
    return user.has_perm(f"{opts.app_label}.{permission}_{opts.model_name}")


def snapshot():
    """Rows and history records of every kind: what a refused request must leave alone."""
    counts = {}
    for model, _obj in objects():
        counts[model._meta.label] = model._default_manager.count()
        history = getattr(model, "history", None)
        if history is not None:
            counts[f"{model._meta.label} history"] = history.count()
    counts["groups"] = Group.objects.count()
    return counts


def test_anonymous_visitors_are_sent_to_the_login_page_from_every_admin_url(client, registry):
    before = snapshot()
    wrong = []
    for url in [*(url for _kind, url, _model in admin_urls()), *site_urls()]:
        for method in (client.get, client.post):
            response = method(url)
            if response.status_code != 302 or "/admin/login/" not in response["Location"]:
                wrong.append((method.__name__, url, response.status_code))
    assert wrong == []
    assert snapshot() == before


@pytest.mark.parametrize("role", [VIEWERS, EDITORS])
def test_every_admin_page_answers_each_role_as_its_permissions_say(client, registry, role):
    user = staff_in(role)
    client.force_login(user)
    wrong = []
    for kind, url, model in admin_urls():
        read, _write = NEEDS[kind]
        if kind == "process_import":
            continue  # POST only; checked below
        expected = 200 if allowed(user, model, read) else 403
        status = client.get(url).status_code
        if status != expected:
            wrong.append((url, status, expected))
    assert wrong == []


def test_a_viewer_cannot_change_add_delete_import_or_restore_anything(client, registry):
    user = staff_in(VIEWERS)
    client.force_login(user)
    before = snapshot()
    wrong = []
    for kind, url, model in admin_urls():
        _read, write = NEEDS[kind]
        if write is None:
            continue
        assert not allowed(user, model, write)
        status = client.post(url, {"post": "yes", "name": "Zmienione"}).status_code
        if status != 403:
            wrong.append((url, status))
    assert wrong == []
    assert snapshot() == before


def test_a_viewer_cannot_run_actions_that_change_the_registry(client, registry):
    client.force_login(staff_in(VIEWERS))
    before = snapshot()
    for model in (cm.Cluster, cm.Round, em.Event, cm.Coordinator):
        obj = model.objects.first()
        for action in ("delete_selected", "grant_status", "duplicate"):
            response = client.post(
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
                {"action": action, "_selected_action": [obj.pk], "post": "yes"},
            )
            assert response.status_code in (200, 302, 403)
    assert snapshot() == before


def test_an_editor_may_run_the_actions_of_the_registry(client, registry):
    client.force_login(staff_in(EDITORS))
    event = em.Event.objects.first()
    response = client.post(
        reverse("admin:events_event_changelist"),
        {"action": "duplicate", "_selected_action": [event.pk]},
    )
    assert response.status_code == 302
    assert em.Event.objects.count() == 2


def test_staff_without_a_role_see_no_registry_data(client, registry):
    client.force_login(User.objects.create_user("bezroli", password="x", is_staff=True))
    before = snapshot()
    wrong = []
    for kind, url, _model in admin_urls():
        # process_import answers only POST; every other page is refused when read.
        method = client.post if kind == "process_import" else client.get
        if (status := method(url).status_code) != 403:
            wrong.append((url, status))
    assert wrong == []
    assert snapshot() == before


def test_the_walk_covers_every_registered_kind(registry):
    walked = {model for _kind, _url, model in admin_urls()}
    assert walked == set(admin.site._registry)
    # The fixture built an object of every kind, so no change page went unvisited.
    assert [model for model, obj in objects() if obj is None] == []
