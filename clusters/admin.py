from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms.formsets import DELETION_FIELD_NAME
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin import (
    PreloadedChoicesFormSet,
    ReadOnlyTabularInline,
    RegistryAdmin,
    TabularInline,
    VersionedForm,
)
from core.dates import today
from core.grammar import FEMININE, MASCULINE, NEUTER, PolishNoun, register_nouns
from core.text import fold
from transfer.admin import RegistryImportExportMixin

from . import models, resources
from .search import search_condition
from .services import (
    EXPERTS_GROUP,
    RegistryError,
    add_assessment_areas,
    check_assignment,
    check_stages_can_move,
    close_round,
    declare_impartiality,
    grant_status_to_successful_applications,
    publish_results,
    reopen_score_card,
    reorder_stages,
    round_progress,
    save_score_card,
)

# Each model's name in the forms the Polish admin's titles and messages need.
register_nouns(
    {
        models.Cluster: PolishNoun("klaster", "klaster", "klastry", "klastrów", MASCULINE),
        models.ClusterFormerName: PolishNoun(
            "dawna nazwa", "dawną nazwę", "dawne nazwy", "dawnych nazw", FEMININE
        ),
        models.Representation: PolishNoun(
            "kadencja koordynatora",
            "kadencję koordynatora",
            "kadencje koordynatorów",
            "kadencji koordynatorów",
            FEMININE,
        ),
        models.MemberCount: PolishNoun(
            "liczba członków", "liczbę członków", "liczby członków", "liczb członków", FEMININE
        ),
        models.ClusterLabel: PolishNoun(
            "certyfikat zarządzania klastrem",
            "certyfikat zarządzania klastrem",
            "certyfikaty zarządzania klastrem",
            "certyfikatów zarządzania klastrem",
            MASCULINE,
        ),
        models.Coordinator: PolishNoun(
            "koordynator", "koordynatora", "koordynatorów", "koordynatorów", MASCULINE
        ),
        models.Specialisation: PolishNoun(
            "specjalizacja", "specjalizację", "specjalizacje", "specjalizacji", FEMININE
        ),
        models.Institution: PolishNoun(
            "instytucja", "instytucję", "instytucje", "instytucji", FEMININE
        ),
        models.InstitutionName: PolishNoun(
            "nazwa instytucji", "nazwę instytucji", "nazwy instytucji", "nazw instytucji", FEMININE
        ),
        models.Person: PolishNoun("osoba", "osobę", "osoby", "osób", FEMININE),
        models.PersonRole: PolishNoun(
            "rola osoby", "rolę osoby", "role osób", "ról osób", FEMININE
        ),
        models.ReportedStatusCount: PolishNoun(
            "liczba klastrów ze statusem wg źródła",
            "liczbę klastrów ze statusem wg źródła",
            "liczby klastrów ze statusem wg źródeł",
            "liczb klastrów ze statusem wg źródeł",
            FEMININE,
        ),
        models.Round: PolishNoun("runda", "rundę", "rundy", "rund", FEMININE),
        models.EvaluationStage: PolishNoun(
            "etap oceny", "etap oceny", "etapy oceny", "etapów oceny", MASCULINE
        ),
        models.Criterion: PolishNoun("kryterium", "kryterium", "kryteria", "kryteriów", NEUTER),
        models.Application: PolishNoun("wniosek", "wniosek", "wnioski", "wniosków", MASCULINE),
        models.StageResult: PolishNoun(
            "wynik etapu", "wynik etapu", "wyniki etapów", "wyników etapów", MASCULINE
        ),
        models.ExpertScore: PolishNoun(
            "ocena eksperta", "ocenę eksperta", "oceny ekspertów", "ocen ekspertów", FEMININE
        ),
        models.StatusAward: PolishNoun(
            "nadanie statusu", "nadanie statusu", "nadania statusu", "nadań statusu", NEUTER
        ),
        models.ExpertAssignment: PolishNoun(
            "przydział eksperta",
            "przydział eksperta",
            "przydziały ekspertów",
            "przydziałów ekspertów",
            MASCULINE,
        ),
    }
)


def admin_link(obj):
    """A link to `obj`'s change page in the admin."""
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, obj)


def link_list(objects):
    if not objects:
        return _("none")
    return format_html(
        "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((admin_link(o),) for o in objects))
    )


# --- Clusters ------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    title = _("status today")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return models.StatusState.choices

    def queryset(self, request, queryset):
        if self.value() in models.StatusState.values:
            return queryset.in_status_state(models.StatusState(self.value()))
        return queryset


