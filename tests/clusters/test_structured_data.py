"""A cluster's page carries its schema.org facts in a JSON-LD data block."""

import datetime
import json
import re

import pytest

from tests.factories import FormerNameFactory, SpecialisationFactory, StatusAwardFactory

pytestmark = pytest.mark.django_db


def json_ld_blocks(content):
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)


def test_a_cluster_page_describes_the_cluster_as_a_schema_org_organization(client):
    award = StatusAwardFactory(
        cluster__slug="klaster-a",
        cluster__name="Klaster A",
        cluster__city="Łódź",
        cluster__voivodeship="lodz",
        cluster__website="https://klaster-a.example.org/",
        round__name="Runda VI",
        valid_from=datetime.date(2022, 12, 17),
        valid_until=datetime.date(2025, 12, 17),
    )
    FormerNameFactory(cluster=award.cluster, name="Dawny Klaster A")
    award.cluster.specialisations.add(SpecialisationFactory(name="ICT"))
    [block] = json_ld_blocks(client.get("/klastry/klaster-a/").content.decode())
    data = json.loads(block)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Klaster A"
    assert data["url"] == "http://testserver/klastry/klaster-a/"
    assert data["alternateName"] == ["Dawny Klaster A"]
    assert data["address"]["addressLocality"] == "Łódź"
    assert data["address"]["addressRegion"] == "łódzkie"
    assert data["sameAs"] == ["https://klaster-a.example.org/"]
    assert data["knowsAbout"] == ["ICT"]
    assert data["award"] == ["Krajowy Klaster Kluczowy (Runda VI), 2022-12-17–2025-12-17"]


def test_text_that_would_end_the_data_block_is_escaped(client):
    StatusAwardFactory(cluster__slug="klaster-b", cluster__description="a </script><b>")
    content = client.get("/klastry/klaster-b/").content.decode()
    [block] = json_ld_blocks(content)
    assert json.loads(block)["description"] == "a </script><b>"
    assert "</script><b>" not in content


def test_other_pages_carry_no_json_ld(client):
    assert json_ld_blocks(client.get("/klastry/").content.decode()) == []
