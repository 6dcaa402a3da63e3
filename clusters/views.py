import csv
import functools
import json
from dataclasses import dataclass
from html import escape  # Django's own escape() is this behind a lazy-text wrapper
from urllib.parse import urlencode

from django.core.paginator import InvalidPage, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import EMPTY_VALUES
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from core.addresses import slug_address
from core.dates import day_text, time_elements, today
from core.downloads import Lines, download, in_chunks, lines
from core.language import in_page_language
from core.pagecache import record_key
from core.text import slug_for

from .exports import EXPORT_FIELDS, download_name, excel_csv, export_rows, xlsx
from .filters import ClusterFilter, ClusterListFilter
from .models import (
    Application,
    Cluster,
    ClusterFormerName,
    ClusterLabel,
    EvaluationStage,
    ExpertScore,
    MemberCount,
    ReportedStatusCount,
    Representation,
    Round,
    StageResult,
    StatusAward,
    StatusState,
)
from .models.rounds import attach_public_counts, roman
from .search import published_matches
from .status_check import StatusCheckForm
from .templatetags.registry import StatusCells

with_coordinators = Prefetch(
    "representations", queryset=Representation.objects.select_related("coordinator")
)


def public_awards():
    """Awards of a round whose results are not published yet are no one's business.

    A function: the queryset holds the moment it is made.
    """
    return Prefetch("status_awards", queryset=StatusAward.objects.published())


def filtered_clusters(request):
    return ClusterFilter(
        request.GET,
        queryset=Cluster.objects.published().prefetch_related(
            "specialisations", public_awards(), with_coordinators
        ),
    )


