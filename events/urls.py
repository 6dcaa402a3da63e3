from django.urls import path
from django.utils.translation import pgettext_lazy

from core.pagecache import cached_public_page

from . import views

app_name = "events"

urlpatterns = [
    # What each page shows, for the page cache: the list shows events alone.
    path("", cached_public_page(views.EventListView.as_view(), families=["events"]), name="list"),
    path(pgettext_lazy("URL", "calendar.ics"), views.calendar_feed, name="calendar"),
    path(
        "<slug:slug>/",
        cached_public_page(
            views.event_detail, families=["events", "clusters", "rounds", "reference"]
        ),
        name="detail",
    ),
]
