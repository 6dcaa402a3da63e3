"""Nothing unpublished is visible anywhere public: names, links, nor counts.

The walk renders every public page and export with unpublished rows tied to
published ones (an application, an award, a stage result, a participation, an
event a published panel is part of), then again once those rows are gone: the
pages must not change by a byte, so no name and no count gave them away.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from clusters import models as cm
from events import models as em
from pages.sitemaps import SECTIONS
from tests.factories import (
    ApplicationFactory,
    ClusterFactory,
    EventFactory,
    FormerNameFactory,
    ParticipationFactory,
    RepresentationFactory,
    RoundFactory,
    SpecialisationFactory,
    StageFactory,
    StageResultFactory,
    StatusAwardFactory,
)

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
SECRETS = ("Tajn", "tajn")


@pytest.fixture
def registry():
    round_ = RoundFactory(name="Runda Jawna", slug="runda-jawna", applications_reported=1)
    stage = StageFactory(round=round_)
    specialisation = SpecialisationFactory(name="Branża Jawna", slug="branza-jawna")
    cluster = ClusterFactory(name="Klaster Jawny", slug="klaster-jawny")
    cluster.specialisations.add(specialisation)
    StatusAwardFactory(
        cluster=cluster,
        round=round_,
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2099, 1, 1),
    )
    StageResultFactory(
        application=ApplicationFactory(cluster=cluster, round=round_, scores_published=True),
        stage=stage,
        result=cm.StageResult.Result.PASSED,
    )
    conference = EventFactory(title="Konferencja Jawna", slug="konferencja-jawna", round=round_)
    panel = EventFactory(
        title="Panel Jawny", slug="panel-jawny", kind=em.Event.Kind.PANEL, part_of=conference
    )
    panel.clusters.add(cluster)
    return cluster, round_, conference, panel


def add_secrets(cluster, round_, conference, panel):
    """Unpublished rows tied to the published ones."""
    secret = ClusterFactory(name="Klaster Tajny", slug="klaster-tajny", published=False)
    secret.specialisations.add(*cluster.specialisations.all())
    FormerNameFactory(cluster=secret, name="Dawny Tajny")
    RepresentationFactory(cluster=secret, coordinator__name="Koordynator Tajny")
    StatusAwardFactory(
        cluster=secret,
        round=round_,
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2099, 1, 1),
    )
    application = ApplicationFactory(cluster=secret, round=round_, scores_published=True)
    StageResultFactory(
        application=application, stage=round_.stages.get(), result=cm.StageResult.Result.PASSED
    )
    summit = EventFactory(title="Szczyt Tajny", slug="szczyt-tajny", published=False)
    summit.clusters.add(cluster)
    hidden_panel = EventFactory(
        title="Panel Tajny", slug="panel-tajny", part_of=conference, published=False
    )
    hidden_panel.clusters.add(cluster)
    # A published panel moved under an unpublished event.
    panel.part_of = summit
    panel.save()
    ParticipationFactory(event=panel, cluster=secret, person__name="Jan Jawny")
    return secret, summit


def remove_secrets(secret, summit, panel):
    panel.part_of = None
    panel.save()
    em.Participation.objects.filter(cluster=secret).update(cluster=None)
    em.Event.objects.filter(published=False).delete()
    secret.representations.all().delete()
    cm.StageResult.objects.filter(application__cluster=secret).delete()
    secret.applications.all().delete()
    secret.status_awards.all().delete()
    secret.delete()
    assert not cm.Cluster.objects.filter(published=False).exists()


def public_urls(cluster, round_, conference, panel):
    urls = []
    for language in ("pl", "en"):
        with translation.override(language):
            urls += [
                reverse("pages:home"),
                reverse("clusters:list"),
                reverse("clusters:list") + "?status=all",
                reverse("clusters:list") + "?q=Klaster",
                reverse("clusters:list") + f"?round={round_.pk}",
                reverse("clusters:round-list"),
                reverse("events:list"),
                reverse("events:list") + "?year=2023",
                reverse("pages:accessibility"),
            ]
            urls += [page.get_absolute_url() for page in (cluster, round_, conference, panel)]
    yield from urls
    yield reverse("clusters:export-csv") + "?status=all"
    yield reverse("clusters:export-json") + "?status=all"
    yield reverse("clusters:export-excel-csv") + "?status=all"
    yield reverse("events:calendar")
    yield reverse("sitemap")
    for section in SECTIONS:
        yield reverse("sitemap-section", kwargs={"section": section})


def walk(client, urls):
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = CSRF.sub("", response.content.decode())
    return pages


def test_unpublished_rows_change_no_public_page_names_nor_counts(client, registry, frozen_today):
    urls = list(public_urls(*registry))
    secret, summit = add_secrets(*registry)
    with_secrets = walk(client, urls)
    for url, page in with_secrets.items():
        for word in SECRETS:
            assert word not in page, (url, word)
    remove_secrets(secret, summit, registry[3])
    without_secrets = walk(client, urls)
    for url in urls:
        assert with_secrets[url] == without_secrets[url], url


def test_an_unpublished_event_is_not_named_on_the_list_nor_on_its_published_part(client, registry):
    _cluster, _round, _conference, panel = registry
    panel.part_of = EventFactory(title="Szczyt Tajny", published=False)
    panel.save()
    for url in (reverse("events:list"), panel.get_absolute_url()):
        assert "Szczyt Tajny" not in client.get(url).content.decode(), url


def test_a_round_page_counts_no_application_of_an_unpublished_cluster(client, registry):
    _cluster, round_, _conference, _panel = registry
    ApplicationFactory(round=round_, cluster__published=False)
    ApplicationFactory(round=round_, cluster__published=False)
    with translation.override("en"):
        page = client.get(round_.get_absolute_url()).content.decode()
    assert "<dt>Applied</dt><dd>1</dd>" in page
