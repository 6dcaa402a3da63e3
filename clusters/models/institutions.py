"""The ministry and the other institutions, with their names over time."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.language import EnglishNamed
from core.models import NaturalKeyQuerySet


class InstitutionQuerySet(NaturalKeyQuerySet):
    def extra_names(self):
        return InstitutionName.objects.values_list("institution_id", "name")

    def by_name(self, name):
        """Institutions called `name` now or formerly (ministries are renamed)."""
        lowered = name.lower()
        former = InstitutionName.objects.alias(lowered=Lower("name")).filter(
            institution=models.OuterRef("pk"), lowered=lowered
        )
        return self.alias(lowered=Lower("name")).filter(
            models.Q(lowered=lowered) | models.Exists(former)
        )


class Institution(EnglishNamed, models.Model):
    """A ministry, agency or office that organises rounds or events."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("ministry")
        AGENCY = "agency", _("government agency")
        REGIONAL = "regional", _("regional government")
        PARLIAMENT = "parliament", _("parliament")
        OTHER = "other", pgettext_lazy("institution kind", "other")

    name = models.CharField(
        _("current name"), max_length=200, help_text=_("The name in use today.")
    )
    name_en = models.CharField(
        _("current name (English)"),
        max_length=200,
        blank=True,
        help_text=_("The official English form of the current name, where there is one."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)

    objects = InstitutionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def name_on(self, day):
        """The name the institution bore on `day` (ministries are renamed with governments)."""
        for period in self.names.all():
            if (period.used_from is None or period.used_from <= day) and (
                period.used_until is None or day <= period.used_until
            ):
                return period.name
        return self.name

    def display_name_on(self, day):
        """name_on(day) in the page's language: the English form belongs to the current
        name only, so a former name stays Polish on English pages."""
        name = self.name_on(day)
        return self.display_name if name == self.name else name


class InstitutionName(models.Model):
    institution = models.ForeignKey(
        Institution, models.CASCADE, related_name="names", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=200)
    used_from = models.DateField(_("used from"), null=True, blank=True)
    used_until = models.DateField(_("used until"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("institution name")
        verbose_name_plural = _("institution names")
        ordering = ["institution", F("used_from").asc(nulls_first=True)]
        constraints = [
            models.CheckConstraint(
                condition=Q(used_until__isnull=True)
                | Q(used_from__isnull=True)
                | Q(used_until__gte=F("used_from")),
                name="institution_name_period_ordered",
                violation_error_message=_("A name cannot stop being used before it starts."),
            ),
        ]

    def __str__(self):
        return self.name
