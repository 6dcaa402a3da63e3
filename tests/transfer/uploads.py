"""Uploading a file to the admin's import as its form does, reading the admin in English."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def upload(client, data, *, name="klastry.csv", url=None, **extra):
    """POST `data` as the file `name` to the import page at `url` (the clusters').

    With follow=True, the answer is the upload's job page: the tests' task backend
    checks the file at once, inside the request.
    """
    file = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(
        url or reverse("admin:clusters_cluster_import"),
        {"resource": "0", "format": "0", "import_file": file},
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )
