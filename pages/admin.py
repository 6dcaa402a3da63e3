from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import RegistryAdmin
from core.grammar import FEMININE, PolishNoun, register_nouns

from .models import AccessibilityStatement

# The model's name in the forms the Polish admin's titles and messages need.
register_nouns(
    {
        AccessibilityStatement: PolishNoun(
            "deklaracja dostępności",
            "deklarację dostępności",
            "deklaracje dostępności",
            "deklaracji dostępności",
            FEMININE,
        )
    }
)


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(RegistryAdmin):
    list_display = ["__str__", "status", "updated_on", "reviewed_on", "contact_person"]
    fieldsets = [
        (None, {"fields": ["entity", "status", "issues_pl", "issues_en"]}),
        (_("Dates"), {"fields": ["published_on", "updated_on", "prepared_on", "reviewed_on"]}),
        (_("Assessment"), {"fields": ["assessment", "assessor"]}),
        (
            _("Contact for accessibility requests"),
            {"fields": ["contact_person", "contact_email", "contact_phone"]},
        ),
    ]
