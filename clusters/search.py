"""Search text and Polish sort keys stored on each cluster.

Both are computed in Python and stored, so searching and sorting behave the
same on SQLite and PostgreSQL whatever collation the database was created with.
"""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

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


# Words this long are looked up in the trigram index (migration 0014); shorter words
# have no trigram and are matched by LIKE over the rows, as before.
TRIGRAM_LENGTH = 3
# A search matching more clusters than this reads them as before: the list's pages then
# come from walking its order index with LIKE (a page's 25 rows are found among the
# first few hundred read), where the index's thousands of ids would all be read and
# sorted first. Fewer matches are read by id from the index.
INDEXED_MATCHES_AT_MOST = 1000


def _phrases(words):
    # An FTS5 phrase of a trigram table matches exactly where it is a substring.
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


_MATCHING = "SELECT rowid FROM clusters_cluster_search WHERE clusters_cluster_search MATCH %s"


def _every_word(words):
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return condition


def search_condition(query):
    """The clusters whose search text holds every word of `query`, in any order.

    Each word is a substring of the folded text (`LIKE '%word%'`). PostgreSQL answers
    that from its pg_trgm GIN index by itself; SQLite's LIKE cannot use an index, so
    words of three characters or more first narrow the rows through the FTS5 trigram
    table when it finds few of them (one capped count tells), and LIKE then checks only
    those: the same rows as LIKE alone.
    """
    words = fold(query).split()
    condition = _every_word(words)
    long_words = [word for word in words if len(word) >= TRIGRAM_LENGTH]
    if long_words and connection.vendor == "sqlite":
        phrases = _phrases(long_words)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM ({_MATCHING} LIMIT %s)",
                [phrases, INDEXED_MATCHES_AT_MOST + 1],
            )
            (matches,) = cursor.fetchone()
        if matches <= INDEXED_MATCHES_AT_MOST:
            condition &= Q(pk__in=RawSQL(_MATCHING, [phrases]))
    return condition


def published_matches(clusters, query):
    """How many published clusters hold every word of `query`, counted in SQLite's trigram
    index; None where it cannot tell (PostgreSQL, a word too short for a trigram).

    Counting with LIKE read every published row's text (about 30 ms for 100 000); the
    index counts 16 000 matches in 4. It holds unpublished clusters too: those, few, are
    counted with LIKE along their own index and taken off. `clusters`: Cluster.objects.
    """
    words = fold(query).split()
    if connection.vendor != "sqlite" or not words:
        return None
    if any(len(word) < TRIGRAM_LENGTH for word in words):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({_MATCHING})", [_phrases(words)])
        (indexed,) = cursor.fetchone()
    return indexed - clusters.unpublished().filter(_every_word(words)).count()
