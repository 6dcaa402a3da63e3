from django.urls import path

from core.pagecache import cached_public_page

from . import views

app_name = "clusters"

urlpatterns = [
    path("klastry/", cached_public_page(views.ClusterListView.as_view()), name="list"),
    path("klastry/export.csv", views.export_csv, name="export-csv"),
    path("klastry/export.json", views.export_json, name="export-json"),
    path("klastry/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("klastry/export-excel.csv", views.export_excel_csv, name="export-excel-csv"),
    path("klastry/<slug:slug>/", cached_public_page(views.cluster_detail), name="detail"),
    path("weryfikacja-statusu/", cached_public_page(views.status_check), name="status-check"),
    path("rundy/", cached_public_page(views.round_list), name="round-list"),
    path("rundy/<slug:slug>/", cached_public_page(views.round_detail), name="round-detail"),
]
