from django.urls import path

from . import views

app_name = "clusters"

urlpatterns = [
    path("", views.home, name="home"),
    path("klastry/<slug:slug>/", views.cluster_detail, name="detail"),
    path("rundy/<slug:slug>/", views.round_detail, name="round-detail"),
]
