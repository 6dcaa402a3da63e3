"""People named in the notices and the roles they hold."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.models import NaturalKeyQuerySet


class Person(models.Model):
    """Someone named in the notices: a minister, a cluster's chairman, a moderator."""

    name = models.CharField(_("full name"), max_length=120, unique=True)
    # Contact details are for staff only; the public site never shows them.
    email = models.EmailField(_("e-mail (staff only)"), blank=True)
    phone = models.CharField(_("phone (staff only)"), max_length=40, blank=True)

    objects = NaturalKeyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    """Roles people hold in clusters, institutions and events."""

    MINISTER = "minister", _("minister")
    CHAIRMAN = "chairman", _("chairman")
    VICE_CHAIRMAN = "vice_chairman", _("vice-chairman")
    COORDINATOR = "coordinator", pgettext_lazy("person role", "coordinator")
    OFFICE_DIRECTOR = "office_director", _("office director")
    HEAD_OF_UNIT = "head_of_unit", _("head of unit")
    MODERATOR = "moderator", _("moderator")
    REPRESENTATIVE = "representative", _("representative")
    SPEAKER = "speaker", _("speaker")
    AUTHOR = "author", _("author")
    OTHER = "other", pgettext_lazy("person role", "other")


class PersonRole(models.Model):
    """A role a person is named in by a source, outside any event."""

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    title = models.CharField(
        _("title as stated"), max_length=250, blank=True, help_text=_("E.g. “dyrektor biura KOM”.")
    )
    cluster = models.ForeignKey(
        "Cluster",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="people_roles",
        verbose_name=_("cluster"),
    )
    institution = models.ForeignKey(
        "Institution",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="people_roles",
        verbose_name=_("institution"),
    )
    year = models.PositiveSmallIntegerField(_("year stated"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("person's role")
        verbose_name_plural = _("people's roles")
        ordering = ["person", "-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cluster__isnull=False) | Q(institution__isnull=False),
                name="person_role_has_organisation",
                violation_error_message=_("A role belongs to a cluster or an institution."),
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_role_display()}"
