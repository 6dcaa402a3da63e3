"""One status vocabulary: the public list, the admin list and both exports agree."""

import csv
import datetime
import io
import json

import pytest
import time_machine
from django.urls import reverse

from clusters.models import StatusState
from tests.factories import ClusterFactory, StatusAwardFactory

pytestmark = pytest.mark.django_db
D = datetime.date
ON = D(2025, 7, 1)


@pytest.fixture
def registry():
    """On ON: a lasting, an expiring, an expired, an uncertain and a never-awarded cluster."""
    StatusAwardFactory(
        cluster__name="Klaster Trwały", valid_from=D(2024, 1, 1), valid_until=D(2027, 1, 1)
    )
    StatusAwardFactory(
        cluster__name="Klaster Kończący", valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17)
    )
    StatusAwardFactory(
        cluster__name="Klaster Dawny", valid_from=D(2015, 12, 31), valid_until=D(2018, 1, 1)
    )
    # Proven until 31.12.2024; the sources allow it to have lasted into ON.
    StatusAwardFactory(
        cluster__name="Klaster Niepewny",
        valid_from=D(2021, 12, 31),
        valid_until=D(2024, 12, 31),
        latest_end=D(2025, 12, 31),
        dates_estimated=True,
    )
    ClusterFactory(name="Klaster Nowy")


def public_list(client, state):
    response = client.get(reverse("clusters:list"), {"status": state, "as_of": ON.isoformat()})
    return {cluster.name for cluster in response.context["page_obj"]}


def admin_list(client, state):
    response = client.get(reverse("admin:clusters_cluster_changelist"), {"status": state})
    return {cluster.name for cluster in response.context["cl"].result_list}


def in_export_rows(rows, state):
    """The rows an export says are in `state`: EXPIRING is its own column, part of CURRENT."""
    if state == StatusState.EXPIRING:
        return {row["name"] for row in rows if row["status_expiring"] in (True, "true")}
    return {row["name"] for row in rows if row["status"] == state}


@time_machine.travel(ON)
@pytest.mark.parametrize("state", list(StatusState))
def test_every_surface_puts_the_same_clusters_in_each_state(client, admin_client, registry, state):
    everything = {"as_of": ON.isoformat()}
    json_rows = json.loads(client.get(reverse("clusters:export-json"), everything).content)
    csv_text = client.get(reverse("clusters:export-csv"), everything).content.decode("utf-8-sig")
    csv_rows = list(csv.DictReader(io.StringIO(csv_text)))
    expected = public_list(client, state)
    assert expected, "every state has a cluster in this registry"
    assert admin_list(admin_client, state) == expected
    assert in_export_rows(json_rows["clusters"], state) == expected
    assert in_export_rows(csv_rows, state) == expected
    # Filtering the export by the state gives those same clusters.
    filtered = client.get(reverse("clusters:export-json"), {**everything, "status": state})
    assert {row["name"] for row in json.loads(filtered.content)["clusters"]} == expected


@time_machine.travel(ON)
def test_an_expiring_status_is_current_on_every_surface(client, registry):
    assert "Klaster Kończący" in public_list(client, StatusState.CURRENT)
    assert public_list(client, StatusState.EXPIRING) == {"Klaster Kończący"}
