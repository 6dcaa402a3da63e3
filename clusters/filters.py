"""The public cluster list's search, filters and sort: one FilterSet, read from the URL."""

import django_filters
from django import forms
from django.db.models import F, Max, OuterRef, Subquery
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from localflavor.pl.pl_voivodeships import VOIVODESHIP_CHOICES

from core.dates import today
from core.language import english_wanted, in_page_language

from .models import Cluster, Round, Specialisation, StatusAward, StatusState
from .search import search_condition

# Long enough for any name; longer input is refused with a message, not searched.
MAX_QUERY_LENGTH = 200


SORT_CHOICES = [
    ("name", _("name (A–Ż)")),
    ("status_end", _("status end date, latest first")),
]


class DisplayNameIterator(ModelChoiceIterator):
    """Options named in the page's language (see core.language), read as plain rows: a
    model instance of every round and specialisation cost more than the select itself."""

    def options(self):
        model, field = self.queryset.model, self.field
        rows = self.queryset.values_list(
            field.to_field_name or "pk", model.polish_field, model.english_field
        )
        return [(value, in_page_language(polish, english)) for value, polish, english in rows]

    def __iter__(self):
        # A generator: the empty choice comes before any query (a select asks for its
        # first choice alone when it decides on `required`).
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.options()


class EnglishAlphabeticalIterator(DisplayNameIterator):
    """On English pages, options in the order of their English labels: the Polish order
    they come in would look random there."""

    def options(self):
        options = super().options()
        if not english_wanted():
            return options
        return sorted(options, key=lambda choice: str(choice[1]).casefold())


class DisplayNameChoiceField(forms.ModelChoiceField):
    """Options named in the page's language (see core.language); values stay slugs."""

    iterator = DisplayNameIterator

    def label_from_instance(self, obj):
        return obj.display_name


class AlphabeticalDisplayNameChoiceField(DisplayNameChoiceField):
    iterator = EnglishAlphabeticalIterator


class DisplayNameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = DisplayNameChoiceField


class AlphabeticalDisplayNameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = AlphabeticalDisplayNameChoiceField


class ClusterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name, city or coordinator"),
        method="search",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    voivodeship = django_filters.ChoiceFilter(
        label=_("Voivodeship"), choices=VOIVODESHIP_CHOICES, empty_label=_("all")
    )
    specialisation = AlphabeticalDisplayNameChoiceFilter(
        label=_("Specialisation"),
        field_name="specialisations",
        to_field_name="slug",
        queryset=Specialisation.objects.all(),
        empty_label=_("all"),
    )
    kind = django_filters.ChoiceFilter(
        label=pgettext_lazy("cluster kind", "Kind"),
        choices=Cluster.Kind.choices,
        empty_label=_("all"),
    )
    round = DisplayNameChoiceFilter(
        label=_("Awarded status in"),
        field_name="status_awards__round",
        to_field_name="slug",
        queryset=Round.objects.all(),
        empty_label=_("any round"),
    )
    status = django_filters.ChoiceFilter(
        label=_("KKK status"),
        choices=StatusState.choices,
        method="filter_status",
        empty_label=_("any"),
    )
    as_of = django_filters.DateFilter(
        label=_("On the day"),
        method="on_the_day",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORT_CHOICES, method="on_the_day", empty_label=None
    )

    class Meta:
        model = Cluster
        fields = []

    def get_form_class(self):
        # Made from the declared filters alone, so once a process: building the fields and
        # the class again cost more than the form's use. Each form still copies the fields
        # (and clones their querysets), as Django's forms do.
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    @property
    def as_of_date(self):
        """The day `status` refers to: `as_of` when valid, else today."""
        if self.is_bound and self.is_valid():
            return self.form.cleaned_data.get("as_of") or today()
        return today()

    def search(self, queryset, name, value):
        # Every word must appear, in any order, in the folded names, seat or coordinators.
        return queryset.filter(search_condition(value))

    def filter_status(self, queryset, name, value):
        return queryset.in_status_state(value, self.as_of_date)

    def on_the_day(self, queryset, name, value):
        # Read by filter_status and filter_queryset rather than filtering by itself.
        return queryset

    # The exports write each cluster's last_status_end; the list page only sorts by it.
    annotates_last_status_end = True

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        by_status_end = self.is_valid() and self.form.cleaned_data.get("sort") == "status_end"
        if by_status_end or self.annotates_last_status_end:
            # End of the latest status started by the day: current or former alike.
            last_end = (
                StatusAward.objects.filter(cluster=OuterRef("pk"), valid_from__lte=self.as_of_date)
                .values("cluster")
                .annotate(last=Max("valid_until"))
                .values("last")
            )
            queryset = queryset.annotate(last_status_end=Subquery(last_end))
        if by_status_end:
            return queryset.order_by(F("last_status_end").desc(nulls_last=True), "sort_key")
        return queryset.order_by("sort_key", "name")


class ClusterListFilter(ClusterFilter):
    """The list page's filters: the subquery of each cluster's last status end is built
    only to sort by it (building it cost 0.7 ms of every page)."""

    annotates_last_status_end = False
