import datetime

from django.db.models import Count, Exists, F, OuterRef
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from clusters import tilemap
from clusters.models import Cluster, ReportedStatusCount, Round, Specialisation, StatusAward
from clusters.models.rounds import attach_public_counts, roman
from clusters.views import ROUND_AWARDS_PER_PAGE
from core.addresses import slug_address
from core.dates import today
from core.display import COOKIE_MAX_AGE, SWITCHES, is_on
from events.models import Event

from .models import AccessibilityStatement, InaccessibleContent

# The chart starts with the first full year of the programme's statuses.
FIRST_CHART_YEAR = 2015
HOME_EVENTS = 4
# The latest round's awards the home page lists: a real round has 8 to 60; the rest are
# on the round page, a page of as many at a time.
HOME_AWARDS = ROUND_AWARDS_PER_PAGE


def latest_round():
    latest = (
        Round.objects.select_related("organiser")
        .prefetch_related("organiser__names")
        # nulls_last: PostgreSQL and SQLite disagree on where NULLs go otherwise.
        .order_by("-year", F("results_date").desc(nulls_last=True), "-pk")
        .first()
    )
    return attach_public_counts([latest])[0] if latest else None


def award_items(round_):
    """The <li> of the first HOME_AWARDS public awards of `round_` to published clusters,
    in name order.

    Written in Python from bare rows: a round of 10 000 awards spent seconds in model
    instances, reverse() and the template loop, for the same HTML.
    """
    if round_ is None:
        return ""
    address = slug_address("clusters:detail")
    valid_until = gettext("valid until")
    days = {}
    rows = (
        StatusAward.objects.published()
        .filter(round=round_, cluster__published=True)
        .order_by("cluster__sort_key")
        .values_list("cluster__slug", "cluster__name", "valid_until")[:HOME_AWARDS]
    )
    items = []
    for slug, name, until in rows:
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
    published = Cluster.objects.published()
    holding_today = holders_count(on)
    # When nobody holds status today, the map shows the last day anybody did.
    map_day = on if holding_today else published.last_day_with_status(on)
    holders = published.with_status_on(map_day) if map_day else published.none()
    # A holder counts as resting on estimates when no award with exact dates covers the day.
    on_exact_dates = StatusAward.objects.valid_on(map_day).filter(
        cluster=OuterRef("pk"), dates_estimated=False
    )
    by_voivodeship, estimated_by_voivodeship = {}, {}
    for voivodeship, n, estimated in (
        holders.values("voivodeship")
        .annotate(n=Count("pk"), estimated=Count("pk", filter=~Exists(on_exact_dates)))
        .values_list("voivodeship", "n", "estimated")
    ):
        by_voivodeship[voivodeship], estimated_by_voivodeship[voivodeship] = n, estimated
    by_specialisation = specialisations_of_holders(map_day)
    years = published.status_years(FIRST_CHART_YEAR, on.year)
    # Counts sources report where the registry knows fewer holders: the chart is short there.
    incomplete_counts = ReportedStatusCount.objects.between(
        datetime.date(FIRST_CHART_YEAR, 1, 1), on
    ).above_registry(published)
    events = Event.objects.published().select_related("part_of")
    return render(
        request,
        "pages/home.html",
        {
            "on": on,
            "holding_today": holding_today,
            "map_day": map_day,
            "map_total": sum(by_voivodeship.values()),
            "map_estimated": sum(estimated_by_voivodeship.values()),
            "tiles": labelled(tilemap.tiles(by_voivodeship, estimated_by_voivodeship)),
            "unplaced": by_voivodeship.get("", 0),
            "map_width": tilemap.COLUMNS * tilemap.TILE_WIDTH,
            "map_height": tilemap.ROWS * tilemap.TILE_HEIGHT,
            "by_specialisation": by_specialisation,
            "chart": year_chart(years),
            "incomplete_counts": incomplete_counts,
            "missing_rounds": [roman(number) for number in Round.objects.missing_numbers()],
            "latest_round": (latest := latest_round()),
            "latest_awards": award_items(latest),
            "latest_awards_more": latest is not None and latest.awards_recorded > HOME_AWARDS,
            "upcoming_events": events.upcoming(on).order_by("start_date")[:HOME_EVENTS],
            "recent_events": events.past(on).order_by("-start_date")[:HOME_EVENTS],
        },
    )


def holder_awards(on):
    """The public awards in force on `on` of published clusters.

    The home page's figures start from these rows, a few per holder, read by the
    validity index, rather than testing every cluster of the registry for an award.
    """
    return StatusAward.objects.published().valid_on(on).filter(cluster__published=True)


def holders_count(on):
    """How many published clusters hold status on `on` (a cluster with two awards once)."""
    return holder_awards(on).values("cluster_id").distinct().count()


def specialisations_of_holders(on):
    """Specialisations with `n`, the count of clusters holding status on `on`, busiest
    first, then by name (the database's order of names).

    Counted in one grouped query over the holders' specialisation rows: annotated on
    specialisations, the count joined every cluster of each (2 s at 100 000 clusters
    on SQLite), and a subquery per specialisation read the holders again for each.
    """
    if on is None:
        return []
    counts = dict(
        Cluster.specialisations.through.objects.filter(
            cluster__in=holder_awards(on).values("cluster_id")
        )
        .order_by()
        .values("specialisation")
        .annotate(n=Count("*"))
        .values_list("specialisation", "n")
    )
    specialisations = list(Specialisation.objects.filter(pk__in=counts).order_by("name"))
    for specialisation in specialisations:
        specialisation.n = counts[specialisation.pk]
    # A stable sort: specialisations of one count stay in the database's name order.
    return sorted(specialisations, key=lambda specialisation: -specialisation.n)


def labelled(tiles):
    """The tiles with the label a screen reader gives each tile's link (`label`).

    Written here once per tile rather than by an include twice per tile, which cost
    more than the rest of the map.
    """
    for tile in tiles:
        label = ngettext(
            "%(name)s: %(counter)s cluster", "%(name)s: %(counter)s clusters", tile["count"]
        ) % {"name": escape(tile["name"]), "counter": tile["count"]}
        if tile["estimated"]:
            label += ", " + gettext("including %(n)s based on estimated dates") % {
                "n": tile["estimated"]
            }
        tile["label"] = mark_safe(label)  # the name is escaped, the messages are ours
    return tiles


def year_chart(years):
    """Bars for the inline SVG chart: whole-unit heights relative to the busiest year.

    `years` is {year: (clusters, of them on estimated dates only)}.
    """
    top = max((count for count, _ in years.values()), default=0) or 1
    bar, height = 40, 200
    heights = {year: round(count * height / top) for year, (count, _) in years.items()}
    return {
        "width": bar * len(years),
        "height": height,
        "year_y": height + 18,
        "view_height": height + 45,
        "estimated": any(estimated for _, estimated in years.values()),
        "bars": [
            {
                "year": year,
                "count": count,
                "estimated": estimated,
                "x": index * bar + 4,
                "width": bar - 8,
                "height": heights[year],
                "y": height - heights[year],
                "count_y": height - heights[year] - 5,
                "label_x": index * bar + bar // 2,
            }
            for index, (year, (count, estimated)) in enumerate(years.items())
        ],
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
