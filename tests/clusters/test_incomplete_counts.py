"""Where sources report more than the registry names, the public pages say its data lacks some."""

import datetime
import re

import pytest

from clusters.models import Cluster, ReportedStatusCount, Round
from clusters.models.rounds import roman
from tests.factories import (
    ClusterFactory,
    ReportedStatusCountFactory,
    RoundFactory,
    StatusAwardFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
D = datetime.date
SOURCE = "https://przemyslprzyszlosci.gov.pl/nabor/"
CALL_OPENED = D(2022, 8, 1)


def text(client, url):
    """The page's words, without tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(url).content.decode()))


def holders(count, on=CALL_OPENED, **cluster):
    """`count` clusters holding status for 30 days from `on` (a renewal: no round number)."""
    round_ = RoundFactory(kind=Round.Kind.RENEWAL, number=None)
    for _ in range(count):
        StatusAwardFactory(
            round=round_,
            cluster=ClusterFactory(**cluster),
            valid_from=on,
            valid_until=on + datetime.timedelta(days=30),
        )
    return round_


# --- the rules ----------------------------------------------------------------


def test_status_counts_on_several_days_in_one_query(django_assert_num_queries):
    holders(2, on=D(2022, 8, 1))
    holders(1, on=D(2022, 8, 20))
    with django_assert_num_queries(1):
        counts = Cluster.objects.status_counts_on([D(2022, 8, 1), D(2022, 8, 25), D(2023, 1, 1)])
    assert counts == {D(2022, 8, 1): 2, D(2022, 8, 25): 3, D(2023, 1, 1): 0}


def test_a_report_is_above_the_registry_until_the_registry_knows_as_many_holders():
    ReportedStatusCountFactory(on=D(2022, 8, 1), clusters=3)
    holders(2)
    [short] = ReportedStatusCount.objects.above_registry(Cluster.objects.all())
    assert (short.clusters, short.known) == (3, 2)
    holders(1)
    assert ReportedStatusCount.objects.above_registry(Cluster.objects.all()) == []


def test_missing_round_numbers_are_the_gaps_before_the_last_round():
    for number in (1, 2, 5, 6):
        RoundFactory(number=number)
    RoundFactory(kind=Round.Kind.RENEWAL, number=None)
    assert Round.objects.missing_numbers() == [3, 4]
    assert [roman(n) for n in (3, 4, 6, 7, 9, 14)] == ["III", "IV", "VI", "VII", "IX", "XIV"]


# --- the home page ----------------------------------------------------------------


def test_home_says_the_data_is_incomplete_where_a_source_reports_more_holders(client):
    ReportedStatusCountFactory(on=D(2022, 8, 1), clusters=19, source_url=SOURCE)
    holders(8)
    polish = text(client, "/")
    assert "Dane niepełne" in polish
    assert "Według źródła 01.08.2022 status KKK miało 19 klastrów; rejestr zna 8 z 19." in polish
    assert 'href="https://przemyslprzyszlosci.gov.pl/nabor/" rel="external noopener"' in (
        client.get("/").content.decode()
    )
    english = text(client, "/en/")
    assert "On 1 August 2022 a source reports 19 clusters holding KKK status;" in english
    assert "the registry knows 8 of them." in english


def test_home_says_nothing_of_incomplete_data_once_the_registry_knows_every_holder(client):
    ReportedStatusCountFactory(on=D(2022, 8, 1), clusters=8)
    holders(8)
    assert "Dane niepełne" not in text(client, "/")


def test_home_names_the_rounds_missing_from_the_registry(client):
    for number in (1, 2, 5):
        RoundFactory(number=number)
    page = text(client, "/")
    assert "Dane niepełne" in page and "Brak w rejestrze rund III, IV" in page
    RoundFactory(number=3)
    assert "Brak w rejestrze rundy IV" in text(client, "/")
    RoundFactory(number=4)
    assert "Brak w rejestrze" not in text(client, "/")


def test_the_map_says_how_many_holders_have_no_known_seat(client):
    holders(2, on=D(2026, 11, 1), voivodeship="")
    holders(1, on=D(2026, 11, 1), voivodeship="silesia")
    page = text(client, "/")
    assert "2 klastry ze statusem nie mają znanej siedziby (województwa)" in page
    assert "2 clusters holding status have no known seat" in text(client, "/en/")


def test_the_map_has_no_seat_note_when_every_holder_has_a_seat(client):
    holders(2, on=D(2026, 11, 1), voivodeship="silesia")
    assert "znanej siedziby" not in text(client, "/")


def test_home_says_the_latest_round_has_no_results_yet(client):
    holders(1, on=D(2022, 12, 17))  # an earlier competition with an award
    RoundFactory(year=2030, number=1)
    page = text(client, "/")
    assert "Rejestr nie zna jeszcze wyników tej rundy." in page
    assert "Status przyznano 0" not in page


# --- rounds -------------------------------------------------------------------------


def test_round_page_says_how_many_reported_awards_the_registry_knows(client):
    round_ = RoundFactory(slug="odnowienie", awards_reported=4, applications_reported=7)
    StatusAwardFactory(round=round_)
    page = text(client, "/rundy/odnowienie/")
    assert "1 z 4 (dane niepełne)" in page and "0 z 7 (dane niepełne)" in page
    assert "rejestr zna 1 z 4 klastrów, którym według ogłoszenia nadano status" in page
    assert "rejestr zna 0 z 7 wniosków" in page
    assert "1 of 4 (incomplete)" in text(client, "/en/rounds/odnowienie/")
    listing = text(client, "/rundy/")
    assert "1 z 4 (dane niepełne)" in listing


def test_round_page_shows_plain_figures_when_the_registry_knows_every_award(client):
    round_ = RoundFactory(slug="pelna", awards_reported=2)
    StatusAwardFactory.create_batch(2, round=round_)
    page = text(client, "/rundy/pelna/")
    assert "dane niepełne" not in page.lower()


def test_rounds_list_names_the_missing_rounds(client):
    for number in (1, 2, 5, 6):
        RoundFactory(number=number)
    assert "Brak w rejestrze rund III, IV" in text(client, "/rundy/")
    assert "Rounds III, IV are missing from the registry" in text(client, "/en/rounds/")


# --- the cluster list ------------------------------------------------------------------


def test_cluster_list_on_a_reported_day_says_how_many_holders_the_registry_knows(client):
    ReportedStatusCountFactory(on=CALL_OPENED, clusters=19, source_url=SOURCE)
    holders(8)
    page = text(client, "/klastry/?status=current&as_of=2022-08-01")
    assert "Dane niepełne: Według źródła 01.08.2022 status KKK miało 19 klastrów" in page
    assert "rejestr zna 8 z 19" in page
    assert "Dane niepełne" not in text(client, "/klastry/?status=current&as_of=2022-08-02")


def test_cluster_list_on_a_reported_day_the_registry_knows_whole_has_no_note(client):
    ReportedStatusCountFactory(on=CALL_OPENED, clusters=8)
    holders(8)
    assert "Dane niepełne" not in text(client, "/klastry/?status=current&as_of=2022-08-01")
