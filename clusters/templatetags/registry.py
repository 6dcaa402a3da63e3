"""Template filters the public pages share."""

from urllib.parse import urlsplit

from django import template
from django.template.defaultfilters import date
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from ..models import StatusState
from ..structured_data import cluster_organization, json_ld

register = template.Library()

# Tags for what a list repeats on every row: an included template costs a context,
# a render and its own tags each time (the list's rows spent most of their time there).


# A badge's markup by state and language: labels do not change with the data.
_badges = {}


@register.simple_tag
def status_badge(state):
    """`{% status_badge state %}`: the badge of a StatusState (any other value: never held)."""
    key = (state, get_language())
    if key not in _badges:
        # StatusState.values builds its list on every call: judged once a state and language.
        known = StatusState(state) if state in StatusState.values else StatusState.NEVER
        _badges[key] = format_html(
            '<span class="badge badge--{}">{}</span>', known.value, known.label
        )
    return _badges[key]


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


class StatusCells:
    """A list's status cells on one day; each end date is written once for all rows."""

    def __init__(self, on):
        self.on = on
        self.notes = {}
        self.estimated, self.until = gettext("estimated dates"), gettext("until")

    def note(self, award):
        """The award's dates as the cell tells them, written once for every award alike."""
        key = (award.dates_estimated, award.valid_from, award.valid_until)
        if award.dates_estimated:
            key += (award.earliest_start, award.latest_end)
        if key not in self.notes:
            if award.dates_estimated:
                note = format_html("{}: {}", self.estimated, estimated_bounds(award))
            else:
                until = date(award.valid_until, "SHORT_DATE_FORMAT")
                note = format_html("{} {}", self.until, until)
            self.notes[key] = note
        return self.notes[key]

    def cell(self, cluster):
        """A row's status, with the end of the award told."""
        badge = status_badge(cluster.status_badge_on(self.on))
        award = cluster.award_told_on(self.on)
        if not award:
            return badge
        return format_html('{}\n        <br><span class="note">{}</span>', badge, self.note(award))


@register.simple_tag
def cluster_rows(rows):
    """`{% cluster_rows clusters %}`: the cluster list's table rows, from list_rows' cells.

    What a template loop over them wrote, written here: the loop, its variables and its
    translated labels cost more than the rest of the list page.
    """
    seat, coordinator, status = (
        escape(gettext(label)) for label in ("Seat", "Coordinator", "KKK status")
    )
    html = []
    for row in rows:
        specialisations = row.specialisations
        if specialisations:
            specialisations = f'<br><span class="note">{escape(specialisations)}</span>'
        html.append(
            "\n    <tr>"
            f'\n      <td><a href="{escape(row.url)}">{escape(row.name)}</a>'
            f"{specialisations}</td>"
            f'\n      <td data-label="{seat}">{escape(row.seat)}</td>'
            f'\n      <td class="coordinator" data-label="{coordinator}">'
            f"{escape(row.coordinator)}</td>"
            f'\n      <td class="status" data-label="{status}">{row.status}</td>'
            "\n    </tr>\n  "
        )
    return mark_safe("".join(html))


@register.filter
def status_badge_on(cluster, day):
    """`cluster|status_badge_on:day`: the StatusState a badge shows (prefetched awards)."""
    return cluster.status_badge_on(day)


@register.simple_tag(takes_context=True)
def cluster_json_ld(context, cluster, former_names, specialisations):
    """`{% cluster_json_ld cluster former_names specialisations %}`: the cluster's
    schema.org facts as a JSON-LD block."""
    return json_ld(cluster_organization(cluster, context["request"], former_names, specialisations))


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
