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
