from django.urls import path
from django.utils.translation import pgettext_lazy

from core.pagecache import cached_public_page

from . import views

app_name = "clusters"

# Addresses in the page's language: English here, Polish in locale/pl (/klastry/ …).
# What each page shows, for the page cache (core/pagecache.py): a change elsewhere
# leaves the page cached. A cluster's page shows that cluster's own rows (its record),
# the awards and results of rounds, its events and reference data (coordinators,
# specialisations), but no other cluster: an edit to one cluster leaves the others'.
LISTS = ["clusters", "rounds", "reference"]
EVERYTHING_BUT_PAGES = ["clusters", "rounds", "reference", "events"]

urlpatterns = [
    path(
        pgettext_lazy("URL", "clusters/"),
        cached_public_page(views.ClusterListView.as_view(), families=LISTS),
        name="list",
    ),
    path(pgettext_lazy("URL", "clusters/export.csv"), views.export_csv, name="export-csv"),
    path(pgettext_lazy("URL", "clusters/export.json"), views.export_json, name="export-json"),
    path(pgettext_lazy("URL", "clusters/export.xlsx"), views.export_xlsx, name="export-xlsx"),
    path(
        pgettext_lazy("URL", "clusters/export-excel.csv"),
        views.export_excel_csv,
        name="export-excel-csv",
    ),
    path(
        pgettext_lazy("URL", "clusters/<slug:slug>/"),
        cached_public_page(
            views.cluster_detail,
            families=["rounds", "reference", "events"],
            records=views.cluster_record,
        ),
        name="detail",
    ),
    path(
        pgettext_lazy("URL", "status-check/"),
        cached_public_page(views.status_check, families=LISTS),
        name="status-check",
    ),
    path(
        pgettext_lazy("URL", "rounds/"),
        cached_public_page(views.round_list, families=LISTS),
        name="round-list",
    ),
    path(
        pgettext_lazy("URL", "rounds/<slug:slug>/"),
        cached_public_page(views.round_detail, families=EVERYTHING_BUT_PAGES),
        name="round-detail",
    ),
]
