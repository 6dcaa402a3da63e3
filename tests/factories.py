"""Valid objects with the fewest choices; tests override only what matters."""

import datetime

import factory

from clusters import models as cm
from events import models as em


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Institution
        django_get_or_create = ["slug"]

    name = "Ministerstwo Rozwoju i Technologii"
    slug = "mrit"
    kind = cm.Institution.Kind.MINISTRY


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Coordinator

    name = factory.Sequence(lambda n: f"Stowarzyszenie Koordynator {n}")
    legal_form = cm.Coordinator.LegalForm.ASSOCIATION


class SpecialisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Specialisation

    name = factory.Sequence(lambda n: f"Branża {n}")
    slug = factory.Sequence(lambda n: f"branza-{n}")


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Cluster

    name = factory.Sequence(lambda n: f"Klaster Testowy {n}")
    voivodeship = "silesia"


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Round

    name = factory.Sequence(lambda n: f"Runda {n + 1}")
    slug = factory.Sequence(lambda n: f"runda-{n + 1}")
    number = factory.Sequence(lambda n: n + 1)
    year = 2022
    organiser = factory.SubFactory(InstitutionFactory)
    # A round recorded after the fact, public like the built-in data; rounds run in
    # the registry start unpublished (results_published_at=None).
    results_published_at = datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)


class StatusAwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.StatusAward

    cluster = factory.SubFactory(ClusterFactory)
    round = factory.SubFactory(RoundFactory)
    valid_from = datetime.date(2022, 12, 17)
    valid_until = datetime.date(2025, 12, 17)


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Application

    cluster = factory.SubFactory(ClusterFactory)
    round = factory.SubFactory(RoundFactory)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = em.Event

    title = factory.Sequence(lambda n: f"Konferencja {n}")
    kind = em.Event.Kind.CONFERENCE
    start_date = datetime.date(2023, 1, 23)
    city = "Warszawa"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Person

    name = factory.Sequence(lambda n: f"Jan Kowalski {n}")


class FormerNameFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.ClusterFormerName

    cluster = factory.SubFactory(ClusterFactory)
    name = factory.Sequence(lambda n: f"Dawna nazwa {n}")


class RepresentationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Representation

    cluster = factory.SubFactory(ClusterFactory)
    coordinator = factory.SubFactory(CoordinatorFactory)


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.EvaluationStage

    round = factory.SubFactory(RoundFactory)
    order = 1
    kind = cm.EvaluationStage.Kind.FORMAL


class StageResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.StageResult

    application = factory.SubFactory(ApplicationFactory)
    stage = factory.SubFactory(StageFactory, round=factory.SelfAttribute("..application.round"))


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = em.Participation

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    role = cm.Role.SPEAKER


def bulk_clusters(count, *, round_, valid_from, valid_until, specialisation=None, start=0):
    """`count` published clusters, each with a coordinator and an award, in a few queries.

    bulk_create skips save(), so the stored search and sort fields are filled here.
    """
    from clusters.search import polish_sort_key, search_text

    clusters = cm.Cluster.objects.bulk_create(
        cm.Cluster(
            name=f"Klaster Zbiorczy {n:04d}",
            slug=f"klaster-zbiorczy-{n:04d}",
            city="Łódź",
            voivodeship="lodz",
            sort_key=polish_sort_key(f"Klaster Zbiorczy {n:04d}"),
            search_text=search_text(f"Klaster Zbiorczy {n:04d}", "Łódź"),
        )
        for n in range(start, start + count)
    )
    coordinators = cm.Coordinator.objects.bulk_create(
        cm.Coordinator(name=f"Koordynator Zbiorczy {n:04d}", slug=f"koordynator-zbiorczy-{n:04d}")
        for n in range(start, start + count)
    )
    cm.Representation.objects.bulk_create(
        cm.Representation(cluster=cluster, coordinator=coordinator)
        for cluster, coordinator in zip(clusters, coordinators, strict=True)
    )
    cm.StatusAward.objects.bulk_create(
        cm.StatusAward(
            cluster=cluster, round=round_, valid_from=valid_from, valid_until=valid_until
        )
        for cluster in clusters
    )
    if specialisation:
        specialisation.clusters.add(*clusters)
    return clusters


PASSWORD = "hasło-testowe-2026"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member; put them in a group with `staff_in`."""

    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pracownik{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(user, create, extracted, **kwargs):
        if create:
            user.save()


def staff_in(group_name, **kwargs):
    """A staff user in the editors or viewers group (groups set up as the migration does)."""
    from django.contrib.auth.models import Group

    from kkkregistry.roles import setup_roles

    setup_roles()
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


class ReportedStatusCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.ReportedStatusCount

    on = datetime.date(2016, 10, 25)
    clusters = 16
