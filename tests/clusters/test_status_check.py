"""The status check: yes, no or uncertain for a cluster, or a coordinator's NIP, on a day."""

import datetime

import pytest

from clusters.status_check import Answer, StatusCheckForm, check_status
from tests.factories import (
    CoordinatorFactory,
    RepresentationFactory,
    StatusAwardFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
D = datetime.date
NIP = "5260250274"


@pytest.fixture
def award():
    return StatusAwardFactory(
        cluster__slug="klaster-a",
        valid_from=D(2022, 12, 17),
        valid_until=D(2025, 12, 17),
        source_url="https://example.org/runda-vi",
    )


@pytest.fixture
def estimated():
    return StatusAwardFactory(
        cluster__slug="klaster-b",
        valid_from=D(2016, 10, 25),
        valid_until=D(2019, 10, 25),
        dates_estimated=True,
        latest_end=D(2019, 12, 31),
    )


def test_a_cluster_holds_status_on_a_day_inside_its_award(award):
    check = check_status(D(2024, 5, 1), cluster="klaster-a")
    assert check.answer == Answer.YES
    assert check.cluster_answers[0].award == award


def test_a_cluster_holds_no_status_after_its_award_ends(award):
    check = check_status(D(2025, 12, 18), cluster="klaster-a")
    assert check.answer == Answer.NO
    # The award ended is still told: the reader sees when the status lapsed.
    assert check.cluster_answers[0].award == award


def test_a_day_in_an_estimated_margin_is_uncertain(estimated):
    assert check_status(D(2019, 11, 15), cluster="klaster-b").answer == Answer.UNCERTAIN
    assert check_status(D(2020, 1, 1), cluster="klaster-b").answer == Answer.NO


def test_the_default_day_is_today(award):
    assert check_status(cluster="klaster-a").on == D(2026, 11, 24)
    assert check_status(cluster="klaster-a").answer == Answer.NO


def test_a_nip_asks_about_the_clusters_the_organisation_coordinated_that_day(award):
    coordinator = CoordinatorFactory(nip=NIP)
    RepresentationFactory(
        cluster=award.cluster, coordinator=coordinator, since=D(2024, 1, 1), until=D(2024, 12, 31)
    )
    assert check_status(D(2024, 6, 1), nip=NIP).answer == Answer.YES
    # Before its term the organisation coordinated nothing: the cluster's status is not its own.
    before = check_status(D(2023, 6, 1), nip=NIP)
    assert before.answer == Answer.NO and before.cluster_answers == []


def test_unpublished_clusters_answer_no_to_a_nip(award):
    award.cluster.published = False
    award.cluster.save()
    RepresentationFactory(cluster=award.cluster, coordinator=CoordinatorFactory(nip=NIP))
    assert check_status(D(2024, 6, 1), nip=NIP).cluster_answers == []


@pytest.mark.parametrize("typed", ["526-025-02-74", "PL5260250274", "526 025 02 74"])
def test_the_form_reads_a_nip_in_any_format_staff_type(typed, db):
    form = StatusCheckForm({"nip": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["nip"] == NIP


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "cluster"),
        ({"cluster": "klaster-a", "nip": NIP}, "nip"),
        ({"nip": "5260250275"}, "nip"),
        ({"cluster": "nie-ma-takiego"}, "cluster"),
        ({"cluster": "klaster-a", "on": "24.11.2026"}, "on"),
    ],
)
def test_the_form_names_the_parameter_at_fault(params, field, award, english):
    form = StatusCheckForm(params)
    assert not form.is_valid()
    assert list(form.errors) == [field]


# --- The page --------------------------------------------------------------


def test_the_page_answers_in_polish_with_a_permanent_address(client, award):
    page = client.get("/weryfikacja-statusu/", {"cluster": "klaster-a", "on": "2024-05-01"})
    content = page.content.decode()
    assert page.status_code == 200
    assert "Tak, posiadał status KKK" in content
    assert "https://example.org/runda-vi" in content
    assert "?cluster=klaster-a&amp;on=2024-05-01" in content


def test_the_page_names_today_in_the_address_to_cite(client, award):
    content = client.get("/en/status-check/", {"cluster": "klaster-a"}).content.decode()
    assert "No, it did not hold KKK status" in content
    assert "?cluster=klaster-a&amp;on=2026-11-24" in content


def test_the_page_refuses_a_bad_question_with_a_400(client, award):
    page = client.get("/en/status-check/", {"nip": "123"})
    assert page.status_code == 400
    assert "NIP must have 10 digits" in page.content.decode()


def test_the_cluster_page_links_to_its_status_check(client, award):
    content = client.get("/klastry/klaster-a/").content.decode()
    assert "/weryfikacja-statusu/?cluster=klaster-a" in content


def test_every_page_links_to_the_status_check_and_the_open_data(client, award):
    content = client.get("/en/").content.decode()
    assert 'href="/en/status-check/"' in content
    assert 'href="/api/v1/docs/"' in content and 'href="/dane/datapackage.json"' in content
