from django.urls import path

from . import views

app_name = "clusters"

urlpatterns = [
    path("", views.home, name="home"),
    path("klastry/", views.ClusterListView.as_view(), name="list"),
    path("klastry/export.csv", views.export_csv, name="export-csv"),
    path("klastry/export.json", views.export_json, name="export-json"),
    path("klastry/<slug:slug>/", views.cluster_detail, name="detail"),
    path("rundy/", views.round_list, name="round-list"),
    path("rundy/<slug:slug>/", views.round_detail, name="round-detail"),
]
