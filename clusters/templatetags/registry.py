"""Template filters the public pages share."""

from urllib.parse import urlsplit

from django import template
from django.template.defaultfilters import date
from django.utils.html import format_html
from django.utils.translation import gettext

from ..models import StatusState
from ..structured_data import cluster_organization, json_ld

register = template.Library()

# Tags for what a list repeats on every row: an included template costs a context,
# a render and its own tags each time (the list's rows spent most of their time there).


@register.simple_tag
def status_badge(state):
    """`{% status_badge state %}`: the badge of a StatusState (any other value: never held)."""
    state = StatusState(state) if state in StatusState.values else StatusState.NEVER
    return format_html('<span class="badge badge--{}">{}</span>', state.value, state.label)


@register.simple_tag
def estimated_bounds(award):
    """`{% estimated_bounds award %}`: the period the sources prove, then the widest they allow."""
    bounds = {
        "known_from": date(award.valid_from),
        "known_until": date(award.valid_until),
    }
    if award.has_margin:
        text = gettext(
            "at least from %(known_from)s to %(known_until)s; "
            "possibly from %(possible_from)s to %(possible_until)s"
        ) % {
            **bounds,
            "possible_from": date(award.possible_from),
            "possible_until": date(award.possible_until),
        }
    else:
        text = gettext("at least from %(known_from)s to %(known_until)s") % bounds
    return format_html("{}", text)


@register.simple_tag
def status_cell(cluster, on):
    """`{% status_cell cluster day %}`: a list row's status, with the end of the award told."""
    badge = status_badge(cluster.status_badge_on(on))
    award = cluster.award_told_on(on)
    if not award:
        return badge
    if award.dates_estimated:
        note = format_html("{}: {}", gettext("estimated dates"), estimated_bounds(award))
    else:
        note = format_html("{} {}", gettext("until"), date(award.valid_until, "SHORT_DATE_FORMAT"))
    return format_html('{}\n        <br><span class="note">{}</span>', badge, note)


@register.filter
def status_badge_on(cluster, day):
    """`cluster|status_badge_on:day`: the StatusState a badge shows (prefetched awards)."""
    return cluster.status_badge_on(day)


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
