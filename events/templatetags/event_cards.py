"""The events list's cards, written in Python.

The list shows every upcoming event, hundreds in a large registry: a template included
for each card (its context, its filters, its translated words) cost far more than the
card's text, and a model instance for each event and its parent half of what was left.
"""

from html import escape  # Django's own escape() is this behind a lazy-text wrapper

from django import template
from django.template.defaultfilters import capfirst
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from core.addresses import slug_address
from core.dates import time_elements
from core.language import in_page_language

from ..models import Event

register = template.Library()


@register.simple_tag
def event_cards(events):
    """`{% event_cards events %}`: a `<li>` card for each of `events`, rows of
    views.EVENT_CARD_FIELDS."""
    address = slug_address("events:detail")
    part_of = escape(gettext("part of"))
    labels = dict(Event.Kind.choices)
    kinds, day = {}, time_elements()
    cards = []
    for slug, title, title_en, kind, start, end, city, *parent in events:
        if kind not in kinds:
            # As get_kind_display() words it: the kind's label, or the code if it has none.
            kinds[kind] = escape(capfirst(labels.get(kind, kind)))
        when = day(start)
        if end:
            when += f" – {day(end)}"
        where = f" · {escape(city)}" if city else ""
        parent_title, parent_title_en, parent_published = parent
        within = ""
        if parent_published:
            within = f" · {part_of} {escape(in_page_language(parent_title, parent_title_en))}"
        name = escape(in_page_language(title, title_en))
        cards.append(
            f'<li><h3><a href="{escape(address(slug))}">{name}</a></h3>\n'
            f"<p>{kinds[kind]} · {when}{where}{within}</p>\n</li>"
        )
    return mark_safe("".join(cards))
