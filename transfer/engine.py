"""The one import engine: a file of any kind, read against indexes, written in batches.

Every kind goes through here (pretix's shape: one engine, each kind's columns
and rules in its resource). The engine owns what must be the same for all:
the rows read a batch at a time in one transaction, all or nothing, errors by
spreadsheet row, column and value, a row equal to the registry reported
unchanged and not written, the preview, the counts, the audit attribution.

A resource (transfer.resources.RegistryResource) supplies the hooks that
differ per kind, each with a default that fits most kinds:

- `load_indexes(engine)`: the natural keys of the registry's rows, loaded once;
- `find_key(engine, record)`: the key of the row a record is about;
- `fetch(pks, field_names)`: those rows with what the file's columns read;
- `read_row(engine, row, record, values, found)`: build and check the instance;
- `write_new(engine, rows)` and `write_changed(engine, row)`: the writes.

django-import-export's Result is returned, as its admin views expect.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import DatabaseError, OperationalError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from import_export.results import Error, InvalidRow, Result, RowResult

from core.models import DataVersion
from core.pagecache import bump_data_version, data_version, one_bump_for_all

from .bulk import create_objects, insert_history, update_rows
from .spreadsheets import ImportFileError
from .widgets import DateWidget, slash_order

#: The header is row 1 of the spreadsheet: data row n is spreadsheet row n + 1.
HEADER_ROW = 1
#: Rows read, then written, at a time: bounds the memory a file of any size needs.
BATCH_ROWS = 1000
#: Rows the admin's preview shows; the rest are counted, not kept.
PREVIEW_ROWS = 100


CONFLICT_MESSAGE = _lazy(
    "Changed in the registry by someone else after the import read it; import the file again."
)


def attname_of(model, column):
    """The model attribute a plain column writes; None for a related column."""
    if column.attribute is None:
        return None
    try:
        return model._meta.get_field(column.attribute).attname
    except FieldDoesNotExist:
        return None


def import_lock_key(engine):
    """A 64-bit key naming the kind, for PostgreSQL's advisory lock."""
    digest = hashlib.sha256(f"kkk-import:{engine.resource.file_kind}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def snapshot(instance):
    """The values of an instance's own columns, by attribute name."""
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def convert_fields(instance, exclude=()):
    """What clean_fields() sets, without its checks: each field's value as to_python() makes it.

    For a row a preview checked already: a field may store another form than the one
    given (a NIP typed with dashes is stored as digits), and bulk writes call no save().
    """
    for model_field in instance._meta.fields:
        if model_field.name in exclude or model_field.generated:
            continue
        raw = getattr(instance, model_field.attname)
        if model_field.blank and raw in model_field.empty_values:
            continue
        setattr(instance, model_field.attname, model_field.to_python(raw))


def decide_slash_dates(resource, dataset):
    """Tell each date column of `resource` how the file writes its slash dates.

    Raises ImportFileError naming a column whose slash dates prove neither order, or both.
    """
    headers = dataset.headers or []
    for column in resource.fields.values():
        if isinstance(column.widget, DateWidget) and column.column_name in headers:
            try:
                column.widget.slash_order = slash_order(
                    column.column_name, dataset[column.column_name]
                )
            except ValueError as error:
                raise ImportFileError(str(error)) from None


@dataclass
class RowError:
    row: int | None  # None: the file as a whole (a database fault)
    column: str
    value: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        where = _("row %(row)d") % {"row": self.row}
        if self.column:
            where += _(", column “%(column)s” (value “%(value)s”)") % {
                "column": self.column,
                "value": self.value,
            }
        return f"{where}: {self.message}"


@dataclass
class Row:
    """One data row of the file as read: what it is and what writing it takes."""

    number: int  # as the spreadsheet numbers it
    import_type: str = RowResult.IMPORT_TYPE_NEW
    instance: object = None
    related: dict = field(default_factory=dict)  # cleaned related columns, by field name
    extra: dict = field(default_factory=dict)  # what a kind's hooks keep for the write
    read: dict | None = None  # the registry row's columns as read (a changed row)
    current: dict | None = None  # and as they are when the row is written
    errors: list = field(default_factory=list)
    diff: list | None = None


def another_import_message():
    return _("Another import is being written; try again in a moment.")


class Import:
    """One file of one kind: `run()` returns django-import-export's Result."""

    def __init__(
        self, resource, dataset, *, dry_run=False, retain_instances=False, checked_at_version=None
    ):
        self.resource = resource
        self.dataset = dataset
        self.dry_run = dry_run
        self.retain_instances = retain_instances
        present = set(dataset.headers or [])
        #: (field name, column) of the resource's columns this file has, in resource order.
        self.columns = [(n, f) for n, f in resource.fields.items() if f.column_name in present]
        self.result = Result()
        self.result.diff_headers = [f.column_name for _n, f in self.columns]
        self.result.total_rows = len(dataset)
        self.errors = []
        self.written = False
        self.claimed = {}  # key of a registry row -> the number of the row about it
        self.pending = []  # rows read and valid, not yet written
        #: The data version at which a preview found every row of this file valid.
        self.checked_at_version = checked_at_version
        #: False when the registry is still as the preview saw it: the rows' checks
        #: (fields, clean(), uniqueness) are not run again, only the rows built.
        self.validating = True
        resource.engine = self

    # --- the whole file ----------------------------------------------------------
    def run(self):
        # Before anything is read: a date column whose slash dates prove nothing is refused.
        decide_slash_dates(self.resource, self.dataset)
        try:
            return self.run_in_transaction()
        except OperationalError as error:
            # SQLite takes its write lock at BEGIN (IMMEDIATE): an import that cannot have
            # it wrote nothing, and is told so, as when the lock runs out below.
            if self.written or "locked" not in str(error):
                raise
            self.result.append_base_error(Error(another_import_message()))
            self.result.spreadsheet_errors = []
            return self.result

    def run_in_transaction(self):
        with transaction.atomic(), one_bump_for_all():
            if not self.dry_run and not self.wait_for_other_imports():
                transaction.set_rollback(True)
                self.result.spreadsheet_errors = []
                return self.result
            # Read after the lock: no other import of the kind writes between it and ours.
            if self.checked_at_version is not None and not self.dry_run:
                self.validating = data_version() != self.checked_at_version
            self.resource.load_indexes(self)
            headers = self.dataset.headers
            for start in range(0, len(self.dataset), BATCH_ROWS):
                records = [
                    dict(zip(headers, values, strict=True))
                    for values in self.dataset[start : start + BATCH_ROWS]
                ]
                self.read_batch(start, records)
                if self.dry_run:
                    self.pending = []  # checked, and not kept: memory stays one batch's
                else:
                    self.write_pending()
            if self.failed or self.dry_run:
                transaction.set_rollback(True)
            elif self.written:
                bump_data_version()
        self.result.spreadsheet_errors = sorted(self.errors, key=lambda e: e.row or 0)
        return self.result

    def wait_for_other_imports(self):
        """Imports of one kind write one after the other; False when this one may not wait.

        PostgreSQL: a lock for the transaction, taken before anything is read, so the
        second import reads what the first wrote (instead of inserting the same rows
        into a unique violation). SQLite has one writer at a time: the write lock is
        taken now, waiting up to the connection's timeout, not halfway through the file.
        """
        try:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [import_lock_key(self)])
                else:
                    table = connection.ops.quote_name(DataVersion._meta.db_table)
                    cursor.execute(f"UPDATE {table} SET counter = counter WHERE id = 1")
        except OperationalError:
            self.result.append_base_error(Error(another_import_message()))
            return False
        return True

    @property
    def failed(self):
        return bool(self.errors or self.result.base_errors)

    # --- reading -----------------------------------------------------------------
    def read_batch(self, start, records):
        resource = self.resource
        keys = [resource.find_key(self, record) for record in records]
        names = [n for n, _c in self.columns]
        originals = resource.fetch([k for k in keys if isinstance(k, int)], names)
        for offset, record in enumerate(records):
            row = Row(number=start + offset + 1 + HEADER_ROW)
            # Looked up again: an earlier row of this batch may have claimed the key.
            key = resource.find_key(self, record)
            found = originals.get(key) if isinstance(key, int) else key
            values = self.clean(row, record)
            if isinstance(found, tuple):
                self.add_error(
                    row, record, resource.key_field, resource.duplicate_message(found[1])
                )
            elif found is not None and found.pk in self.claimed:
                message = resource.same_record_message(self.claimed[found.pk])
                self.add_error(row, record, resource.key_field, message)
            if not row.errors:
                self.read_row(row, record, values, found)
            self.account(row, record)
            if row.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE):
                self.pending.append(row)
            if resource.on_row is not None:
                resource.on_row()

    def clean(self, row, record):
        values = {}
        for name, column in self.columns:
            try:
                if column.attribute is None:
                    values[name] = column.widget.clean(record[column.column_name], row=record)
                else:
                    values[name] = column.clean(record)
            except ValueError as error:
                self.add_error(row, record, name, str(error))
        return values

    def read_row(self, row, record, values, found):
        if found is not None:
            self.claimed[found.pk] = row.number
            # What the importer saw: a later write merges against it (merge_before_save).
            row.read = snapshot(found)
            row.import_type = RowResult.IMPORT_TYPE_UPDATE
            if self.unchanged(found, values):
                row.import_type, row.instance = RowResult.IMPORT_TYPE_SKIP, found
                return
        if row.number - HEADER_ROW <= PREVIEW_ROWS:
            row.diff = self.preview(found, values)
        row.related = {n: v for n, v in values.items() if self.resource.fields[n].attribute is None}
        self.resource.read_row(self, row, record, values, found)

    def unchanged(self, instance, values):
        """Every cell renders as the registry's value does (what an export writes)."""
        return all(
            column.widget.render(values[name]) == self.resource.export_field(column, instance)
            for name, column in self.columns
        )

    def preview(self, instance, values):
        cells = []
        for name, column in self.columns:
            new = column.widget.render(values[name])
            old = self.resource.export_field(column, instance) if instance else new
            cells.append(new if old == new else f"{old} → {new}")
        return cells

    def add_errors(self, row, record, error, column_field=None):
        if hasattr(error, "error_dict"):
            by_key = error.message_dict
        else:
            by_key = {NON_FIELD_ERRORS: error.messages}
        for key, messages in by_key.items():
            for message in messages:
                self.add_error(row, record, column_field or key, message)

    def add_error(self, row, record, key, message):
        column = self.resource.column_for(key) if key != NON_FIELD_ERRORS else ""
        value = record.get(column, "") if column else ""
        row.errors.append(RowError(row.number, column, str(value or ""), str(message)))

    def account(self, row, record):
        """Count the row; keep its result for the preview, or for the admin's log."""
        result = self.result
        if row.errors:
            row.import_type = RowResult.IMPORT_TYPE_INVALID
            self.errors.extend(row.errors)
            result.invalid_rows.append(
                InvalidRow(
                    number=row.number - HEADER_ROW,
                    validation_error=ValidationError([e.message for e in row.errors]),
                    values=tuple(record.get(column, "") for column in result.diff_headers),
                )
            )
        result.totals[row.import_type] += 1
        if self.retain_instances or row.number - HEADER_ROW <= PREVIEW_ROWS:
            row_result = RowResult()
            row_result.import_type = row.import_type
            row_result.diff = row.diff or [record.get(c, "") for c in result.diff_headers]
            if self.retain_instances and row.import_type != RowResult.IMPORT_TYPE_INVALID:
                row_result.instance = row.instance
                row_result.object_id = getattr(row.instance, "pk", None)
                row_result.object_repr = str(row.instance)
            result.append_row_result(row_result)

    # --- writing -----------------------------------------------------------------
    def write_pending(self):
        """Write the rows read so far; a kind calls it when a row refers to an earlier one.

        Dry runs write too when a kind asks (a later row must find the earlier one);
        everything is rolled back at the end.
        """
        rows, self.pending = self.pending, []
        if rows and not self.failed:
            self.write_batch(rows)

    def write_batch(self, rows):
        try:
            # A savepoint: after a failed write the rest of the file is still checked.
            with transaction.atomic():
                self.read_current(
                    [r for r in rows if r.import_type == RowResult.IMPORT_TYPE_UPDATE]
                )
                if self.failed:
                    return
                # Changed rows first: a new row may take a name a changed row gave up.
                changed = [row for row in rows if row.import_type == RowResult.IMPORT_TYPE_UPDATE]
                if changed:
                    self.resource.write_changed_rows(self, changed)
                    self.written = True
                new = [row for row in rows if row.import_type == RowResult.IMPORT_TYPE_NEW]
                if new:
                    self.resource.write_new(self, new)
                    self.written = True
        except (DatabaseError, ValidationError) as error:
            # A clashing row another session wrote since the file was read, a full disk.
            message = _("The database refused the import (%(error)s); nothing was written.") % {
                "error": error
            }
            self.result.append_base_error(Error(message))

    def read_current(self, rows):
        """Lock the batch's changed rows and read them again, as they are now.

        Someone may have saved one since the batch was read: a column both changed
        is a conflict (the row is refused, so nothing is written); a column only they
        changed is kept (merge_before_save).
        """
        if not rows:
            return
        model = type(rows[0].instance)
        names = [f.attname for f in model._meta.concrete_fields]
        locked = model._base_manager.select_for_update().filter(
            pk__in=[row.instance.pk for row in rows]
        )
        current = {values[model._meta.pk.attname]: values for values in locked.values(*names)}
        file_columns = [(n, c, attname_of(model, c)) for n, c in self.columns]
        for row in rows:
            row.current = current.get(row.instance.pk)
            if row.current is None:
                self.add_error(row, {}, NON_FIELD_ERRORS, _("Deleted after the import read it."))
            else:
                for name, column, attname in file_columns:
                    if attname is not None and self.conflicts(row, attname):
                        record = {column.column_name: getattr(row.instance, attname)}
                        self.add_error(row, record, name, CONFLICT_MESSAGE)
            self.errors.extend(row.errors)

    @staticmethod
    def conflicts(row, attname):
        """Both the file and someone else changed the column, to different values."""
        read, ours, theirs = row.read[attname], getattr(row.instance, attname), row.current[attname]
        return ours != read and theirs != read and ours != theirs

    def merge_before_save(self, row, fill=None):
        """Keep what others saved since the read; the fields to write: what the file changed.

        `fill` fills the instance's derived fields (default: its fill_derived_fields).
        Returns the update_fields of the row's save, empty when nothing is left to write.
        """
        instance = row.instance
        for attname, read in row.read.items():
            if getattr(instance, attname) == read:
                setattr(instance, attname, row.current[attname])
        if fill is not None:
            fill(instance)
        elif hasattr(instance, "fill_derived_fields"):
            instance.fill_derived_fields()
        return [a for a in row.read if getattr(instance, a) != row.current[a]]

    def update_with_history(self, model, rows_and_fields):
        """Write changed rows in bulk, then their audit records ("~"), as saves would.

        No save(), so no signals: for kinds whose saves no other row depends on.
        """
        changed = [(row, fields) for row, fields in rows_and_fields if fields]
        if not changed:
            return
        instances = [row.instance for row, _fields in changed]
        columns = sorted({name for _row, fields in changed for name in fields})
        update_rows(model, columns, instances)
        insert_history(model, instances, self.resource.user, self.resource.source, history_type="~")

    def insert_with_history(self, model, objects):
        """Insert the rows, then their audit records naming who or what imported them."""
        if not objects:
            return [], []
        created = create_objects(model, objects)
        history_ids = insert_history(model, created, self.resource.user, self.resource.source)
        return created, history_ids
