"""The DCAT-AP-PL catalogue parses with rdflib and has each property the profile asks for."""

import pytest
import rdflib.namespace as ns
from rdflib import RDF, Graph, URIRef

from core.models import DataVersion
from core.pagecache import bump_data_version
from tests.factories import StatusAwardFactory

pytestmark = pytest.mark.django_db

REQUIRED = {
    ns.DCAT.Catalog: [
        ns.DCTERMS.title,
        ns.DCTERMS.description,
        ns.DCTERMS.publisher,
        ns.DCAT.dataset,
        ns.FOAF.homepage,
        ns.DCTERMS.license,
        ns.DCTERMS.modified,
        ns.DCTERMS.language,
    ],
    ns.DCAT.Dataset: [
        ns.DCTERMS.title,
        ns.DCTERMS.description,
        ns.DCTERMS.publisher,
        ns.DCAT.contactPoint,
        ns.DCAT.distribution,
        ns.DCAT.keyword,
        ns.DCTERMS.accrualPeriodicity,
        ns.DCTERMS.modified,
        ns.DCTERMS.identifier,
    ],
    ns.DCAT.Distribution: [
        ns.DCAT.accessURL,
        ns.DCTERMS["format"],
        ns.DCTERMS.license,
        ns.DCAT.mediaType,
        ns.DCTERMS.title,
    ],
    ns.DCAT.DataService: [ns.DCTERMS.title, ns.DCAT.endpointURL, ns.DCAT.endpointDescription],
}
TRANSLATED = [ns.DCTERMS.title, ns.DCTERMS.description]


def catalogue(client, address="/dane/katalog.ttl", format="turtle"):
    response = client.get(address)
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=format)


def test_every_resource_has_the_properties_the_profile_requires(client):
    graph = catalogue(client)
    for kind, properties in REQUIRED.items():
        subjects = list(graph.subjects(RDF.type, kind))
        assert subjects, kind
        for subject in subjects:
            for predicate in properties:
                assert graph.value(subject, predicate) is not None, (subject, predicate)


def test_titles_and_descriptions_are_in_polish_and_english(client):
    graph = catalogue(client)
    for kind in (ns.DCAT.Catalog, ns.DCAT.Dataset):
        for subject in graph.subjects(RDF.type, kind):
            for predicate in TRANSLATED:
                languages = {literal.language for literal in graph.objects(subject, predicate)}
                assert languages == {"pl", "en"}, (subject, predicate)


def test_each_dataset_is_downloadable_and_served_by_the_api(client):
    graph = catalogue(client)
    datasets = list(graph.subjects(RDF.type, ns.DCAT.Dataset))
    assert len(datasets) == 4
    api = graph.value(predicate=RDF.type, object=ns.DCAT.DataService)
    for dataset in datasets:
        distributions = list(graph.objects(dataset, ns.DCAT.distribution))
        assert any(graph.value(d, ns.DCAT.downloadURL) for d in distributions), dataset
        assert any(graph.value(d, ns.DCAT.accessService) == api for d in distributions), dataset
        for distribution in distributions:
            address = str(graph.value(distribution, ns.DCAT.accessURL))
            assert client.get(address.removeprefix("http://testserver")).status_code == 200


def test_the_modification_date_is_when_the_data_last_changed(client):
    bump_data_version()
    changed_at = DataVersion.objects.get(pk=1).changed_at
    graph = catalogue(client)
    [catalogue_node] = graph.subjects(RDF.type, ns.DCAT.Catalog)
    assert graph.value(catalogue_node, ns.DCTERMS.modified).toPython() == changed_at


def test_the_rdf_xml_form_holds_the_same_statements(client):
    turtle = catalogue(client)
    xml = catalogue(client, "/dane/katalog.rdf", "xml")
    assert len(xml) == len(turtle)
    assert (None, RDF.type, ns.DCAT.Catalog) in xml


def test_no_unpublished_cluster_is_named(client):
    StatusAwardFactory(cluster__name="Klaster Tajny", cluster__published=False)
    assert "Tajn" not in client.get("/dane/katalog.ttl").content.decode()


def test_the_licence_is_the_configured_one(client, settings):
    settings.OPEN_DATA_LICENCE_URL = "https://example.org/licence"
    graph = catalogue(client)
    assert (None, ns.DCTERMS.license, URIRef("https://example.org/licence")) in graph
