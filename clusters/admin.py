from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


class FormerNameInline(admin.TabularInline):
    model = models.ClusterFormerName
    extra = 0


class RepresentationInline(admin.TabularInline):
    model = models.Representation
    extra = 0
    autocomplete_fields = ["coordinator"]


class StatusAwardInline(admin.TabularInline):
    model = models.StatusAward
    extra = 0
    fields = ["round", "kind", "certificate_date", "valid_from", "valid_until", "dates_estimated"]


@admin.register(models.Cluster)
class ClusterAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "voivodeship", "kind", "published"]
    list_filter = ["voivodeship", "kind", "published"]
    search_fields = ["name", "short_name", "former_names__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["specialisations"]
    inlines = [FormerNameInline, RepresentationInline, StatusAwardInline]


@admin.register(models.Coordinator)
class CoordinatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "legal_form", "nip", "city"]
    search_fields = ["name", "nip", "regon", "krs"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(models.Specialisation)
class SpecialisationAdmin(SimpleHistoryAdmin):
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name"]}


class StageInline(admin.TabularInline):
    model = models.EvaluationStage
    extra = 0


@admin.register(models.Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "year", "organiser"]
    search_fields = ["name"]
    inlines = [StageInline]


class StageResultInline(admin.TabularInline):
    model = models.StageResult
    extra = 0


@admin.register(models.Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["cluster", "round", "outcome", "total_points"]
    list_select_related = ["cluster", "round"]
    inlines = [StageResultInline]


@admin.register(models.StatusAward)
class StatusAwardAdmin(SimpleHistoryAdmin):
    list_display = ["cluster", "round", "kind", "valid_from", "valid_until"]
    list_select_related = ["cluster", "round"]


class InstitutionNameInline(admin.TabularInline):
    model = models.InstitutionName
    extra = 0


@admin.register(models.Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind"]
    search_fields = ["name", "names__name"]
    inlines = [InstitutionNameInline]


@admin.register(models.Person)
class PersonAdmin(SimpleHistoryAdmin):
    search_fields = ["name"]
