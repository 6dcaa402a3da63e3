"""Import and export in the admin: roles, the preview, errors by spreadsheet row, filters."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from clusters.models import Cluster
from kkkregistry.roles import VIEWERS
from tests.factories import ClusterFactory, staff_in
from tests.transfer.uploads import upload
from transfer.models import ImportJob

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
SAMPLE = Path(__file__).parent / "samples" / "klastry-windows1250-srednik.csv"
IMPORT = reverse("admin:clusters_cluster_import")
PROCESS = reverse("admin:clusters_cluster_process_import")
EXPORT = reverse("admin:clusters_cluster_export")


@pytest.fixture
def viewer(client):
    client.force_login(staff_in(VIEWERS))
    return client


def confirm(client, preview):
    """Send the job page's confirmation form, as the browser would."""
    assert preview.context["may_confirm"]
    return client.post(
        PROCESS, {"import_file_name": preview.context["job"].token}, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_anonymous_visitors_get_nothing_from_import_or_export(client):
    for url in (IMPORT, EXPORT, reverse("admin:clusters_cluster_import_template", args=["csv"])):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_viewer_may_export_but_not_import(viewer):
    assert viewer.get(IMPORT).status_code == 403
    assert upload(viewer, b"Nazwa\nX\n", name="a.csv").status_code == 403
    assert (
        viewer.get(reverse("admin:clusters_cluster_import_template", args=["csv"])).status_code
        == 403
    )
    changelist = viewer.get(reverse("admin:clusters_cluster_changelist")).content.decode()
    assert EXPORT in changelist and IMPORT not in changelist
    assert viewer.get(EXPORT).status_code == 200


def test_an_editor_imports_a_windows_1250_file_after_a_preview(editor, editor_user):
    preview = upload(editor, SAMPLE.read_bytes(), follow=True)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "New: 2, updated: 0, unchanged: 0, invalid: 0." in page
    assert "Śląski Klaster Żółwi Łódzkich" in page
    assert not Cluster.objects.exists()  # the preview writes nothing
    assert confirm(editor, preview).status_code == 302
    cluster = Cluster.objects.get(name="Śląski Klaster Żółwi Łódzkich")
    assert cluster.history.latest().history_user == editor_user


def test_the_preview_checks_every_row_but_keeps_and_shows_only_the_first_hundred(editor):
    lines = ["Nazwa;Miejscowość"] + [f"Klaster Podglądu {n:03};Opole" for n in range(250)]
    preview = upload(editor, "\n".join(lines).encode("cp1250"), name="duzy.csv", follow=True)
    page = preview.content.decode()
    assert "New: 250, updated: 0, unchanged: 0, invalid: 0." in page
    assert "Showing the first 100 of 250 rows." in page
    assert len(preview.context["preview"]["rows"]) == 100
    assert "Klaster Podglądu 099" in page and "Klaster Podglądu 100" not in page
    assert not Cluster.objects.exists()
    assert confirm(editor, preview).status_code == 302
    assert Cluster.objects.count() == 250


def test_errors_name_the_spreadsheet_row_column_and_value_and_nothing_is_written(editor):
    data = "Nazwa;Rok założenia\nKlaster Dobry;2010\nKlaster Zły;dwa tysiące\n".encode("cp1250")
    response = upload(editor, data, name="zle.csv", follow=True)
    page = response.content.decode()
    assert "The file was not imported" in page
    assert "<td>3</td><td>Rok założenia</td><td>dwa tysiące</td>" in page
    assert not response.context["may_confirm"] and 'id="confirm-import"' not in page
    assert response.context["job"].upload is None  # a refused file is not kept
    assert not Cluster.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
        (b"", "empty"),
        (b"Nazwisko\nX\n", "Unknown columns"),
    ],
)
def test_unreadable_files_get_a_clear_message_not_a_server_error(editor, data, message):
    response = upload(editor, data, name="plik.csv", follow=True)
    # On the import form at once: no job is made for a file whose headers are unreadable.
    assert response.status_code == 200 and not response.redirect_chain
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_empty_template_has_the_stable_polish_headers(editor):
    response = editor.get(reverse("admin:clusters_cluster_import_template", args=["csv"]))
    assert response["Content-Disposition"] == 'attachment; filename="clusters-szablon.csv"'
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Nazwa;Identyfikator;Nazwa skrócona;Rodzaj")
    xlsx = editor.get(reverse("admin:clusters_cluster_import_template", args=["xlsx"]))
    assert xlsx.content.startswith(b"PK")
    assert (
        editor.get(reverse("admin:clusters_cluster_import_template", args=["pdf"])).status_code
        == 404
    )


def test_export_follows_the_lists_filters_and_search_and_neutralises_formulae(viewer):
    ClusterFactory(name="Klaster Śląski", voivodeship="silesia", description="=1+1")
    ClusterFactory(name="Klaster Lubuski", voivodeship="lubusz")
    response = viewer.post(
        EXPORT + "?voivodeship__exact=silesia",
        {
            "format": "0",
            "resource": "0",
            **{f"clusterresource_{n}": "on" for n in ("name", "description")},
        },
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    names = [row[0] for row in rows[1:]]
    assert names == ["Klaster Śląski"]
    assert "'=1+1" in rows[1]
