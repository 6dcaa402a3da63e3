"""Records carry the address of their source; the public pages link to it, safely."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from clusters.models import Cluster, Round
from tests.factories import (
    ClusterFactory,
    EventFactory,
    FormerNameFactory,
    RoundFactory,
    StatusAwardFactory,
)
from transfer.service import export_file, import_file

pytestmark = pytest.mark.django_db
SOURCE = "https://klastrypolskie.pl/news/posiedzenie-rady-krajowych-klastrow-kluczowych,622.htm"


def page(client, obj):
    """The Polish public page of `obj`, whatever language an earlier test left active."""
    with translation.override("pl"):
        url = obj.get_absolute_url()
    return client.get(url).content.decode()


def test_a_cluster_page_links_to_the_sources_of_the_cluster_its_former_name_and_award(client):
    cluster = ClusterFactory(name="Evoluma", source_url=SOURCE)
    FormerNameFactory(
        cluster=cluster, name="Klaster Obróbki Metali", source_url="https://example.org/rename"
    )
    StatusAwardFactory(cluster=cluster, source_url="https://www.example.com/award")
    content = page(client, cluster)
    assert f'<a href="{SOURCE}" rel="external noopener">klastrypolskie.pl</a>' in content
    assert '<a href="https://example.org/rename" rel="external noopener">example.org</a>' in content
    assert '<a href="https://www.example.com/award" rel="external noopener">example.com</a>' in (
        content
    )
    assert "Źródło" in content


def test_round_and_event_pages_link_to_their_sources(client):
    round_ = RoundFactory(source_url=SOURCE)
    event = EventFactory(source_url="http://www.mr.gov.pl/strony/aktualnosci/x/")
    assert 'rel="external noopener">klastrypolskie.pl</a>' in page(client, round_)
    assert 'rel="external noopener">mr.gov.pl</a>' in page(client, event)


def test_a_record_without_a_source_shows_no_source(client):
    assert "Źródło" not in page(client, ClusterFactory())


def test_a_source_written_around_validation_is_never_a_script_link(client):
    cluster = ClusterFactory()
    Cluster.objects.filter(pk=cluster.pk).update(source_url="javascript:alert(1)")
    content = page(client, cluster)
    assert "javascript:" not in content and "Źródło" not in content


@pytest.mark.parametrize("address", ["javascript:alert(1)", "ftp://example.org/x", "example.org"])
def test_only_web_addresses_are_accepted_as_sources(address):
    round_ = RoundFactory.build(organiser=RoundFactory().organiser, source_url=address)
    with pytest.raises(ValidationError) as error:
        round_.full_clean()
    assert "source_url" in error.value.message_dict


def test_sources_travel_in_the_spreadsheets_of_their_kinds():
    cluster = ClusterFactory(name="Evoluma", slug="evoluma", source_url=SOURCE)
    FormerNameFactory(
        cluster=cluster, name="Klaster Obróbki Metali", used_until_year=2024, source_url=SOURCE
    )
    exported = export_file("clusters").decode("utf-8-sig")
    assert f"Klaster Obróbki Metali (–2024) <{SOURCE}>" in exported
    Cluster.objects.filter(pk=cluster.pk).update(source_url="")
    cluster.former_names.update(source_url="")
    report = import_file("clusters", exported.encode())
    assert report.errors == []
    cluster.refresh_from_db()
    assert cluster.source_url == SOURCE
    assert cluster.former_names.get().source_url == SOURCE


def test_a_spreadsheet_source_that_is_not_a_web_address_is_refused():
    RoundFactory(name="Runda VII", slug="runda-vii")
    data = "Nazwa;Rok;Organizator;Źródło\nRunda VII;2024;Ministerstwo;javascript:alert(1)\n"
    report = import_file("rounds", data.encode())
    assert report.errors
    assert Round.objects.get(slug="runda-vii").source_url == ""


def test_the_admin_edits_sources(admin_client):
    cluster = ClusterFactory()
    content = admin_client.get(reverse("admin:clusters_cluster_change", args=[cluster.pk]))
    assert 'name="source_url"' in content.content.decode()
    assert 'name="former_names-__prefix__-source_url"' in content.content.decode()
