"""Dates every app reckons with: the registry's today and whole years later."""

from django.utils import timezone


def today():
    """The day in the registry's time zone (Europe/Warsaw), not the server's."""
    return timezone.localdate()


def add_years(day, years):
    """The same calendar day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
