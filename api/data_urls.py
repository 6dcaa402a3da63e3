from django.urls import path

from . import data_views

app_name = "opendata"

urlpatterns = [
    path("datapackage.json", data_views.data_package, name="datapackage"),
    path("<slug:name>.csv", data_views.table_csv, name="table-csv"),
    path("<slug:name>.xlsx", data_views.table_xlsx, name="table-xlsx"),
]
