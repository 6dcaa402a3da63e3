"""Search text and Polish sort keys stored on each cluster.

Both are computed in Python and stored, so searching and sorting behave the
same on SQLite and PostgreSQL whatever collation the database was created with.
"""

from core.text import fold

# Polish alphabetical order: each accented letter is a letter of its own, after its
# base; q, v and x (foreign to Polish) keep their Latin places.
_ORDER = "0123456789aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
# Two digits per character; "00" separates words so "klaster a" sorts before "klastera".
_CODES = {char: f"{index + 1:02d}" for index, char in enumerate(_ORDER)}
_WORD_BREAK = "00"
SORT_KEY_LENGTH = 500


def polish_sort_key(text):
    """A string of digits that orders names as a Polish dictionary does (Ł after L).

    Only digits are stored because database collations may skip spaces and
    punctuation or reorder letters; digit strings compare the same everywhere.
    """
    codes = []
    for char in text.lower():
        if char in _CODES:
            codes.append(_CODES[char])
        elif char.isspace() or char in "-–—/":
            if codes and codes[-1] != _WORD_BREAK:
                codes.append(_WORD_BREAK)
        else:
            # Foreign letters (é, ü) sort as their base letter; other signs are ignored.
            codes.extend(_CODES[base] for base in fold(char) if base in _CODES)
    return "".join(codes)[:SORT_KEY_LENGTH]


def search_text(*parts):
    """Every part folded (no case, no Polish letters), kept apart so a match never spans two."""
    return " | ".join(fold(part) for part in parts if part)