class StatusOnEstimatesFilter(admin.SimpleListFilter):
    title = _("status today on estimated dates")
    parameter_name = "on_estimates"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        estimated = queryset.with_status_on_estimates(today())
        if self.value() == "yes":
            return estimated
        if self.value() == "no":
            return queryset.exclude(pk__in=estimated.values("pk"))
        return queryset


class FormerNameInline(TabularInline):
    model = models.ClusterFormerName


class RepresentationInline(TabularInline):
    model = models.Representation
    autocomplete_fields = ["coordinator"]


class MemberCountInline(TabularInline):
    model = models.MemberCount


class LabelInline(TabularInline):
    model = models.ClusterLabel


class ClusterStatusAwardInline(TabularInline):
    model = models.StatusAward
    fields = [
        "round",
        "kind",
        "certificate_date",
        "valid_from",
        "valid_until",
        "dates_estimated",
        "earliest_start",
        "latest_end",
        "note",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("round")


@admin.register(models.Cluster)
class ClusterAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.ClusterResource]
    list_display = [
        "name",
        "short_name",
        "voivodeship",
        "coordinator",
        "status",
        "status_until",
        "on_estimates",
        "published",
    ]
    list_filter = [
        "voivodeship",
        "kind",
        "specialisations",
        ("status_awards__round", admin.RelatedOnlyFieldListFilter),
        StatusFilter,
        StatusOnEstimatesFilter,
        "published",
    ]
    search_fields = [
        "name",
        "short_name",
        "former_names__name",
        "representations__coordinator__name",
        "representations__coordinator__nip",
    ]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["specialisations"]
    readonly_fields = ["public_page", "applications_list", "events_list", "created_at"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "short_name",
                    "kind",
                    "in_registration",
                    "founded_year",
                    "published",
                    "public_page",
                ]
            },
        ),
        (
            _("Seat and industry"),
            {
                "fields": [
                    "city",
                    "voivodeship",
                    "specialisations",
                    "website",
                    "description",
                    "source_url",
                ]
            },
        ),
        (
            _("Competitions and events"),
            {
                "description": _(
                    "Applications are edited under Applications, events under Events."
                ),
                "fields": ["applications_list", "events_list", "created_at"],
            },
        ),
    ]
    inlines = [
        FormerNameInline,
        RepresentationInline,
        MemberCountInline,
        LabelInline,
        ClusterStatusAwardInline,
    ]
    history_related = [
        "former_names",
        "representations",
        "member_counts",
        "labels",
        "status_awards",
    ]

    def get_search_results(self, request, queryset, search_term):
        # The stored folded text also finds "żółwi" for "Żółwi" and "slaski" for "Śląski":
        # SQLite's LIKE folds only ASCII letters.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if fold(search_term).split():
            results |= queryset.filter(search_condition(search_term))
        return results, may_have_duplicates

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_status_end(today())
            .prefetch_related(
                "status_awards",
                Prefetch(
                    "representations",
                    queryset=models.Representation.objects.select_related("coordinator"),
                ),
            )
        )

    @admin.display(description=_("coordinator"))
    def coordinator(self, cluster):
        return cluster.coordinator_on() or "–"

    @admin.display(description=_("status today"))
    def status(self, cluster):
        return models.StatusState(cluster.status_badge_on()).label

    @admin.display(description=_("status valid until"), ordering="status_end")
    def status_until(self, cluster):
        return cluster.status_end

    @admin.display(description=_("on estimated dates"), boolean=True)
    def on_estimates(self, cluster):
        """Whether today's status, held or uncertain, comes only from estimated dates."""
        return cluster.status_rests_on_estimates()

    @admin.display(description=_("public page"))
    def public_page(self, cluster):
        if not cluster.pk:
            return "–"
        link = format_html('<a href="{0}">{0}</a>', cluster.get_absolute_url())
        if not cluster.published:
            return format_html("{} ({})", link, _("hidden from the public until published"))
        return link

    @admin.display(description=_("applications"))
    def applications_list(self, cluster):
        return link_list(cluster.applications.select_related("round", "cluster"))

    @admin.display(description=_("events"))
    def events_list(self, cluster):
        return link_list(cluster.events.all())


# --- Coordinators, specialisations, institutions, people ---------------------------


