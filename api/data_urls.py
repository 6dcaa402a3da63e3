from django.urls import path

from . import data_views

app_name = "opendata"

urlpatterns = [
    path("datapackage.json", data_views.data_package, name="datapackage"),
    path("katalog.ttl", data_views.catalogue, name="catalogue"),
    path("katalog.rdf", data_views.catalogue, {"extension": "rdf"}, name="catalogue-rdf"),
    path("<slug:name>.csv", data_views.table_csv, name="table-csv"),
    path("<slug:name>.xlsx", data_views.table_xlsx, name="table-xlsx"),
]
