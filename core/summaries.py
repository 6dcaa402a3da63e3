"""Figures computed from much registry data, kept in the database between its changes.

Home's chart and map count every status award: at 100 000 clusters a quarter of a
second, too much for every visitor. An app registers such figures by name with the
families of data they are computed from (register_summary); `figures(name, on)` gives
the stored ones while those families' counters (core/pagecache.py) are unchanged, on
the day they were computed for and before the next scheduled change (results published
for later), and otherwise computes them, stores them and gives them. Stale figures are
never shown.

The first visitor after an edit does not pay for it either: every change that bumps one
of those families queues, once it commits, a task that computes the figures again in the
background worker (`manage.py db_worker`, run by `make run` and `make serve`).
"""

from contextlib import nullcontext

from django.db import DatabaseError, transaction
from django.tasks import task
from django.utils import timezone

from .pagecache import ALL, family_key, next_scheduled_change, page_versions
from .writes import refused_while_another_writes

# name -> (family keys, compute(on) -> a JSON value, next_change(now) -> moment or None)
_registered = {}


def register_summary(name, families, compute, next_change=None):
    """`next_change(now)`: the next moment after `now` at which the figures change with
    no save (besides the pages' scheduled changes), or None."""
    _registered[name] = ([family_key(family) for family in families], compute, next_change)


def figures(name, on):
    """The figures `name` as they stand on `on` (today) and now."""
    stored = _stored(name, on)
    # Stale (the worker has not come to them yet): computed here, and kept only if
    # SQLite's one writer is free at once: an import may hold it for minutes.
    return refresh(name, on, wait=False) if stored is None else stored


def _stored(name, on):
    """The figures kept for the data as it stands, on `on` and now, or None."""
    from .models import Summary

    return (
        Summary.objects.filter(name=name, versions=page_versions(_registered[name][0]), day=on)
        .exclude(good_until__lte=timezone.now())
        .values_list("figures", flat=True)
        .first()
    )


def refresh(name, on, wait=True):
    """Compute the figures `name` for `on` and keep them, unless data changed meanwhile.

    `wait=False`: not kept if they cannot be written at once (the next reader or the
    worker will keep them)."""
    from .models import Summary

    keys, compute, next_change = _registered[name]
    now = timezone.now()
    # Every change bumps its family's counter in its own transaction: when the counters
    # are the same after the reads as before them, no change committed in between, so the
    # figures are those of the data these counters stand for.
    versions = page_versions(keys)
    computed = compute(on)
    if page_versions(keys) == versions:
        kept = Summary(
            name=name,
            versions=versions,
            day=on,
            good_until=min(
                (m for m in (next_scheduled_change(now), next_change and next_change(now)) if m),
                default=None,
            ),
            figures=computed,
            computed_at=now,
        )
        try:
            # A page's (wait=False) fails rather than queue behind an import on SQLite.
            with nullcontext() if wait else refused_while_another_writes(), transaction.atomic():
                Summary.objects.bulk_create(
                    [kept],
                    update_conflicts=True,
                    unique_fields=["name"],
                    update_fields=["versions", "day", "good_until", "figures", "computed_at"],
                )
        except DatabaseError:
            if wait:
                raise
    return computed


def refresh_after_commit(keys):
    """`keys` were bumped: once the change commits, the worker computes again the figures
    computed from them (a redundant task finds them fresh and stops)."""
    for name, (families, *_) in _registered.items():
        if ALL in keys or not set(families).isdisjoint(keys):
            transaction.on_commit(lambda name=name: refresh_summary.enqueue(name), robust=True)


@task
def refresh_summary(name):
    on = timezone.localdate()
    if _stored(name, on) is None:
        refresh(name, on)
