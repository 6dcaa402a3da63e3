from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import RegistryAdmin, TabularInline
from core.grammar import MASCULINE, NEUTER, PolishNoun, register_nouns
from transfer.admin import RegistryImportExportMixin

from . import models, resources
from .services import duplicate_event

# Each model's name in the forms the Polish admin's titles and messages need.
register_nouns(
    {
        models.Event: PolishNoun("wydarzenie", "wydarzenie", "wydarzenia", "wydarzeń", NEUTER),
        models.Participation: PolishNoun(
            "uczestnik", "uczestnika", "uczestników", "uczestników", MASCULINE
        ),
        models.Project: PolishNoun("projekt", "projekt", "projekty", "projektów", MASCULINE),
    }
)


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("start_date", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(start_date__year=int(self.value()))
        return queryset


class ParticipationInline(TabularInline):
    model = models.Participation
    fields = ["person", "role", "title", "cluster", "institution"]
    autocomplete_fields = ["person", "cluster", "institution"]


@admin.register(models.Event)
class EventAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.EventResource]
    list_display = ["title", "kind", "start_date", "end_date", "city", "country", "published"]
    list_filter = ["kind", YearFilter, "published", "country"]
    date_hierarchy = "start_date"
    search_fields = ["title", "venue", "city"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["clusters", "organiser", "part_of", "round", "project"]
    fieldsets = [
        (None, {"fields": ["title", "title_en", "slug", "kind", "published"]}),
        (
            _("When and where"),
            {
                "description": _("Leave the end date empty for a one-day event."),
                "fields": ["start_date", "end_date", "venue", "city", "country"],
            },
        ),
        (
            _("Context"),
            {
                "description": _("A panel held during a gala is part of the gala."),
                "fields": [
                    "organiser",
                    "part_of",
                    "round",
                    "project",
                    "clusters",
                    "description",
                    "website",
                    "source_url",
                ],
            },
        ),
    ]
    inlines = [ParticipationInline]
    history_related = ["participations"]
    actions = ["duplicate"]

    @admin.action(description=_("Duplicate for next year (as a draft)"), permissions=["add"])
    def duplicate(self, request, queryset):
        copies = [duplicate_event(event) for event in queryset]
        self.message_user(
            request,
            ngettext(
                "%(count)d unpublished copy made: check its dates and publish it.",
                "%(count)d unpublished copies made: check their dates and publish them.",
                len(copies),
            )
            % {"count": len(copies)},
            messages.SUCCESS,
        )


@admin.register(models.Project)
class ProjectAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.ProjectResource]
    list_display = ["name", "programme", "grant_signed_on"]
    search_fields = ["name", "topic"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["clusters"]
