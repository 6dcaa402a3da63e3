"""Changes to events that take more than one step."""

from django.db import transaction

from core.dates import add_years
from core.text import polish_slugify

from .models import Event


@transaction.atomic
def duplicate_event(event, years=1):
    """A draft copy of a recurring event (a yearly gala or congress), `years` later.

    The copy keeps the place, organiser and related clusters; people taking part
    are not copied, as they change from one edition to the next. It stays
    unpublished until someone checks it.
    """
    copy = Event.objects.get(pk=event.pk)
    clusters = list(copy.clusters.all())
    copy.pk = None
    copy._state.adding = True
    copy.start_date = add_years(event.start_date, years)
    copy.end_date = event.end_date and add_years(event.end_date, years)
    copy.published = False
    copy.slug = free_slug(f"{copy.title} {copy.start_date:%Y}")
    copy.save()
    copy.clusters.set(clusters)
    return copy


def free_slug(text):
    """A slug made from `text` that no event has yet (two copies in one year get -2, -3…)."""
    base = polish_slugify(text)[:240]
    slug, suffix = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug
