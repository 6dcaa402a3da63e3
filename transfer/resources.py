"""The shared base of every import/export resource.

Rows are matched on natural keys (never database ids), related rows that
live in one cell (former names, stage results, participants) are columns
of their own kind, and a row whose every cell already equals the registry
is reported as unchanged and not written, so re-importing an exported file
changes nothing.
"""

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, instance_loaders, resources

from core.text import squash_spaces

from .widgets import BooleanWidget, ChoiceWidget, DateWidget, IntegerWidget, TextWidget

HEADER_ROW = 1


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


def cell(row, column):
    """The text of a row's cell with its spaces squashed; '' when the cell is empty."""
    value = row.get(column)
    return squash_spaces(str(value)) if value not in (None, "") else ""


def row_errors(result, resource, headers):
    """Every error of an import result, as spreadsheet row, column, value and message."""
    errors = []
    present = set(headers)
    for invalid in result.invalid_rows:
        values = {
            column: value
            for column, value in zip(result.diff_headers, invalid.values, strict=False)
            if column in present
        }
        for key, messages in invalid.error_dict.items():
            column = resource.column_for(key)
            for message in messages:
                errors.append(
                    RowError(
                        invalid.number + HEADER_ROW, column, str(values.get(column, "")), message
                    )
                )
    for number, row_failures in result.row_errors():
        for failure in row_failures:
            errors.append(RowError(number + HEADER_ROW, "", "", str(failure.error)))
    return sorted(errors, key=lambda e: e.row)


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
    """Base for every kind: natural keys, related columns, audit attribution, unchanged rows."""

    #: A short, stable name: the KIND of `import_csv KIND`.
    kind = None
    #: Fields whose columns a file of this kind must have (the natural key).
    required_columns = ("name",)

    def __init__(self, user=None, source="", on_row=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        self.source = source
        self.on_row = on_row
        self._pending = {}

    class Meta:
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
        report_skipped = True
        # Unused: find_existing() matches natural keys itself.
        instance_loader_class = instance_loaders.BaseInstanceLoader

    # --- natural keys -------------------------------------------------------
    def find_existing(self, row):
        """The registry's instance for `row`, or None: by slug, else by name ignoring case.

        Kinds with other natural keys (coordinators by NIP, awards and applications by
        cluster and round) override this; clusters have their own importer (cluster_import).
        """
        manager = self._meta.model._default_manager
        slug = squash_spaces(str(row.get("Identyfikator") or ""))
        name = squash_spaces(str(row.get("Nazwa") or ""))
        return (
            (slug and manager.filter(slug=slug).first())
            or (name and manager.filter(name__iexact=name).first())
            or None
        )

    def get_instance(self, instance_loader, row):
        return self.find_existing(row)

    def init_instance(self, row=None):
        return self._meta.model()

    def get_queryset(self):
        return self._meta.model._default_manager.all()

    # --- related columns ----------------------------------------------------
    def related_columns(self):
        return {name: f for name, f in self.fields.items() if isinstance(f, RelatedColumn)}

    def export_field(self, field, instance, **kwargs):
        if isinstance(field, RelatedColumn):
            getter = field.getter or getattr(self, f"get_{self.get_field_name(field)}")
            return field.widget.render(getter(instance))
        return super().export_field(field, instance, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        pending = {}
        for name, field in self.related_columns().items():
            if field.column_name not in row:
                continue
            try:
                pending[name] = field.widget.clean(row[field.column_name], row=row)
            except ValueError as error:
                errors[name] = ValidationError(str(error), code="invalid")
        self._pending[id(instance)] = pending
        self.prepare_instance(instance, pending, errors)
        if errors:
            raise ValidationError(errors)

    def prepare_instance(self, instance, values, errors):
        """Set attributes that come from related columns before validation (foreign keys)."""

    def after_save_instance(self, instance, row, **kwargs):
        self.save_related(instance, self._pending.pop(id(instance), {}))

    def save_related(self, instance, values):
        """Write the related columns of a saved instance through `set_<name>` methods."""
        for name, value in values.items():
            setter = getattr(self, f"set_{name}", None)
            if setter is not None:
                setter(instance, value)

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

    def before_save_instance(self, instance, row, **kwargs):
        self.attribute(instance)

    def import_data(self, dataset, *args, **kwargs):
        result = super().import_data(dataset, *args, **kwargs)
        # Errors as the spreadsheet numbers its rows, for the admin and the commands alike.
        result.spreadsheet_errors = row_errors(result, self, dataset.headers or [])
        return result

    def after_import_row(self, row, row_result, **kwargs):
        if self.on_row is not None:
            self.on_row()

    # --- unchanged rows -----------------------------------------------------
    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Unchanged when every column of the row renders as the registry's value does."""
        if import_validation_errors or original is None or original.pk is None:
            return False
        for name, field in self.fields.items():
            if field.column_name not in row:
                continue
            try:
                if isinstance(field, RelatedColumn):
                    value = self._pending.get(id(instance), {}).get(name)
                    incoming = field.widget.render(value)
                else:
                    incoming = field.widget.render(field.clean(row))
            except (ValueError, ValidationError):
                return False
            if incoming != self.export_field(field, original):
                return False
        return True

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
