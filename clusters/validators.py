"""Validators for Polish organisation identifiers.

Each returns nothing and raises ValidationError naming what is wrong; the
`compact_*` helpers give the stored (normalised) form.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.pl import nip, regon

from core.text import compact_digits

POSTAL_CODE = re.compile(r"^\d{2}-\d{3}$")


def _validate_digits(value, label, lengths):
    if not value.isdigit():
        raise ValidationError(
            _("%(label)s may contain only digits, got “%(value)s”."),
            code="invalid_characters",
            params={"label": label, "value": value},
        )
    if len(value) not in lengths:
        raise ValidationError(
            _("%(label)s must have %(lengths)s digits, “%(value)s” has %(count)d."),
            code="invalid_length",
            params={
                "label": label,
                "lengths": _(" or ").join(str(n) for n in lengths),
                "value": value,
                "count": len(value),
            },
        )


def validate_nip(value):
    value = compact_digits(value)
    _validate_digits(value, "NIP", (10,))
    if not nip.is_valid(value):
        raise ValidationError(
            _("NIP “%(value)s” has a wrong check digit."), code="checksum", params={"value": value}
        )


def validate_regon(value):
    value = compact_digits(value)
    _validate_digits(value, "REGON", (9, 14))
    if not regon.is_valid(value):
        raise ValidationError(
            _("REGON “%(value)s” has a wrong check digit."),
            code="checksum",
            params={"value": value},
        )


def validate_krs(value):
    # The KRS number is a 10-digit serial (zero-padded) with no check digit.
    value = compact_digits(value)
    _validate_digits(value, "KRS", (10,))
    if int(value) == 0:
        raise ValidationError(_("KRS number cannot be all zeros."), code="invalid")


def validate_postal_code(value):
    if not POSTAL_CODE.match(value or ""):
        raise ValidationError(
            _("Postal code must look like 00-950, got “%(value)s”."),
            code="invalid",
            params={"value": value},
        )
