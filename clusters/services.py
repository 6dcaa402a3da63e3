"""Multi-step changes to the registry: atomic, checked first, failing with a domain error."""

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from .models import Application, Round, StatusAward

logger = logging.getLogger(__name__)


class RegistryError(Exception):
    """A change the registry's rules do not allow; the message is shown to the user."""


def grant_status_to_successful_applications(round_, certificate_date=None):
    """Create the StatusAward of every application the round awarded that has none yet.

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
        successful = (
            round_.applications.filter(outcome=Application.Outcome.AWARDED, status_award=None)
            .exclude(cluster__status_awards__round=round_)
            .select_related("cluster")
        )
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
