"""Did a cluster, or a cluster an organisation coordinated, hold KKK status on a day?

Funding calls ask it (PARP's were open to coordinators of a KKK on the day the
application was filed, see shared FACTS.md): the answer is yes, no, or uncertain
where the award's dates are estimated. The public page and the API both read it here.
"""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.text import compact_digits

from .models import Cluster, Representation, StatusAward, StatusState
from .validators import validate_nip


class Answer(models.TextChoices):
    YES = "yes", _("yes, it held KKK status")
    NO = "no", _("no, it did not hold KKK status")
    UNCERTAIN = "uncertain", _("uncertain: the sources give only estimated dates")


@dataclass
class ClusterAnswer:
    cluster: Cluster
    answer: Answer
    # The award behind the answer (in force or uncertain), else the last one ended.
    award: StatusAward | None
    coordinator: object | None


@dataclass
class StatusCheck:
    on: object
    # The question: a cluster's slug or a NIP (digits).
    cluster: str | None = None
    nip: str | None = None
    cluster_answers: list = field(default_factory=list)

    def query(self):
        """The question's parameters with the day written out: the address to cite."""
        asked = {"cluster": self.cluster} if self.cluster else {"nip": self.nip}
        return asked | {"on": self.on.isoformat()}

    @property
    def answer(self):
        """Yes when any cluster held status; uncertain when one may have; else no."""
        answers = {item.answer for item in self.cluster_answers}
        for answer in (Answer.YES, Answer.UNCERTAIN):
            if answer in answers:
                return answer
        return Answer.NO


ANSWER_FOR_STATE = {StatusState.CURRENT: Answer.YES, StatusState.UNCERTAIN: Answer.UNCERTAIN}


def check_status(on=None, cluster=None, nip=None):
    """The answer for `on` (default today) about the published cluster with slug `cluster`,
    or about the published clusters the coordinator with NIP `nip` (digits) represented
    that day. Three queries whatever the number of clusters."""
    on = on or today()
    clusters = Cluster.objects.published().prefetch_related(
        Prefetch("status_awards", queryset=StatusAward.objects.select_related("round")),
        Prefetch("representations", queryset=Representation.objects.select_related("coordinator")),
    )
    if cluster:
        clusters = clusters.filter(slug=cluster)
    else:
        clusters = clusters.filter(representations__coordinator__nip=nip).distinct()
    check = StatusCheck(on=on, cluster=cluster or None, nip=nip or None)
    for found in clusters.order_by("sort_key", "name"):
        term = found.representation_on(on)
        if nip and (term is None or term.coordinator.nip != nip):
            continue  # it coordinated this cluster on other days only
        check.cluster_answers.append(
            ClusterAnswer(
                cluster=found,
                answer=ANSWER_FOR_STATE.get(found.status_on(on), Answer.NO),
                award=found.award_told_on(on),
                coordinator=term.coordinator if term else None,
            )
        )
    return check


class StatusCheckForm(forms.Form):
    """The question, from the URL: `cluster` (a slug) or `nip`, and `on` (default today)."""

    cluster = forms.SlugField(label=_("Cluster (address name)"), required=False, max_length=250)
    nip = forms.CharField(
        label="NIP",
        required=False,
        max_length=20,
        help_text=_("Any format: 5260250274, 526-025-02-74 or PL5260250274."),
    )
    on = forms.DateField(
        label=_("On the day"),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("YYYY-MM-DD; empty for today."),
    )

    def clean_nip(self):
        value = self.cleaned_data["nip"]
        if not value:
            return ""
        digits = compact_digits(value)
        validate_nip(digits)
        return digits

    def clean_cluster(self):
        slug = self.cleaned_data["cluster"]
        if slug and not Cluster.objects.published().filter(slug=slug).exists():
            raise ValidationError(
                _("No cluster in the registry has the address name “%(slug)s”."),
                code="not_found",
                params={"slug": slug},
            )
        return slug

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("cluster") and data.get("nip"):
            self.add_error("nip", _("Ask about a cluster or a NIP, not both."))
        elif not data.get("cluster") and not data.get("nip"):
            self.add_error("cluster", _("Give a cluster's address name or a coordinator's NIP."))
        return data

    def check(self):
        data = self.cleaned_data
        return check_status(data.get("on") or today(), data.get("cluster"), data.get("nip"))
