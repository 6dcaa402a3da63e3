"""The Polish catalogue is complete and compiled; Polish is what visitors get first."""

import gettext
import re

from django.conf import settings
from django.utils import translation

from clusters.models import Cluster, StatusAward

PO = settings.BASE_DIR / "locale" / "pl" / "LC_MESSAGES" / "django.po"
ENTRY = re.compile(r'^(?:msgctxt "(?P<ctx>.*)"\n)?msgid "(?P<id>.*)"\n', re.MULTILINE)


def po_entries():
    """(context, msgid, translated?) for each entry, including wrapped msgids."""
    text = PO.read_text()
    for block in text.split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""\n"Project-Id' not in block:
            yield block, False
            continue
        match = re.search(r'msgid "(.*?)"\n((?:".*"\n)*)', block + "\n")
        if not match or (match.group(1) == "" and not match.group(2)):
            continue
        strings = re.findall(r'msgstr(?:\[\d\])? "(.*)"\n((?:".*"\n)*)', block + "\n")
        yield block, all(first or rest for first, rest in strings)


def test_every_polish_message_is_translated():
    untranslated = [block for block, done in po_entries() if not done]
    assert untranslated == []


def test_compiled_catalogue_has_every_message():
    mo = gettext.GNUTranslations(PO.with_suffix(".mo").open("rb"))
    compiled = {key for key in mo._catalog if key}
    expected = sum(1 for _ in po_entries())
    # Plural entries are stored once per form.
    assert len({k if isinstance(k, str) else k[0] for k in compiled}) == expected


def test_models_speak_polish_and_english():
    with translation.override("pl"):
        assert str(Cluster._meta.verbose_name_plural) == "klastry"
        assert str(StatusAward._meta.get_field("valid_until").verbose_name) == "ważny do"
    with translation.override("en"):
        assert str(Cluster._meta.verbose_name_plural) == "clusters"