class PageIdsFirstPaginator(Paginator):
    """Reads the ids of a page first, then the full rows of those ids only.

    With OFFSET the database builds, then throws away, every row before the page:
    on page 1 000 that is 25 000 rows with their status subquery. The ids alone
    come from the ordering index (cluster_public_order), so a deep page costs
    about what page 1 does, for one more query. `rows(ids)` reads the page's rows
    in the order of its ids (by default, the object list's own).
    """

    def __init__(self, *args, rows=None, count=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The ordering of object_list still applies, so these rows come back in page order.
        self.rows = rows or (lambda ids: self.object_list.filter(pk__in=ids))
        self.quicker_count = count

    @cached_property
    def count(self):
        """The object list's count, unless `count` (a callable) tells it quicker."""
        known = self.quicker_count() if self.quicker_count else None
        return Paginator.count.func(self) if known is None else known

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        return self._get_page(self.rows(ids), number, self)


# What the list reads without narrowing it: the day a status filter refers to, the order.
NOT_FILTERING = {"as_of", "sort"}


class ClusterListView(ListView):
    template_name = "clusters/cluster_list.html"
    context_object_name = "clusters"
    paginate_by = 25

    def get_queryset(self):
        # Nothing prefetched: list_rows reads the related rows of the page's clusters only.
        self.filterset = ClusterListFilter(self.request.GET, queryset=Cluster.objects.published())
        return self.filterset.qs

    def get_paginator(self, queryset, per_page, **kwargs):
        on = self.filterset.as_of_date
        return PageIdsFirstPaginator(
            queryset,
            per_page,
            rows=lambda ids: list_rows(ids, on),
            count=self.searched_count,
            **kwargs,
        )

    def searched_count(self):
        """The count from the search index where the search is the only filter applied."""
        applied = {
            name
            for name, value in self.filterset.form.cleaned_data.items()
            if value not in EMPTY_VALUES and name not in NOT_FILTERING
        }
        if applied != {"q"}:
            return None
        return published_matches(Cluster.objects, self.filterset.form.cleaned_data["q"])

    def get_context_data(self, **kwargs):
        as_of = self.filterset.as_of_date
        # A source's count of holders on the day, when the registry knows fewer of them.
        incomplete = ReportedStatusCount.objects.filter(on=as_of).above_registry(
            Cluster.objects.published()
        )
        context = super().get_context_data(
            filter=self.filterset,
            as_of=as_of,
            incomplete_counts=incomplete,
            ignored_filters=ignored_filters(self.filterset),
            **kwargs,
        )
        count = context["paginator"].count
        context["downloads"] = downloads(count)
        if not count and self.asks_for_holders_today(as_of):
            context.update(last_status_hint(as_of))
        return context

    def asks_for_holders_today(self, as_of):
        # cleaned_data holds the filters applied, the valid ones, even beside invalid ones.
        self.filterset.is_valid()
        status = self.filterset.form.cleaned_data.get("status")
        return status == StatusState.CURRENT and as_of == today()


@dataclass(slots=True)
class ClusterRow:
    """A row of the cluster list: the text of its cells (`status` is markup)."""

    url: str
    name: str
    specialisations: str
    seat: str
    coordinator: str
    status: str


class ListedAward:
    """A published award's dates from a plain row, judged by StatusAward's own rules.

    Model instances and the queryset machinery around them cost more than the list's
    rules; the rules are StatusAward's functions, not copies.
    """

    FIELDS = ("valid_from", "valid_until", "earliest_start", "latest_end", "dates_estimated")
    __slots__ = FIELDS
    # Read from StatusAward.objects.published() only.
    awaits_publication = False
    published_at = None
    possible_from = StatusAward.possible_from
    possible_until = StatusAward.possible_until
    has_margin = StatusAward.has_margin
    is_published = StatusAward.is_published
    is_valid_on = StatusAward.is_valid_on
    is_uncertain_on = StatusAward.is_uncertain_on

    def __init__(self, *values):
        for name, value in zip(self.FIELDS, values, strict=True):
            setattr(self, name, value)


class ListedTerm:
    """A coordinator's term from a plain row, with Representation's rule for a day."""

    __slots__ = ("since", "until", "coordinator_name")
    covers = Representation.covers

    def __init__(self, since, until, coordinator_name):
        self.since, self.until, self.coordinator_name = since, until, coordinator_name


class ListedCluster:
    """A listed cluster's awards and terms, judged by Cluster's own status and term rules."""

    __slots__ = ("listed_awards", "listed_terms")
    published_awards = Cluster.published_awards
    valid_awards_on = Cluster.valid_awards_on
    uncertain_awards_on = Cluster.uncertain_awards_on
    status_award_on = Cluster.status_award_on
    award_told_on = Cluster.award_told_on
    status_valid_until = Cluster.status_valid_until
    is_status_expiring_on = Cluster.is_status_expiring_on
    status_on = Cluster.status_on
    status_badge_on = Cluster.status_badge_on
    representation_on = Cluster.representation_on

    def __init__(self):
        self.listed_awards, self.listed_terms = [], []


def list_rows(ids, on):
    """The list's rows for the clusters `ids`, in that order, as the cells they show.

    Related rows are read by one plain query each, as values, and grouped here:
    prefetching built a queryset for every cluster and relation, and model instances
    cost more than the rules read from them. Each cell is worked out once, in Python.
    """
    if not ids:
        return []
    rules = {pk: ListedCluster() for pk in ids}
    awards = StatusAward.objects.published().filter(cluster_id__in=ids)
    for cluster_id, *dates in awards.values_list("cluster_id", *ListedAward.FIELDS):
        rules[cluster_id].listed_awards.append(ListedAward(*dates))
    terms = Representation.objects.filter(cluster_id__in=ids)
    for cluster_id, *term in terms.values_list("cluster_id", "since", "until", "coordinator__name"):
        rules[cluster_id].listed_terms.append(ListedTerm(*term))
    specialisations = {pk: [] for pk in ids}
    names = (
        Cluster.specialisations.through.objects.filter(cluster_id__in=ids)
        .order_by("specialisation__name")
        .values_list("cluster_id", "specialisation__name", "specialisation__name_en")
    )
    for cluster_id, name, name_en in names:
        specialisations[cluster_id].append(in_page_language(name, name_en))
    # One address reversed for the page and each slug put in it (a slug needs no quoting).
    address = reverse("clusters:detail", kwargs={"slug": "-"})
    voivodeship_names = dict(Cluster._meta.get_field("voivodeship").flatchoices)
    voivodeships = {}
    status_cells = StatusCells(on)
    rows = {}
    clusters = Cluster.objects.filter(pk__in=ids)
    for pk, slug, name, city, voivodeship in clusters.values_list(
        "pk", "slug", "name", "city", "voivodeship"
    ):
        if voivodeship not in voivodeships:
            # As get_voivodeship_display(): the code itself when it is no choice.
            voivodeships[voivodeship] = str(voivodeship_names.get(voivodeship, voivodeship))
        cluster = rules[pk]
        term = cluster.representation_on(on, terms=cluster.listed_terms)
        comma = ", " if city and voivodeship else ""
        rows[pk] = ClusterRow(
            url=address.replace("/-/", f"/{slug}/"),
            name=name,
            specialisations=", ".join(specialisations[pk]),
            seat=f"{city}{comma}{voivodeships[voivodeship]}",
            coordinator=term.coordinator_name if term else "–",
            status=status_cells.cell(cluster),
        )
    return [rows[pk] for pk in ids]


def last_status_hint(on):
    """What the home page says when nobody holds status on `on`, for the list to say too.

    Empty when somebody does (other filters left the list empty): queried only for an
    empty list, so a full page costs what it did.
    """
    published = Cluster.objects.published()
    day = published.last_day_with_status(on)
    if day == on:
        # The last day with status is the day itself: somebody holds it (one query, where
        # asking with_status_on(on).exists() first made two).
        return {}
    count = published.with_status_on(day).count() if day else 0
    return {"no_status_today": True, "last_status_day": day, "last_status_count": count}


def ignored_filters(filterset):
    """(label, value as given, errors) of each filter the list could not apply."""
    form = filterset.form
    return [
        {
            "label": form.fields[name].label if name in form.fields else "",
            "value": filterset.data.get(name, ""),
            "errors": errors,
        }
        for name, errors in filterset.errors.items()
    ]


# What one cluster adds to each download and what the file takes besides, in bytes,
# measured on the built-in data; the list shows the sum for its count as a size hint.
DOWNLOADS = [
    # (URL name, label, what it is for, bytes per cluster, bytes of the file's own)
    ("clusters:export-xlsx", _("XLSX for Excel"), _("spreadsheet"), 135, 5050),
    (
        "clusters:export-excel-csv",
        _("CSV for Excel"),
        _("semicolons, column names in words"),
        255,
        340,
    ),
    ("clusters:export-csv", _("CSV, open data"), _("commas, stable codes"), 240, 290),
    ("clusters:export-json", _("JSON, open data"), _("stable codes"), 720, 60),
]


def downloads(count):
    return [
        {"url": reverse(url_name), "label": label, "note": note, "size": overhead + per_row * count}
        for url_name, label, note, per_row, overhead in DOWNLOADS
    ]


def attachment(filename):
    return f'attachment; filename="{filename}"'


# Clusters read (with their prefetched rows) per database round trip of an export.
EXPORT_CHUNK = 1000
# What the exports show, for the cache that keeps them between changes.
EXPORT_FAMILIES = ["clusters", "rounds", "reference"]


def export_csv(request):
    """Open data: commas, stable codes and ISO dates, for programs (columns never change)."""
    filterset = filtered_clusters(request)
    on = filterset.as_of_date

    def chunks():
        writer = csv.DictWriter(Lines(), fieldnames=EXPORT_FIELDS)
        # The byte order mark makes Excel read the file as UTF-8 (Polish letters).
        yield "\ufeff" + writer.writeheader()
        rows = export_rows(in_chunks(filterset.qs, EXPORT_CHUNK), on, request, for_spreadsheet=True)
        yield from lines(rows, writer.writerow)

    return download(
        request,
        chunks,
        content_type="text/csv; charset=utf-8",
        disposition=attachment(download_name(filterset, "csv")),
        families=EXPORT_FAMILIES,
    )


def export_json(request):
    """The JSON JsonResponse would write (indent 1, UTF-8 as is), written row by row."""
    filterset = filtered_clusters(request)
    on = filterset.as_of_date

    def row_json(row):
        text = json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
        return "\n".join("  " + line for line in text.split("\n"))

    def chunks():
        # The count comes last, counted as the rows are written: before them, it was a
        # count over the whole registry that the file's first byte waited for.
        yield f'{{\n "as_of": {json.dumps(on.isoformat())},\n "clusters": '
        rows = export_rows(in_chunks(filterset.qs, EXPORT_CHUNK), on, request)
        first = next(rows, None)
        if first is None:
            yield '[],\n "count": 0\n}'
            return
        count = 1

        def later_row(row):
            nonlocal count
            count += 1
            return ",\n" + row_json(row)

        yield "[\n" + row_json(first)
        yield from lines(rows, later_row)
        yield f'\n ],\n "count": {count}\n}}'

    return download(
        request,
        chunks,
        content_type="application/json",
        disposition=f'inline; filename="{download_name(filterset, "json")}"',
        families=EXPORT_FAMILIES,
    )


def export_xlsx(request):
    """The list for people, as a workbook: labels, headers in the page's language, dates."""
    filterset = filtered_clusters(request)
    # Written whole (a workbook is a zip), and kept in the cache as the other downloads.
    return download(
        request,
        lambda: [xlsx(filterset.qs, filterset.as_of_date, request)],
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        disposition=attachment(download_name(filterset, "xlsx")),
        families=EXPORT_FAMILIES,
    )


def export_excel_csv(request):
    """The list for people as a CSV that Polish Excel opens by double-click."""
    filterset = filtered_clusters(request)
    return download(
        request,
        lambda: [excel_csv(filterset.qs, filterset.as_of_date, request)],
        content_type="text/csv; charset=utf-8",
        disposition=attachment(download_name(filterset, "csv", variant="excel")),
        families=EXPORT_FAMILIES,
    )


def published_events():
    """Events are declared by the events app, which builds on this one: reached through
    their relation to clusters rather than imported, so the arrow keeps one direction."""
    return Cluster._meta.get_field("events").related_model.objects.published()


def renamed_cluster_url(slug):
    """The address of a published cluster once known by a name that gave `slug`, or None.

    A cluster merged into another under a former name (Wschodni Klaster Budowlany) loses
    its own page; links made to that page lead to the cluster it is now. Read only when
    no cluster has the slug, so the page's own queries stay as they were.
    """
    formers = ClusterFormerName.objects.filter(cluster__published=True).select_related("cluster")
    for former in formers:
        if slug_for(Cluster, former.name) == slug:
            return former.cluster.get_absolute_url()
    return None


def events_of(cluster):
    """Events the cluster is named in or takes part in, as ids from each relation's
    cluster index: joining both relations made the database read every event.

    The ids' SQL is written once: built by the ORM, its two subqueries cost the page
    more (~0.6 ms) than reading the events."""
    return Q(pk__in=RawSQL(event_ids_sql(), [cluster.pk, cluster.pk]))


@functools.cache
def event_ids_sql():
    named_in = Cluster._meta.get_field("events").through._meta
    participation = Cluster._meta.get_field("participations").related_model._meta
    return (
        f"SELECT {named_in.get_field('event').column} FROM {named_in.db_table}"
        f" WHERE {named_in.get_field('cluster').column} = %s"
        f" UNION SELECT {participation.get_field('event').column} FROM {participation.db_table}"
        f" WHERE {participation.get_field('cluster').column} = %s"
    )


def cluster_detail(request, slug):
    try:
        cluster = published_cluster(slug)
    except Http404:
        url = renamed_cluster_url(slug)
        if url is None:
            raise
        return redirect(url, permanent=True)
    events = published_events().filter(events_of(cluster)).order_by("-start_date")
    on = today()
    # One cluster's rows read as plain lists: a prefetch per relation cost more in its
    # machinery (a queryset filtered twice per relation) than the queries themselves.
    # The models' default orderings start with the cluster (or the application, or the
    # stage result), which joins the tables those order by; for one cluster's rows the
    # rest of each ordering is the same order without the joins.
    terms = list(
        Representation.objects.filter(cluster_id=cluster.pk)
        .select_related("coordinator")
        .order_by(F("since").asc(nulls_first=True))
    )
    applications = published_applications(cluster)
    for application in applications:
        mark_filled_columns(application)
    return render(
        request,
        "clusters/cluster_detail.html",
        {
            "cluster": cluster,
            "on": on,
            "events": events,
            "specialisations": list(cluster.specialisations.all()),
            "former_names": list(
                ClusterFormerName.objects.filter(cluster_id=cluster.pk).order_by(
                    "used_from_year", "name"
                )
            ),
            "terms": terms,
            "applications": applications,
            "member_counts": list(
                MemberCount.objects.filter(cluster_id=cluster.pk).order_by("-year")
            ),
            "labels": list(
                ClusterLabel.objects.filter(cluster_id=cluster.pk).order_by("-awarded_on")
            ),
            "estimated": [a for a in cluster.listed_awards if a.dates_estimated],
            # Two terms of one coordinator are still one coordinator: the heading counts them.
            "coordinators_count": len({t.coordinator_id for t in terms}),
            "current_term": cluster.representation_on(on, terms=terms),
        },
    )


def mark_filled_columns(application):
    """Which of the optional columns of an application's results table hold anything.

    A column of dashes says nothing; an unscored round (formal assessment, Expert Panel
    only) or results recorded without experts leave it out.
    """
    results = application.stage_results.all()
    application.shows_points = any(result.points is not None for result in results)
    application.shows_expert_scores = any(result.expert_scores.all() for result in results)


def cluster_record(request, slug):
    """The page cache's key for the cluster at `slug` (None when none is published there:
    the page is then a redirect or a 404, which are not cached)."""
    pk = Cluster.objects.published().filter(slug=slug).values_list("pk", flat=True).first()
    return [record_key(Cluster, pk)]


def published_cluster(slug):
    """The published cluster at `slug`, its public awards read as `listed_awards`."""
    cluster = get_object_or_404(Cluster.objects.published(), slug=slug)
    cluster.listed_awards = list(
        StatusAward.objects.published()
        .filter(cluster_id=cluster.pk)
        .select_related("round")
        .order_by("valid_from")
    )
    return cluster


def published_applications(cluster):
    """The cluster's applications whose scores are public, with their stage results."""
    applications = list(
        Application.objects.filter(
            cluster_id=cluster.pk,
            round__results_published_at__lte=timezone.now(),
            scores_published=True,
        )
        .select_related("round")
        .order_by("round__year")
    )
    prefetch_related_objects(
        applications,
        Prefetch(
            "stage_results",
            queryset=StageResult.objects.select_related("stage")
            .order_by("stage__order")
            .prefetch_related(
                Prefetch("expert_scores", queryset=ExpertScore.objects.order_by("expert_number"))
            ),
        ),
    )
    return applications


# Results of published clusters' applications: the public counts no other.
PUBLISHED_RESULTS = Q(results__application__cluster__published=True)


def round_list(request):
    rounds = attach_public_counts(
        Round.objects.select_related("organiser")
        .prefetch_related("organiser__names")
        .order_by("-year", F("number").desc(nulls_last=True), "name")
    )
    missing = [roman(number) for number in Round.objects.missing_numbers()]
    return render(
        request, "clusters/round_list.html", {"rounds": rounds, "missing_rounds": missing}
    )


def round_detail(request, slug):
    round_ = get_object_or_404(
        Round.objects.select_related("organiser", "co_organiser").prefetch_related(
            "organiser__names", "co_organiser__names"
        ),
        slug=slug,
    )
    now = timezone.now()
    published = round_.results_are_published(now)
    # The stages' counts and the ranking are shown once the results are published: until
    # then not read (building their queries cost a round's page 2.5 ms).
    stages = EvaluationStage.objects.all()
    if published:
        stages = stages.annotate(
            assessed=Count("results", filter=PUBLISHED_RESULTS),
            passed=Count(
                "results",
                filter=PUBLISHED_RESULTS & Q(results__result=StageResult.Result.PASSED),
            ),
        )
    lookups = [Prefetch("stages", queryset=stages)]
    if published:
        # The ranking a closed round publishes with its results.
        ranking = (
            Application.objects.filter(rank__isnull=False, cluster__published=True)
            .select_related("cluster")
            .order_by("rank")
        )
        lookups.append(Prefetch("applications", queryset=ranking, to_attr="ranked_applications"))
    else:
        round_.ranked_applications = []
    prefetch_related_objects([round_], *lookups)
    attach_public_counts([round_], now)
    on = today()
    # The awards table a page at a time: a round of 10 000 awards was one page of 2 MB.
    paginator = CountedPaginator(
        RoundAwards(round_, now), ROUND_AWARDS_PER_PAGE, count=round_.awards_recorded
    )
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except InvalidPage as invalid:
        raise Http404(invalid) from invalid
    award_rows, estimated = round_award_rows(round_, page.object_list, on)
    # One more than shown tells whether the events list has more of the round's events.
    latest_events = list(
        published_events()
        .filter(round=round_)
        .order_by("-start_date", "-pk")
        .values_list(*EVENT_LINE_FIELDS)[: ROUND_EVENTS_SHOWN + 1]
    )
    return render(
        request,
        "clusters/round_detail.html",
        {
            "round": round_,
            "on": on,
            "award_rows": award_rows,
            "estimated": estimated,
            "page_obj": page,
            "published": published,
            "event_items": event_items(reversed(latest_events[:ROUND_EVENTS_SHOWN])),
            "events_shown": ROUND_EVENTS_SHOWN,
            "more_events": len(latest_events) > ROUND_EVENTS_SHOWN,
            # A points column of dashes only says nothing was published: left out then.
            "shows_points": round_.publishes_points
            and any(
                application.scores_published and application.total_points is not None
                for application in round_.ranked_applications
            ),
        },
    )


AWARD_ROW = (
    '\n  <tr><th scope="row"><a href="{}">{}</a></th>\n    <td>{}</td>\n    <td>{}</td>\n'
    '    <td><span class="badge badge--{}">{}</span></td></tr>\n  '
)
# A round's latest events, in date order: those of a round of the generated registry were
# 800 lines, most of the page's time, and a reader of a round wants its latest events
# (the gala, the information days); the events list, filtered to the round, has them all.
ROUND_EVENTS_SHOWN = 20
AWARD_DATES = ["valid_from", "valid_until", "dates_estimated", "earliest_start", "latest_end"]
ROUND_AWARDS_PER_PAGE = 100


class CountedPaginator(Paginator):
    """A paginator told its count, already counted elsewhere: one query fewer."""

    def __init__(self, *args, count, **kwargs):
        super().__init__(*args, **kwargs)
        self.count = count  # sets the count cached_property's value


AWARD_ROW_FIELDS = ["cluster__slug", "cluster__name", *AWARD_DATES]
WALKED = ["pk", "slug", "name"]


class RoundAwards:
    """Bare rows (AWARD_ROW_FIELDS) of the public awards of a round to published clusters,
    in name order, read a slice (a page) at a time.

    Sorting a round's awards by their clusters' names reads every one of their clusters:
    for the 10 000 awards of a round of 100 000 clusters, 19 ms for each page. A page near
    either end of a large round is found instead by walking the published clusters' name
    order (index cluster_public_order) from that end, asking each whether it holds an award
    of the round (by the unique index of cluster and round): a hundred awards among a
    tenth of the clusters are met within a thousand steps. Where the walk would be longer
    (the middle pages, a round of few awards among many clusters), the awards are sorted.
    Either way the page's rows are the same.
    """

    # Up to this many awards a sort costs at most a millisecond or two: no walk considered.
    SORTED_UP_TO = 1000
    # A walk's step costs about half a sorted award's (SQLite, 100 000 clusters: 0.8 µs
    # a step, 2 µs an award read and sorted).
    STEPS_PER_AWARD = 2

    def __init__(self, round_, now):
        self.round, self.now = round_, now
        self.count = round_.awards_recorded

    def __len__(self):
        return self.count

    def awards(self):
        return StatusAward.objects.published(self.now).filter(round=self.round)

    def __getitem__(self, page):
        start, stop = page.start, min(page.stop, self.count)
        if self.count <= self.SORTED_UP_TO:
            return list(self.sorted().values_list(*AWARD_ROW_FIELDS)[start:stop])
        # The page's clusters, then their awards' dates: the same three queries either way.
        clusters = Cluster.objects.aggregate(highest=Max("pk"))["highest"]
        if self.walk_steps(start, stop, clusters) > self.STEPS_PER_AWARD * self.count:
            sorted_clusters = ["cluster", "cluster__slug", "cluster__name"]
            page = list(self.sorted().values_list(*sorted_clusters)[start:stop])
        else:
            page = self.walked(start, stop)
        awards = StatusAward.objects.filter(round=self.round, cluster__in=[pk for pk, *_ in page])
        by_cluster = {cluster: row for cluster, *row in awards.values_list("cluster", *AWARD_DATES)}
        # An award removed since the page's clusters were read is left out, not a failure.
        return [(slug, name, *by_cluster[pk]) for pk, slug, name in page if pk in by_cluster]

    def walk_steps(self, start, stop, clusters):
        """About how many clusters a walk from the nearer end passes to reach the page:
        the awards spread evenly over the name order. `clusters`, the highest id, stands
        for the number of published clusters."""
        return (min(start, self.count - stop) + stop - start) * clusters / self.count

    def walked(self, start, stop):
        """(pk, slug, name) of the page's clusters, walking the name order from its nearer
        end: published clusters holding a public award of the round."""
        awarded = Cluster.objects.published().filter(
            Exists(self.awards().filter(cluster=OuterRef("pk")))
        )
        from_end = self.count - stop
        if start <= from_end:
            return list(awarded.order_by("sort_key", "name").values_list(*WALKED)[start:stop])
        backwards = awarded.order_by("-sort_key", "-name").values_list(*WALKED)
        return list(backwards[from_end : self.count - start])[::-1]

    def sorted(self):
        return (
            self.awards()
            .filter(cluster__published=True)
            .order_by("cluster__sort_key", "cluster__name")
        )


def round_award_rows(round_, rows, on):
    """The round page's table rows of `rows` (RoundAwards' rows), and whether any
    shows an estimated end.

    Written in Python from bare rows: a round of 10 000 awards spent seconds in model
    instances, reverse() and the template loop, for the same HTML. An award's cells after
    its cluster's (its dates and state) depend on its dates alone: written once for each
    set of dates.
    """
    address = slug_address("clusters:detail")
    cells, language = {}, get_language()

    def day(value, format_name):
        return escape(day_text(value, format_name, language))

    html, estimated = [], False
    for slug, name, *dates in rows:
        key = tuple(dates)
        if key not in cells:
            valid_from, valid_until, dates_estimated = dates[:3]
            state = StatusAward(**dict(zip(AWARD_DATES, dates, strict=True))).state_on(on)
            end_estimated = dates_estimated and valid_until != round_.status_valid_until
            cells[key] = (
                (
                    day(valid_from, "Y") + "*"
                    if dates_estimated
                    else day(valid_from, "SHORT_DATE_FORMAT"),
                    day(valid_until, "Y") + "*"
                    if end_estimated
                    else day(valid_until, "SHORT_DATE_FORMAT"),
                    escape(state.value),
                    escape(str(state.label)),
                ),
                end_estimated,
            )
        row_cells, end_estimated = cells[key]
        estimated = estimated or end_estimated
        html.append(AWARD_ROW.format(escape(address(slug)), escape(name), *row_cells))
    return mark_safe("".join(html)), estimated


EVENT_LINE_FIELDS = ["slug", "title", "title_en", "start_date", "end_date", "city"]


def event_items(rows):
    """The `<li>` of each event of `rows` (EVENT_LINE_FIELDS), as events/_event_line.html
    writes it: a round of the generated registry has 800 events, and the template
    included for each took most of its page's time (format_html half of what was left)."""
    address = slug_address("events:detail")
    day = time_elements()
    items = []
    for slug, title, title_en, start, end, city in rows:
        when = day(start) + (f" – {day(end)}" if end else "")
        where = f", {escape(city)}" if city else ""
        name = escape(in_page_language(title, title_en))
        items.append(f'<li><a href="{escape(address(slug))}">{name}</a>, {when}{where}\n</li>')
    return mark_safe("".join(items))


def status_check(request):
    """The status check for people: a printable answer at an address that holds the question."""
    form = StatusCheckForm(request.GET if request.GET else None)
    check = form.check() if form.is_bound and form.is_valid() else None
    # Without `on` the answer is today's: the address to cite names the day.
    permanent_query = urlencode(check.query()) if check else None
    return render(
        request,
        "clusters/status_check.html",
        {"form": form, "check": check, "permanent_query": permanent_query},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
