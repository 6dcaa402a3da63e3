"""The clusters admin as staff use it: lists, filters, search, pages, actions, validation."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from clusters.models import StageResult, StatusAward
from tests.admin_forms import form_data
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    CoordinatorFactory,
    EventFactory,
    RepresentationFactory,
    RoundFactory,
    StageFactory,
    StageResultFactory,
    StatusAwardFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
CLUSTERS = reverse("admin:clusters_cluster_changelist")


@pytest.fixture
def client(admin_client):
    """A superuser reading the admin in English, so that messages read as in the code."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def listed(response):
    return [str(cluster) for cluster in response.context["cl"].result_list]


@pytest.fixture
def registry():
    """On 1 July 2025: a lasting, an expiring, an expired and a never-awarded cluster."""
    lasting = StatusAwardFactory(
        cluster__name="Klaster Trwały", valid_from=D(2024, 1, 1), valid_until=D(2027, 1, 1)
    ).cluster
    expiring = StatusAwardFactory(
        cluster__name="Klaster Kończący", valid_from=D(2022, 12, 17), valid_until=D(2025, 12, 17)
    ).cluster
    expired = StatusAwardFactory(
        cluster__name="Klaster Dawny", valid_from=D(2015, 12, 31), valid_until=D(2018, 1, 1)
    ).cluster
    never = ClusterFactory(name="Klaster Nowy")
    return {"current": lasting, "expiring": expiring, "expired": expired, "never": never}


@time_machine.travel(D(2025, 7, 1))
@pytest.mark.parametrize(
    ("state", "expected"),
    [
        # An expiring status is still held.
        ("current", ["current", "expiring"]),
        ("expiring", ["expiring"]),
        ("expired", ["expired"]),
        ("never", ["never"]),
    ],
)
def test_status_filter_lists_the_clusters_in_that_state_today(client, registry, state, expected):
    response = client.get(CLUSTERS, {"status": state})
    assert sorted(listed(response)) == sorted(registry[name].name for name in expected)


@time_machine.travel(D(2025, 7, 1))
def test_cluster_list_shows_coordinator_status_and_its_end(client, registry):
    RepresentationFactory(cluster=registry["expiring"], coordinator__name="Fundacja Obecna")
    RepresentationFactory(
        cluster=registry["expiring"], coordinator__name="Fundacja Dawna", until=D(2020, 1, 1)
    )
    content = client.get(CLUSTERS, {"q": "Kończący"}).content.decode()
    assert "Fundacja Obecna" in content and "Fundacja Dawna" not in content
    assert "status expiring" in content
    assert "17 December 2025" in content


def test_clusters_are_found_by_former_name_short_name_coordinator_and_nip(client):
    cluster = ClusterFactory(name="Klaster LTPP", short_name="LTPP")
    cluster.former_names.create(name="Lubuski Klaster Metalowy")
    RepresentationFactory(
        cluster=cluster,
        coordinator=CoordinatorFactory(name="Fundacja Koordynator", nip="5260250274"),
    )
    ClusterFactory(name="Inny Klaster")
    for term in ["Lubuski Klaster", "LTPP", "Fundacja Koordynator", "5260250274"]:
        assert listed(client.get(CLUSTERS, {"q": term})) == ["Klaster LTPP"], term


def test_clusters_are_filtered_by_the_round_that_awarded_status(client):
    award = StatusAwardFactory()
    StatusAwardFactory()
    response = client.get(CLUSTERS, {"status_awards__round__id__exact": award.round.pk})
    assert listed(response) == [award.cluster.name]


def test_cluster_page_links_its_public_page_applications_and_events(client):
    cluster = ClusterFactory(name="Klaster Obróbki Metali", slug="klaster-obrobki-metali")
    application = ApplicationFactory(cluster=cluster, round__name="Runda V")
    event = EventFactory(title="Gala 2023")
    event.clusters.add(cluster)
    content = client.get(reverse("admin:clusters_cluster_change", args=[cluster.pk])).content
    content = content.decode()
    assert '"/en/clusters/klaster-obrobki-metali/"' in content  # in the admin's language
    assert reverse("admin:clusters_application_change", args=[application.pk]) in content
    assert reverse("admin:events_event_change", args=[event.pk]) in content


def test_coordinator_with_a_wrong_nip_is_refused_naming_the_problem(client):
    response = client.post(
        reverse("admin:clusters_coordinator_add"),
        {
            "name": "Fundacja X",
            "slug": "",
            "legal_form": "foundation",
            "nip": "526-025-02-75",
            "regon": "12345",
            "krs": "abc",
        },
    )
    errors = response.context["adminform"].form.errors
    assert errors["nip"] == ["NIP “5260250275” has a wrong check digit."]
    assert errors["regon"] == ["REGON must have 9 or 14 digits, “12345” has 5."]
    assert errors["krs"] == ["KRS may contain only digits, got “abc”."]


