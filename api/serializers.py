"""What each resource shows: public fields only, slugs for identity, links between resources.

Status fields refer to the day in the serializer's context (`on`), today by default.
"""

from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse as site_reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from localflavor.pl.pl_voivodeships import VOIVODESHIP_CHOICES
from rest_framework import serializers
from rest_framework.reverse import reverse

from clusters.models import (
    Application,
    AwardState,
    Cluster,
    Coordinator,
    EvaluationStage,
    Round,
    StatusAward,
    StatusState,
)
from clusters.status_check import Answer
from core.addresses import slug_address
from core.dates import today
from events.models import Event

from .labels import LABELS_SCHEMA, coded


def slug_addresses(serializer, url_name):
    """A function of a slug giving `url_name`'s absolute address, as reverse() and the
    request's build_absolute_uri() give it: made once a request, not once a row (a list
    of clusters reversed two addresses a row; see core.addresses)."""
    made = serializer.context.setdefault("slug_addresses", {})
    if url_name not in made:
        mark = "slug-of-the-row"
        request = serializer.context["request"]
        prefix, suffix = request.build_absolute_uri(slug_address(url_name)(mark)).split(mark)
        made[url_name] = lambda slug: prefix + slug + suffix
    return made[url_name]


class Linked(serializers.Serializer):
    """A resource's own API address (`url`) and, where it has one, its public page (`html_url`)."""

    resource = None  # the router's basename

    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, instance):
        return slug_addresses(self, f"api:{self.resource}-detail")(instance.slug)


class WithPage(Linked):
    page = None  # the URL name of the resource's public page (its get_absolute_url)

    html_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, instance):
        return slug_addresses(self, self.page)(instance.slug)


def on_day(serializer):
    return serializer.context.get("on") or today()


AWARD_STATE = coded(AwardState.choices)
STATUS_STATE = coded(StatusState.choices)


# --- References: enough of a resource to name it and follow the link -----------


class ClusterRef(WithPage):
    resource = "cluster"
    page = "clusters:detail"
    slug = serializers.SlugField()
    name = serializers.CharField()


ENGLISH_EMPTY = "English form; empty when the registry gives none (then use the Polish one)."


class RoundRef(WithPage):
    resource = "round"
    page = "clusters:round-detail"
    slug = serializers.SlugField()
    name = serializers.CharField()
    name_en = serializers.CharField(help_text=ENGLISH_EMPTY)


class CoordinatorRef(Linked):
    resource = "coordinator"
    slug = serializers.SlugField()
    name = serializers.CharField()
    nip = serializers.CharField(help_text="10 digits, or empty when not known.")
    regon = serializers.CharField(help_text="9 or 14 digits, or empty when not known.")
    krs = serializers.CharField(help_text="10 digits, or empty when not known.")


class EventRef(WithPage):
    resource = "event"
    page = "events:detail"
    slug = serializers.SlugField()
    title = serializers.CharField()
    title_en = serializers.CharField(help_text=ENGLISH_EMPTY)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class SpecialisationRef(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.SerializerMethodField()

    @extend_schema_field(LABELS_SCHEMA)
    def get_name(self, specialisation):
        return {"pl": specialisation.name, "en": specialisation.english_name}


# --- Awards -------------------------------------------------------------------


class AwardSerializer(serializers.Serializer):
    """A status award. Its proven period is valid_from..valid_until; with estimated
    dates, earliest_start..latest_end is the widest the sources allow."""

    cluster = ClusterRef()
    round = RoundRef()
    kind = coded(StatusAward.Kind.choices)
    certificate_date = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    dates_estimated = serializers.BooleanField()
    earliest_start = serializers.DateField(allow_null=True)
    latest_end = serializers.DateField(allow_null=True)
    state = serializers.SerializerMethodField()
    source_url = serializers.URLField(allow_blank=True)

    @extend_schema_field(coded(AwardState.choices))
    def get_state(self, award):
        return AWARD_STATE.to_representation(award.state_on(on_day(self)))


# --- Clusters -------------------------------------------------------------------


class ClusterSerializer(WithPage):
    resource = "cluster"
    page = "clusters:detail"
    slug = serializers.SlugField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    kind = coded(Cluster.Kind.choices)
    city = serializers.CharField()
    voivodeship = coded(VOIVODESHIP_CHOICES, allow_null=True)
    specialisations = SpecialisationRef(many=True, source="listed_specialisations")
    coordinator = serializers.SerializerMethodField(help_text="The coordinator on the day.")
    status = serializers.SerializerMethodField(help_text="KKK status on the day.")
    status_expiring = serializers.SerializerMethodField()
    status_valid_until = serializers.SerializerMethodField()
    status_rests_on_estimates = serializers.SerializerMethodField()
    website = serializers.URLField(allow_blank=True)

    @extend_schema_field(CoordinatorRef(allow_null=True))
    def get_coordinator(self, cluster):
        term = cluster.representation_on(on_day(self), terms=cluster.listed_terms)
        return self.coordinator_ref.to_representation(term.coordinator) if term else None

    @cached_property
    def coordinator_ref(self):
        # One for every row of a list: a serializer made per row copied its fields each time.
        return CoordinatorRef(context=self.context)

    @extend_schema_field(coded(StatusState.choices))
    def get_status(self, cluster):
        return STATUS_STATE.to_representation(cluster.status_on(on_day(self)))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_status_expiring(self, cluster):
        return cluster.is_status_expiring_on(on_day(self))

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_status_valid_until(self, cluster):
        return cluster.status_valid_until(on_day(self))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_status_rests_on_estimates(self, cluster):
        return cluster.status_rests_on_estimates(on_day(self))


class FormerNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    used_from_year = serializers.IntegerField(allow_null=True)
    used_until_year = serializers.IntegerField(allow_null=True)
    source_url = serializers.URLField(allow_blank=True)


class TermSerializer(serializers.Serializer):
    """A coordinator's term; an empty end is open."""

    coordinator = CoordinatorRef()
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)


