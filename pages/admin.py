from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import PreloadedChoicesFormSet, RegistryAdmin, TabularInline
from core.grammar import FEMININE, PolishNoun, register_nouns

from .models import AccessibilityStatement, InaccessibleContent


class InaccessibleContentFormSet(PreloadedChoicesFormSet):
    def clean(self):
        super().clean()
        # The statement's own form was cleaned first, so self.instance carries the
        # published flag and the status being saved together with these rows.
        kept = [
            form
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
        ]
        error = self.instance.inaccessible_items_error(len(kept))
        if error:
            raise ValidationError(error, code="no_inaccessible_items")


class InaccessibleContentInline(TabularInline):
    model = InaccessibleContent
    formset = InaccessibleContentFormSet
    fields = ["kind", "description_pl", "description_en"]


# The model's name in the forms the Polish admin's titles and messages need.
register_nouns(
    {
        AccessibilityStatement: PolishNoun(
            "deklaracja dostępności",
            "deklarację dostępności",
            "deklaracje dostępności",
            "deklaracji dostępności",
            FEMININE,
        ),
        InaccessibleContent: PolishNoun(
            "pozycja listy niedostępnych treści",
            "pozycję listy niedostępnych treści",
            "pozycje listy niedostępnych treści",
            "pozycji listy niedostępnych treści",
            FEMININE,
        ),
    }
)


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(RegistryAdmin):
    list_display = ["__str__", "published", "status", "updated_on", "reviewed_on", "contact_person"]
    list_filter = ["published", "status"]
    inlines = [InaccessibleContentInline]
    history_related = ["inaccessible_items"]
    fieldsets = [
        (
            None,
            {
                "fields": ["entity", "published", "status"],
                "description": _(
                    "A statement that is partially compliant or not compliant lists its "
                    "inaccessible content below; publishing needs the contact person, e-mail "
                    "and phone."
                ),
            },
        ),
        (_("Dates"), {"fields": ["published_on", "updated_on", "prepared_on", "reviewed_on"]}),
        (_("Assessment"), {"fields": ["assessment", "assessor"]}),
        (
            _("Contact for accessibility requests"),
            {"fields": ["contact_person", "contact_email", "contact_phone"]},
        ),
        (
            _("Other information"),
            {
                "fields": [
                    "architecture_url",
                    "architecture_pl",
                    "architecture_en",
                    "communication_pl",
                    "communication_en",
                    "mobile_apps_pl",
                    "mobile_apps_en",
                ]
            },
        ),
    ]
