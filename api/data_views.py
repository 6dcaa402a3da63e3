"""Open data beyond the API: the tables as CSV and XLSX, and the data package describing them."""

import csv

import tablib
from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.urls import reverse

from clusters.exports import spreadsheet_safe
from core.downloads import Lines, download, lines
from transfer.spreadsheets import write_xlsx

from .catalogue import catalogue_graph
from .opendata import CLUSTERS, TABLES, table_schema


def _table(name):
    try:
        return TABLES[name]
    except KeyError:
        raise Http404 from None


def table_csv(request, name):
    table, rows = _table(name)

    def chunks():
        writer = csv.writer(Lines())
        # The byte order mark makes Excel read the file as UTF-8 (Polish letters).
        yield "\ufeff" + writer.writerow(table.headers)
        yield from lines(
            rows(),
            lambda row: writer.writerow(
                [spreadsheet_safe("" if cell is None else cell) for cell in row]
            ),
        )

    # Streamed, and kept in the cache until the data change.
    return download(
        request,
        chunks,
        content_type="text/csv; charset=utf-8",
        disposition=f'attachment; filename="{name}.csv"',
    )


def table_xlsx(request, name):
    table, rows = _table(name)
    dataset = tablib.Dataset(headers=table.headers)
    for row in rows():
        dataset.append(["" if cell is None else cell for cell in row])
    response = HttpResponse(
        write_xlsx(dataset),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


def _resource(request, table, path):
    return {
        "name": table.name,
        "title": table.title,
        "description": table.description,
        "path": request.build_absolute_uri(path),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        # UTF-8 starting with a byte order mark, for Excel's sake.
        "encoding": "utf-8-sig",
        "schema": table_schema(table),
    }


def data_package(request):
    """A Frictionless (Table Schema) data package of the registry's CSV files."""
    resources = [_resource(request, CLUSTERS, reverse("clusters:export-csv"))]
    resources += [
        _resource(request, table, reverse("opendata:table-csv", kwargs={"name": name}))
        for name, (table, _rows) in TABLES.items()
    ]
    package = {
        "profile": "tabular-data-package",
        "name": "rejestr-krajowych-klastrow-kluczowych",
        "title": "Rejestr Krajowych Klastrów Kluczowych / Registry of National Key Clusters",
        "description": "Clusters holding or having held KKK status, the awards, rounds and "
        "events of the programme. The same data are served by the API at /api/v1/.",
        "homepage": request.build_absolute_uri("/"),
        "licenses": [{"name": settings.OPEN_DATA_LICENCE, "path": settings.OPEN_DATA_LICENCE_URL}],
        "resources": resources,
    }
    return JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 1})


CATALOGUE_FORMATS = {"ttl": ("turtle", "text/turtle"), "rdf": ("xml", "application/rdf+xml")}


def catalogue(request, extension="ttl"):
    """The DCAT-AP-PL catalogue, in Turtle (.ttl) or RDF/XML (.rdf)."""
    serializer, content_type = CATALOGUE_FORMATS[extension]
    graph = catalogue_graph(request)
    return HttpResponse(
        graph.serialize(format=serializer), content_type=f"{content_type}; charset=utf-8"
    )
