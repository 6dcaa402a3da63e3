"""Read-only views of public data: each chooses its queryset, filters and ordering."""

from django.db.models import Prefetch, Q
from django_filters import utils as filter_utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from clusters.models import (
    Application,
    Cluster,
    Coordinator,
    Representation,
    Round,
    Specialisation,
    StatusAward,
)
from clusters.status_check import StatusCheckForm
from events.filters import EventFilter
from events.models import Event

from . import serializers as api
from .caching import DataVersionCache
from .filters import ApiClusterFilter, AwardFilter
from .pagination import RegistryCursorPagination


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, leaving the FilterSet on the view: its day (`as_of`) is the
    day the status fields speak of."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise filter_utils.translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs


class ReadOnlyResource(DataVersionCache, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    filter_backends = [FilterBackend]
    pagination_class = RegistryCursorPagination
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return self.serializer_class

    def list(self, request, *args, **kwargs):
        return self.answer(super().list, request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        return self.answer(super().retrieve, request, *args, **kwargs)


def published_clusters():
    return Cluster.objects.published()


public_results = Prefetch(
    "applications",
    queryset=Application.objects.results_public()
    .select_related("cluster", "round")
    .order_by("round__year", "cluster__sort_key"),
    to_attr="public_results",
)


class ClusterViewSet(ReadOnlyResource):
    """Published clusters with their KKK status on a day (`as_of`, default today).

    The filters are those of the public list /klastry/ and answer alike.
    """

    serializer_class = api.ClusterSerializer
    detail_serializer_class = api.ClusterDetailSerializer
    filterset_class = ApiClusterFilter
    cursor_ordering = ("sort_key", "slug")

    def get_queryset(self):
        # Plain lists (to_attr): a manager and a queryset for every cluster and relation
        # cost more than the rows; the status rules read `listed_awards` (Cluster).
        clusters = published_clusters().prefetch_related(
            Prefetch("specialisations", to_attr="listed_specialisations"),
            Prefetch(
                "representations",
                queryset=Representation.objects.select_related("coordinator"),
                to_attr="listed_terms",
            ),
        )
        if self.action != "retrieve":
            return clusters.prefetch_related(Prefetch("status_awards", to_attr="listed_awards"))
        return clusters.prefetch_related(
            "former_names",
            Prefetch("status_awards", queryset=StatusAward.objects.select_related("round")),
            public_results,
        )

    def filter_queryset(self, queryset):
        if self.action == "retrieve":
            return queryset  # the filters are the list's
        return super().filter_queryset(queryset)

    def get_object(self):
        cluster = super().get_object()
        # Events name the cluster or list it among participants, as on its page.
        cluster.public_events = list(
            Event.objects.published()
            .filter(Q(clusters=cluster) | Q(participations__cluster=cluster))
            .distinct()
            .order_by("-start_date")
        )
        return cluster

    def get_serializer_context(self):
        filterset = getattr(self, "filterset", None)
        return super().get_serializer_context() | {"on": filterset and filterset.as_of_date}


class RoundViewSet(ReadOnlyResource):
    """Competition rounds; results only where their scores are published."""

    serializer_class = api.RoundSerializer
    detail_serializer_class = api.RoundDetailSerializer
    cursor_ordering = ("year", "slug")

    def get_queryset(self):
        rounds = Round.objects.all()
        if self.action == "retrieve":
            rounds = rounds.prefetch_related(
                "stages",
                Prefetch(
                    "status_awards",
                    queryset=StatusAward.objects.filter(cluster__published=True)
                    .select_related("cluster", "round")
                    .order_by("cluster__sort_key"),
                    to_attr="public_awards",
                ),
                public_results,
            )
        return rounds


class AwardViewSet(DataVersionCache, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Status awards of published clusters, latest first; filter by `cluster` or `round`."""

    serializer_class = api.AwardSerializer
    filter_backends = [FilterBackend]
    filterset_class = AwardFilter
    pagination_class = RegistryCursorPagination
    cursor_ordering = ("-valid_from", "cluster_id")

    def get_queryset(self):
        return StatusAward.objects.filter(cluster__published=True).select_related(
            "cluster", "round"
        )

    def list(self, request, *args, **kwargs):
        return self.answer(super().list, request, *args, **kwargs)


class EventViewSet(ReadOnlyResource):
    """Published events, latest first; filter by `kind`, `year` or `round` as on /wydarzenia/."""

    serializer_class = api.EventSerializer
    filterset_class = EventFilter
    cursor_ordering = ("-start_date", "slug")

    def get_queryset(self):
        return (
            Event.objects.published()
            .select_related("round")
            .prefetch_related(
                Prefetch("clusters", queryset=published_clusters(), to_attr="public_clusters")
            )
        )


class CoordinatorViewSet(ReadOnlyResource):
    """Organisations that represent or represented a published cluster: public identifiers."""

    serializer_class = api.CoordinatorSerializer
    cursor_ordering = ("slug",)

    def get_queryset(self):
        return Coordinator.objects.filter(
            pk__in=Representation.objects.filter(cluster__published=True).values("coordinator")
        ).prefetch_related(
            Prefetch(
                "representations",
                queryset=Representation.objects.filter(cluster__published=True)
                .select_related("cluster")
                .order_by("since"),
                to_attr="public_terms",
            )
        )


class SpecialisationViewSet(ReadOnlyResource):
    """The industries clusters work in, with links to their clusters."""

    serializer_class = api.SpecialisationSerializer
    cursor_ordering = ("slug",)
    queryset = Specialisation.objects.all()


class StatusCheckView(DataVersionCache, APIView):
    """Did the cluster, or a cluster the organisation with the NIP coordinated, hold KKK
    status on the day? yes, no, or uncertain where the award's dates are estimated."""

    @extend_schema(
        parameters=[
            OpenApiParameter("cluster", OpenApiTypes.STR, description="A cluster's slug."),
            OpenApiParameter(
                "nip", OpenApiTypes.STR, description="A coordinator's NIP, in any format."
            ),
            OpenApiParameter("on", OpenApiTypes.DATE, description="YYYY-MM-DD; default today."),
        ],
        responses=api.StatusCheckSerializer,
    )
    def get(self, request):
        return self.answer(self.check, request)

    def check(self, request):
        form = StatusCheckForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(
                {
                    name: [
                        serializers.ErrorDetail(" ".join(error.messages), error.code)
                        for error in errors
                    ]
                    for name, errors in form.errors.as_data().items()
                }
            )
        check = form.check()
        return Response(api.StatusCheckSerializer(check, context={"request": request}).data)


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the registry's own static files, its script a file of its own (no
    inline script or style: the CSP forbids them)."""

    template_name = "api/swagger_ui.html"


@extend_schema(exclude=True)
class NoSuchResource(APIView):
    """Any other address under the API: a JSON 404 like every API error, not the site's page."""

    def get(self, request, *args, **kwargs):
        raise NotFound()
