"""The home page's figures of status holders: the chart by year, the map's day and its
counts by voivodeship and specialisation, and the registry's own count on each day a
source reported one.

They read every award of the chart's years: computed here in one place, from a few
plain reads, into a value that can be kept as JSON (StatusFigures.as_json).
"""

import dataclasses
import datetime

from django.utils import timezone

from core.summaries import figures, register_summary

from .models import Cluster, ReportedStatusCount, StatusAward
from .models.clusters import day_number

# The chart starts with the first full year of the programme's statuses.
FIRST_CHART_YEAR = 2015


@dataclasses.dataclass(frozen=True)
class StatusFigures:
    # {year: (clusters that held status that year, of them only by estimated dates)}
    years: dict
    # The map's day: today when anybody holds status, else the last day anybody did.
    map_day: datetime.date | None
    by_voivodeship: dict
    estimated_by_voivodeship: dict
    # {specialisation id: clusters holding status on the map's day}
    by_specialisation: dict
    # {day a source reported a count for: how many clusters the registry says held status}
    known_on: dict

    def as_json(self):
        """The figures as JSON values (lists, no keys but strings), as kept in core.Summary."""
        return {
            "years": [[year, *counts] for year, counts in self.years.items()],
            "map_day": self.map_day and self.map_day.isoformat(),
            "by_voivodeship": [
                [code, count, self.estimated_by_voivodeship.get(code, 0)]
                for code, count in self.by_voivodeship.items()
            ],
            "by_specialisation": [[pk, count] for pk, count in self.by_specialisation.items()],
            "known_on": [[day.isoformat(), count] for day, count in self.known_on.items()],
        }

    @classmethod
    def from_json(cls, kept):
        day = datetime.date.fromisoformat
        return cls(
            years={year: (count, estimated) for year, count, estimated in kept["years"]},
            map_day=kept["map_day"] and day(kept["map_day"]),
            by_voivodeship={code: count for code, count, _ in kept["by_voivodeship"]},
            estimated_by_voivodeship={code: e for code, _, e in kept["by_voivodeship"]},
            by_specialisation=dict(kept["by_specialisation"]),
            known_on={day(on): count for on, count in kept["known_on"]},
        )

    def incomplete_counts(self, on):
        """The reports of the chart's years where the registry knows fewer holders, each
        with `known` (as ReportedStatusCountQuerySet.above_registry gives them)."""
        first_day = datetime.date(FIRST_CHART_YEAR, 1, 1)
        short = []
        for report in ReportedStatusCount.objects.between(first_day, on):
            report.known = self.known_on.get(report.on, 0)
            if report.is_above_registry():
                short.append(report)
        return short


SUMMARY = "home-status"


def kept_status_figures(on):
    """status_figures(on), kept between the changes of the data they count (core.summaries)."""
    return StatusFigures.from_json(figures(SUMMARY, on))


def register():
    # Clusters (published, voivodeship, specialisations), their awards (of the rounds
    # family) and the reported counts (reference).
    register_summary(
        SUMMARY,
        ["clusters", "rounds", "reference"],
        lambda on: status_figures(on).as_json(),
        # An award awaiting publication counts from its moment, which may differ from its
        # round's.
        next_change=StatusAward.objects.next_publication,
    )


def status_figures(on):
    """The figures as they stand on `on` (today), from the registry's published data."""
    published = Cluster.objects.published()
    # One read of the awards' periods for the chart, for the reported counts it compares
    # (their days fall within the chart's years) and for the map's day.
    first_day = datetime.date(FIRST_CHART_YEAR, 1, 1)
    periods = list(published.status_periods(first_day, datetime.date(on.year, 12, 31)))
    map_day = last_day_in(periods, on) or published.last_day_with_status(on)
    by_voivodeship, estimated_by_voivodeship, by_specialisation = holders_on(map_day)
    report_days = ReportedStatusCount.objects.between(first_day, on).values_list("on", flat=True)
    return StatusFigures(
        years=published.status_years(FIRST_CHART_YEAR, on.year, periods),
        map_day=map_day,
        by_voivodeship=by_voivodeship,
        estimated_by_voivodeship=estimated_by_voivodeship,
        by_specialisation=by_specialisation,
        known_on=published.status_counts_on(report_days, periods),
    )


def last_day_in(periods, on):
    """The latest day up to `on` on which a cluster held status, from status_periods rows
    (ClusterQuerySet.last_day_with_status from rows read already), or None when no
    period had begun by `on`.

    The periods are those touching the chart's years: an award they leave out ended
    before all of them, so it can be the last one only when none of them had begun.
    """
    on_number = day_number(on)
    last = max(
        (until for _cluster, start, until, _estimated in periods if start <= on_number),
        default=None,
    )
    if last is None:
        return None
    return min(datetime.date(last // 10000, last // 100 % 100, last % 100), on)


def holders_on(day):
    """The counts of clusters holding status on `day` (none for no day): by voivodeship,
    of them resting on estimated dates by voivodeship, and by specialisation's id.

    A holder rests on estimates when no award with exact dates covers the day. Counted
    here from one read of the awards in force on the day, a few rows per holder (one a
    specialisation): grouped in the database, with a subquery per cluster, and the
    specialisations grouped in a query of their own, the counts took 3 times as long to
    build on the built-in data and twice as long to run at 100 000 clusters.
    """
    if day is None:
        return {}, {}, {}
    now = timezone.now()
    seats, on_exact_dates, specialisations = {}, set(), set()
    for cluster_id, voivodeship, estimated, awaits, published_at, specialisation in (
        StatusAward.objects.valid_on(day)
        .filter(cluster__published=True)
        .order_by()
        .values_list(
            "cluster_id",
            "cluster__voivodeship",
            "dates_estimated",
            "awaits_publication",
            "published_at",
            "cluster__specialisations",
        )
    ):
        # Twin of StatusAward.is_published: only a public award makes a holder.
        if not awaits or (published_at is not None and published_at <= now):
            seats[cluster_id] = voivodeship
        if not estimated:
            on_exact_dates.add(cluster_id)
        if specialisation is not None:
            specialisations.add((cluster_id, specialisation))
    by_voivodeship, estimated_by_voivodeship, by_specialisation = {}, {}, {}
    for cluster_id, voivodeship in seats.items():
        by_voivodeship[voivodeship] = by_voivodeship.get(voivodeship, 0) + 1
        estimated = cluster_id not in on_exact_dates
        estimated_by_voivodeship[voivodeship] = (
            estimated_by_voivodeship.get(voivodeship, 0) + estimated
        )
    for cluster_id, specialisation in specialisations:
        if cluster_id in seats:
            by_specialisation[specialisation] = by_specialisation.get(specialisation, 0) + 1
    return by_voivodeship, estimated_by_voivodeship, by_specialisation
