"""The built-in data is served: home page, detail pages, admin login."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(builtin_registry):
    return builtin_registry


def test_home_page_lists_clusters_holding_status_on_the_day(client, registry):
    response = client.get("/", {"_": "1"})
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "pl"


def test_cluster_page_shows_its_status_history(client, registry):
    response = client.get(reverse("clusters:detail", kwargs={"slug": "klaster-obrobki-metali"}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Evoluma" in content and "Klaster Obróbki Metali" in content  # renamed in 2024
    assert "17.12.2021" in content  # end of the 2018 renewal
    assert "31.12.2024" in content  # end of round V


def test_unknown_cluster_is_a_404(client, registry):
    assert client.get("/klastry/nie-ma-takiego/").status_code == 404


def test_unpublished_cluster_is_a_404(client, registry):
    from clusters.models import Cluster

    Cluster.objects.filter(slug="klaster-ltpp").update(published=False)
    assert client.get("/klastry/klaster-ltpp/").status_code == 404


def test_round_and_event_pages(client, registry):
    assert (
        "Ministerstwo Przedsiębiorczości i Technologii"
        in client.get("/rundy/odnowienie-2018/").content.decode()
    )
    assert client.get("/wydarzenia/e-boost-kick-off-2023/").status_code == 200


def test_english_lives_under_en(client, registry):
    response = client.get("/en/clusters/klaster-ltpp/")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"


def test_admin_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
