"""What every registry admin shares: history with restore, the version check, inlines."""

import json
from math import ceil

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import router, transaction
from django.db.models import DecimalField, Max
from django.forms import (
    CharField,
    HiddenInput,
    ModelChoiceField,
    ModelForm,
    ModelMultipleChoiceField,
    Select,
    Textarea,
)
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_m2m_reverse_field_name

from .grammar import (
    noun_for,
    polish_add_another,
    polish_message,
    polish_related_titles,
    polish_title,
)
from .history import RestoreRefused, history_entries, related_rows, restore_version


def latest_version(instance):
    """The id of `instance`'s newest history record: every save writes a new one."""
    return instance.history.aggregate(latest=Max("history_id"))["latest"]


#: Characters a line of the admin's text box holds, roughly (its CSS width, not its cols).
TEXTAREA_LINE = 80
TEXTAREA_ROWS = (3, 25)


def size_textareas(form):
    """Text boxes as tall as their text (within bounds), not a fixed ten rows."""
    for name, field in form.fields.items():
        if not isinstance(field.widget, Textarea):
            continue
        text = str(form.initial.get(name) or "")
        lines = sum(max(1, ceil(len(line) / TEXTAREA_LINE)) for line in text.splitlines())
        low, high = TEXTAREA_ROWS
        field.widget.attrs["rows"] = min(max(lines + 1, low), high)


class PolishRelatedFieldWidgetWrapper(RelatedFieldWidgetWrapper):
    """A related field's links titled "Dodaj kolejną instytucję", not Django's hedged forms."""

    template_name = "core/related_widget_wrapper.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["titles"] = polish_related_titles(noun_for(self.rel.model))
        return context


def with_polish_related_titles(formfield):
    """`formfield` with its related links' titles in agreeing Polish (the admin wraps it)."""
    widget = getattr(formfield, "widget", None)
    if type(widget) is RelatedFieldWidgetWrapper:
        formfield.widget = PolishRelatedFieldWidgetWrapper(
            widget.widget,
            widget.rel,
            widget.admin_site,
            can_add_related=widget.can_add_related,
            can_change_related=widget.can_change_related,
            can_delete_related=widget.can_delete_related,
            can_view_related=widget.can_view_related,
        )
    return formfield


def with_add_text(inline_formset_data, add_text):
    """The inline's settings for its script (Django's JSON) with our "add another" text."""

    def data():
        settings = json.loads(inline_formset_data())
        settings["options"]["addText"] = add_text
        return json.dumps(settings)

    return data


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
        size_textareas(self)

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


class PolishAdminMixin:
    """Polish titles, messages and link titles in the grammar of the model's name.

    Django's Polish says "Dodaj runda" and "został(a)(-ło) dodany(-na)(-ne)"; with the
    forms named in core/grammar.py (register_nouns) this says "Dodaj rundę" and "Runda
    „…” została dodana". Other languages keep Django's texts.
    """

    @property
    def noun(self):
        """The model's name in the forms Polish titles and messages need (core/grammar.py)."""
        return noun_for(self.model)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:
            kind = "add"
        elif self.has_change_permission(request, obj):
            kind = "change"
        else:
            kind = "view"
        context["title"] = polish_title(self.noun, kind) or context["title"]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        if IS_POPUP_VAR in request.GET:
            kind = "select"
        elif self.has_change_permission(request):
            kind = "select_to_change"
        else:
            kind = "select_to_view"
        own = {}
        if title := polish_title(self.noun, kind):
            own = {"title": title, "add_label": polish_title(self.noun, "add")}
        return super().changelist_view(request, {**own, **(extra_context or {})})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return with_polish_related_titles(
            super().formfield_for_dbfield(db_field, request, **kwargs)
        )

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            add_text = polish_add_another(noun_for(inline_formset.formset.model))
            if add_text:
                inline_formset.inline_formset_data = with_add_text(
                    inline_formset.inline_formset_data, add_text
                )
        return inline_formsets

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        message = polish_message(self.noun, self.opts, message)
        return super().message_user(request, message, level, *args, **kwargs)


# Decimal inputs show and accept a decimal comma in Polish, as the public pages show
# points (a number input would show the stored "87.50").
LOCALIZED_DECIMALS = {DecimalField: {"localize": True}}


