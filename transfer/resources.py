"""The shared base of every import/export resource.

Rows are matched on natural keys (never database ids), related rows that
live in one cell (former names, stage results, participants) are columns
of their own kind, and a row whose every cell already equals the registry
is reported as unchanged and not written, so re-importing an exported file
changes nothing.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import fields, instance_loaders, resources

from core.text import slug_for, squash_spaces

from .constraints import ConstraintIndex
from .engine import Import, convert_fields
from .widgets import BooleanWidget, ChoiceWidget, DateWidget, IntegerWidget, TextWidget

#: From this many rows a file's lookups read the related kind whole (one query) first.
INDEXED_LOOKUPS_FROM_ROWS = 200


def cell(row, column):
    """The text of a row's cell with its spaces squashed; '' when the cell is empty."""
    value = row.get(column)
    return squash_spaces(str(value)) if value not in (None, "") else ""


class Column(fields.Field):
    """A model attribute as one spreadsheet column."""

    def __init__(self, attribute, column_name, widget=None, **kwargs):
        super().__init__(
            attribute=attribute, column_name=column_name, widget=widget or TextWidget(), **kwargs
        )


class RelatedColumn(fields.Field):
    """A column read and written by the resource's `get_<name>` / `set_<name>` methods.

    For values that are not a plain attribute: related rows, or a foreign key
    found by a natural key. The setter runs after the row's instance is saved.
    """

    def __init__(self, column_name, widget=None, getter=None):
        super().__init__(attribute=None, column_name=column_name, widget=widget or TextWidget())
        self.getter = getter


def text(attribute, column_name):
    return Column(attribute, column_name, TextWidget())


def date(attribute, column_name):
    return Column(attribute, column_name, DateWidget())


def integer(attribute, column_name):
    return Column(attribute, column_name, IntegerWidget())


def boolean(attribute, column_name):
    return Column(attribute, column_name, BooleanWidget())


def choice(attribute, column_name, choices, blank=False):
    return Column(attribute, column_name, ChoiceWidget(choices, blank=blank))


