"""A search for a cluster's former name finds the renamed cluster, on the site and in the admin."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(builtin_registry):
    return builtin_registry


@pytest.mark.parametrize(
    ("former", "current"),
    [
        ("Wschodni Klaster Budowlany", "Polski Klaster Budowlany"),
        ("Klaster Obróbki Metali", "Evoluma"),
        ("obróbki metali", "Evoluma"),
    ],
)
def test_the_public_list_finds_a_renamed_cluster_by_its_former_name(
    client, registry, former, current
):
    response = client.get(reverse("clusters:list"), {"q": former})
    names = [cluster.name for cluster in response.context["clusters"]]
    assert names == [current]


@pytest.mark.parametrize(
    ("former", "current"),
    [
        ("Wschodni Klaster Budowlany", "Polski Klaster Budowlany"),
        ("Klaster Obróbki Metali", "Evoluma"),
    ],
)
def test_the_admin_search_finds_a_renamed_cluster_by_its_former_name(
    admin_client, registry, former, current
):
    response = admin_client.get(reverse("admin:clusters_cluster_changelist"), {"q": former})
    names = [cluster.name for cluster in response.context["cl"].result_list]
    assert names == [current]


def test_the_address_of_a_merged_cluster_leads_to_the_cluster_it_is_now(client, registry):
    response = client.get("/klastry/wschodni-klaster-budowlany/")
    assert response.status_code == 301
    assert response["Location"] == "/klastry/polski-klaster-budowlany/"
    english = client.get("/en/clusters/wschodni-klaster-budowlany/")
    assert english["Location"] == "/en/clusters/polski-klaster-budowlany/"


def test_a_renamed_cluster_keeps_its_address(client, registry):
    response = client.get("/klastry/klaster-obrobki-metali/")
    assert response.status_code == 200
    assert "<h1>Evoluma</h1>" in response.content.decode()


def test_an_address_no_name_ever_gave_is_still_a_404(client, registry):
    assert client.get("/klastry/klaster-ktorego-nie-ma/").status_code == 404
