"""The registry's datasets as a DCAT-AP-PL catalogue (RDF), for dane.gov.pl to harvest.

Art. 32 of the open-data act lets a body that serves its data from its own API send
only the metadata to the national portal; DCAT-AP-PL is the portal's profile of the
EU's DCAT-AP. Every title and description is given in Polish and English.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from core.pagecache import data_version_stamp

EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY = Namespace(EU + "frequency/")
FILE_TYPE = Namespace(EU + "file-type/")
LANGUAGE = Namespace(EU + "language/")
THEME = Namespace(EU + "data-theme/")
COUNTRY = Namespace(EU + "country/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")

MEDIA_TYPES = {
    "CSV": "text/csv",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "JSON": "application/json",
}

# name: (titles, descriptions, keywords, downloads {file type: URL name and kwargs}, API list)
DATASETS = {
    "clusters": (
        {"pl": "Krajowe Klastry Kluczowe", "en": "National Key Clusters"},
        {
            "pl": "Klastry, które posiadają lub posiadały status Krajowego Klastra Kluczowego, "
            "z koordynatorami (NIP, REGON, KRS), specjalizacjami i statusem w danym dniu.",
            "en": "Clusters that hold or held National Key Cluster status, with their "
            "coordinators (NIP, REGON, KRS), specialisations and status on a given day.",
        },
        ["klastry", "KKK", "clusters", "innowacje"],
        {"CSV": ("clusters:export-csv", {}), "JSON": ("clusters:export-json", {})},
        "api:cluster-list",
    ),
    "awards": (
        {"pl": "Nadania statusu KKK", "en": "KKK status awards"},
        {
            "pl": "Każde nadanie lub odnowienie statusu Krajowego Klastra Kluczowego: runda, "
            "okres ważności, daty szacunkowe i źródło.",
            "en": "Every grant or renewal of National Key Cluster status: round, period of "
            "validity, estimated dates and source.",
        },
        ["status KKK", "nadania", "status awards"],
        {
            "CSV": ("opendata:table-csv", {"name": "nadania-statusu"}),
            "XLSX": ("opendata:table-xlsx", {"name": "nadania-statusu"}),
        },
        "api:award-list",
    ),
    "rounds": (
        {"pl": "Rundy konkursu o status KKK", "en": "Rounds of the KKK competition"},
        {
            "pl": "Rundy konkursu o status Krajowego Klastra Kluczowego i konkursy o odnowienie "
            "statusu: terminy naboru, progi punktowe, etapy oceny.",
            "en": "Rounds of the competition for National Key Cluster status and renewal "
            "competitions: call dates, point thresholds, evaluation stages.",
        },
        ["konkurs", "rundy", "competition rounds"],
        {
            "CSV": ("opendata:table-csv", {"name": "rundy"}),
            "XLSX": ("opendata:table-xlsx", {"name": "rundy"}),
        },
        "api:round-list",
    ),
    "events": (
        {"pl": "Wydarzenia programu KKK", "en": "Events of the KKK programme"},
        {
            "pl": "Gale wręczenia certyfikatów, kongresy, konferencje i spotkania programu "
            "Krajowych Klastrów Kluczowych.",
            "en": "Certificate galas, congresses, conferences and meetings of the National "
            "Key Clusters programme.",
        },
        ["wydarzenia", "gale", "events"],
        {
            "CSV": ("opendata:table-csv", {"name": "wydarzenia"}),
            "XLSX": ("opendata:table-xlsx", {"name": "wydarzenia"}),
        },
        "api:event-list",
    ),
}


def _both(graph, subject, predicate, texts):
    for language, text in texts.items():
        graph.add((subject, predicate, Literal(text, lang=language)))


def catalogue_graph(request):
    """The catalogue, its datasets, their distributions and the API that serves them."""
    url = request.build_absolute_uri
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)

    _counter, changed_at = data_version_stamp()
    modified = Literal((changed_at or timezone.now()).isoformat(), datatype=XSD.dateTime)
    licence = URIRef(settings.OPEN_DATA_LICENCE_URL)
    home = URIRef(url("/"))

    publisher = BNode()
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(settings.OPEN_DATA_PUBLISHER, lang="pl")))

    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(settings.OPEN_DATA_PUBLISHER, lang="pl")))
    graph.add((contact, VCARD.hasURL, home))

    catalogue = URIRef(url(reverse("opendata:catalogue")))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    _both(
        graph,
        catalogue,
        DCTERMS.title,
        {
            "pl": "Rejestr Krajowych Klastrów Kluczowych",
            "en": "Registry of National Key Clusters",
        },
    )
    _both(
        graph,
        catalogue,
        DCTERMS.description,
        {
            "pl": "Otwarte dane rejestru Krajowych Klastrów Kluczowych: klastry, nadania "
            "statusu, rundy konkursu i wydarzenia, do pobrania i przez API.",
            "en": "Open data of the registry of National Key Clusters: clusters, status "
            "awards, competition rounds and events, as downloads and through an API.",
        },
    )
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, FOAF.homepage, home))
    graph.add((catalogue, DCTERMS.license, licence))
    graph.add((catalogue, DCTERMS.modified, modified))
    graph.add((catalogue, DCTERMS.language, LANGUAGE.POL))
    graph.add((catalogue, DCTERMS.language, LANGUAGE.ENG))

    api = URIRef(url(reverse("api:api-root")))
    graph.add((api, RDF.type, DCAT.DataService))
    _both(
        graph,
        api,
        DCTERMS.title,
        {"pl": "API rejestru KKK", "en": "KKK registry API"},
    )
    graph.add((api, DCAT.endpointURL, api))
    graph.add((api, DCAT.endpointDescription, URIRef(url(reverse("api:schema")))))
    graph.add((api, DCTERMS.license, licence))
    graph.add((catalogue, DCAT.service, api))

    for name, (titles, descriptions, keywords, downloads, api_list) in DATASETS.items():
        dataset = URIRef(f"{catalogue}#{name}")
        graph.add((catalogue, DCAT.dataset, dataset))
        graph.add((api, DCAT.servesDataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        graph.add((dataset, DCTERMS.identifier, Literal(name)))
        _both(graph, dataset, DCTERMS.title, titles)
        _both(graph, dataset, DCTERMS.description, descriptions)
        for keyword in keywords:
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang="pl")))
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((dataset, DCAT.contactPoint, contact))
        # Staff record changes as they happen: no fixed schedule.
        graph.add((dataset, DCTERMS.accrualPeriodicity, FREQUENCY.IRREG))
        graph.add((dataset, DCTERMS.modified, modified))
        graph.add((dataset, DCAT.theme, THEME.ECON))
        graph.add((dataset, DCTERMS.spatial, COUNTRY.POL))
        graph.add((dataset, DCAT.landingPage, home))

        distributions = {
            file_type: url(reverse(url_name, kwargs=kwargs))
            for file_type, (url_name, kwargs) in downloads.items()
        }
        for file_type, address in distributions.items():
            distribution = URIRef(address)
            _add_distribution(graph, dataset, distribution, file_type, licence, modified)
            graph.add((distribution, DCAT.downloadURL, distribution))
            _both(
                graph,
                distribution,
                DCTERMS.title,
                {"pl": f"{titles['pl']} ({file_type})", "en": f"{titles['en']} ({file_type})"},
            )
        through_api = URIRef(url(reverse(api_list)))
        _add_distribution(graph, dataset, through_api, "JSON", licence, modified)
        graph.add((through_api, DCAT.accessService, api))
        _both(
            graph,
            through_api,
            DCTERMS.title,
            {"pl": f"{titles['pl']} (API)", "en": f"{titles['en']} (API)"},
        )
    return graph


def _add_distribution(graph, dataset, distribution, file_type, licence, modified):
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.accessURL, distribution))
    graph.add((distribution, DCTERMS["format"], FILE_TYPE[file_type]))
    graph.add((distribution, DCAT.mediaType, Literal(MEDIA_TYPES[file_type])))
    graph.add((distribution, DCTERMS.license, licence))
    graph.add((distribution, DCTERMS.modified, modified))
