"""No admin list or change page makes a query per row: 3 rows and 40 rows cost the same."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.dates import today
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date


def clusters(n):
    """n clusters, each with a coordinator, a specialisation, a status and an application."""
    round_ = f.RoundFactory()
    for _ in range(n):
        cluster = f.ClusterFactory()
        cluster.specialisations.add(f.SpecialisationFactory())
        f.RepresentationFactory(cluster=cluster)
        application = f.ApplicationFactory(cluster=cluster, round=round_, outcome="awarded")
        f.StatusAwardFactory(cluster=cluster, round=round_, application=application)
        f.EventFactory().clusters.add(cluster)
    return reverse("admin:clusters_cluster_changelist")


def coordinators(n):
    for _ in range(n):
        f.RepresentationFactory()
    return reverse("admin:clusters_coordinator_changelist")


def rounds(n):
    for _ in range(n):
        f.RoundFactory()
    return reverse("admin:clusters_round_changelist")


def applications(n):
    for _ in range(n):
        f.StatusAwardFactory(application=f.ApplicationFactory())
    return reverse("admin:clusters_application_changelist")


def awards(n):
    for _ in range(n):
        f.StatusAwardFactory()
    return reverse("admin:clusters_statusaward_changelist")


def events(n):
    for _ in range(n):
        f.ParticipationFactory()
    return reverse("admin:events_event_changelist")


def people(n):
    for _ in range(n):
        f.PersonFactory()
    return reverse("admin:clusters_person_changelist")


def one_cluster_with(n):
    """A cluster with n of everything its page shows: names, coordinators, awards, events."""
    cluster = f.ClusterFactory()
    for i in range(n):
        f.RepresentationFactory(cluster=cluster, since=D(2000, 1, 1) + datetime.timedelta(i))
        cluster.former_names.create(name=f"Dawna nazwa {i}")
        cluster.member_counts.create(year=1990 + i, firms=10)
        cluster.labels.create(level="silver")
        round_ = f.RoundFactory()
        application = f.ApplicationFactory(cluster=cluster, round=round_)
        f.StatusAwardFactory(cluster=cluster, round=round_, application=application)
        f.EventFactory().clusters.add(cluster)
    return reverse("admin:clusters_cluster_change", args=[cluster.pk])


def one_coordinator_with(n):
    coordinator = f.CoordinatorFactory()
    for _ in range(n):
        f.RepresentationFactory(coordinator=coordinator)
    return reverse("admin:clusters_coordinator_change", args=[coordinator.pk])


def one_round_with(n):
    round_ = f.RoundFactory()
    stages = [f.StageFactory(round=round_, order=i + 1, kind=k) for i, k in enumerate("fmp")]
    stages[2].kind, stages[2].max_points = "parametric", 140
    for i, stage in enumerate(stages):
        stage.kind = ["formal", "merit", "parametric"][i]
        stage.save()
    for _ in range(n):
        application = f.ApplicationFactory(round=round_)
        for stage in stages:
            f.StageResultFactory(application=application, stage=stage, result="passed")
    return reverse("admin:clusters_round_change", args=[round_.pk])


def one_application_with(n):
    round_ = f.RoundFactory()
    application = f.ApplicationFactory(round=round_)
    for i in range(n):
        stage = f.StageFactory(round=round_, order=i + 1, kind="formal" if i == 0 else "merit")
        # Stage kinds are unique per round; the query count does not depend on the kind.
        f.cm.EvaluationStage.objects.filter(pk=stage.pk).update(kind=f"k{i}")
        result = f.StageResultFactory(application=application, stage=stage, result="passed")
        result.expert_scores.create(expert_number=1, points=10)
    return reverse("admin:clusters_application_change", args=[application.pk])


def one_stage_result_with(n):
    stage = f.StageFactory(max_points=140, experts=10, kind="parametric")
    result = f.StageResultFactory(stage=stage, application__round=stage.round)
    for i in range(n):
        result.expert_scores.create(expert_number=i + 1, points=100)
    return reverse("admin:clusters_stageresult_change", args=[result.pk])


def one_event_with(n):
    event = f.EventFactory()
    for _ in range(n):
        f.ParticipationFactory(event=event, cluster=f.ClusterFactory())
        event.clusters.add(f.ClusterFactory())
    return reverse("admin:events_event_change", args=[event.pk])


def one_institution_with(n):
    institution = f.InstitutionFactory()
    for i in range(n):
        institution.names.create(name=f"Ministerstwo {i}")
    return reverse("admin:clusters_institution_change", args=[institution.pk])


def history_of_a_cluster(n):
    cluster = f.ClusterFactory()
    for i in range(n):
        cluster.description = f"Opis {i}"
        cluster.save()
    return reverse("admin:clusters_cluster_history", args=[cluster.pk])


def history_of_a_cluster_with_its_rows(n):
    """n versions of a cluster and of each kind of row it has, with what the rows point to."""
    cluster = f.ClusterFactory()
    cluster.specialisations.add(f.SpecialisationFactory())
    for i in range(n):
        cluster.description = f"Opis {i}"
        cluster.save()
        term = f.RepresentationFactory(cluster=cluster, since=D(2000, 1, 1))
        term.until = D(2001, 1, 1) + datetime.timedelta(i)
        term.save()
        cluster.former_names.create(name=f"Dawna nazwa {i}")
        cluster.member_counts.create(year=1990 + i, firms=10)
        cluster.labels.create(level="silver", awarded_on=D(2020, 1, 1))
        f.StatusAwardFactory(cluster=cluster).delete()
    return reverse("admin:clusters_cluster_history", args=[cluster.pk])


def history_of_an_application_with_its_results(n):
    round_ = f.RoundFactory()
    application = f.ApplicationFactory(round=round_)
    for i in range(n):
        stage = f.StageFactory(round=round_, order=i + 1, kind="formal" if i == 0 else "merit")
        f.cm.EvaluationStage.objects.filter(pk=stage.pk).update(kind=f"k{i}")
        result = f.StageResultFactory(application=application, stage=stage)
        result.result = "passed"
        result.save()
        result.expert_scores.create(expert_number=1, points=10)
    return reverse("admin:clusters_application_history", args=[application.pk])


def history_of_an_event_with_its_participants(n):
    event = f.EventFactory()
    for _ in range(n):
        f.ParticipationFactory(event=event, cluster=f.ClusterFactory())
    return reverse("admin:events_event_history", args=[event.pk])


def dashboard(n):
    """n of everything the dashboard lists: statuses expiring soon, drafts, waiting applications."""
    for _ in range(n):
        f.StatusAwardFactory(valid_from=D(2020, 1, 1), valid_until=today() + datetime.timedelta(30))
        f.ClusterFactory(published=False)
        f.EventFactory(published=False)
        f.ApplicationFactory()
    return reverse("admin:index")


PAGES = [
    dashboard,
    clusters,
    coordinators,
    rounds,
    applications,
    awards,
    events,
    people,
    one_cluster_with,
    one_coordinator_with,
    one_round_with,
    one_application_with,
    one_stage_result_with,
    one_event_with,
    one_institution_with,
    history_of_a_cluster,
    history_of_a_cluster_with_its_rows,
    history_of_an_application_with_its_results,
    history_of_an_event_with_its_participants,
]


def queries_for(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize("build", PAGES, ids=lambda build: build.__name__)
def test_page_costs_the_same_queries_for_3_and_40_rows(admin_client, build):
    url = build(3)
    queries_for(admin_client, url)  # the first request also fills per-process caches
    few = queries_for(admin_client, url)
    many = queries_for(admin_client, build(40))
    assert many == few, f"{build.__name__}: {few} queries for 3 rows, {many} for 40"