class RegistryAdmin(PolishAdminMixin, SimpleHistoryAdmin):
    """Every model keeps its history; restoring a version needs the right to change it.

    The history lists the rows named in `history_related` too, and a restore brings
    them back with the record (core/history.py). Change forms carry the version they
    were opened at (see VersionedForm).
    """

    form = VersionedForm
    formfield_overrides = LOCALIZED_DECIMALS

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

    # Rows that belong to the record, as paths of reverse relations ("stage_results",
    # "stage_results__expert_scores"): its history lists their changes, and restoring
    # a version restores them too (see core/history.py).
    history_related = []
    object_history_template = "admin/registry_history.html"
    object_history_form_template = "admin/registry_history_form.html"

    def history_view(self, request, object_id, extra_context=None):
        """The record's versions and its related rows' changes, newest first, in pages."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            # A deleted record still shows its history.
            last = self.model.history.filter(
                **{self.model._meta.pk.attname: unquote(object_id)}
            ).first()
            if last is None:
                raise Http404
            obj = last.instance
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        paginator = Paginator(
            history_entries(obj, self.history_related), self.history_list_per_page
        )
        page_obj = paginator.get_page(request.GET.get(PAGE_VAR))
        context = {
            **self.admin_site.each_context(request),
            "title": self.history_view_title(request, obj),
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.num_pages > 1,
            "module_name": capfirst(self.opts.verbose_name_plural),
            "object": obj,
            "opts": self.opts,
            "app_label": self.opts.app_label,
            "revert_disabled": self.revert_disabled(request, obj),
            "related_kinds": self.related_kinds(),
            **(extra_context or {}),
        }
        return self.render_history_view(request, self.object_history_template, context)

    def related_kinds(self):
        """The kinds of row a restore brings back besides the record, for the pages to say."""
        return [
            capfirst(level.model._meta.verbose_name_plural)
            for level in related_rows(self.model, self.history_related)
        ]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A version's page; posted, it restores the version with its related rows.

        The form only shows the version and carries the version the record was at
        when the page was opened (VersionedForm): what is restored is the version.
        """
        extra_context = {
            "related_kinds": self.related_kinds(),
            # simple-history reads the version and decides whether it may be restored
            # (revert_disabled): the page picks its title by that, without a read of ours.
            "view_version_title": polish_title(self.noun, "view_version"),
            "revert_title": polish_title(self.noun, "revert"),
            **(extra_context or {}),
        }
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        version = get_object_or_404(
            self.model.history,
            **{self.opts.pk.attname: unquote(object_id), "history_id": version_id},
        )
        shown = version.instance
        shown._state.adding = False
        # simple-history hides the revert button from viewers but would still accept the POST.
        if not self.has_change_history_permission(request, shown):
            raise PermissionDenied
        # One transaction, as for the change form: the version check locks the row.
        with transaction.atomic(using=router.db_for_write(self.model)):
            form = self.get_form(request, shown)(request.POST, request.FILES, instance=shown)
            if not form.is_valid():
                # simple-history shows the page again with the form's errors; the same
                # form is invalid there too, so it saves nothing.
                return super().history_form_view(request, object_id, version_id, extra_context)
            try:
                restored = restore_version(version, user=request.user, paths=self.history_related)
            except RestoreRefused as refusal:
                message = _("This version cannot be restored, nothing was changed: %(why)s")
                self.message_user(request, message % {"why": refusal}, messages.ERROR)
                return HttpResponseRedirect(request.path)
        reason = restored._change_reason
        self.log_change(request, restored, reason)
        self.message_user(request, reason, messages.SUCCESS)
        return HttpResponseRedirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[restored.pk]
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        match = request.resolver_match
        if match is None or not match.url_name.endswith("_simple_history"):
            return form

        class VersionForm(form):
            """The version as it was: restoring takes it whole, so nothing is typed here."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name, field in self.fields.items():
                    field.disabled = name != "version"
                # The instance knows only the record's many-to-many rows of today.
                version = self.instance.history.filter(history_id=match.args[1]).first()
                for m2m in version._history_m2m_fields if version else []:
                    if m2m.name in self.fields:
                        rows = getattr(version, m2m.name).all()
                        target = get_m2m_reverse_field_name(m2m)
                        self.initial[m2m.name] = [getattr(row, f"{target}_id") for row in rows]

        return VersionForm


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
    formfield_overrides = LOCALIZED_DECIMALS

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return with_polish_related_titles(
            super().formfield_for_dbfield(db_field, request, **kwargs)
        )

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
