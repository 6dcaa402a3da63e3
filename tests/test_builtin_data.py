"""The built-in data carries the facts of the seed documents, and loads idempotently."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from clusters.models import (
    Application,
    Cluster,
    Coordinator,
    ReportedStatusCount,
    Round,
    StatusAward,
)
from events.models import Event, Project
from kkkregistry.builtin_data import load_registry_data

pytestmark = pytest.mark.django_db
D = datetime.date
SOURCES = {
    "council-2024": (
        "https://klastrypolskie.pl/news/posiedzenie-rady-krajowych-klastrow-kluczowych,622.htm"
    ),
    "round-2": "http://www.mr.gov.pl/strony/aktualnosci/znamy-nowe-krajowe-klastry-kluczowe/",
    "round-6": (
        "https://przemyslprzyszlosci.gov.pl/nowy-nabor-w-konkursie-o-status-krajowego-klastra-kluczowego/"
    ),
}


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


def test_the_two_building_clusters_are_one_renamed_cluster_with_its_round_one_award(registry):
    cluster = Cluster.objects.matching_name("Wschodni Klaster Budowlany").get()
    assert (cluster.name, cluster.slug, cluster.city, cluster.voivodeship) == (
        "Polski Klaster Budowlany",
        "polski-klaster-budowlany",
        "Białystok",
        "podlasie",
    )
    assert not Cluster.objects.filter(name="Wschodni Klaster Budowlany").exists()
    former = cluster.former_names.get()
    assert former.name == "Wschodni Klaster Budowlany"
    assert former.source_url.startswith("https://wrotapodlasia.pl/")
    assert set(cluster.status_awards.values_list("round__slug", flat=True)) == {
        "runda-i",
        "runda-v",
    }
    assert "437 członków" in cluster.description and "60 członków" in cluster.description
    psdik = Coordinator.objects.get(name="Polskie Stowarzyszenie Doradcze i Konsultingowe")
    assert psdik.representations.get().cluster == cluster


def test_klaster_obrobki_metali_is_now_evoluma_at_its_old_address(registry):
    evoluma = Cluster.objects.get(slug="klaster-obrobki-metali")
    assert evoluma.name == "Evoluma"
    assert evoluma.source_url == SOURCES["council-2024"]
    former = evoluma.former_names.get()
    assert (former.name, former.used_until_year, former.source_url) == (
        "Klaster Obróbki Metali",
        2024,
        SOURCES["council-2024"],
    )
    assert Cluster.objects.matching_name("Klaster Obróbki Metali").get() == evoluma


def test_round_one_certificates_date_from_27_october_2015(registry):
    round_one = Round.objects.get(slug="runda-i")
    assert round_one.call_opens == D(2015, 5, 12)
    assert round_one.organiser_name() == "Ministerstwo Gospodarki"
    assert round_one.co_organiser.short_name == "PARP"
    assert round_one.source_url.startswith("https://przeglad-its.pl/")
    awards = round_one.status_awards.all()
    assert {(a.certificate_date, a.valid_from, a.valid_until) for a in awards} == {
        (D(2015, 10, 27), D(2015, 10, 27), D(2018, 10, 27))
    }
    assert not any(a.dates_estimated for a in awards)
    assert all(a.source_url.startswith("https://biznestuba.pl/") for a in awards)


def test_round_two_gave_status_to_nine_clusters_at_the_gala_of_october_2016(registry):
    round_two = Round.objects.get(slug="runda-ii")
    awarded = set(round_two.status_awards.values_list("cluster__name", flat=True))
    assert awarded == {
        "Klaster LifeScience Kraków",
        "MedSilesia – Śląska Sieć Wyrobów Medycznych",
        "NUTRIBIOMED Klaster",
        "Śląski Klaster Lotniczy",
        "Wschodni Klaster ICT",
        "Klaster Gospodarki Odpadowej i Recyklingu",
        "Klaster Zrównoważona Infrastruktura",
        "Klaster Logistyczno-Transportowy Północ-Południe",
        "Bydgoski Klaster Przemysłowy Dolina Narzędziowa",
    }
    assert (round_two.awards_reported, round_two.source_url) == (9, SOURCES["round-2"])
    estimated = round_two.status_awards.exclude(cluster__name="Klaster LifeScience Kraków")
    assert {(a.valid_from, a.valid_until, a.dates_estimated) for a in estimated} == {
        (D(2016, 10, 25), D(2019, 1, 1), True)
    }
    # The newly named cluster has no coordinator: no source names one.
    assert not Cluster.objects.get(name="Wschodni Klaster ICT").representations.exists()
    # 16 holders on the day of the gala, as the ministry reported.
    assert Cluster.objects.with_status_on(D(2016, 10, 25)).count() == 16
    gala = Event.objects.get(slug="gala-klastrow-2016")
    assert gala.clusters.count() == 9 and gala.source_url == SOURCES["round-2"]
    assert gala.participations.get().person.name == "Jadwiga Emilewicz"


def test_round_six_scoring_and_round_seven_announced_without_results(registry):
    round_six = Round.objects.get(slug="runda-vi")
    assert (round_six.max_points, round_six.pass_threshold) == (150, 100)
    assert round_six.stages.order_by("order").last().kind == "panel"
    assert round_six.source_url.startswith("https://przemyslprzyszlosci.gov.pl/")
    round_seven = Round.objects.get(slug="runda-vii")
    assert (round_seven.number, round_seven.year) == (7, 2024)
    assert round_seven.source_url == SOURCES["council-2024"]
    assert not round_seven.status_awards.exists()


def test_reported_counts_of_status_holders_with_their_sources(registry):
    counts = {c.on: (c.clusters, c.source_url) for c in ReportedStatusCount.objects.all()}
    assert counts == {
        D(2016, 10, 25): (16, SOURCES["round-2"]),
        D(2022, 8, 1): (19, SOURCES["round-6"]),
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
    application = Application.objects.get(round=renewal, cluster__slug="klaster-obrobki-metali")
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


def test_rounds_five_and_six_leave_their_start_uncertain_back_to_their_call(registry):
    round_five = Cluster.objects.get(name="Klaster Fotoniki i Światłowodów")
    round_six = Cluster.objects.get(name="Silesia Automotive & Advanced Manufacturing")
    assert {
        (award.earliest_start, award.valid_from, award.latest_end)
        for award in StatusAward.objects.filter(round__slug__in=["runda-v", "runda-vi"])
    } == {(D(2021, 1, 1), D(2021, 12, 31), None), (D(2022, 9, 15), D(2022, 12, 17), None)}
    uncertain = Cluster.objects.with_status_uncertain_on(D(2021, 6, 1))
    assert round_five in uncertain and round_six not in uncertain
    assert round_six in Cluster.objects.with_status_uncertain_on(D(2022, 12, 16))
    assert round_six in Cluster.objects.with_status_on(D(2022, 12, 17))
    # The stated ends leave no margin: the day after is a plain no.
    assert round_six in Cluster.objects.with_former_status_on(D(2025, 12, 18))


def test_loading_over_a_database_that_had_the_building_cluster_twice_merges_it(registry):
    psdik = Coordinator.objects.get(name="Polskie Stowarzyszenie Doradcze i Konsultingowe")
    # As the data before the renaming was known recorded it.
    wschodni = Cluster.objects.create(
        name="Wschodni Klaster Budowlany", slug="wschodni-klaster-budowlany"
    )
    wschodni.representations.create(coordinator=psdik)
    StatusAward.objects.create(
        cluster=wschodni,
        round=Round.objects.get(slug="runda-i"),
        valid_from=D(2015, 12, 31),
        valid_until=D(2018, 1, 1),
        dates_estimated=True,
    )
    report = load_registry_data()
    assert report.updated["clusters merged"] == 1
    assert not Cluster.objects.filter(slug="wschodni-klaster-budowlany").exists()
    polski = Cluster.objects.get(slug="polski-klaster-budowlany")
    award = polski.status_awards.get(round__slug="runda-i")
    assert (award.valid_from, award.dates_estimated) == (D(2015, 10, 27), False)
    assert psdik.representations.get().cluster == polski
    assert Cluster.objects.with_status_on(D(2016, 10, 25)).count() == 16
    assert load_registry_data().updated["clusters merged"] == 0
