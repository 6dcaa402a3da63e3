"""The API's filters: the public pages' FilterSets, so both answer alike for the same query."""

import django_filters

from clusters.filters import ClusterFilter
from clusters.models import Cluster, Round, StatusAward


class ApiClusterFilter(ClusterFilter):
    """/klastry/'s filters, `as_of` and `status` included; the API lists in name order only
    (its pages run along that order), so there is no `sort`."""

    sort = None
    annotates_last_status_end = False  # no answer tells it


class AwardFilter(django_filters.FilterSet):
    cluster = django_filters.ModelChoiceFilter(
        field_name="cluster",
        to_field_name="slug",
        queryset=Cluster.objects.published(),
        help_text="A cluster's slug.",
    )
    round = django_filters.ModelChoiceFilter(
        field_name="round",
        to_field_name="slug",
        queryset=Round.objects.all(),
        help_text="A round's slug.",
    )

    class Meta:
        model = StatusAward
        fields = []
