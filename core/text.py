"""Text folding shared by slugs and search.

Polish Ł/ł has no Unicode decomposition, so NFKD alone leaves it in place;
it is mapped explicitly before the combining marks are dropped.
"""

import re
import unicodedata
from functools import lru_cache

from django.utils.text import slugify

_EXPLICIT_FOLDS = str.maketrans({"ł": "l", "Ł": "L"})
_SPACES = re.compile(r"\s+")
_LINE_SPACES = re.compile(r"[^\S\n]+")
# Two white-space characters together, any but a plain space, or one at either end.
_UNTIDY = re.compile(r"\s\s|[^\S ]|^\s|\s$")


@lru_cache(maxsize=16384)  # imports and exports fold the same names, cities, choices over and over
def fold(text):
    """Lower-case `text` without diacritics: 'Śląski Łódź' -> 'slaski lodz'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXPLICIT_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return squash_spaces(stripped).casefold()


def squash_spaces(text):
    """Trim and collapse runs of white space (including non-breaking) to one space."""
    return _SPACES.sub(" ", text).strip()


def tidy(text):
    """Trim each line and collapse runs of spaces, keeping line breaks (for multi-line cells)."""
    if not _UNTIDY.search(text):
        return text  # most cells of a file: checked by one regex, not rebuilt
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(_LINE_SPACES.sub(" ", line).strip() for line in lines).strip()


def polish_slugify(text):
    return slugify(fold(text))


_ID_SEPARATORS = re.compile(r"[\s\-.]")


def compact_digits(value):
    """Drop spaces, dashes and dots; a leading 'PL' on a NIP is the EU VAT prefix."""
    value = _ID_SEPARATORS.sub("", value or "")
    if value[:2].upper() == "PL":
        value = value[2:]
    return value


def slug_for(model, text, field_name="slug"):
    """`text` as a slug cut to what the model's slug field holds."""
    return polish_slugify(text)[: model._meta.get_field(field_name).max_length]
