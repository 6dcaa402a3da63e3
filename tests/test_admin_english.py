"""No English left in the Polish admin: every page walked as a superuser, in Polish.

The pages of the registry's models and of the packages it shows (django-import-export's
import and export, django-simple-history's history) are read as a member of staff
sees them: the visible text, titles, labels and the buttons' words.
"""

import contextlib
import html as html_module
import re

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from clusters.models import Application, EvaluationStage, ExpertAssignment
from tests.factories import UserFactory
from transfer.models import ImportJob

pytestmark = pytest.mark.django_db

#: English a new Polish member of staff met in the admin, and words Django's Polish
#: leaves hedged. Case-sensitive, whole words.
ENGLISH = [
    "Select",
    "Select all",
    "Select an option",
    "Filter by",
    "History",
    "Change history",
    "Change History",
    "Revert",
    "Import finished",
    "exporter",
    "export the following",
    "Export",
    "selected item",
    "Resource",
    "Breadcrumbs",
    "Logout",
    "Save",
    "Delete",
    "Add another",
    "Date",
    "User Agent",
    "Please correct",
    "Some rows failed",
    "was added",
    "was changed",
    "został(a)",
    "dodany(-na)",
    "kolejne(go)(-ną)(-ny)",
    "wybranych(-nego)(-nej)",
    "zaznaczone(go)(-ną)(-ny)(-nych)",
    "wszystkie(-kich)",
    "Dodaj runda",
    "Clusters",
]
PATTERN = re.compile(
    "|".join(rf"(?<![\w-]){re.escape(p)}(?![\w-])" for p in sorted(ENGLISH, key=len, reverse=True))
)
# Words of the data, not of the admin: English names of specialisations and events, a
# coordinator's name.
DATA = re.compile(r"not for profit|Access Log for|Congress of Polish Clusters")


def visible_text(html):
    """What a reader sees: the text, titles, placeholders, labels and buttons' words."""
    html = re.sub(r"<(script|style|textarea)\b.*?</\1>", "", html, flags=re.S)
    attributes = re.findall(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"', html)
    buttons = re.findall(r'<input[^>]*type="(?:submit|button)"[^>]*value="([^"]*)"', html)
    buttons += re.findall(r'<input[^>]*value="([^"]*)"[^>]*type="(?:submit|button)"', html)
    # An inline's "add another" link, written by its script from these settings.
    buttons += re.findall(r'data-inline-formset="([^"]*)"', html)
    text = html_module.unescape(re.sub(r"<[^>]*>", "\n", html))
    return "\n".join([text, *attributes, *buttons])


def english_in(html):
    found = set()
    for line in visible_text(html).splitlines():
        if DATA.search(line):
            continue
        found.update(match.group(0) for match in PATTERN.finditer(line))
    return found


def admin_pages():
    """The address of every page of every registered admin, with an object where it needs one."""
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        for name in ("changelist", "add", "import", "export"):
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse("admin:{}_{}_{}".format(*info, name)))
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        for name in ("change", "history", "delete"):
            urls.append(reverse("admin:{}_{}_{}".format(*info, name), args=[obj.pk]))
        version = obj.history.first() if hasattr(obj, "history") else None
        if version is not None:
            urls.append(
                reverse("admin:{}_{}_simple_history".format(*info), args=[obj.pk, version.pk])
            )
    return urls


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


@pytest.fixture
def running_round(builtin_registry, superuser_client):
    """An open round with a scored stage, an application and an expert's assignment."""
    from kkkregistry.roles import EXPERTS, setup_roles
    from tests.factories import staff_in

    setup_roles()
    application = Application.objects.filter(round__stages__isnull=False).first()
    stage = EvaluationStage.objects.filter(round=application.round).order_by("order").last()
    stage.experts, stage.max_points = 2, 100
    stage.save()
    return ExpertAssignment.objects.create(
        expert=staff_in(EXPERTS), application=application, stage=stage
    )


def test_every_admin_page_is_polish(builtin_registry, running_round, superuser_client):
    pages = admin_pages()
    pages += [
        reverse("admin:clusters_round_progress", args=[running_round.application.round_id]),
        reverse("admin:clusters_expertassignment_score", args=[running_round.pk]),
    ]
    assert len(pages) > 60
    english = {}
    for url in pages:
        response = superuser_client.get(url)
        # 403: pages an admin offers nobody (a stage is added on its round's page);
        # the refusal is an admin page too.
        assert response.status_code in (200, 403), url
        if found := english_in(response.content.decode()):
            english[url] = sorted(found)
    assert english == {}


def test_import_preview_and_errors_are_polish(builtin_registry, superuser_client):
    url = reverse("admin:clusters_cluster_import")

    def upload(data):
        upload = SimpleUploadedFile("plik.csv", data, content_type="text/csv")
        return superuser_client.post(
            url, {"resource": "0", "format": "0", "import_file": upload}, follow=True
        )

    # The upload's job page: checked by the worker (at once in tests), then previewed.
    preview = upload("Nazwa;Miejscowość\nKlaster Nowy Testowy;Opole\n".encode())
    assert "Podgląd" in preview.content.decode()
    assert "Potwierdź import" in preview.content.decode()
    errors = upload("Nazwa;Rok założenia\nKlaster Zły;dwa tysiące\n".encode())
    assert "Plik nie został zaimportowany" in errors.content.decode()
    refused = upload(b"Nazwisko\nX\n")  # on the import form, at once
    assert "Nieznane kolumny" in refused.content.decode()
    # A job still being checked, as its page shows it while the worker reads the rows.
    checking = ImportJob.objects.create(
        kind="clusters",
        file_name="sprawdzany.csv",
        file_hash="0",
        state=ImportJob.State.CHECKING,
        rows_total=1000,
        rows_read=10,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    checking_page = superuser_client.get(checking.admin_url())
    assert "sprawdzany.csv" in checking_page.content.decode()
    # Confirmed, the import runs as a job with a page of its own.
    process = reverse("admin:clusters_cluster_process_import")
    token = preview.context["job"].token
    job = superuser_client.post(process, {"import_file_name": token}, follow=True)
    assert job.redirect_chain and "plik.csv" in job.content.decode()
    for response in (preview, errors, refused, checking_page, job):
        assert english_in(response.content.decode()) == set()


def test_the_walk_would_see_english():
    page = '<h1>Select all</h1><input type="submit" value="Revert"><p>Filter by data</p>'
    assert english_in(page) == {"Select all", "Revert", "Filter by"}
