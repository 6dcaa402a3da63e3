import datetime

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clusters.filters import DisplayNameChoiceFilter
from clusters.models import Round

from .models import Event

# Years outside this range cannot hold an event of the programme (it began in 2014).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class EventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=pgettext_lazy("event kind", "Kind"), choices=Event.Kind.choices, empty_label=_("all")
    )
    year = django_filters.NumberFilter(
        label=_("Year"),
        method="filter_year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        decimal_places=0,
    )
    # The address a round's page links to for all its events, which it shows only the
    # latest of.
    round = DisplayNameChoiceFilter(
        label=_("Round"),
        to_field_name="slug",
        queryset=Round.objects.all(),
        empty_label=_("all"),
    )

    class Meta:
        model = Event
        fields = []

    def filter_year(self, queryset, name, value):
        # An event belongs to every year it runs in (one crossing New Year counts in both).
        first, last = datetime.date(int(value), 1, 1), datetime.date(int(value), 12, 31)
        return queryset.filter(start_date__lte=last).filter(
            Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
        )
