"""The events list's cards, written in Python.

The list shows every upcoming event, hundreds in a large registry: a template included
for each card (its context, its filters, its translated words) cost far more than the
card's text.
"""

from django import template
from django.template.defaultfilters import capfirst, date
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def event_cards(events):
    """`{% event_cards events %}`: a `<li>` card for each event (select_related part_of)."""
    # One address reversed for the list and each slug put in it (a slug needs no quoting).
    address = reverse("events:detail", kwargs={"slug": "-"})
    part_of = escape(gettext("part of"))
    kinds, days = {}, {}

    def day(value):
        if value not in days:
            days[value] = f'<time datetime="{value:%Y-%m-%d}">{escape(date(value))}</time>'
        return days[value]

    cards = []
    for event in events:
        if event.kind not in kinds:
            kinds[event.kind] = escape(capfirst(event.get_kind_display()))
        when = day(event.start_date)
        if event.end_date:
            when += f" – {day(event.end_date)}"
        where = f" · {escape(event.city)}" if event.city else ""
        parent = event.part_of
        within = ""
        if parent and parent.published:
            within = f" · {part_of} {escape(parent.display_name)}"
        url = address.replace("/-/", f"/{event.slug}/")
        cards.append(
            f'<li><h3><a href="{escape(url)}">{escape(event.display_name)}</a></h3>\n'
            f"<p>{kinds[event.kind]} · {when}{where}{within}</p>\n</li>"
        )
    return mark_safe("".join(cards))