def test_coordinator_page_lists_the_clusters_it_represents(client):
    representation = RepresentationFactory(cluster__name="Wschodni Klaster Budowlany")
    RepresentationFactory(
        coordinator=representation.coordinator, cluster__name="Polski Klaster Budowlany"
    )
    url = reverse("admin:clusters_coordinator_change", args=[representation.coordinator.pk])
    content = client.get(url).content.decode()
    assert "Wschodni Klaster Budowlany" in content and "Polski Klaster Budowlany" in content
    listing = client.get(reverse("admin:clusters_coordinator_changelist")).content.decode()
    assert "Polski Klaster Budowlany, Wschodni Klaster Budowlany" in listing


def test_round_page_shows_its_stages_applications_and_figures(client):
    stage = StageFactory(round__name="Odnowienie 2018")
    application = ApplicationFactory(round=stage.round, cluster__name="KOM", outcome="awarded")
    StageResultFactory(application=application, stage=stage, result="passed")
    ApplicationFactory(round=stage.round, outcome="rejected")
    response = client.get(reverse("admin:clusters_round_change", args=[stage.round.pk]))
    content = response.content.decode()
    assert "<th>applied</th><td>2</td>" in content
    assert "<th>passed 1. formal assessment</th><td>1</td>" in content
    assert "<th>status awarded</th><td>1</td>" in content
    assert "KOM" in content and "status awarded" in content


def grant(client, *rounds):
    return client.post(
        reverse("admin:clusters_round_changelist"),
        {"action": "grant_status", "_selected_action": [r.pk for r in rounds]},
        follow=True,
    )


def test_grant_action_awards_successful_applications_once(client):
    round_ = RoundFactory(name="Runda VI", gala_date=D(2022, 12, 17))
    ApplicationFactory.create_batch(2, round=round_, outcome="awarded")
    first = [str(m) for m in get_messages(grant(client, round_).wsgi_request)]
    assert first == ["Runda VI: status granted to 2 clusters."]
    second = [str(m) for m in get_messages(grant(client, round_).wsgi_request)]
    assert second == ["Runda VI: every successful application already has its status."]
    assert StatusAward.objects.filter(round=round_).count() == 2


def test_grant_action_reports_a_round_it_cannot_grant(client):
    round_ = RoundFactory(name="Runda bez daty")
    ApplicationFactory(round=round_, outcome="awarded")
    messages = [str(m) for m in get_messages(grant(client, round_).wsgi_request)]
    assert messages == [
        "“Runda bez daty” has no certificate gala or results date: "
        "fill one in before granting status."
    ]


@pytest.fixture
def evaluated():
    """An application and its round's three stages, the last one scored by 2 experts."""
    formal = StageFactory(order=1, kind="formal")
    merit = StageFactory(round=formal.round, order=2, kind="merit")
    scored = StageFactory(round=formal.round, order=3, kind="parametric", max_points=140, experts=2)
    application = ApplicationFactory(round=formal.round)
    return application, (formal, merit, scored)


def with_results(data, results):
    data.update(
        {"stage_results-TOTAL_FORMS": str(len(results)), "stage_results-INITIAL_FORMS": "0"}
    )
    for i, (stage, result, points) in enumerate(results):
        data[f"stage_results-{i}-stage"] = str(stage.pk)
        data[f"stage_results-{i}-result"] = result
        data[f"stage_results-{i}-points"] = points
        # Staff decide an unscored stage with a note (the admin refuses one without).
        data[f"stage_results-{i}-note"] = "" if stage.is_scored() else "Decyzja zespołu oceny"
    return data


def test_stage_results_entered_together_in_order_are_saved(client, evaluated):
    application, (formal, merit, scored) = evaluated
    url = reverse("admin:clusters_application_change", args=[application.pk])
    data = with_results(
        form_data(client.get(url)),
        [(formal, "passed", ""), (merit, "passed", ""), (scored, "passed", "128")],
    )
    assert client.post(url, data).status_code == 302
    assert StageResult.objects.filter(application=application, result="passed").count() == 3


def test_a_stage_result_out_of_order_is_refused(client, evaluated):
    application, (formal, merit, scored) = evaluated
    url = reverse("admin:clusters_application_change", args=[application.pk])
    data = with_results(
        form_data(client.get(url)), [(formal, "passed", ""), (scored, "failed", "")]
    )
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.errors
    assert errors[1]["result"] == [
        "“3. parametric merit assessment” cannot be decided before the application passes "
        "the earlier stages: 2. merit assessment."
    ]
    assert not StageResult.objects.exists()


def test_stage_points_over_the_maximum_are_refused(client, evaluated):
    application, (formal, merit, scored) = evaluated
    url = reverse("admin:clusters_application_change", args=[application.pk])
    data = with_results(
        form_data(client.get(url)),
        [(formal, "passed", ""), (merit, "passed", ""), (scored, "passed", "141")],
    )
    errors = client.post(url, data).context["inline_admin_formsets"][0].formset.errors
    assert errors[2]["points"] == ["141 exceeds the stage's maximum of 140 points."]


