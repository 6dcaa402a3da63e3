import datetime
from html import escape  # Django's own escape() is this behind a lazy-text wrapper

from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, localize
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from clusters import tilemap
from clusters.models import Round, Specialisation
from clusters.models.rounds import counted_awards, missing_numbers, roman
from clusters.statistics import kept_status_figures
from clusters.views import EVENT_LINE_FIELDS, ROUND_AWARDS_PER_PAGE, RoundAwards, event_items
from core.addresses import page_address, slug_address
from core.dates import today
from core.display import COOKIE_MAX_AGE, SWITCHES, is_on
from core.language import in_page_language
from events.models import Event

from .models import AccessibilityStatement, InaccessibleContent

HOME_EVENTS = 4
# The latest round's awards the home page lists: a real round has 8 to 60; the rest are
# on the round page, a page of as many at a time.
HOME_AWARDS = ROUND_AWARDS_PER_PAGE


def latest_round(rounds):
    """The latest of `rounds` with the count of its public awards (`awards_recorded`) and
    the <li> of the first HOME_AWARDS of them (`award_items`), or None."""
    # As order_by("-year", F("results_date").desc(nulls_last=True), "-pk") has it.
    latest = max(
        rounds,
        key=lambda r: (
            r.year,
            r.results_date is not None,
            r.results_date or datetime.date.min,
            r.pk,
        ),
        default=None,
    )
    if latest is None:
        return None
    # The organiser's names are read when the page asks organiser_name, one plain query:
    # prefetched, the same query cost twice as long to build.
    now = timezone.now()
    # What attach_public_counts sets that the page shows, counted alone (its grouped
    # queries for any rounds took twice as long to build) and as it counts: from the
    # round's index, less the unpublished clusters (joined to each award's cluster, 12 ms
    # for a round of 10 000). A query of its own: counted with the rows (a window over
    # them), PostgreSQL sorted all of a 10 000-award round's rows for the first 100.
    latest.awards_recorded = counted_awards(now).filter(round=latest).count()
    # The round page's first page of awards, found as it finds it.
    latest.award_items = award_items(RoundAwards(latest, now)[0:HOME_AWARDS])
    return latest


def latest_round_panel(latest):
    """The latest round's panel of the home page (`latest` from latest_round()).

    Written here rather than by the template, where the round's address, counts and
    words took as long as the rest of the page's own markup; the rare note on awards the
    registry does not know keeps its shared template.
    """
    address = escape(slug_address("clusters:round-detail")(latest.slug))
    total = latest.awards_total()
    if total:
        counted = ngettext(
            "%(counter)s cluster was awarded status.",
            "%(counter)s clusters were awarded status.",
            total,
        ) % {"counter": localize(total)}
        results = f"<p>{counted}</p>\n  "
        if latest.awards_unknown():
            note = render_to_string("clusters/_awards_unknown.html", {"round": latest})
            results += f'<p class="note">{note}</p>'
    else:
        results = f"<p>{escape(gettext('The registry has no results of this round yet.'))}</p>\n  "
    awards = ""
    if latest.award_items:
        awards = f"\n  <ul>{latest.award_items}</ul>"
        if latest.awards_recorded > HOME_AWARDS:
            all_awards = ngettext(
                "All %(counter)s clusters awarded status in this round",
                "All %(counter)s clusters awarded status in this round",
                latest.awards_recorded,
            ) % {"counter": localize(latest.awards_recorded)}
            awards += f'\n  <p><a href="{address}">{all_awards}</a></p>'
        awards += "\n  "
    return mark_safe(
        '<section class="panel" aria-labelledby="round-heading">\n'
        f'  <h2 id="round-heading">{escape(gettext("Latest round"))}</h2>\n'
        f'  <p><a href="{address}">{escape(latest.display_name)}</a>'
        f" ({localize(latest.year)}), {escape(latest.organiser_name())}</p>\n"
        f"  {results}\n  {awards}\n</section>"
    )


