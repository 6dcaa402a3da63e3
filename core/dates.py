"""Dates every app reckons with: the registry's today, whole years later, a day's text."""

import functools
from html import escape  # Django's own escape() is this behind a lazy-text wrapper

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language


def today():
    """The day in the registry's time zone (Europe/Warsaw), not the server's."""
    return timezone.localdate()


def add_years(day, years):
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def day_text(day, format_name="DATE_FORMAT", language=None):
    """`date_format(day, format_name)` in the active language (as the `date` filter writes
    it), worked out once a process: a day's text never changes, and pages listing
    hundreds of events or awards spent much of their time formatting the same days.
    `language`: the active one, which a caller writing many days looks up once."""
    return _day_text(day, format_name, language or get_language())


@functools.lru_cache(maxsize=20_000)
def _day_text(day, format_name, language):
    # `language` is the active one, passed to key the cache: the month names depend on it.
    return date_format(day, format_name)


def time_elements(language=None):
    """A function writing a day as the `date` filter's text in a `<time datetime>`
    element, each distinct day once: for pages listing hundreds of events' days."""
    language = language or get_language()
    written = {}

    def time_element(day):
        if day not in written:
            text = escape(day_text(day, language=language))
            written[day] = f'<time datetime="{day:%Y-%m-%d}">{text}</time>'
        return written[day]

    return time_element
