from django.urls import path

from core.pagecache import cached_public_page

from . import views

app_name = "clusters"

# What each page shows, for the page cache (core/pagecache.py): a change elsewhere
# leaves the page cached. A cluster's page shows that cluster's own rows (its record),
# the awards and results of rounds, its events and reference data (coordinators,
# specialisations), but no other cluster: an edit to one cluster leaves the others'.
LISTS = ["clusters", "rounds", "reference"]
EVERYTHING_BUT_PAGES = ["clusters", "rounds", "reference", "events"]

urlpatterns = [
    path(
        "klastry/",
        cached_public_page(views.ClusterListView.as_view(), families=LISTS),
        name="list",
    ),
    path("klastry/export.csv", views.export_csv, name="export-csv"),
    path("klastry/export.json", views.export_json, name="export-json"),
    path(
        "klastry/<slug:slug>/",
        cached_public_page(
            views.cluster_detail,
            families=["rounds", "reference", "events"],
            records=views.cluster_record,
        ),
        name="detail",
    ),
    path(
        "weryfikacja-statusu/",
        cached_public_page(views.status_check, families=LISTS),
        name="status-check",
    ),
    path(
        "rundy/",
        cached_public_page(views.round_list, families=LISTS),
        name="round-list",
    ),
    path(
        "rundy/<slug:slug>/",
        cached_public_page(views.round_detail, families=EVERYTHING_BUT_PAGES),
        name="round-detail",
    ),
]