def award_items(rows):
    """The <li> of `rows`, RoundAwards' rows of a round's awards.

    Written in Python from bare rows: a round of 10 000 awards spent seconds in model
    instances, reverse() and the template loop, for the same HTML.
    """
    address = slug_address("clusters:detail")
    valid_until = gettext("valid until")
    days = {}
    items = []
    for slug, name, _valid_from, until, *_ in rows:
        if until not in days:
            days[until] = date_format(until, "SHORT_DATE_FORMAT")
        items.append(
            format_html(
                '<li><a href="{}">{}</a> – {} {}</li>',
                address(slug),
                name,
                valid_until,
                days[until],
            )
        )
    return mark_safe("".join(items))


def home(request):
    on = today()
    figures = kept_status_figures(on)
    map_day, by_voivodeship = figures.map_day, figures.by_voivodeship
    holding_today = sum(by_voivodeship.values()) if map_day == on else 0
    # The list's address and the map's day, the same in every link of the map and table.
    list_url, map_iso = page_address("clusters:list"), map_day.isoformat() if map_day else ""
    number = number_texts()
    # Counts sources report where the registry knows fewer holders: the chart is short there.
    incomplete_counts = figures.incomplete_counts(on)
    events = Event.objects.published()
    # Every round, one read for the latest and for the numbers missing among them: a few
    # dozen rows at most, one a competition.
    rounds = list(Round.objects.select_related("organiser").order_by())
    regular_numbers = [r.number for r in rounds if r.kind == Round.Kind.REGULAR]
    return render(
        request,
        "pages/home.html",
        {
            "on": on,
            "list_url": list_url,
            "events_url": page_address("events:list"),
            "calendar_url": page_address("events:calendar"),
            "holding_today": holding_today,
            "map_day": map_day,
            "map_total": sum(by_voivodeship.values()),
            "map_estimated": sum(figures.estimated_by_voivodeship.values()),
            "map": map_markup(
                tilemap.tiles(by_voivodeship, figures.estimated_by_voivodeship),
                escape(list_url),
                map_iso,
                number,
            ),
            "unplaced": by_voivodeship.get("", 0),
            "map_width": tilemap.COLUMNS * tilemap.TILE_WIDTH,
            "map_height": tilemap.ROWS * tilemap.TILE_HEIGHT,
            "specialisation_rows": specialisation_rows(
                figures.by_specialisation, escape(list_url), map_iso, number
            ),
            "chart": year_chart(figures.years, number),
            "incomplete_counts": incomplete_counts,
            "missing_rounds": [roman(number) for number in missing_numbers(regular_numbers)],
            "latest_round": (latest := latest_round(rounds)) and latest_round_panel(latest),
            # Lines written in Python from bare rows, as the round page's: an include for
            # each event cost more than the rest of the panel.
            "upcoming_events": event_items(
                events.upcoming(on)
                .order_by("start_date")
                .values_list(*EVENT_LINE_FIELDS)[:HOME_EVENTS]
            ),
            "recent_events": event_items(
                events.past(on)
                .order_by("-start_date")
                .values_list(*EVENT_LINE_FIELDS)[:HOME_EVENTS]
            ),
        },
    )


def specialisation_rows(counts, list_url, map_iso, number=localize):
    """The table rows of the specialisations of `counts` ({id: clusters holding status}),
    busiest first, then by name (the database's order of names), each linking to those
    clusters."""
    if not counts:
        return ""
    # All of them, a list of tens, those without holders left out here: filtered by the
    # ids in the database, the query took longer to build than to run.
    specialisations = [
        row
        for row in Specialisation.objects.order_by("name").values_list(
            "pk", "name", "name_en", "slug"
        )
        if row[0] in counts
    ]
    # A stable sort: specialisations of one count stay in the database's name order.
    return mark_safe(
        "".join(
            f'<tr><th scope="row"><a href="{list_url}?specialisation={escape(slug)}'
            f'&amp;status=current&amp;as_of={map_iso}">'
            f"{escape(in_page_language(name, name_en))}</a></th>"
            f'<td class="number">{number(counts[pk])}</td></tr>'
            for pk, name, name_en, slug in sorted(specialisations, key=lambda row: -counts[row[0]])
        )
    )