class RegistryResource(resources.Resource):
    """Base for every kind: its columns, natural keys and writes, as the engine's hooks.

    The defaults fit a kind keyed by slug, else by name ignoring case, checked in
    memory against the registry's constraints, whose new rows are inserted in bulk
    with their audit records (a model whose save() fills fields in says so in its
    fill_derived_fields()), and whose related columns are written after the row by
    `set_<name>` methods. Kinds override what differs.
    """

    #: A short, stable name: the KIND of `import_csv KIND` (not `kind`, which is a column).
    file_kind = None
    #: Changed rows written in bulk, without save() and its signals; False for a kind
    #: whose saves other rows follow.
    bulk_changed_rows = True
    #: Fields whose columns a file of this kind must have (the natural key).
    required_columns = ("name",)
    #: The field whose column an error about the row's identity names.
    key_field = "name"

    def __init__(self, user=None, source="", on_row=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        self.source = source
        self.on_row = on_row
        self.keys = {}
        self._looked_up = {}
        self._indexes = {}

    class Meta:
        # Unused: the engine matches natural keys itself.
        instance_loader_class = instance_loaders.BaseInstanceLoader

    def import_data(
        self,
        dataset,
        dry_run=False,
        retain_instance_in_row_result=False,
        checked_at_version=None,
        **kwargs,
    ):
        """Every kind through the one engine (django-import-export's admin calls this).

        `checked_at_version`: the data version at which a preview found the file valid.
        """
        return Import(
            self,
            dataset,
            dry_run=dry_run,
            retain_instances=retain_instance_in_row_result,
            checked_at_version=checked_at_version,
        ).run()

    def get_queryset(self):
        return self._meta.model._default_manager.all()

    # --- natural keys -------------------------------------------------------
    def natural_keys(self, values):
        """The keys a row of the registry is found by, from its field values."""
        keys = []
        if values.get("slug"):
            keys.append("slug:" + values["slug"])
        if values.get("name"):
            keys.append(values["name"].lower())
        return keys

    def key_fields(self):
        model_fields = {f.name for f in self._meta.model._meta.concrete_fields}
        return [name for name in ("slug", "name") if name in model_fields]

    def load_indexes(self, engine):
        """Natural key -> primary key of every registry row, one query for the file."""
        names = self.key_fields()
        self.unique = ConstraintIndex(self._meta.model)
        # What the file's columns set, and which of them their widgets already checked
        # (a choice a widget only lets through): the same for every row of the file.
        self.given = {column.attribute for _n, column in engine.columns if column.attribute}
        self.checked_by_widgets = {
            column.attribute
            for _name, column in engine.columns
            if getattr(column.widget, "validates_choices", False)
        }
        self.keys = {}
        for pk, *values in self._meta.model._default_manager.values_list("pk", *names):
            for key in self.natural_keys(dict(zip(names, values, strict=True))):
                self.keys.setdefault(key, pk)

    def record_keys(self, engine, record):
        """The natural keys of the row a file's record is about, most telling first."""
        values = {}
        for name in self.key_fields():
            column = self.fields.get(name)
            if column is not None:
                values[name] = cell(record, column.column_name)
        return self.natural_keys(values)

    def find_key(self, engine, record):
        """The primary key of the row `record` is about, ("row", n) for one this file adds."""
        for key in self.record_keys(engine, record):
            if key in self.keys:
                return self.keys[key]
        return None

    def instance_keys(self, instance):
        meta = instance._meta
        return self.natural_keys(
            {name: getattr(instance, meta.get_field(name).attname) for name in self.key_fields()}
        )

    def duplicate_message(self, row_number, instance=None):
        """A second row of the file adding the same new record (`instance`, when known)."""
        return _("This record is already in row %(row)d of the file.") % {"row": row_number}

    def same_record_message(self, row_number):
        """A second row of the file about the same registry row."""
        return _("Row %(row)d of the file is about the same record.") % {"row": row_number}

    def fetch(self, pks, field_names):
        """The registry's rows of this batch, with what the file's columns read."""
        return self.get_queryset().in_bulk(pks)

    def lookup(self, model, key, missing, create=False):
        """The `model` row a cell names (its manager's get_by_natural_key), once a file.

        `missing` is the message, with %(value)s, of the ValueError for a name the
        registry does not know; with `create` such a row is added instead, audited.
        """
        key = squash_spaces(str(key or ""))
        memo = (model, key.lower())
        # Misses are asked again: an earlier row of the file may add the row meanwhile.
        found = self._looked_up.get(memo)
        if found is None and self._index_lookups(model):
            by_slug, by_name = self._indexes[model]
            found = by_slug.get(key) or by_name.get(key.lower())
        if found is None:
            manager = model._default_manager
            try:
                found = manager.get_by_natural_key(
                    key, create=create, history_user=self.user, change_reason=self.source
                )
            except model.DoesNotExist:
                raise ValueError(missing % {"value": key}) from None
        self._looked_up[memo] = found
        return found

    def _index_lookups(self, model):
        """For a large file, every row of `model` is read once rather than a query a name."""
        engine = getattr(self, "engine", None)
        if engine is None or len(engine.dataset) < INDEXED_LOOKUPS_FROM_ROWS:
            return False
        if model not in self._indexes:
            self._indexes[model] = model._default_manager.natural_key_index()
        return True

    # --- reading a row ------------------------------------------------------
    def read_row(self, engine, row, record, values, found):
        """Set the row's values on its instance and check it as a form would."""
        instance = found or self._meta.model()
        old_keys = self.instance_keys(instance) if found else []
        for name, column in engine.columns:
            if column.attribute is not None:
                setattr(instance, column.attribute, values[name])
        errors = {}
        self.prepare_instance(instance, row.related, errors)
        if "slug" in self.key_fields() and not instance.slug:
            instance.slug = slug_for(type(instance), getattr(instance, "name", "") or "")
        for key, message in errors.items():
            engine.add_errors(row, record, ValidationError({key: message}))
        # Fields a file leaves out hold the registry's values, valid already; a field
        # whose column was already found wrong is not reported twice.
        exclude = set(errors)
        if found:
            exclude |= {f.name for f in instance._meta.fields if f.name not in self.given}
        if engine.validating:
            self.validate(engine, row, record, instance, exclude, failed=set(errors))
        else:
            convert_fields(instance, exclude)
        row.instance = instance
        if not row.errors:
            self.claim(engine, row, record, old_keys)

    def prepare_instance(self, instance, values, errors):
        """Set attributes that come from related columns before validation (foreign keys)."""

    def validate(self, engine, row, record, instance, exclude, failed=frozenset()):
        """full_clean(), with uniqueness checked against the file's index, not by queries.

        `exclude` skips the field checks of fields the file leaves out (they hold the
        registry's values); constraints are judged on the whole row all the same, as
        the database will, except for the `failed` fields already reported.
        """
        # A foreign key set from a row this file looked up exists: no query to prove it.
        looked_up = {
            field.name
            for field in instance._meta.concrete_fields
            if field.is_relation
            and field.is_cached(instance)
            and getattr(field.get_cached_value(instance), "pk", None) is not None
        }
        # Choices a column's widget only lets through need no second check (a
        # country field's check walks every country, for every row).
        try:
            instance.clean_fields(exclude=exclude | looked_up | self.checked_by_widgets)
        except ValidationError as error:
            engine.add_errors(row, record, error)
        try:
            instance.clean()
        except ValidationError as error:
            engine.add_errors(row, record, error)
            # As in full_clean(): a constraint on a field clean() has reported says no more.
            if hasattr(error, "error_dict"):
                failed = set(failed) | set(error.error_dict) - {NON_FIELD_ERRORS}
        for error in self.unique.check(instance, failed):
            engine.add_errors(row, record, error)
        owner = instance.pk or ("row", row.number)
        for field_name, message, holder in self.unique.clashes(instance, owner):
            if field_name in failed:
                continue
            if isinstance(holder, tuple):
                message = self.duplicate_message(holder[1], instance)
            engine.add_error(row, record, field_name, message)
        if not row.errors:
            self.unique.take(instance, owner)

    def claim(self, engine, row, record, old_keys):
        """The row's keys are taken: a later row of the file may not reuse them."""
        instance = row.instance
        owner = instance.pk or ("row", row.number)
        keys = self.instance_keys(instance)
        for key in keys:
            taken = self.keys.get(key)
            if isinstance(taken, tuple) and taken != owner:
                engine.add_error(
                    row, record, self.key_field, self.duplicate_message(taken[1], instance)
                )
                return
        for key in old_keys:
            if self.keys.get(key) == instance.pk:
                del self.keys[key]
        for key in keys:
            self.keys[key] = owner

    # --- writing ------------------------------------------------------------
    def write_new(self, engine, rows):
        """New rows in bulk with their audit records.

        A model whose save() fills fields in has them filled by its fill_derived_fields();
        one with a save() of another kind is saved row by row.
        """
        model = self._meta.model
        instances = [row.instance for row in rows]
        if model.save is models.Model.save or hasattr(model, "fill_derived_fields"):
            for instance in instances:
                if hasattr(instance, "fill_derived_fields"):
                    instance.fill_derived_fields()
            engine.insert_with_history(model, instances)
        else:
            for instance in instances:
                self.attribute(instance).save()
        for row in rows:
            self.save_related(row.instance, row.related)

    def write_changed_rows(self, engine, rows):
        """The batch's changed rows; a kind whose saves others depend on keeps saving each."""
        model = self._meta.model
        plain_save = model.save is models.Model.save or hasattr(model, "fill_derived_fields")
        if self.bulk_changed_rows and plain_save:
            engine.update_with_history(model, [(r, self.merged_fields(engine, r)) for r in rows])
            for row in rows:
                self.save_related(row.instance, row.related)
        else:
            for row in rows:
                self.write_changed(engine, row)

    def merged_fields(self, engine, row):
        if row.current is None:  # a kind's row not read from the registry as it stands
            return [f.attname for f in row.instance._meta.concrete_fields if not f.primary_key]
        return engine.merge_before_save(row)

    def write_changed(self, engine, row):
        """As an edit in the admin: the model's save, its signals and history.

        Only the columns the file changed are written; what others saved since the
        row was read stays (Import.merge_before_save).
        """
        self.save_changed(engine, row)
        self.save_related(row.instance, row.related)

    def save_changed(self, engine, row):
        if row.current is None:  # a kind's row not read from the registry as it stands
            self.attribute(row.instance).save()
            return
        update_fields = engine.merge_before_save(row)
        if update_fields:
            self.attribute(row.instance).save(update_fields=update_fields)

    def save_related(self, instance, values):
        """Write the related columns of a saved instance through `set_<name>` methods."""
        for name, value in values.items():
            setter = getattr(self, f"set_{name}", None)
            if setter is not None:
                setter(instance, value)

    # --- related columns ----------------------------------------------------
    def export_field(self, field, instance, **kwargs):
        if isinstance(field, RelatedColumn):
            getter = field.getter or getattr(self, f"get_{self.get_field_name(field)}")
            return field.widget.render(getter(instance))
        return super().export_field(field, instance, **kwargs)

    def attribute(self, obj):
        """Stamp an object about to be saved with who or what changed it (audit history)."""
        obj._history_user = self.user
        obj._change_reason = self.source
        return obj

    def save_child(self, obj, validate=True):
        self.attribute(obj)
        if validate:
            obj.full_clean()
        obj.save()
        return obj

    def sync_related(self, existing, items, key, make):
        """Make the related rows equal `items`: delete what is gone, add what is new."""
        wanted = set(items)
        have = {}
        for obj in existing:
            if key(obj) in wanted and key(obj) not in have:
                have[key(obj)] = obj
            else:
                self.attribute(obj)
                obj.delete()
        for item in items:
            if item not in have:
                have[item] = self.save_child(make(item))

    # --- errors -------------------------------------------------------------
    def column_for(self, key):
        """The spreadsheet column a validation error key belongs to ('' when none)."""
        if key == NON_FIELD_ERRORS:
            return ""
        for name, field in self.fields.items():
            if key in (name, field.attribute) or (
                field.attribute and field.attribute.split("__")[0] == key
            ):
                return field.column_name
        return ""

    @classmethod
    def get_display_name(cls):
        return str(cls._meta.model._meta.verbose_name_plural)

    @classmethod
    def template_headers(cls):
        return [f.column_name for f in cls().get_export_fields()]