@admin.register(models.Coordinator)
class CoordinatorAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.CoordinatorResource]
    list_display = ["name", "legal_form", "nip", "city", "voivodeship", "clusters"]
    list_filter = ["legal_form", "voivodeship"]
    search_fields = ["name", "nip", "regon", "krs", "representations__cluster__name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["clusters_list"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "legal_form", "clusters_list"]}),
        (
            _("Identifiers"),
            {
                "description": _(
                    "Type them with or without dashes or spaces; only the digits are stored. "
                    "NIP and REGON are checked against their check digit."
                ),
                "fields": ["nip", "regon", "krs"],
            },
        ),
        (
            _("Address and contact"),
            {"fields": ["street", "postal_code", "city", "voivodeship", "website", "email"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "representations",
                    queryset=models.Representation.objects.select_related("cluster"),
                )
            )
        )

    @admin.display(description=_("clusters represented"))
    def clusters(self, coordinator):
        return ", ".join(sorted({str(r.cluster) for r in coordinator.representations.all()}))

    @admin.display(description=_("clusters represented"))
    def clusters_list(self, coordinator):
        if not coordinator.pk:
            return "–"
        return link_list(sorted({r.cluster for r in coordinator.representations.all()}, key=str))


@admin.register(models.Specialisation)
class SpecialisationAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.SpecialisationResource]
    list_display = ["name", "name_en"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name"]}


class InstitutionNameInline(TabularInline):
    model = models.InstitutionName


@admin.register(models.Institution)
class InstitutionAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.InstitutionResource]
    list_display = ["name", "short_name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "names__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [InstitutionNameInline]
    history_related = ["names"]


class PersonRoleInline(TabularInline):
    model = models.PersonRole
    autocomplete_fields = ["cluster", "institution"]


@admin.register(models.Person)
class PersonAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.PersonResource]
    list_display = ["name", "email", "phone"]
    search_fields = ["name"]
    inlines = [PersonRoleInline]
    history_related = ["roles"]


# --- Rounds, applications, results, awards ---------------------------------------


@admin.register(models.ReportedStatusCount)
class ReportedStatusCountAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.ReportedStatusCountResource]
    list_display = ["on", "clusters", "note"]
    search_fields = ["note", "source_url"]
    date_hierarchy = "on"


class StageForm(forms.ModelForm):
    """A stage on its round's page: a new number for a saved stage asks to move it there."""

    def _get_validation_exclusions(self):
        # The stages are renumbered together after the save (StageFormSet), so a stage
        # may ask for a number another holds: neither the form nor the formset refuses it.
        exclusions = super()._get_validation_exclusions()
        if self.instance.pk is not None:
            exclusions.add("order")
        return exclusions


class StageFormSet(PreloadedChoicesFormSet):
    """The round's stages; changed numbers renumber them 1, 2, … through reorder_stages()."""

    def moves(self):
        """{stage id: the number asked for} for the saved stages whose number changed."""
        return {
            form.instance.pk: form.cleaned_data["order"]
            for form in self.initial_forms
            if "order" in form.changed_data
            and form.cleaned_data.get("order")
            and not self._should_delete_form(form)
        }

    def clean(self):
        super().clean()
        if any(self.errors) or not self.moves():
            return
        try:
            check_stages_can_move(self.instance)
        except RegistryError as error:
            raise ValidationError(str(error)) from error

    def save(self, commit=True):
        moves = self.moves()
        for form in self.initial_forms:
            if form.instance.pk in moves:
                # Saved under its old number; reorder_stages() moves it with the others.
                form.instance.order = form.initial["order"]
        saved = super().save(commit)
        if moves:
            old = {form.instance.pk: form.initial["order"] for form in self.initial_forms}

            def place(stage):
                # A stage moved up goes before the one holding its new number, one moved
                # down after it.
                wanted = moves.get(stage.pk, stage.order)
                direction = (
                    (wanted > old[stage.pk]) - (wanted < old[stage.pk]) if stage.pk in moves else 0
                )
                return wanted, direction

            reorder_stages(self.instance, sorted(self.instance.stages.all(), key=place))
        return saved


