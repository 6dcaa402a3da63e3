from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView

from clusters.models import Cluster
from core.dates import today

from . import ical
from .filters import EventFilter
from .models import Event, Participation


class EventListView(ListView):
    """Past events, paginated, under the upcoming ones; both follow the filters."""

    template_name = "events/event_list.html"
    context_object_name = "past_events"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = EventFilter(
            self.request.GET, queryset=Event.objects.published().select_related("part_of")
        )
        return self.filterset.qs.past(today()).order_by("-start_date", "title")

    def get_context_data(self, **kwargs):
        upcoming = self.filterset.qs.upcoming(today()).order_by("start_date", "title")
        return super().get_context_data(filter=self.filterset, upcoming_events=upcoming, **kwargs)


def event_detail(request, slug):
    event = get_object_or_404(
        Event.objects.published()
        .select_related("organiser", "round", "project", "part_of")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related(
                    "person", "cluster", "institution"
                ).prefetch_related("institution__names"),
            ),
            Prefetch("clusters", queryset=Cluster.objects.published().order_by("sort_key")),
            Prefetch("parts", queryset=Event.objects.published().order_by("start_date")),
            "organiser__names",
        ),
        slug=slug,
    )
    return render(request, "events/event_detail.html", {"event": event})


def calendar_feed(request):
    events = Event.objects.published().order_by("start_date", "pk")
    # One address built for the feed and each slug put in it (a slug needs no quoting).
    address = request.build_absolute_uri(reverse("events:detail", kwargs={"slug": "-"}))
    body = ical.calendar(
        events,
        now=timezone.now(),
        absolute_url=lambda event: address.replace("/-/", f"/{event.slug}/"),
        domain=settings.CALENDAR_UID_DOMAIN,
        name=_("National Key Clusters: events"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kkk-wydarzenia.ics"'
    return response
