"""Template filters the public pages share."""

from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html

from ..structured_data import cluster_organization, json_ld

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


@register.simple_tag(takes_context=True)
def cluster_json_ld(context, cluster):
    """`{% cluster_json_ld cluster %}`: the cluster's schema.org facts as a JSON-LD block."""
    return json_ld(cluster_organization(cluster, context["request"]))


@register.filter
def source_link(url):
    """`record.source_url|source_link`: a link to a record's source, named by its site.

    Only http(s) addresses become links (the field accepts no other, but a row
    written around validation must not put a javascript: address on a page).
    """
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    site = parts.hostname.removeprefix("www.")
    return format_html('<a href="{}" rel="external noopener">{}</a>', url, site)
