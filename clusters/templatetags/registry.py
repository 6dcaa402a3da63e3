"""Template filters the public pages share."""

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def status_badge_on(cluster, day):
    """`cluster|status_badge_on:day`: the StatusState a badge shows (prefetched awards)."""
    return cluster.status_badge_on(day)


@register.filter
def award_told_on(cluster, day):
    """`cluster|award_told_on:day`: see Cluster.award_told_on (reads prefetched awards)."""
    return cluster.award_told_on(day)


@register.filter
def coordinator_on(cluster, day):
    """`cluster|coordinator_on:day`: the coordinator on `day` (reads prefetched terms)."""
    return cluster.coordinator_on(day)


@register.filter
def local_name(specialisation):
    """The specialisation's name in the page's language (Polish when no English name)."""
    if get_language() == "en" and specialisation.name_en:
        return specialisation.name_en
    return specialisation.name
