from django.db import models
from django.utils.translation import gettext_lazy as _
from localflavor.pl.pl_voivodeships import VOIVODESHIP_CHOICES

from core.text import compact_digits


class CompactDigitsField(models.CharField):
    """A CharField for NIP/REGON/KRS: accepts '123-456-32-18' or 'PL1234563218', stores digits."""

    def to_python(self, value):
        value = super().to_python(value)
        return compact_digits(value) if value else ""

    def pre_save(self, model_instance, add):
        value = compact_digits(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        # Typed with separators ("526-025-02-74") the value is longer than the digits
        # stored; the length is checked after compacting, by the model field.
        return super().formfield(**{"max_length": None, **kwargs})


def voivodeship_field(**kwargs):
    return models.CharField(
        _("voivodeship"), max_length=20, choices=VOIVODESHIP_CHOICES, blank=True, **kwargs
    )
