from django.urls import path

from core.pagecache import cached_public_page

from . import views

app_name = "events"

urlpatterns = [
    path("", cached_public_page(views.EventListView.as_view()), name="list"),
    path("kalendarz.ics", views.calendar_feed, name="calendar"),
    path("<slug:slug>/", cached_public_page(views.event_detail), name="detail"),
]
