"""Multi-step changes to the registry: atomic, checked first, failing with a domain error."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Application, Cluster, ClusterFormerName, Representation, Round, StatusAward

logger = logging.getLogger(__name__)


class RegistryError(Exception):
    """A change the registry's rules do not allow; the message is shown to the user."""


def grant_status_to_successful_applications(round_, certificate_date=None, user=None):
    """Create the StatusAward of every successful application of the round that has none.

    Successful: its outcome says status awarded, or it is still pending and its stage
    results award it (Application.outcome_by_results); such an application's outcome
    is then set to awarded, recorded in its history as the grant's doing.

    The certificate date defaults to the round's gala (certificates are handed out
    there), else its results date; validity follows from it as in StatusAward.save().
    A cluster that already holds an award from this round is never given a second one.
    Returns the awards created.
    """
    with transaction.atomic():
        # Locking the round makes two simultaneous grants run one after the other.
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        certificate_date = certificate_date or round_.gala_date or round_.results_date
        if certificate_date is None:
            raise RegistryError(
                _(
                    "“%(round)s” has no certificate gala or results date: "
                    "fill one in before granting status."
                )
                % {"round": round_}
            )
        stages = list(round_.stages.order_by("order"))
        candidates = (
            round_.applications.filter(
                outcome__in=[Application.Outcome.AWARDED, Application.Outcome.PENDING],
                status_award=None,
            )
            .exclude(cluster__status_awards__round=round_)
            .select_related("cluster", "round")
            .prefetch_related("stage_results")
        )
        successful = []
        for application in candidates:
            if application.outcome == Application.Outcome.PENDING:
                if application.outcome_by_results(stages) != Application.Outcome.AWARDED:
                    continue
                application.outcome = Application.Outcome.AWARDED
                application._history_user = user
                application._change_reason = _("grant status: every stage passed")
                application.save(update_fields=["outcome"])
            successful.append(application)
        kind = (
            StatusAward.Kind.RENEWED
            if round_.kind == Round.Kind.RENEWAL
            else StatusAward.Kind.GRANTED
        )
        awards = []
        for application in successful:
            award = StatusAward(
                cluster=application.cluster,
                round=round_,
                application=application,
                kind=kind,
                certificate_date=certificate_date,
            )
            award.full_clean()
            award.save()
            awards.append(award)
    logger.info("Granted status to %d application(s) of %s", len(awards), round_)
    return awards


def merge_cluster_into(old, new, user=None, reason=""):
    """Make `old` a former name of `new`: its records move to `new`, then `old` goes.

    For a cluster recorded twice under two names (Wschodni Klaster Budowlany, renamed
    Polski Klaster Budowlany). A record `new` already has the like of (an award or
    application of the same round, a term of the same coordinator, figures of the same
    year) is the better-sourced one: `old`'s is deleted rather than moved. Every
    relation to clusters is followed, those of apps built on this one (events) too.
    """
    if old.pk == new.pk:
        raise RegistryError(_("A cluster cannot be merged into itself."))
    with transaction.atomic():
        coordinators = set(new.representations.values_list("coordinator_id", flat=True))
        for relation in Cluster._meta.related_objects:
            if relation.many_to_many:
                accessor = getattr(new, relation.get_accessor_name())
                accessor.add(*getattr(old, relation.get_accessor_name()).all())
                continue
            for row in getattr(old, relation.get_accessor_name()).all():
                row._history_user, row._change_reason = user, reason
                setattr(row, relation.field.name, new)
                duplicate = isinstance(row, Representation) and row.coordinator_id in coordinators
                try:
                    row.validate_constraints()
                except ValidationError:
                    duplicate = True
                if duplicate:
                    setattr(row, relation.field.name, old)
                    row.delete()
                else:
                    row.save()
        for specialisation in old.specialisations.all():
            new.specialisations.add(specialisation)
        if not new.former_names.filter(name__iexact=old.name).exists():
            former = ClusterFormerName(cluster=new, name=old.name)
            former._history_user, former._change_reason = user, reason
            former.save()
        old._history_user, old._change_reason = user, reason
        old.delete()
        new.refresh_search_text()
    logger.info("Merged cluster %s into %s", old, new)