class StageInline(TabularInline):
    model = models.EvaluationStage
    form = StageForm
    formset = StageFormSet
    ordering = ["order"]
    fields = ["order", "kind", "max_points", "pass_threshold", "experts", "description"]
    show_change_link = True
    verbose_name_plural = _("evaluation stages (open a scored stage to edit its criteria)")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Narrow boxes: a stage's row fits a 1280-pixel screen beside the admin's menu.
        if db_field.name == "description":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 12})
        if db_field.name in ("order", "max_points", "experts"):
            kwargs["widget"] = forms.NumberInput(attrs={"class": "vIntegerField"})
        if db_field.name == "pass_threshold":
            # A decimal shown with a comma (LOCALIZED_DECIMALS): a number input would
            # refuse "50,00" and come up empty.
            kwargs["widget"] = forms.TextInput(
                attrs={"class": "vIntegerField", "inputmode": "decimal"}
            )
        if db_field.name == "order":
            kwargs["help_text"] = _(
                "Type a stage's new number to move it; the stages are then numbered 1, 2, … "
                "again. Empty for a new stage: it goes last."
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class RoundApplicationInline(ReadOnlyTabularInline):
    model = models.Application
    fields = ["application", "submitted_on", "outcome", "total_points"]
    readonly_fields = ["application"]
    show_change_link = False
    verbose_name_plural = _("applications in this round")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("cluster", "round")

    @admin.display(description=_("application"))
    def application(self, application):
        return admin_link(application)


@admin.register(models.Round)
class RoundAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.RoundResource]
    list_display = [
        "name",
        "kind",
        "year",
        "organiser_of_the_day",
        "gala_date",
        "status_valid_until",
    ]
    list_filter = ["kind", "year"]
    list_select_related = ["organiser"]
    search_fields = ["name"]
    autocomplete_fields = ["organiser", "co_organiser"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["figures", "applications_links"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "name_en",
                    "slug",
                    "kind",
                    "number",
                    "year",
                    "organiser",
                    "co_organiser",
                ]
            },
        ),
        (
            _("Dates"),
            {
                "description": _(
                    "The certificate gala (or else the results date) is where granted "
                    "statuses start."
                ),
                "fields": [
                    "call_opens",
                    "call_closes",
                    "results_date",
                    "gala_date",
                    "status_valid_until",
                ],
            },
        ),
        (
            _("Scoring and results"),
            {
                "description": _(
                    "Counted from the applications and stage results below; the figures as "
                    "reported are what the notice states."
                ),
                "fields": [
                    "applications_links",
                    "figures",
                    "max_points",
                    "pass_threshold",
                    "applications_reported",
                    "awards_reported",
                ],
            },
        ),
        (
            _("Running the round in the registry"),
            {
                "description": _(
                    "Set up the stages below, give scored stages their criteria, assign "
                    "experts under Expert assignments and follow the progress page; close "
                    "the round with the action on the list of rounds."
                ),
                "fields": [
                    "progress_link",
                    "divergence_share",
                    "publishes_points",
                    "results_published_at",
                    "closed_at",
                ],
            },
        ),
        (None, {"fields": ["description", "source_url"]}),
    ]
    inlines = [StageInline, RoundApplicationInline]
    history_related = ["stages", "stages__criteria"]
    actions = ["grant_status", "add_criteria", "close"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "progress_link", "closed_at"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "results_published_at" in form.changed_data:
            # The round's awards follow its publication moment.
            publish_results(obj, obj.results_published_at, user=request.user)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="clusters_round_progress",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request, object_id):
        round_ = get_object_or_404(models.Round, pk=object_id)
        if not self.has_view_permission(request, round_):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": _("Progress of %(round)s") % {"round": round_},
            "opts": self.opts,
            "original": round_,
            "round": round_,
            "rows": round_progress(round_),
            "stages": list(round_.stages.order_by("order")),
        }
        return TemplateResponse(request, "admin/clusters/round/progress.html", context)

    @admin.display(description=_("applications"))
    def applications_links(self, round_):
        """The round's applications in their list, and a form for one more with the round set."""
        if not round_.pk:
            return _("Save the round first, then add its applications.")
        listed = reverse("admin:clusters_application_changelist") + f"?round__id__exact={round_.pk}"
        added = reverse("admin:clusters_application_add") + f"?round={round_.pk}"
        count = round_.applications.count()
        return format_html(
            '<a href="{}">{}</a> · <a class="addlink" href="{}">{}</a>',
            listed,
            ngettext("%(count)d application", "%(count)d applications", count) % {"count": count},
            added,
            _("Add an application to this round"),
        )

    @admin.display(description=_("progress"))
    def progress_link(self, round_):
        if not round_.pk:
            return "–"
        url = reverse("admin:clusters_round_progress", args=[round_.pk])
        return format_html('<a href="{}">{}</a>', url, _("Applications × stages × experts"))

    @admin.action(
        description=_("Give scored stages without criteria the five assessment areas"),
        permissions=["change"],
    )
    def add_criteria(self, request, queryset):
        for round_ in queryset:
            for stage in round_.stages.filter(experts__gt=0, criteria=None):
                try:
                    add_assessment_areas(stage, user=request.user)
                except RegistryError as error:
                    self.message_user(request, str(error), messages.ERROR)
                    continue
                self.message_user(
                    request,
                    _("%(round)s, %(stage)s: criteria added.") % {"round": round_, "stage": stage},
                    messages.SUCCESS,
                )

    @admin.action(
        description=_("Close the round: outcomes, ranks and status awards"),
        permissions=["change"],
    )
    def close(self, request, queryset):
        for round_ in queryset:
            try:
                awards = close_round(round_, user=request.user)
            except RegistryError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            self.message_user(
                request,
                ngettext(
                    "%(round)s closed: status granted to %(count)d cluster.",
                    "%(round)s closed: status granted to %(count)d clusters.",
                    len(awards),
                )
                % {"round": round_, "count": len(awards)},
                messages.SUCCESS,
            )

    def get_queryset(self, request):
        # The organiser's names over time, read once for the list, not once a round.
        return super().get_queryset(request).prefetch_related("organiser__names")

    @admin.display(description=_("organiser"), ordering="organiser__name")
    def organiser_of_the_day(self, round_):
        """The organiser under the name it had when the round was held."""
        return round_.organiser_name()

    @admin.display(description=_("results"))
    def figures(self, round_):
        if not round_.pk:
            return "–"
        figures = round_.results_figures()
        rows = [(_("applied"), figures["applied"])]
        rows += [(_("passed %(stage)s") % {"stage": s}, s.passed) for s in figures["stages"]]
        rows.append((_("status awarded"), figures["awarded"]))
        return format_html(
            "<table>{}</table>", format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows)
        )

    @admin.action(
        description=_("Grant status to the successful applications"),
        permissions=["change"],
    )
    def grant_status(self, request, queryset):
        for round_ in queryset:
            try:
                awards = grant_status_to_successful_applications(round_, user=request.user)
            except RegistryError as error:
                self.message_user(request, str(error), messages.ERROR)
                continue
            if awards:
                self.message_user(
                    request,
                    ngettext(
                        "%(round)s: status granted to %(count)d cluster.",
                        "%(round)s: status granted to %(count)d clusters.",
                        len(awards),
                    )
                    % {"round": round_, "count": len(awards)},
                    messages.SUCCESS,
                )
            elif round_.applications.filter(outcome=models.Application.Outcome.PENDING).exists():
                self.message_user(
                    request,
                    _(
                        "%(round)s: no status granted: the pending applications have not "
                        "passed every stage yet."
                    )
                    % {"round": round_},
                    messages.WARNING,
                )
            else:
                self.message_user(
                    request,
                    _("%(round)s: every successful application already has its status.")
                    % {"round": round_},
                    messages.INFO,
                )


