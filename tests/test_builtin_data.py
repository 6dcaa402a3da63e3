"""The built-in data carries the facts of the seed documents, and loads idempotently."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from clusters.models import (
    Application,
    Cluster,
    Coordinator,
    Round,
    StatusAward,
)
from events.models import Event, Project
from kkkregistry.builtin_data import load_registry_data

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def registry(builtin_registry):
    return builtin_registry


def test_loading_twice_creates_nothing_and_writes_no_history(registry):
    history_before = Cluster.history.count() + StatusAward.history.count()
    second = load_registry_data()
    assert second.total("created") == 0
    assert second.total("updated") == 0
    assert second.total("unchanged") == registry.total("created")
    assert Cluster.history.count() + StatusAward.history.count() == history_before


def test_the_command_reports_what_it_did(capsys):
    call_command("load_registry_data")
    assert "unchanged" in capsys.readouterr().out


def test_twenty_clusters_held_status_in_january_2023(registry):
    holders = Cluster.objects.with_status_on(D(2023, 1, 24))
    assert holders.count() == 20
    by_round = {
        slug: set(
            StatusAward.objects.filter(round__slug=slug).values_list("valid_until", flat=True)
        )
        for slug in ("runda-v", "runda-vi")
    }
    assert by_round == {"runda-v": {D(2024, 12, 31)}, "runda-vi": {D(2025, 12, 17)}}
    assert StatusAward.objects.filter(round__slug="runda-v").count() == 8
    assert StatusAward.objects.filter(round__slug="runda-vi").count() == 12


def test_round_one_had_seven_clusters_with_their_coordinators(registry):
    awards = StatusAward.objects.filter(round__slug="runda-i").select_related("cluster")
    assert awards.count() == 7
    aluminium = Cluster.objects.get(name="Polski Klaster Aluminium")
    assert aluminium.coordinator_on().name == "City Consulting Institute Sp. z o.o."


def test_one_coordinator_represents_two_building_clusters(registry):
    psdik = Coordinator.objects.get(name="Polskie Stowarzyszenie Doradcze i Konsultingowe")
    assert set(psdik.representations.values_list("cluster__name", flat=True)) == {
        "Wschodni Klaster Budowlany",
        "Polski Klaster Budowlany",
    }


def test_renamed_clusters_are_found_by_their_round_one_names(registry):
    assert Cluster.objects.matching_name("Klaster Interizon").get().name == (
        "Pomorski Klaster ICT Interizon"
    )
    assert (
        Cluster.objects.matching_name("Zachodniopomorski Klaster Chemiczny „Zielona Chemia”")
        .get()
        .slug
        == "zachodniopomorski-klaster-chemiczny-zielona-chemia"
    )


def test_lubuskie_list_has_sixteen_clusters_and_one_cluster_like_association(registry):
    lubuskie = Cluster.objects.filter(voivodeship="lubusz")
    assert lubuskie.exclude(kind=Cluster.Kind.CLUSTER_LIKE).count() == 16
    assert lubuskie.get(kind=Cluster.Kind.CLUSTER_LIKE).name == "Lubuski Szlak Wina i Miodu"
    assert lubuskie.get(in_registration=True).city == "Nowa Sól"
    assert lubuskie.get(short_name="e-COOP").founded_year == 2011


def test_kom_renewal_of_2018_with_its_stages_and_points(registry):
    renewal = Round.objects.get(kind=Round.Kind.RENEWAL, year=2018)
    assert (renewal.call_opens, renewal.call_closes) == (D(2018, 7, 13), D(2018, 9, 27))
    assert (renewal.applications_reported, renewal.awards_reported) == (7, 4)
    assert list(renewal.stages.values_list("kind", flat=True)) == [
        "formal",
        "merit",
        "parametric",
        "panel",
    ]
    assert renewal.stages.get(kind="parametric").experts == 2
    application = Application.objects.get(round=renewal, cluster__short_name="KOM")
    assert (application.total_points, renewal.max_points) == (Decimal("128"), 140)
    award = application.status_award
    assert award.kind == StatusAward.Kind.RENEWED
    assert (award.certificate_date, award.valid_until) == (D(2018, 12, 17), D(2021, 12, 17))
    assert renewal.organiser_name() == "Ministerstwo Przedsiębiorczości i Technologii"
    kom = application.cluster
    assert kom.member_counts.get(year=2018).firms == 80
    assert kom.labels.get().level == "silver"


def test_lifescience_held_status_from_october_2016_to_october_2019(registry):
    cluster = Cluster.objects.get(name="Klaster LifeScience Kraków")
    award = cluster.status_awards.get(round__slug="runda-ii")
    assert (award.valid_from, award.valid_until) == (D(2016, 10, 21), D(2019, 10, 31))
    assert cluster.has_status_on(D(2019, 10, 31))
    assert not Cluster.objects.with_status_on(D(2020, 6, 1)).filter(pk=cluster.pk).exists()


def test_ltpp_renewed_in_round_six(registry):
    award = StatusAward.objects.get(cluster__short_name="LTPP", round__slug="runda-vi")
    assert award.kind == StatusAward.Kind.RENEWED


def test_events_and_their_people(registry):
    gala = Event.objects.get(start_date=D(2023, 1, 23), kind=Event.Kind.GALA)
    assert gala.round.slug == "runda-vi"
    roles = {(p.person.name, p.role) for p in gala.participations.select_related("person")}
    assert roles == {
        ("Waldemar Buda", "minister"),
        ("Marek Świeczkowski", "chairman"),
        ("Sławomir Niecko", "vice_chairman"),
    }
    panel = gala.parts.get()
    assert panel.participations.get().person.name == "Agata Wancio"
    kickoff = Event.objects.get(project__name="E-BOOST")
    assert (kickoff.start_date, kickoff.end_date, kickoff.country.code) == (
        D(2023, 1, 16),
        D(2023, 1, 18),
        "ES",
    )
    assert Project.objects.get(name="E-BOOST").programme == "COSME"
    assert Event.objects.get(kind=Event.Kind.CONGRESS).start_date == D(2014, 5, 20)
    assert set(Event.objects.filter(kind="gala").values_list("start_date", flat=True)) == {
        D(2016, 10, 25),
        D(2018, 12, 17),
        D(2023, 1, 23),
    }


def test_rounds_five_and_six_leave_their_start_uncertain_back_to_the_rounds_year(registry):
    round_five = Cluster.objects.get(name="Klaster Fotoniki i Światłowodów")
    round_six = Cluster.objects.get(name="Silesia Automotive & Advanced Manufacturing")
    assert {
        (award.earliest_start, award.valid_from, award.latest_end)
        for award in StatusAward.objects.filter(round__slug__in=["runda-v", "runda-vi"])
    } == {(D(2021, 1, 1), D(2021, 12, 31), None), (D(2022, 1, 1), D(2022, 12, 17), None)}
    uncertain = Cluster.objects.with_status_uncertain_on(D(2021, 6, 1))
    assert round_five in uncertain and round_six not in uncertain
    assert round_six in Cluster.objects.with_status_uncertain_on(D(2022, 12, 16))
    assert round_six in Cluster.objects.with_status_on(D(2022, 12, 17))
    # The stated ends leave no margin: the day after is a plain no.
    assert round_six in Cluster.objects.with_former_status_on(D(2025, 12, 18))
