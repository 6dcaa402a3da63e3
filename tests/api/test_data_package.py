"""The data package: Frictionless validates the downloads against their Table Schemas."""

import datetime
import io
import json

import openpyxl
import pytest
from frictionless import Package, validate

from api.opendata import CLUSTERS
from clusters.exports import EXPORT_FIELDS
from tests.factories import (
    CoordinatorFactory,
    EventFactory,
    RepresentationFactory,
    StatusAwardFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def downloaded(client, tmp_path, builtin_registry):
    """The package and every file it names, saved as a consumer would save them."""
    package = json.loads(client.get("/dane/datapackage.json").content)
    for resource in package["resources"]:
        address = resource["path"].removeprefix("http://testserver")
        response = client.get(address)
        assert response.status_code == 200, address
        name = f"{resource['name']}.csv"
        (tmp_path / name).write_bytes(response.content)
        resource["path"] = name
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    return tmp_path


def test_every_file_of_the_package_is_valid_against_its_table_schema(downloaded):
    report = validate(str(downloaded / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert len(report.tasks) == 4
    assert all(task.stats["rows"] > 0 for task in report.tasks)


def test_identifiers_are_text_a_leading_zero_survives(downloaded, client):
    award = StatusAwardFactory(
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2029, 1, 1),
        round__number=98,
    )
    coordinator = CoordinatorFactory(nip="5260250274", regon="012345675", krs="0000012345")
    RepresentationFactory(cluster=award.cluster, coordinator=coordinator)
    (downloaded / "clusters.csv").write_bytes(client.get("/klastry/export.csv").content)
    package = Package(str(downloaded / "datapackage.json"))
    rows = package.get_resource("clusters").read_rows()
    row = next(r for r in rows if r["name"] == award.cluster.name)
    assert (row["coordinator_regon"], row["coordinator_krs"]) == ("012345675", "0000012345")
    assert row["status_proven_from"] == datetime.date(2026, 1, 1)
    assert row["dates_estimated"] is False


def test_a_value_outside_its_codes_fails_validation(downloaded):
    path = downloaded / "events.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace(",gala,", ",bankiet,", 1), encoding="utf-8-sig")
    report = validate(str(downloaded / "datapackage.json"))
    assert not report.valid
    assert ["constraint-error", "kind"] in report.flatten(["type", "fieldName"])


def test_the_clusters_table_describes_the_export_columns():
    assert CLUSTERS.headers == EXPORT_FIELDS


def test_unpublished_rows_are_in_no_file(client):
    hidden = StatusAwardFactory(
        cluster__name="Klaster Tajny", cluster__published=False, round__number=99
    )
    EventFactory(title="Gala Tajna", published=False).clusters.add(hidden.cluster)
    EventFactory(title="Gala Jawna").clusters.add(hidden.cluster)
    for name in ["nadania-statusu", "rundy", "wydarzenia"]:
        csv_text = client.get(f"/dane/{name}.csv").content.decode()
        book = openpyxl.load_workbook(io.BytesIO(client.get(f"/dane/{name}.xlsx").content))
        xlsx_text = " ".join(
            str(cell) for row in book.active.iter_rows(values_only=True) for cell in row
        )
        for text in (csv_text, xlsx_text):
            assert "Tajn" not in text and hidden.cluster.slug not in text
    assert "Gala Jawna" in client.get("/dane/wydarzenia.csv").content.decode()
