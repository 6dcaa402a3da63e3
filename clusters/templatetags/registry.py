"""Template filters the public pages share."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def status_on(cluster, day):
    """`cluster|status_on:day`: the StatusState value on `day` (reads prefetched awards)."""
    return cluster.status_on(day)


@register.filter
def local_name(specialisation):
    """The specialisation's name in the page's language (Polish when no English name)."""
    if get_language() == "en" and specialisation.name_en:
        return specialisation.name_en
    return specialisation.name
