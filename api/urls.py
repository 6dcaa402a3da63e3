from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("clusters", views.ClusterViewSet, basename="cluster")
router.register("rounds", views.RoundViewSet, basename="round")
router.register("awards", views.AwardViewSet, basename="award")
router.register("events", views.EventViewSet, basename="event")
router.register("coordinators", views.CoordinatorViewSet, basename="coordinator")
router.register("specialisations", views.SpecialisationViewSet, basename="specialisation")

urlpatterns = [
    path("status/", views.StatusCheckView.as_view(), name="status"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
    re_path(r"", views.NoSuchResource.as_view()),
]