class StageResultFormSet(PreloadedChoicesFormSet):
    """Stage results of one application: only its round's stages, decided in order."""

    def __init__(self, *args, instance=None, **kwargs):
        stage = self.form.base_fields["stage"]
        stage.queryset = models.EvaluationStage.objects.select_related("round")
        if instance is not None and instance.round_id:
            stage.queryset = stage.queryset.filter(round=instance.round_id)
        # Each stage says whose it is: a new application may have no round yet.
        stage.label_from_instance = lambda choice: f"{choice.round} – {choice}"
        super().__init__(*args, instance=instance, **kwargs)

    def full_clean(self):
        # Stages entered together are checked together: a later stage may be decided
        # in the same save as the earlier ones it depends on.
        passed = set()
        for form in self.forms:
            deleted = self.can_delete and form[DELETION_FIELD_NAME].value()
            stage = str(form["stage"].value() or "")
            passed_stage = form["result"].value() == models.StageResult.Result.PASSED
            if passed_stage and stage.isdigit() and not deleted:
                passed.add(int(stage))
        for form in self.forms:
            form.instance.passed_stage_ids = passed
        super().full_clean()

    def clean(self):
        """The application's outcome agrees with the results as this form saves them.

        The application form is validated first, so its instance holds the outcome,
        points and reason being saved.
        """
        super().clean()
        application = self.instance
        if not application.round_id:
            return
        verdicts = {}
        for form in self.forms:
            if not form.is_valid() or self._should_delete_form(form):
                continue
            if stage := form.cleaned_data.get("stage"):
                verdicts[stage.pk] = form.cleaned_data["result"]
        try:
            application.check_outcome(list(application.round.stages.all()), verdicts)
        except ValidationError as error:
            raise ValidationError(error.message_dict["outcome"]) from error


def require_decision_note(form):
    """An unscored stage (formal assessment, Expert Panel) is decided with a note saying why."""
    stage = form.cleaned_data.get("stage") or getattr(form.instance, "stage", None)
    result = form.cleaned_data.get("result")
    if (
        stage is not None
        and not stage.is_scored()
        and result in (models.StageResult.Result.PASSED, models.StageResult.Result.FAILED)
        and not form.cleaned_data.get("note", "").strip()
    ):
        form.add_error("note", _("Give a note on the decision."))


class StageResultInlineForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        require_decision_note(self)
        return cleaned_data


