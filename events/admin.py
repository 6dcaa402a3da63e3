from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class ParticipationInline(admin.TabularInline):
    model = models.Participation
    extra = 0
    autocomplete_fields = ["person", "cluster", "institution"]


@admin.register(models.Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "start_date", "city", "published"]
    list_filter = ["kind", "published"]
    date_hierarchy = "start_date"
    search_fields = ["title"]
    autocomplete_fields = ["clusters"]
    inlines = [ParticipationInline]


@admin.register(models.Project)
class ProjectAdmin(SimpleHistoryAdmin):
    search_fields = ["name"]
    autocomplete_fields = ["clusters"]
