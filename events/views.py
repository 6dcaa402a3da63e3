import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView

from clusters.models import Cluster
from core.dates import today
from core.downloads import download
from core.language import in_page_language

from . import ical
from .filters import EventFilter
from .models import Event, Participation

# What an event's card on the list shows (templatetags/event_cards.py), read as plain rows.
EVENT_CARD_FIELDS = [
    "slug",
    "title",
    "title_en",
    "kind",
    "start_date",
    "end_date",
    "city",
    "part_of__title",
    "part_of__title_en",
    "part_of__published",
]


class EventListView(ListView):
    """Past events, paginated, under the upcoming ones; both follow the filters."""

    template_name = "events/event_list.html"
    context_object_name = "past_events"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = EventFilter(self.request.GET, queryset=Event.objects.published())
        past = self.filterset.qs.past(today()).order_by("-start_date", "title")
        return past.values_list(*EVENT_CARD_FIELDS)

    def get_context_data(self, **kwargs):
        upcoming = (
            self.filterset.qs.upcoming(today())
            .order_by("start_date", "title")
            .values_list(*EVENT_CARD_FIELDS)
        )
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


# Events read from the database at a time by the calendar feed.
FEED_CHUNK = 1_000


@dataclass(slots=True)
class FeedEvent:
    """What the calendar feed tells of an event (see ical.event_lines)."""

    slug: str
    display_name: str
    start_date: datetime.date
    last_day: datetime.date
    venue: str
    city: str
    country_name: str
    description: str
    kind_label: str


def feed_events():
    """Every published event as the feed tells it, from plain rows read FEED_CHUNK at a time.

    A model instance per event and its country's object, made twice, cost more than
    writing the feed; each kind's label and each country's name are looked up once.
    """
    rows = (
        Event.objects.published()
        .order_by("start_date", "pk")
        .values_list(
            "slug",
            "title",
            "title_en",
            "kind",
            "start_date",
            "end_date",
            "venue",
            "city",
            "country",
            "description",
        )
        .iterator(chunk_size=FEED_CHUNK)
    )
    kinds, countries = {}, {}
    for slug, title, title_en, kind, start, end, venue, city, country, description in rows:
        if kind not in kinds:
            kinds[kind] = Event(kind=kind).get_kind_display()
        if country not in countries:
            countries[country] = Event(country=country).country.name if country else ""
        yield FeedEvent(
            slug=slug,
            display_name=in_page_language(title, title_en),
            start_date=start,
            last_day=end or start,
            venue=venue,
            city=city,
            country_name=countries[country],
            description=description,
            kind_label=kinds[kind],
        )


def calendar_feed(request):
    """Every published event, a whole-registry download: streamed as it is written and
    kept in the cache until an event changes (core/downloads.py). The feed shows the
    events' own columns alone (kinds' labels and countries' names are the code's)."""
    # One address built for the feed and each slug put in it (a slug needs no quoting).
    address = request.build_absolute_uri(reverse("events:detail", kwargs={"slug": "-"}))
    now = timezone.now()

    def chunks():
        return ical.calendar(
            feed_events(),
            now=now,
            absolute_url=lambda event: address.replace("/-/", f"/{event.slug}/"),
            domain=settings.CALENDAR_UID_DOMAIN,
            name=_("National Key Clusters: events"),
        )

    return download(
        request,
        chunks,
        content_type="text/calendar; charset=utf-8",
        disposition='attachment; filename="kkk-wydarzenia.ics"',
        families=["events"],
    )