class StageResultInline(TabularInline):
    model = models.StageResult
    form = StageResultInlineForm
    formset = StageResultFormSet
    fields = ["stage", "result", "points", "note", "expert_points"]
    readonly_fields = ["expert_points"]
    show_change_link = True
    verbose_name_plural = _("stage results (experts' points: open a result to enter them)")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "note":
            # A box that keeps the row within a 1280-pixel screen beside the menu.
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 36})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("stage").prefetch_related("expert_scores")
        )

    @admin.display(description=_("experts' points"))
    def expert_points(self, result):
        return ", ".join(
            f"{s.expert_number}: {localize(s.points)}" for s in result.expert_scores.all()
        )


@admin.register(models.Application)
class ApplicationAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.ApplicationResource]
    list_display = [
        "cluster",
        "round",
        "submitted_on",
        "outcome",
        "total_points",
        "rank",
        "award",
    ]
    list_filter = ["round", "outcome", "scores_published"]
    list_select_related = ["cluster", "round", "status_award"]
    search_fields = ["cluster__name", "cluster__short_name", "round__name"]
    autocomplete_fields = ["cluster", "round"]
    fieldsets = [
        (None, {"fields": ["cluster", "round", "submitted_on"]}),
        (
            _("Outcome"),
            {
                "description": _(
                    "The outcome follows the stage results below: status awarded only when "
                    "every stage passed and the points reach the round's threshold, rejected "
                    "after a failed stage. A different outcome needs its reason."
                ),
                "fields": [
                    "outcome",
                    "outcome_reason",
                    "total_points",
                    "rank",
                    "scores_published",
                ],
            },
        ),
        (None, {"fields": ["note"]}),
    ]
    inlines = [StageResultInline]
    history_related = ["stage_results", "stage_results__expert_scores"]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        if obj.round_id is None and request.method == "GET":
            # Opened from a round's page (?round=…): offer that round's stages only.
            round_id = request.GET.get("round", "")
            if round_id.isdigit():
                obj.round_id = int(round_id)
        return super().get_formset_kwargs(request, obj, inline, prefix)

    @admin.display(description=_("status award"), boolean=True)
    def award(self, application):
        return hasattr(application, "status_award")


class ExpertScoreInline(TabularInline):
    model = models.ExpertScore
    fields = ["expert_number", "points"]


class StageResultForm(VersionedForm):
    def clean(self):
        cleaned_data = super().clean()
        require_decision_note(self)
        result = self.instance
        if "result" in cleaned_data and result.pk:
            # The application's other results as saved, this one as it is about to be.
            application = result.application
            verdicts = {r.stage_id: r.result for r in application.stage_results.all()}
            verdicts[result.stage_id] = cleaned_data["result"]
            try:
                application.check_outcome(list(application.round.stages.all()), verdicts)
            except ValidationError as error:
                self.add_error("result", error.message_dict["outcome"])
        return cleaned_data


@admin.register(models.StageResult)
class StageResultAdmin(RegistryAdmin):
    """One stage's result with each expert's points; opened from its application."""

    form = StageResultForm

    list_display = ["application", "stage", "result", "points"]
    list_select_related = ["application__cluster", "application__round", "stage"]
    readonly_fields = ["application", "stage"]
    fields = ["application", "stage", "result", "points", "note"]
    inlines = [ExpertScoreInline]
    history_related = ["expert_scores"]

    def has_module_permission(self, request):
        # Reached from an application's page; a list of all results would help nobody.
        return False

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("application__cluster", "application__round", "stage")
        )


@admin.register(models.StatusAward)
class StatusAwardAdmin(RegistryImportExportMixin, RegistryAdmin):
    resource_classes = [resources.StatusAwardResource]
    list_display = [
        "cluster",
        "round",
        "kind",
        "certificate_date",
        "valid_from",
        "valid_until",
        "dates_estimated",
        "earliest_start",
        "latest_end",
    ]
    list_filter = ["round", "kind", "dates_estimated"]
    list_select_related = ["cluster", "round"]
    search_fields = ["cluster__name", "cluster__short_name", "round__name"]
    autocomplete_fields = ["cluster", "round", "application"]
    date_hierarchy = "valid_until"
    fieldsets = [
        (None, {"fields": ["cluster", "round", "application", "kind"]}),
        (
            _("Validity"),
            {
                "description": _(
                    "Status lasts 3 years from the certificate date unless the round announced "
                    "one end date; leave the dates empty to have them filled in."
                ),
                "fields": [
                    "certificate_date",
                    "valid_from",
                    "valid_until",
                    "dates_estimated",
                    "earliest_start",
                    "latest_end",
                    "note",
                    "source_url",
                ],
            },
        ),
    ]


# --- Running a round: criteria, experts, score cards ------------------------------


class CriterionInline(TabularInline):
    model = models.Criterion
    fields = ["order", "name", "max_points"]


