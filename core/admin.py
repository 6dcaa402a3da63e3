"""What every registry admin shares: history with restore, the version check, inlines."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.db.models import Max
from django.forms import (
    CharField,
    HiddenInput,
    ModelChoiceField,
    ModelForm,
    ModelMultipleChoiceField,
    Select,
)
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta
from simple_history.utils import get_m2m_reverse_field_name


def latest_version(instance):
    """The id of `instance`'s newest history record: every save writes a new one."""
    return instance.history.aggregate(latest=Max("history_id"))["latest"]


class VersionedForm(ModelForm):
    """Refuses to save over a change somebody else saved after this form was opened.

    The page carries the version it was opened at; the check runs inside the
    admin's transaction with the row locked, so two saves at once cannot both pass.
    """

    version = CharField(widget=HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["version"] = str(latest_version(self.instance) or "")

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        model = type(self.instance)
        using = router.db_for_write(model)
        if transaction.get_connection(using).in_atomic_block:
            # Locked until the admin's transaction ends (PostgreSQL; SQLite writes one at a
            # time), so a save between this check and ours has to wait for ours.
            list(
                model._default_manager.using(using)
                .select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("pk", flat=True)
            )
        current = str(latest_version(self.instance) or "")
        if cleaned_data.get("version", "") != current:
            raise ValidationError(
                _(
                    "Someone else changed this record since you opened it. Open it again "
                    "to see their changes, then make yours."
                ),
                code="stale",
            )
        return cleaned_data


class RegistryAdmin(SimpleHistoryAdmin):
    """Every model keeps its history; restoring a version needs the right to change it.

    Change forms carry the version they were opened at (see VersionedForm).
    """

    form = VersionedForm

    def get_fieldsets(self, request, obj=None):
        # Without fieldsets Django lists every form field, the version among them.
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f != "version"]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is None or not self.has_change_permission(request, obj):
            return fieldsets
        # A hidden field renders only when a fieldset names it.
        first_name, first = fieldsets[0]
        return [(first_name, {**first, "fields": [*first["fields"], "version"]}), *fieldsets[1:]]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history hides the revert button from viewers but would still accept the POST.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if not self.has_change_history_permission(request, obj):
                raise PermissionDenied
        # One transaction, as for the change form: the version check locks the row.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Field-level differences between consecutive versions, newest first.

        simple-history reads the many-to-many fields of each version with its own
        queries; here they are read for the whole page at once.
        """
        records = list(historical_records)
        if not records:
            return
        m2m_names = [field.name for field in records[0]._history_m2m_fields]
        if not m2m_names:
            return super().set_history_delta_changes(
                request, historical_records, foreign_keys_are_objs
            )
        related = {name: self._m2m_versions(records, name) for name in m2m_names}
        for newer, older in zip(records, records[1:], strict=False):
            delta = newer.diff_against(
                older, excluded_fields=m2m_names, foreign_keys_are_objs=foreign_keys_are_objs
            )
            changes = list(delta.changes)
            for name, versions in related.items():
                before, after = versions.get(older.pk, []), versions.get(newer.pk, [])
                if before != after:
                    changes.append(ModelChange(name, before, after))
            delta = ModelDelta(changes, [c.field for c in changes], older, newer)
            helper = self.get_historical_record_context_helper(request, newer)
            newer.history_delta_changes = helper.context_for_delta_changes(delta)

    def _m2m_versions(self, records, name):
        """{history id: [{related field: object}, …]} for one many-to-many field."""
        reverse_name = get_m2m_reverse_field_name(self.model._meta.get_field(name))
        through = getattr(records[0], name).model
        rows = (
            through.objects.filter(history__in=[record.pk for record in records])
            .select_related(reverse_name)
            .order_by(reverse_name)
        )
        versions = {}
        for row in rows:
            versions.setdefault(row.history_id, []).append(
                {reverse_name: getattr(row, reverse_name)}
            )
        return versions


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that renders the chosen object from a label given in advance.

    Stock AutocompleteSelect looks its selected value up with one query per form,
    so an inline with 200 rows made 200 queries.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Shared by the copies made for each form of one formset (copies are shallow).
        self.labels = {}

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if v not in self.choices.field.empty_values]
        if not all(v in self.labels for v in chosen):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for v in chosen:
            options.append(self.create_option(name, v, self.labels[v], True, len(options)))
        return [(None, options, 0)]


class PreloadedChoicesFormSet(BaseInlineFormSet):
    """Inline rows render their related objects from one query each, not one per row."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = list(self.get_queryset())
        for name, field in self.form.base_fields.items():
            if name == self.fk.name or not isinstance(field, ModelChoiceField):
                continue
            if isinstance(field, ModelMultipleChoiceField):
                continue
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, PreloadedAutocompleteSelect):
                for row in rows:
                    related = getattr(row, name)
                    if related is not None:
                        widget.labels[str(related.pk)] = field.label_from_instance(related)
            elif isinstance(widget, Select):
                field.choices = list(field.choices)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # Every row belongs to the parent being edited; say so, or its __str__ queries it again.
        if getattr(form.instance, self.fk.attname) == self.instance.pk:
            setattr(form.instance, self.fk.name, self.instance)
        return form


class RegistryInlineMixin:
    """Inlines that do not query once per row: related rows come joined, choices once."""

    formset = PreloadedChoicesFormSet
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        joined = [
            name
            for name in self.get_autocomplete_fields(request)
            if self.model._meta.get_field(name).many_to_one
        ]
        queryset = super().get_queryset(request)
        return queryset.select_related(*joined) if joined else queryset


class TabularInline(RegistryInlineMixin, admin.TabularInline):
    pass


class ReadOnlyTabularInline(admin.TabularInline):
    """Rows shown for context on another object's page; edited on their own page."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