def number_texts():
    """localize() remembering each number's text for one page, the `number` of its map,
    chart and tables: they repeat small counts, and localize() looks the language's
    formats up every time."""
    texts = {}

    def text(n):
        if n not in texts:
            texts[n] = localize(n)
        return texts[n]

    return text


def estimated_part(n):
    """pages/_estimated_part.html's words, for markup written here: `n` as given."""
    return gettext("including %(n)s based on estimated dates") % {"n": n}


def map_markup(tiles, list_url, map_iso, number=localize):
    """The map's three forms, each tile linking to its voivodeship's holders on the map's day:
    the SVG's tile links (`svg`), the list shown instead on narrow screens (`items`) and
    the table's rows (`rows`).

    Written here, not by three template loops over the 16 tiles, which cost as much as
    the rest of the page. Numbers in the SVG are not localised, in the list and table they
    are (`localize`), as the template's {% localize off %} around the SVG had it.
    """
    svg, items, rows = [], [], []
    for tile in tiles:
        href = (
            f"{list_url}?voivodeship={escape(tile['key'])}&amp;status=current&amp;as_of={map_iso}"
        )
        label = ngettext(
            "%(name)s: %(counter)s cluster", "%(name)s: %(counter)s clusters", tile["count"]
        ) % {"name": escape(tile["name"]), "counter": tile["count"]}
        if tile["estimated"]:
            label += ", " + estimated_part(tile["estimated"])
        name, count, star = (
            escape(tile["name"]),
            number(tile["count"]),
            "*" * bool(tile["estimated"]),
        )
        colours = f"shade-{tile['shade']} ink-{tile['ink']}"
        # The name comes before the count in the markup, so the visible text reads as the
        # accessible name begins.
        squeezed = (
            f' textLength="{tile["name_length"]}" lengthAdjust="spacingAndGlyphs"'
            if tile["name_length"]
            else ""
        )
        svg.append(
            f'\n    \n    <a href="{href}" class="{colours}" aria-label="{label}">'
            f'\n      <rect x="{tile["x"]}" y="{tile["y"]}" width="{tile["width"]}"'
            f' height="{tile["height"]}" rx="6"></rect>'
            f'\n      <text x="{tile["cx"]}" y="{tile["name_y"]}"{squeezed}>{name}</text>'
            f'\n      <text x="{tile["cx"]}" y="{tile["count_y"]}" class="count">'
            f"{tile['count']}{star}</text>\n    </a>\n    "
        )
        items.append(
            f'<li class="{colours}"><a href="{href}" aria-label="{label}"><span>{name}</span>'
            f' <span class="count">{count}{star}</span></a></li>\n    '
        )
        estimated = f" ({estimated_part(number(tile['estimated']))})" if tile["estimated"] else ""
        rows.append(
            f'<tr><th scope="row"><a href="{href}">{name}</a></th>'
            f'<td class="number">{count}{estimated}</td></tr>'
        )
    return {
        "svg": mark_safe("".join(svg)),
        "items": mark_safe("".join(items)),
        "rows": mark_safe("".join(rows)),
    }


