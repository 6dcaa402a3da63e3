from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="list"),
    path("kalendarz.ics", views.calendar_feed, name="calendar"),
    path("<slug:slug>/", views.event_detail, name="detail"),
]
