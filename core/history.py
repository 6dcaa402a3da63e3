"""A record's history with the rows that belong to it, and restoring one of its versions.

Rows that belong to a record are named by the admin as paths of reverse relations,
the way prefetch_related names them: a cluster has "representations" and
"former_names"; an application has "stage_results" and, under them,
"stage_results__expert_scores".

A version of a record covers its related rows as they stood just before the
record's next version: an admin save writes the record first and its inline rows
a moment later, so those rows belong to the version it wrote.
"""

import datetime
import decimal
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.template_utils import ObjDiffDisplay
from simple_history.utils import get_m2m_reverse_field_name

EMPTY = "—"
ACTIONS = {
    "+": gettext_lazy("added"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}


class RestoreRefused(Exception):
    """A version that cannot be restored as it was; `problems` say what stands in the way."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class RelatedRows:
    """One declared path: its model, the field pointing up, and the level above it."""

    model: type
    up: object  # the ForeignKey from `model` to the level above
    above: "RelatedRows | None"  # None: the level above is the record itself

    def history(self, parent):
        """Every historical record of rows that belonged to `parent` (at one time)."""
        if self.above is None:
            ids = {self.up.attname: parent.pk}
        else:
            ids = {f"{self.up.attname}__in": self.above.history(parent).values("id")}
        return self.model.history.filter(**ids)

    def current(self, parent):
        """The rows that belong to `parent` now."""
        if self.above is None:
            return self.model._default_manager.filter(**{self.up.attname: parent.pk})
        return self.model._default_manager.filter(
            **{f"{self.up.attname}__in": self.above.current(parent).values("pk")}
        )


def related_rows(model, paths):
    """The declared paths of `model` as RelatedRows, each level above before the ones below."""
    levels = {}
    for path in paths:
        above, owner, walked = None, model, []
        for name in path.split("__"):
            walked.append(name)
            key = "__".join(walked)
            if key not in levels:
                relation = owner._meta.get_field(name)
                levels[key] = RelatedRows(relation.related_model, relation.remote_field, above)
            above = levels[key]
            owner = above.model
    return list(levels.values())


# --- What the history page lists ---------------------------------------------------------


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One historical record as the page shows it."""

    record: object
    kind: str
    row: str
    own: bool  # a version of the record itself: the one kind that can be restored
    changes: list = field(default_factory=list)

    @property
    def date(self):
        return self.record.history_date

    @property
    def user(self):
        return self.record.history_user

    @property
    def action(self):
        return ACTIONS[self.record.history_type]

    @property
    def reason(self):
        return self.record.history_change_reason or ""


def history_entries(parent, paths):
    """The record's versions and its related rows' changes, newest first.

    A fixed number of queries whatever the number of versions: each kind of row is
    read once, and so is each kind of row their values point to.
    """
    own = list(parent.history.select_related("history_user"))
    sources = [(type(parent), None, own)]
    for level in related_rows(type(parent), paths):
        records = list(level.history(parent).select_related("history_user"))
        sources.append((level.model, level.up, records))
    m2m = _m2m_versions(type(parent), own)

    pending = []
    for model, up, records in sources:
        previous = {}
        # Ids, not dates, order one row's versions: the clock may be set back, ids never are.
        for record in sorted(records, key=lambda r: r.history_id):
            before = previous.get(_row_id(record)) if record.history_type != "+" else None
            previous[_row_id(record)] = record
            pending.append((model, up, record, _changed_values(model, up, before, record, m2m)))
    objects = _objects_referred_to(parent, pending)

    entries = []
    for model, up, record, changed in pending:
        row = parent if up is None else _with_relations(record.instance, parent, objects)
        entries.append(
            HistoryEntry(
                record=record,
                kind=capfirst(model._meta.verbose_name),
                row=str(row),
                own=up is None,
                changes=[_change(f, old, new, objects) for f, old, new in changed],
            )
        )
    entries.sort(key=lambda e: (e.date, e.own, e.record.history_id), reverse=True)
    return entries


def _row_id(record):
    """The id of the row a historical record is a version of."""
    return getattr(record, record.instance_type._meta.pk.attname)


def _shown_fields(model, up):
    """Fields a person edits: not the key, not the link to the record above, not derived ones."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and (up is None or f.name != up.name)
    ]


def _changed_values(model, up, before, record, m2m):
    """(field, old, new) for what `record` changed; for a new row, what it was given."""
    if record.history_type == "-":
        return []
    changed = []
    for f in _shown_fields(model, up):
        new = getattr(record, f.attname)
        old = getattr(before, f.attname) if before is not None else None
        if before is None and new in (None, ""):
            continue
        if old != new:
            changed.append((f, old, new))
    if up is None:
        for f, versions in m2m.items():
            old = versions.get(before.history_id, []) if before is not None else []
            new = versions.get(record.history_id, [])
            if old != new:
                changed.append((f, old, new))
    return changed


def _m2m_versions(model, records):
    """{field: {history id: [related object, …]}} for the record's many-to-many fields."""
    versions = {}
    if not records:
        return versions
    for m2m_field in records[0]._history_m2m_fields:
        reverse_name = get_m2m_reverse_field_name(m2m_field)
        through = getattr(records[0], m2m_field.name).model
        rows = (
            through.objects.filter(history__in=[record.pk for record in records])
            .select_related(reverse_name)
            .order_by(reverse_name)
        )
        by_version = versions.setdefault(model._meta.get_field(m2m_field.name), {})
        for row in rows:
            by_version.setdefault(row.history_id, []).append(getattr(row, reverse_name))
    return versions


def _objects_referred_to(parent, pending):
    """{model: {pk: object}} for every foreign key the entries show, one query per model.

    Rows deleted since are taken from their own history. The objects' links to the
    record's model point at the record itself, so naming them asks nothing more.
    """
    wanted = {}
    for model, up, record, changed in pending:
        if up is not None:
            for f in _foreign_keys(model):
                wanted.setdefault(f.related_model, set()).add(getattr(record, f.attname))
        for f, old, new in changed:
            if f.many_to_one:
                wanted.setdefault(f.related_model, set()).update([old, new])
    objects = {}
    for target, ids in wanted.items():
        ids.discard(None)
        if target is type(parent):
            ids.discard(parent.pk)
        joined = [f.name for f in _foreign_keys(target) if f.related_model is not type(parent)]
        rows = target._default_manager.all()
        found = (rows.select_related(*joined) if joined else rows).in_bulk(ids)
        missing = ids - set(found)
        if missing and hasattr(target, "history"):
            for old in target.history.filter(**{f"{target._meta.pk.attname}__in": missing}):
                found.setdefault(_row_id(old), old.instance)
        objects[target] = found
    for found in objects.values():
        for obj in found.values():
            _with_relations(obj, parent, {})
    objects.setdefault(type(parent), {})[parent.pk] = parent
    return objects


def _foreign_keys(model):
    return [f for f in model._meta.concrete_fields if f.many_to_one]


def _with_relations(obj, parent, objects):
    """`obj` with its foreign keys filled from `objects` (and the record), where known."""
    for f in _foreign_keys(obj):
        value = getattr(obj, f.attname)
        if f.related_model is type(parent) and value == parent.pk:
            f.set_cached_value(obj, parent)
        elif value in objects.get(f.related_model, {}):
            f.set_cached_value(obj, objects[f.related_model][value])
    return obj


def _change(f, old, new, objects):
    old, new = ObjDiffDisplay(max_length=100).common_shorten_repr(
        display_value(f, old, objects), display_value(f, new, objects)
    )
    return Change(capfirst(f.verbose_name), old, new)


def display_value(f, value, objects):
    """A field's stored value as a person reads it: labels, names, Polish dates and numbers."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if f.many_to_one:
        found = objects.get(f.related_model, {}).get(value)
        return str(found) if found is not None else f"#{value}"
    if f.choices:
        return str(dict((str(k), v) for k, v in f.flatchoices).get(str(value), value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, decimal.Decimal | float):
        return number_format(value)
    return str(value)


# --- Restoring a version ----------------------------------------------------------------


def restore_version(version, *, user, paths):
    """Make the record and its related rows what they were in `version`, or change nothing.

    Rows added since are deleted, rows deleted since are made again with their old
    ids, changed rows are set back. Every record written names `user` and the
    version. Raises RestoreRefused, saying why, when any part cannot be restored:
    a row it refers to is gone, or a row would break a rule of the database now.
    """
    model = version.instance_type
    parent = version.instance
    parent._state.adding = False
    using = router.db_for_write(model)
    reason = _("Restored the version of %(date)s") % {
        "date": date_format(timezone.localtime(version.history_date), "DATETIME_FORMAT")
    }
    with transaction.atomic(using=using):
        # A deleted record's rows went with it, a moment before its last record was
        # written: which of them it had then cannot be told apart from earlier deletions.
        if not model._default_manager.select_for_update().filter(pk=parent.pk).exists():
            raise RestoreRefused([_("The record no longer exists.")])
        later = (
            model.history.filter(
                **{model._meta.pk.attname: parent.pk}, history_id__gt=version.history_id
            )
            .order_by("history_id")
            .first()
        )
        levels = related_rows(model, paths)
        plans = [_plan(level, parent, later) for level in levels]
        m2m = {
            f.name: [getattr(row, get_m2m_reverse_field_name(f) + "_id") for row in rows]
            for f, rows in (
                (f, getattr(version, f.name).all()) for f in version._history_m2m_fields
            )
        }
        problems = _missing_references(parent, m2m, levels, plans)
        if problems:
            raise RestoreRefused(problems)

        for obj in [parent, *(row for keep, delete in plans for row in [*keep, *delete])]:
            obj._history_user = user
            obj._change_reason = reason
        problems = []
        # Rows below go before the rows they belong to; rows are made the other way round.
        for _keep, delete in reversed(plans):
            for row in delete:
                _write(problems, row, delete=True)
        _write(problems, parent)
        for name, ids in m2m.items():
            getattr(parent, name).set(ids)
        for keep, _delete in plans:
            for row in keep:
                _write(problems, row)
        if problems:
            raise RestoreRefused(problems)
    return parent


def _plan(level, parent, later):
    """(rows to write as they were, rows to delete) for one level; unchanged rows are left."""
    records = level.history(parent).order_by("history_id")
    if later is not None:
        records = records.filter(history_date__lt=later.history_date)
    last = {_row_id(record): record for record in records}
    then = {pk: r.instance for pk, r in last.items() if r.history_type != "-"}
    now = {row.pk: row for row in level.current(parent)}
    fields = [f.attname for f in level.model._meta.concrete_fields]
    keep = []
    for pk, old in then.items():
        row = now.get(pk)
        if row is None or any(getattr(row, a) != getattr(old, a) for a in fields):
            old._state.adding = row is None
            keep.append(old)
    delete = [row for pk, row in now.items() if pk not in then]
    return keep, delete


def _missing_references(parent, m2m, levels, plans):
    """What the restored rows refer to that no longer exists: nothing is changed then."""
    made = {type(parent): {parent.pk}}
    gone = {}
    for level, (keep, delete) in zip(levels, plans, strict=True):
        made.setdefault(level.model, set()).update(row.pk for row in keep)
        gone.setdefault(level.model, set()).update(row.pk for row in delete)
    wanted = []  # (row, field, target pk)
    for obj in [parent] + [row for keep, _delete in plans for row in keep]:
        for f in _foreign_keys(obj):
            value = getattr(obj, f.attname)
            if value is not None and value not in made.get(f.related_model, ()):
                wanted.append((obj, f, value))
    for name, ids in m2m.items():
        f = type(parent)._meta.get_field(name)
        wanted += [(parent, f, pk) for pk in ids]
    missing = {}
    for target in {f.related_model for _obj, f, _pk in wanted}:
        ids = {pk for _obj, f, pk in wanted if f.related_model is target}
        found = set(target._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
        missing[target] = ids - (found - gone.get(target, set()))
    problems = []
    for obj, f, pk in wanted:
        if pk in missing[f.related_model]:
            problems.append(
                _("%(kind)s: %(field)s “%(target)s” no longer exists.")
                % {
                    "kind": capfirst(obj._meta.verbose_name),
                    "field": f.verbose_name,
                    "target": _former_name(f.related_model, pk, parent),
                }
            )
    return problems


def _former_name(model, pk, parent):
    """The name a deleted row had, from its own history."""
    record = model.history.filter(**{model._meta.pk.attname: pk}).first()
    if record is None:
        return f"#{pk}"
    try:
        return str(_with_relations(record.instance, parent, {}))
    except ObjectDoesNotExist:  # it named itself by another row deleted since
        return f"#{pk}"


def _write(problems, obj, delete=False):
    """Save or delete one row in a savepoint; what stops it becomes a problem to report."""
    name = f"{capfirst(obj._meta.verbose_name)} “{obj}”"
    try:
        if not delete:
            obj.validate_unique()
            obj.validate_constraints()
        with transaction.atomic(using=router.db_for_write(type(obj))):
            obj.delete() if delete else obj.save()
    except ValidationError as error:
        problems += [f"{name}: {message}" for message in error.messages]
    except (ProtectedError, RestrictedError):
        problems.append(_("%(row)s: other records still refer to it.") % {"row": name})
    except IntegrityError:
        problems.append(_("%(row)s: the database refuses it now.") % {"row": name})