def year_chart(years, number=localize):
    """The inline SVG chart of `years`, {year: (clusters, of them on estimated dates only)}:
    whole-unit bar heights relative to the busiest year.

    The bars, the chart's text description and the table's rows are written here rather
    than by template loops; as in the SVG they replace, its numbers are not localised
    and the table's are.
    """
    top = max((count for count, _ in years.values()), default=0) or 1
    bar, height = 40, 200
    year_y = height + 18
    summary, bars, rows = [], [], []
    for index, (year, (count, estimated)) in enumerate(years.items()):
        bar_height = round(count * height / top)
        x, label_x, star = index * bar + 4, index * bar + bar // 2, "*" * bool(estimated)
        summary.append(
            f"{year}: {count}, {estimated_part(estimated)}" if estimated else f"{year}: {count}"
        )
        bars.append(
            f'\n    <rect class="bar" x="{x}" y="{height - bar_height}" width="{bar - 8}"'
            f' height="{bar_height}"></rect>'
            f'\n    <text x="{label_x}" y="{height - bar_height - 5}">{count}{star}</text>'
            f'\n    <text x="{label_x}" y="{year_y}" class="year-full">{year}</text>'
            f'\n    <text x="{label_x}" y="{year_y}" class="year-short">’{str(year)[2:]}</text>'
            "\n    "
        )
        part = f" ({estimated_part(number(estimated))})" if estimated else ""
        rows.append(
            f'<tr><th scope="row">{number(year)}</th>'
            f'<td class="number">{number(count)}{part}</td></tr>'
        )
    return {
        "width": bar * len(years),
        "height": height,
        "view_height": height + 45,
        "estimated": any(estimated for _, estimated in years.values()),
        "summary": mark_safe("; ".join(summary)),  # numbers and our words
        "bars": mark_safe("".join(bars)),
        "rows": mark_safe("".join(rows)),
    }


def accessibility_statement(request):
    statement = AccessibilityStatement.objects.current()
    # Until staff publish one, the page keeps the template's structure with the
    # defaults and says the statement is being prepared.
    draft = statement is None
    if draft:
        statement = AccessibilityStatement()
    items = list(statement.inaccessible_items.all()) if statement.pk else []
    return render(
        request,
        "pages/accessibility_statement.html",
        {
            "statement": statement,
            "draft": draft,
            "inaccessible": [
                (kind, label, [item.description for item in items if item.kind == kind])
                for kind, label in InaccessibleContent.Kind.choices
            ],
            "has_inaccessible": bool(items),
            "architecture": statement.in_page_language("architecture"),
            "communication": statement.in_page_language("communication"),
            "mobile_apps": statement.in_page_language("mobile_apps"),
            "site_url": request.build_absolute_uri(reverse("pages:home")),
        },
    )


@require_POST
def toggle_display(request):
    """Flip one display switch and go back to the page the visitor came from."""
    switch = request.POST.get("switch")
    if switch not in SWITCHES:
        return HttpResponseBadRequest()
    back = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    # Not shortcuts.redirect: it would try a bare word such as "home" as a URL name.
    response = HttpResponseRedirect(back)
    if is_on(request, switch):
        response.delete_cookie(SWITCHES[switch])
    else:
        response.set_cookie(
            SWITCHES[switch], "1", max_age=COOKIE_MAX_AGE, samesite="Lax", httponly=True
        )
    return response


# The namespaces whose pages have an address in each language (i18n_patterns).
PUBLIC_NAMESPACES = {"clusters", "events", "pages"}


def _public_page(path, language):
    """The public page `path` names in `language`, or None."""
    with translation.override(language):
        try:
            match = resolve(path)
        except Resolver404:
            return None
    return match if match.namespace in PUBLIC_NAMESPACES else None


def former_english_address(request, polish_path):
    """/en/klastry/<slug>/ and the like, the English pages' addresses before they were
    translated: 301 to the English address of the same page, keeping the query."""
    candidates = [polish_path]
    if not polish_path.endswith("/"):
        # What APPEND_SLASH would have done had this catch-all not matched.
        candidates.append(polish_path + "/")
    for candidate in candidates:
        match = _public_page("/" + candidate, "pl") or _public_page("/en/" + candidate, "en")
        if match:
            with translation.override("en"):
                url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
    raise Http404
