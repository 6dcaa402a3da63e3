"""Pages of the public site that staff keep as data: the accessibility statement."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.language import in_page_language

# The public site went live on this day; the statement's dates start from it.
LAUNCH_DAY = datetime.date(2026, 11, 24)
# The Act wants the statement reviewed every year by 31 March; the dashboard
# starts reminding staff a few weeks before.
REVIEW_DEADLINE = (3, 31)
REVIEW_REMINDER_FROM = (2, 1)


def launch_day():
    return LAUNCH_DAY


class AccessibilityStatementQuerySet(models.QuerySet):
    def current(self):
        """The statement in force: the latest published one, or None while none is."""
        return self.filter(published=True).order_by("-updated_on", "-pk").first()


class AccessibilityStatement(models.Model):
    """Data of the deklaracja dostępności (Act of 4 April 2019 on digital accessibility, art. 10).

    The wording, fixed headings and element ids of the ministry's template
    (version 2.0, in force since 16 July 2024) live in the template; the dates,
    the status, the contacts and what is inaccessible live here.
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
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_(
            "Only a published statement is shown on the site; until one is, the site says "
            "the statement is being prepared."
        ),
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
    prepared_on = models.DateField(_("statement prepared on"), default=launch_day)
    reviewed_on = models.DateField(
        _("statement last reviewed on"),
        null=True,
        blank=True,
        help_text=_("Review it every year by 31 March; empty until the first review."),
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
    contact_person = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    architecture_pl = models.TextField(
        _("architectural accessibility (Polish)"),
        blank=True,
        help_text=_(
            "The entrances, lifts, toilets and parking of the seat, or leave empty and give a link."
        ),
    )
    architecture_en = models.TextField(_("architectural accessibility (English)"), blank=True)
    architecture_url = models.URLField(
        _("page describing architectural accessibility"),
        blank=True,
        help_text=_("The entity's own page about its buildings, when it has one."),
    )
    communication_pl = models.TextField(
        _("communication accessibility (Polish)"),
        blank=True,
        help_text=_(
            "Ways to reach the entity besides e-mail and phone: an online sign-language "
            "interpreter, SMS, ePUAP, an induction loop."
        ),
    )
    communication_en = models.TextField(_("communication accessibility (English)"), blank=True)
    mobile_apps_pl = models.TextField(
        _("mobile applications (Polish)"),
        blank=True,
        help_text=_("Only when the entity has mobile applications: their names and statements."),
    )
    mobile_apps_en = models.TextField(_("mobile applications (English)"), blank=True)

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
        return str(_("Accessibility statement of %(day)s")) % {"day": self.last_reviewed}

    def clean(self):
        super().clean()
        if not self.published:
            return
        # The template's a11y-kontakt, a11y-email and a11y-telefon must say something real.
        missing = {
            "contact_person": _("A published statement needs the contact person."),
            "contact_email": _("A published statement needs the contact e-mail."),
            "contact_phone": _("A published statement needs the contact phone."),
        }
        errors = {
            name: message for name, message in missing.items() if not getattr(self, name).strip()
        }
        if errors:
            raise ValidationError(errors)

    def inaccessible_items_error(self, count):
        """Why the statement cannot be published with `count` inaccessible items, or None.

        Checked where the items are edited together with the statement (the admin's
        inline), since the model alone sees only the items saved before.
        """
        if self.published and self.status != self.Status.FULL and count == 0:
            return _(
                "A statement that is “%(status)s” cannot be published without a list of "
                "inaccessible content: add at least one item, or leave it unpublished."
            ) % {"status": self.get_status_display()}
        return None

    @property
    def last_reviewed(self):
        """When the statement was last prepared or reviewed: either counts as this year's review."""
        return self.reviewed_on or self.prepared_on

    def review_state(self, on):
        """How the yearly review stands on day `on`.

        "due" from 1 February until this year's review is done, "overdue" after
        31 March (or when last year's was missed), else None.
        """
        deadline = datetime.date(on.year, *REVIEW_DEADLINE)
        reviewed_year = self.last_reviewed.year
        if reviewed_year < on.year - 1 or (reviewed_year < on.year and on > deadline):
            return "overdue"
        if reviewed_year < on.year and on >= datetime.date(on.year, *REVIEW_REMINDER_FROM):
            return "due"
        return None

    @property
    def phone_uri(self):
        """The contact phone as a tel: link wants it: digits and a leading plus only."""
        return "tel:" + re.sub(r"[^\d+]", "", self.contact_phone)

    def in_page_language(self, field):
        """A `_pl`/`_en` text in the page's language, Polish where no English is given."""
        return in_page_language(getattr(self, f"{field}_pl"), getattr(self, f"{field}_en"))


class InaccessibleContent(models.Model):
    """One item of the statement's "Niedostępne treści": what is not accessible and why."""

    class Kind(models.TextChoices):
        # The three reasons the ministry's template lists; each label is the heading
        # the template gives them under "Niedostępne treści".
        NON_COMPLIANT = "non_compliant", _("Non-compliance with the annex to the Act")
        EXEMPT = "exempt", _("Content not covered by the regulations")
        BURDEN = "burden", _("Disproportionate burden")

    statement = models.ForeignKey(
        AccessibilityStatement,
        on_delete=models.CASCADE,
        related_name="inaccessible_items",
        verbose_name=_("accessibility statement"),
    )
    kind = models.CharField(_("reason"), max_length=20, choices=Kind, default=Kind.NON_COMPLIANT)
    description_pl = models.TextField(
        _("description (Polish)"),
        help_text=_("What is not accessible, and the accessible alternative if there is one."),
    )
    description_en = models.TextField(_("description (English)"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("inaccessible content item")
        verbose_name_plural = _("inaccessible content")
        ordering = ["statement", "kind", "pk"]

    def __str__(self):
        return self.description_pl[:80]

    @property
    def description(self):
        return in_page_language(self.description_pl, self.description_en)