class ClusterTermSerializer(serializers.Serializer):
    cluster = ClusterRef()
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)


class ResultSerializer(serializers.Serializer):
    """An application's outcome and points: only where the scores are published."""

    cluster = ClusterRef()
    round = RoundRef()
    outcome = coded(Application.Outcome.choices)
    total_points = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)


class AwardInClusterSerializer(AwardSerializer):
    cluster = None


class ClusterDetailSerializer(ClusterSerializer):
    description = serializers.CharField()
    founded_year = serializers.IntegerField(allow_null=True)
    in_registration = serializers.BooleanField()
    source_url = serializers.URLField(allow_blank=True)
    former_names = FormerNameSerializer(many=True)
    coordinators = TermSerializer(many=True, source="listed_terms")
    status_awards = AwardInClusterSerializer(many=True, source="status_awards.all")
    results = ResultSerializer(many=True, source="public_results")
    events = EventRef(many=True, source="public_events")


# --- Rounds ---------------------------------------------------------------------


class StageSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    kind = coded(EvaluationStage.Kind.choices)
    max_points = serializers.IntegerField(allow_null=True)
    experts = serializers.IntegerField()


class RoundSerializer(WithPage):
    resource = "round"
    page = "clusters:round-detail"
    slug = serializers.SlugField()
    name = serializers.CharField()
    name_en = serializers.CharField(help_text=ENGLISH_EMPTY)
    kind = coded(Round.Kind.choices)
    number = serializers.IntegerField(allow_null=True)
    year = serializers.IntegerField()
    call_opens = serializers.DateField(allow_null=True)
    call_closes = serializers.DateField(allow_null=True)
    results_date = serializers.DateField(allow_null=True)
    gala_date = serializers.DateField(allow_null=True)
    max_points = serializers.IntegerField(allow_null=True)
    pass_threshold = serializers.IntegerField(allow_null=True)
    status_valid_until = serializers.DateField(allow_null=True)
    source_url = serializers.URLField(allow_blank=True)


class AwardInRoundSerializer(AwardSerializer):
    round = None


class RoundDetailSerializer(RoundSerializer):
    description = serializers.CharField()
    stages = StageSerializer(many=True, source="stages.all")
    status_awards = AwardInRoundSerializer(many=True, source="public_awards")
    results = ResultSerializer(many=True, source="public_results")


# --- Events, coordinators, specialisations -----------------------------------------


class EventSerializer(EventRef):
    kind = coded(Event.Kind.choices)
    venue = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField(source="country.code", help_text="ISO 3166-1 alpha-2.")
    round = RoundRef(allow_null=True)
    clusters = ClusterRef(many=True, source="public_clusters")
    website = serializers.URLField(allow_blank=True)
    source_url = serializers.URLField(allow_blank=True)


class CoordinatorSerializer(CoordinatorRef):
    legal_form = coded(Coordinator.LegalForm.choices)
    city = serializers.CharField()
    voivodeship = coded(VOIVODESHIP_CHOICES, allow_null=True)
    website = serializers.URLField(allow_blank=True)
    clusters = ClusterTermSerializer(many=True, source="public_terms")


class SpecialisationSerializer(SpecialisationRef):
    clusters_url = serializers.SerializerMethodField(help_text="Its clusters, in the API.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_clusters_url(self, specialisation):
        url = reverse("api:cluster-list", request=self.context["request"])
        return f"{url}?specialisation={specialisation.slug}"


# --- The status check ---------------------------------------------------------------


class ClusterAnswerSerializer(serializers.Serializer):
    cluster = ClusterRef()
    answer = coded(Answer.choices)
    coordinator = CoordinatorRef(allow_null=True, help_text="The coordinator on the day.")
    award = AwardInClusterSerializer(
        allow_null=True,
        help_text="The award behind the answer (in force or uncertain), else the last one ended.",
    )


class StatusCheckSerializer(serializers.Serializer):
    on = serializers.DateField()
    cluster = serializers.SlugField(allow_null=True, help_text="The cluster asked about.")
    nip = serializers.CharField(allow_null=True, help_text="The NIP asked about, as digits.")
    answer = coded(Answer.choices)
    clusters = ClusterAnswerSerializer(many=True, source="cluster_answers")
    html_url = serializers.SerializerMethodField(help_text="The same answer as a printable page.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_html_url(self, check):
        page = site_reverse("clusters:status-check") + "?" + urlencode(check.query())
        return self.context["request"].build_absolute_uri(page)