@admin.register(models.EvaluationStage)
class EvaluationStageAdmin(RegistryAdmin):
    """A stage with its criteria; opened from its round."""

    fields = ["round", "order", "kind", "max_points", "pass_threshold", "experts", "description"]
    readonly_fields = ["round"]
    inlines = [CriterionInline]
    history_related = ["criteria"]

    def has_module_permission(self, request):
        # Reached from the round's page, where the stages are listed.
        return False

    def has_add_permission(self, request):
        return False


def is_expert_only(request):
    """An expert sees their own assignments only; editors and viewers see every one."""
    user = request.user
    return user.has_perm("clusters.view_expertassignment") and not user.has_perm(
        "clusters.view_application"
    )


class ExpertAssignmentForm(forms.ModelForm):
    class Meta:
        model = models.ExpertAssignment
        fields = ["expert", "application", "stage"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "expert" in self.fields:
            self.fields["expert"].queryset = get_user_model().objects.filter(
                groups__name=EXPERTS_GROUP, is_active=True
            )
            self.fields["stage"].queryset = models.EvaluationStage.objects.filter(
                experts__gt=0
            ).select_related("round")
            self.fields["stage"].label_from_instance = lambda stage: f"{stage.round} – {stage}"

    def clean(self):
        cleaned_data = super().clean()
        application = cleaned_data.get("application")
        stage, expert = cleaned_data.get("stage"), cleaned_data.get("expert")
        if self.instance.pk is None and application and stage and expert:
            try:
                check_assignment(application, stage, expert)
            except RegistryError as error:
                raise ValidationError(str(error)) from error
        return cleaned_data


class DeclarationForm(forms.Form):
    impartial = forms.TypedChoiceField(
        label=_("Declaration"),
        choices=[
            ("yes", _("I declare that I am impartial towards this applicant.")),
            ("no", _("I have a conflict of interest with this applicant.")),
        ],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
    )
    conflict_note = forms.CharField(
        label=_("Conflict of interest"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only with a conflict: what ties you to the applicant."),
    )


def score_card_form(criteria, card):
    """A form with points and a justification for each criterion, as saved so far."""
    saved = {score.criterion_id: score for score in card.scores.all()} if card else {}
    fields = {}
    for criterion in criteria:
        score = saved.get(criterion.pk)
        fields[f"points_{criterion.pk}"] = forms.DecimalField(
            label=f"{criterion.name} (max. {localize(criterion.max_points)})",
            required=False,
            min_value=0,
            max_value=criterion.max_points,
            decimal_places=1,
            initial=score.points if score else None,
            widget=forms.NumberInput(attrs={"step": "0.5"}),
        )
        fields[f"justification_{criterion.pk}"] = forms.CharField(
            label=_("Justification"),
            required=False,
            initial=score.justification if score else "",
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    return type("ScoreCardForm", (forms.Form,), fields)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), widget=forms.Textarea)


@admin.register(models.ExpertAssignment)
class ExpertAssignmentAdmin(RegistryAdmin):
    """Editors assign experts; an expert declares impartiality and fills in a score card.

    An expert's list holds only their own assignments (a conflict ends one), and no
    page shown to them names another expert or their points.
    """

    form = ExpertAssignmentForm
    list_display = ["application", "stage", "impartiality", "card_state", "card_link"]
    list_filter = ["application__round", "impartiality"]
    list_select_related = ["application__cluster", "application__round", "stage", "score_card"]
    search_fields = ["application__cluster__name"]
    history_related = ["score_card", "score_card__scores"]

    def get_list_display(self, request):
        if is_expert_only(request):
            return self.list_display
        return ["expert", *self.list_display]

    def get_list_filter(self, request):
        return [] if is_expert_only(request) else self.list_filter

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_expert_only(request):
            return queryset.filter(expert=request.user).exclude(
                impartiality=models.ExpertAssignment.Impartiality.CONFLICT
            )
        return queryset

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "expert",
            "application",
            "stage",
            "impartiality",
            "declared_at",
            "conflict_note",
            "card_summary",
        ]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["expert", "application", "stage"]
        return self.get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # Assignments are made and ended, not edited: the card is changed on its own page.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if is_expert_only(request):
            return HttpResponseRedirect(
                reverse("admin:clusters_expertassignment_score", args=[object_id])
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        def view(function, name):
            return path(
                f"<int:object_id>/{name}/",
                self.admin_site.admin_view(function),
                name=f"clusters_expertassignment_{name}",
            )

        return [
            view(self.declare_view, "declare"),
            view(self.score_view, "score"),
            view(self.reopen_view, "reopen"),
            *super().get_urls(),
        ]

    def assignment_for(self, request, object_id):
        """The assignment if the user may see it: an expert only their own."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        assignment = self.get_queryset(request).filter(pk=object_id).first()
        if assignment is None:
            raise PermissionDenied(_("This assignment is not yours."))
        return assignment

    def render_page(self, request, template, assignment, **context):
        return TemplateResponse(
            request,
            f"admin/clusters/expertassignment/{template}",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "original": assignment,
                "assignment": assignment,
                **context,
            },
        )

    def declare_view(self, request, object_id):
        assignment = self.assignment_for(request, object_id)
        if assignment.expert_id != request.user.pk:
            raise PermissionDenied(_("Only the assigned expert makes the declaration."))
        if assignment.impartiality != models.ExpertAssignment.Impartiality.PENDING:
            return HttpResponseRedirect(
                reverse("admin:clusters_expertassignment_score", args=[assignment.pk])
            )
        form = DeclarationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                declare_impartiality(
                    assignment, form.cleaned_data["impartial"], form.cleaned_data["conflict_note"]
                )
            except RegistryError as error:
                form.add_error(None, str(error))
            else:
                if assignment.is_active():
                    return HttpResponseRedirect(
                        reverse("admin:clusters_expertassignment_score", args=[assignment.pk])
                    )
                self.message_user(
                    request,
                    _(
                        "Your conflict of interest was recorded; the staff will assign "
                        "another expert."
                    ),
                    messages.WARNING,
                )
                return HttpResponseRedirect(reverse("admin:clusters_expertassignment_changelist"))
        return self.render_page(
            request,
            "declare.html",
            assignment,
            form=form,
            title=_("Declaration of impartiality: %(cluster)s")
            % {"cluster": assignment.application.cluster},
        )

    def score_view(self, request, object_id):
        assignment = self.assignment_for(request, object_id)
        own = assignment.expert_id == request.user.pk
        if own and assignment.impartiality == models.ExpertAssignment.Impartiality.PENDING:
            # No look at the application before the declaration.
            return HttpResponseRedirect(
                reverse("admin:clusters_expertassignment_declare", args=[assignment.pk])
            )
        card = getattr(assignment, "score_card", None)
        criteria = list(assignment.stage.criteria.all())
        form = score_card_form(criteria, card)(request.POST or None)
        editable = own and assignment.is_active() and not (card and card.is_locked())
        if request.method == "POST":
            if not editable:
                raise PermissionDenied(_("This score card cannot be changed."))
            if form.is_valid():
                scores = {
                    c: (
                        form.cleaned_data[f"points_{c.pk}"],
                        form.cleaned_data[f"justification_{c.pk}"],
                    )
                    for c in criteria
                }
                try:
                    save_score_card(assignment, scores, submit="_submit" in request.POST)
                except RegistryError as error:
                    form.add_error(None, str(error))
                else:
                    self.message_user(
                        request,
                        _("The score card was submitted.")
                        if "_submit" in request.POST
                        else _("The draft was saved."),
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(request.path)
        return self.render_page(
            request,
            "score.html",
            assignment,
            form=form,
            card=card,
            editable=editable,
            can_reopen=card is not None
            and card.is_locked()
            and request.user.has_perm("clusters.change_expertassignment"),
            title=_("Score card: %(cluster)s, %(stage)s")
            % {"cluster": assignment.application.cluster, "stage": assignment.stage},
        )

    def reopen_view(self, request, object_id):
        if not request.user.has_perm("clusters.change_expertassignment"):
            raise PermissionDenied(_("Only editors reopen a score card."))
        assignment = self.assignment_for(request, object_id)
        card = get_object_or_404(models.ScoreCard, assignment=assignment)
        form = ReopenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                reopen_score_card(card, form.cleaned_data["reason"], user=request.user)
            except RegistryError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("The score card was reopened."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:clusters_expertassignment_score", args=[assignment.pk])
                )
        return self.render_page(
            request,
            "reopen.html",
            assignment,
            form=form,
            title=_("Reopen the score card: %(assignment)s") % {"assignment": assignment},
        )

    @admin.display(description=_("score card"))
    def card_state(self, assignment):
        card = getattr(assignment, "score_card", None)
        return card.get_state_display() if card else _("not started")

    @admin.display(description=_("open"))
    def card_link(self, assignment):
        url = reverse("admin:clusters_expertassignment_score", args=[assignment.pk])
        return format_html('<a href="{}">{}</a>', url, _("Score card"))

    @admin.display(description=_("score card"))
    def card_summary(self, assignment):
        card = getattr(assignment, "score_card", None)
        if card is None:
            return _("not started")
        url = reverse("admin:clusters_expertassignment_score", args=[assignment.pk])
        return format_html(
            '<a href="{}">{}</a>: {} ({})',
            url,
            _("Score card"),
            card.total(),
            card.get_state_display(),
        )
