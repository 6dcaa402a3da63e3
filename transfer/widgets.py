"""Widgets for the Polish spreadsheet quirks: value <-> cell text.

`clean()` accepts what staff type or Excel writes (dd.mm.yyyy, decimal
commas, "tak"/"nie", "woj. śląskie"); `render()` writes one canonical form,
so an exported file imports back to the same values. Errors are ValueErrors
whose text names the expected form; the importer adds row and column.
"""

import datetime
import re
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.utils import translation
from django.utils.translation import gettext as _
from import_export import widgets

from core.text import compact_digits, fold, squash_spaces

DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%y")
# 06/01/2022 is 6 January in Poland and June 6th in an English spreadsheet.
SLASH_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
SLASH_FORMATS = {"day_first": "%d/%m/%Y", "month_first": "%m/%d/%Y"}


def slash_order(column, values):
    """Which part of the column's slash dates is the day, as the file itself proves it.

    A first part above 12 proves day-first, a second part above 12 month-first. None
    when the column has no slash dates; ValueError when it proves neither or both.
    """
    day_first = month_first = example = None
    for value in values:
        match = SLASH_DATE.match(value) if isinstance(value, str) else None
        if match is None:
            continue
        example = example or match.group(0).strip()
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12:
            day_first = day_first or match.group(0).strip()
        if second > 12:
            month_first = month_first or match.group(0).strip()
    if example is None:
        return None
    if day_first and month_first:
        raise ValueError(
            _(
                "The column “%(column)s” has dates with slashes written day first "
                "(“%(day_first)s”) and month first (“%(month_first)s”). Write its dates "
                "as dd.mm.yyyy, for example 06.01.2022."
            )
            % {"column": column, "day_first": day_first, "month_first": month_first}
        )
    if not (day_first or month_first):
        raise ValueError(
            _(
                "The column “%(column)s” has dates with slashes (“%(example)s”) that do not "
                "show whether the day or the month comes first. Write its dates as "
                "dd.mm.yyyy, for example 06.01.2022."
            )
            % {"column": column, "example": example}
        )
    return "day_first" if day_first else "month_first"


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


class DateWidget(widgets.Widget):
    """dd.mm.yyyy, yyyy-mm-dd, dd-mm-yyyy or an XLSX date; slash dates as the file proves.

    `slash_order` is set for a file's column from its values (see slash_order()); a
    slash date whose order neither its column nor the value itself proves is refused,
    never guessed.
    """

    slash_order = None

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, datetime.datetime):  # XLSX cells
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        match = SLASH_DATE.match(text)
        if match:
            order = self.slash_order
            if order is None:
                # No column to prove the order (a date inside a list cell): the value may.
                first, second = int(match.group(1)), int(match.group(2))
                if first > 12 >= second:
                    order = "day_first"
                elif second > 12 >= first:
                    order = "month_first"
                else:
                    raise ValueError(
                        _("“%(value)s” could be read day first or month first; write dd.mm.yyyy.")
                        % {"value": text}
                    )
            try:
                return datetime.datetime.strptime(text, SLASH_FORMATS[order]).date()
            except ValueError:
                pass
        for date_format in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(
            _("“%(value)s” is not a date; write dd.mm.yyyy or yyyy-mm-dd.") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d.%m.%Y") if value else ""


# No number in the registry (years, points, counts of firms) has more digits than this
# before or after the point; a larger exponent (1e1000000) would cost seconds of CPU
# in the first arithmetic on it.
MAX_NUMBER_DIGITS = 20


class DecimalWidget(widgets.Widget):
    """Accepts a decimal comma and thousands spaces ("1 234,5"); writes a comma.

    Infinity, NaN and numbers beyond MAX_NUMBER_DIGITS are refused as they are read,
    before any arithmetic on them.
    """

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, int | float | Decimal):
            text = str(value)
        else:
            text = re.sub(r"[\s\u00a0]", "", str(value)).replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
        if not number.is_finite():
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value})
        if not -MAX_NUMBER_DIGITS <= number.adjusted() < MAX_NUMBER_DIGITS:
            raise ValueError(
                _("“%(value)s” is out of range: a number here has at most %(digits)d digits.")
                % {"value": value, "digits": MAX_NUMBER_DIGITS}
            )
        return number

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        text = f"{value.normalize():f}"
        return text.replace(".", ",")


