"""Files an editor might upload to the admin import by mistake or on purpose.

Each is refused on the upload form with a message, writes nothing and never
answers 500.
"""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusters import models as cm
from tests.factories import ClusterFactory
from transfer.models import ImportJob

pytestmark = pytest.mark.django_db

HEADER = "Nazwa;Miejscowość;Województwo\n"
ROW = "Klaster Przesyłany;Łódź;łódzkie\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"

ABUSE = {
    "png": ("klastry.png", PNG, "image/png"),
    "png-named-csv": ("klastry.csv", PNG, "text/csv"),
    "pdf": ("klastry.pdf", PDF, "application/pdf"),
    "ten-megabyte-line": ("klastry.csv", b"Nazwa;" + b"A" * 10_000_000, "text/csv"),
    "headers-only": ("klastry.csv", HEADER.encode(), "text/csv"),
    "empty": ("klastry.csv", b"", "text/csv"),
    "nul-bytes": ("klastry.csv", (HEADER + "Klaster\x00Zły;Łódź;łódzkie\n").encode(), "text/csv"),
    "utf-16": ("klastry.csv", (HEADER + ROW).encode("utf-16"), "text/csv"),
    "bom-then-cp1250": (
        "klastry.csv",
        b"\xef\xbb\xbf" + (HEADER + ROW).encode("cp1250"),
        "text/csv",
    ),
    "utf-32": ("klastry.csv", (HEADER + ROW).encode("utf-32"), "text/csv"),
    "random-bytes": ("klastry.csv", random.Random(7).randbytes(8192), "text/csv"),
    "fake-xlsx": ("klastry.xlsx", b"PK\x03\x04" + random.Random(8).randbytes(512), "text/csv"),
}


def upload(client, name, data, content_type, follow=False):
    """`follow`: on to the job's page, where the worker's check (at once in tests) shows."""
    return client.post(
        reverse("admin:clusters_cluster_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile(name, data, content_type=content_type),
        },
        follow=follow,
    )


def state():
    return (cm.Cluster.objects.count(), cm.Cluster.history.count(), cm.Coordinator.objects.count())


def assert_refused(response, before):
    assert response.status_code == 200
    errors = response.context["form"].errors.get("import_file")
    assert errors, "the upload form names what is wrong with the file"
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert state() == before
    return " ".join(errors)


@pytest.mark.parametrize("case", ABUSE)
def test_a_file_that_is_not_a_readable_spreadsheet_is_refused_with_a_message(editor, case):
    ClusterFactory(name="Klaster Istniejący")
    before = state()
    assert_refused(upload(editor, *ABUSE[case]), before)


def test_a_file_over_the_size_limit_is_refused_with_the_limit(editor, settings):
    settings.IMPORT_MAX_BYTES = 1000
    before = state()
    message = assert_refused(
        upload(editor, "klastry.csv", (HEADER + ROW * 100).encode(), "text/csv"), before
    )
    assert "larger than" in message


def test_the_same_upload_within_the_limits_is_accepted_for_preview(editor):
    # The refusals above are about the files, not the form: a good file reaches the preview.
    response = upload(editor, "klastry.csv", (HEADER + ROW).encode(), "text/csv")
    assert response.status_code == 302  # to its job's page, where the worker's check shows
    job = ImportJob.objects.get()
    assert response.url == job.admin_url() and job.state == ImportJob.State.PREVIEWED
    assert not cm.Cluster.objects.exists()
