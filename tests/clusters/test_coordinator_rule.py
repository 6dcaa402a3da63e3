"""One rule for a cluster's coordinator on a day, on its page, in open data and staff exports."""

import csv
import datetime
import io
import json

import pytest
import time_machine
from django.urls import reverse

from tests.factories import ClusterFactory, RepresentationFactory
from transfer.service import export_file

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def cluster():
    """A term left open by mistake, overlapping the term that followed it."""
    cluster = ClusterFactory(name="Klaster Łączący")
    RepresentationFactory(cluster=cluster, coordinator__name="Fundacja Dawna", since=D(2015, 1, 1))
    RepresentationFactory(
        cluster=cluster,
        coordinator__name="Stowarzyszenie Obecne",
        since=D(2021, 1, 1),
        until=D(2030, 12, 31),
    )
    return cluster


@time_machine.travel(D(2025, 7, 1))
def test_the_page_the_open_data_and_the_staff_export_name_the_same_coordinator(client, cluster):
    assert cluster.coordinator_on().name == "Stowarzyszenie Obecne"
    page = client.get(cluster.get_absolute_url()).content.decode()
    assert "Stowarzyszenie Obecne" in page
    listed = client.get(reverse("clusters:list")).content.decode()
    assert "Stowarzyszenie Obecne" in listed and "Fundacja Dawna" not in listed
    open_data = json.loads(client.get(reverse("clusters:export-json")).content)
    assert open_data["clusters"][0]["coordinator"] == "Stowarzyszenie Obecne"
    staff = csv.DictReader(io.StringIO(export_file("clusters").decode("utf-8-sig")), delimiter=";")
    assert next(staff)["Koordynator"] == "Stowarzyszenie Obecne"


def test_before_the_later_term_began_the_earlier_coordinator_is_named(cluster):
    assert cluster.coordinator_on(D(2018, 1, 1)).name == "Fundacja Dawna"
    assert cluster.coordinator_on(D(2014, 12, 31)) is None
