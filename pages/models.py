"""Pages of the public site that staff keep as data: the accessibility statement."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The public site went live on this day; the statement's dates start from it.
LAUNCH_DAY = datetime.date(2026, 11, 24)


def launch_day():
    return LAUNCH_DAY


class AccessibilityStatementQuerySet(models.QuerySet):
    def current(self):
        """The statement in force: the latest saved, or the defaults until staff save one."""
        return self.order_by("-updated_on", "-pk").first() or AccessibilityStatement()


class AccessibilityStatement(models.Model):
    """Data of the deklaracja dostępności (Act of 4 April 2019 on digital accessibility, art. 10).

    The wording and the element ids required by the ministry's template live
    in the template; the dates, the status and the contact person live here.
    """

    class Status(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    class Assessment(models.TextChoices):
        SELF = "self", _("self-assessment")
        EXTERNAL = "external", _("assessment by an external body")

    entity = models.CharField(
        _("public entity"), max_length=250, default="Ministerstwo Rozwoju i Technologii"
    )
    published_on = models.DateField(_("site published on"), default=launch_day)
    updated_on = models.DateField(
        _("site last updated on"),
        default=launch_day,
        help_text=_("The last significant change of the site's content or layout."),
    )
    status = models.CharField(
        _("compliance status"), max_length=10, choices=Status, default=Status.PARTIAL
    )
    issues_pl = models.TextField(
        _("inaccessible content (Polish)"),
        blank=True,
        help_text=_("What is not accessible and why; one item per line."),
    )
    issues_en = models.TextField(_("inaccessible content (English)"), blank=True)
    prepared_on = models.DateField(_("statement prepared on"), default=launch_day)
    reviewed_on = models.DateField(
        _("statement last reviewed on"),
        default=launch_day,
        help_text=_("Review it every year by 31 March (art. 11 of the Act)."),
    )
    assessment = models.CharField(
        _("how accessibility was assessed"),
        max_length=10,
        choices=Assessment,
        default=Assessment.SELF,
    )
    assessor = models.CharField(
        _("external assessor"),
        max_length=250,
        blank=True,
        help_text=_("Only for an external assessment."),
    )
    contact_person = models.CharField(_("contact person"), max_length=120, default="")
    contact_email = models.EmailField(_("contact e-mail"), default="")
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    objects = AccessibilityStatementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(updated_on__gte=models.F("published_on")),
                name="a11y_statement_updated_after_published",
                violation_error_message=_("The site cannot be updated before it was published."),
            ),
        ]

    def __str__(self):
        return str(_("Accessibility statement of %(day)s")) % {"day": self.reviewed_on}

    def issues(self, language):
        text = self.issues_en if language == "en" and self.issues_en else self.issues_pl
        return [line.strip() for line in text.splitlines() if line.strip()]