def test_only_the_application_rounds_stages_can_be_chosen(client, evaluated):
    application, stages = evaluated
    StageFactory(kind="formal")  # another round's stage
    response = client.get(reverse("admin:clusters_application_change", args=[application.pk]))
    formset = response.context["inline_admin_formsets"][0].formset
    choices = {value for value, _ in formset.empty_form.fields["stage"].choices if value}
    assert {int(str(v)) for v in choices} == {stage.pk for stage in stages}


def test_experts_points_are_entered_on_the_stage_result_and_checked(client, evaluated):
    application, (formal, merit, scored) = evaluated
    result = StageResultFactory(application=application, stage=scored)
    url = reverse("admin:clusters_stageresult_change", args=[result.pk])
    data = form_data(client.get(url))
    data.update(
        {
            "expert_scores-TOTAL_FORMS": "2",
            "expert_scores-0-expert_number": "1",
            "expert_scores-0-points": "128",
            "expert_scores-1-expert_number": "2",
            "expert_scores-1-points": "150",
        }
    )
    errors = client.post(url, data).context["inline_admin_formsets"][0].formset.errors
    assert errors[1]["points"] == [
        "150 exceeds the maximum of 140 points at stage “3. parametric merit assessment”."
    ]
    data["expert_scores-1-points"] = "127"
    assert client.post(url, data).status_code == 302
    assert sorted(result.expert_scores.values_list("points", flat=True)) == [127, 128]
    page = client.get(reverse("admin:clusters_application_change", args=[application.pk]))
    assert "1: 128.00, 2: 127.00" in page.content.decode()


def test_coordinator_identifiers_typed_with_dashes_are_stored_as_digits(client):
    response = client.post(
        reverse("admin:clusters_coordinator_add"),
        {"name": "Fundacja Y", "slug": "", "legal_form": "foundation", "nip": "PL 526-025-02-74"},
    )
    assert response.status_code == 302
    assert CoordinatorFactory._meta.model.objects.get(name="Fundacja Y").nip == "5260250274"


def test_cluster_search_ignores_case_and_polish_letters(client):
    ClusterFactory(name="Śląski Klaster Żółwi")
    ClusterFactory(name="Klaster Inny")
    for term in ("żółwi", "ŚLĄSKI", "slaski zolwi"):
        response = client.get(reverse("admin:clusters_cluster_changelist"), {"q": term})
        assert [c.name for c in response.context["cl"].result_list] == ["Śląski Klaster Żółwi"]


@pytest.fixture
def estimated_and_exact():
    """On 1 July 2021: one cluster in the margin of estimated dates, one holding exact status."""
    uncertain = StatusAwardFactory(
        cluster__name="Klaster Szacowany",
        valid_from=D(2021, 12, 31),
        valid_until=D(2024, 12, 31),
        earliest_start=D(2021, 1, 1),
        dates_estimated=True,
    ).cluster
    exact = StatusAwardFactory(
        cluster__name="Klaster Dokładny", valid_from=D(2021, 3, 1), valid_until=D(2024, 3, 1)
    ).cluster
    return uncertain, exact


@time_machine.travel(D(2021, 7, 1))
def test_cluster_list_marks_and_filters_status_on_estimated_dates(client, estimated_and_exact):
    uncertain, exact = estimated_and_exact
    assert listed(client.get(CLUSTERS, {"status": "uncertain"})) == [uncertain.name]
    assert listed(client.get(CLUSTERS, {"on_estimates": "yes"})) == [uncertain.name]
    assert listed(client.get(CLUSTERS, {"on_estimates": "no"})) == [exact.name]
    row = client.get(CLUSTERS, {"q": "Szacowany"}).content.decode()
    assert "status uncertain" in row and "on estimated dates" in row
    assert 'class="field-on_estimates"><img src="/static/admin/img/icon-yes.svg"' in row


def test_award_list_shows_estimated_dates_and_their_bounds(client, estimated_and_exact):
    awards = reverse("admin:clusters_statusaward_changelist")
    content = client.get(awards, {"dates_estimated__exact": "1"}).content.decode()
    assert "Klaster Szacowany" in content and "Klaster Dokładny" not in content
    assert "May have started as early as" in content and "1 January 2021" in content


def test_award_form_refuses_bounds_that_do_not_widen_the_estimate(client, estimated_and_exact):
    award = StatusAward.objects.get(cluster__name="Klaster Szacowany")
    url = reverse("admin:clusters_statusaward_change", args=[award.pk])
    data = {**form_data(client.get(url)), "earliest_start": "2022-01-01"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "The earliest start cannot follow the start of validity." in response.content.decode()
    award.refresh_from_db()
    assert award.earliest_start == D(2021, 1, 1)