class IntegerWidget(DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class BooleanWidget(widgets.Widget):
    TRUE = {"tak", "t", "yes", "y", "true", "1", "x", "prawda"}
    FALSE = {"nie", "n", "no", "false", "0", "falsz", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = fold(str(value if value is not None else ""))
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(
            _("“%(value)s” is not yes or no; write “tak” or “nie”.") % {"value": value}
        )

    def render(self, value, obj=None, **kwargs):
        return "tak" if value else "nie"


class ChoiceWidget(widgets.Widget):
    """A choice by its stored value or its label in Polish or English, any case or accents."""

    #: clean() gives only valid choices: the field need not check them again, row by row.
    validates_choices = True

    def __init__(self, choices, blank=False, prefixes=()):
        self.choices = list(choices)
        self.blank = blank
        self.prefixes = tuple(fold(p) for p in prefixes)
        super().__init__()

    @cached_property
    def _lookup(self):
        # Built once a widget: the labels' translations do not change while it lives.
        table = {}
        for value, label in self.choices:
            table[fold(value)] = value
            for language in ("pl", "en"):
                with translation.override(language):
                    table[fold(str(label))] = value
        return table

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            if self.blank:
                return ""
            raise ValueError(_("This column cannot be empty."))
        key = fold(str(value))
        for prefix in self.prefixes:
            if key.startswith(prefix):
                key = key[len(prefix) :].strip()
        try:
            return self._lookup[key]
        except KeyError:
            with translation.override("pl"):
                allowed = ", ".join(str(label) for _value, label in self.choices)
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": allowed}
            ) from None

    @cached_property
    def _polish_labels(self):
        # Exports are in Polish whatever the exporting user's language, so files stay stable.
        with translation.override("pl"):
            return {value: str(label) for value, label in self.choices}

    def render(self, value, obj=None, **kwargs):
        return self._polish_labels.get(value, value or "")


def voivodeship_widget():
    from localflavor.pl.pl_voivodeships import VOIVODESHIP_CHOICES

    # "woj. śląskie", "Województwo Śląskie", "slaskie", "Silesian" all mean the same.
    return ChoiceWidget(VOIVODESHIP_CHOICES, blank=True, prefixes=("województwo", "woj."))


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a number Excel stored in a text column
        return str(value).strip()

    def render(self, value, obj=None, **kwargs):
        return value or ""


class DigitsWidget(TextWidget):
    """NIP, REGON, KRS: '526-025-02-74' and 'PL5260250274' are the same number.

    A spreadsheet that took the identifier for a number dropped its leading zeros
    (012345675 became 12345675): they are put back to one of `lengths` when
    `is_valid` (the identifier's checksum) proves the padded number, or always when
    the identifier has no checksum (`is_valid` None: KRS is always written with 10).
    Anything not proved is left as it came, for the field to refuse.
    """

    def __init__(self, lengths=(), is_valid=None):
        self.lengths = tuple(sorted(lengths))
        self.is_valid = is_valid
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # an XLSX number cell: 12345675.0
        digits = compact_digits(super().clean(value, row, **kwargs))
        if not digits.isdigit() or not self.lengths or len(digits) in self.lengths:
            return digits  # a 9-digit REGON is a REGON, not a 14-digit one short of zeros
        for length in self.lengths:
            if len(digits) < length:
                padded = digits.zfill(length)
                if self.is_valid is None or self.is_valid(padded):
                    return padded
                break  # only the nearest length: 8 digits are a REGON of 9, never of 14
        return digits


def pipe_lines(value, fewest, most, message):
    """The lines of a cell such as 'a | b | c', each split into `most` squashed parts.

    Lines whose first part is empty are skipped; `message` (with %(value)s) refuses a
    line with fewer than `fewest` or more than `most` parts.
    """
    for line in str(value or "").splitlines():
        parts = [squash_spaces(part) for part in line.split("|")]
        if not parts[0]:
            continue
        if not fewest <= len(parts) <= most:
            raise ValueError(message % {"value": line})
        yield parts + [""] * (most - len(parts))


class PointsListWidget(widgets.Widget):
    """Points of several experts in one cell: '32; 32,5'."""

    def clean(self, value, row=None, **kwargs):
        parts = re.split(r"\s*;\s*", str(value or "").strip())
        return [DecimalWidget().clean(part) for part in parts if part]

    def render(self, value, obj=None, **kwargs):
        return "; ".join(DecimalWidget().render(points) for points in value or [])


class NameListWidget(TextWidget):
    """Names in one cell separated by semicolons: 'Chemia; Lotnictwo'. Duplicates are dropped."""

    def clean(self, value, row=None, **kwargs):
        seen = {}
        for name in str(value or "").split(";"):
            name = squash_spaces(name)
            if name:
                seen.setdefault(name.lower(), name)
        return list(seen.values())

    def render(self, value, obj=None, **kwargs):
        return "; ".join(sorted(value or [], key=fold))
