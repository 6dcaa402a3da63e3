"""Polish admin titles and messages in correct grammar.

Django's Polish admin puts a model's name in the nominative wherever it goes
("Dodaj runda", "Wybierz runda do zmiany") and hedges the gender of its messages
("runda „X” został(a)(-ło) dodany(-na)(-ne) pomyślnie"). Each registry admin names
its models' forms (register_nouns); the admin base class (core/admin.py) uses them
for its titles and rewrites Django's messages, recognised by their own wording,
into sentences that agree; an inline's "add another" button says "Dodaj kolejny etap
oceny". Other languages keep Django's texts.
"""

import re
from dataclasses import dataclass

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext, ngettext

MASCULINE, FEMININE, NEUTER = "m", "f", "n"

#: {model class: PolishNoun}, filled by each app's admin module (register_nouns).
NOUNS = {}


@dataclass(frozen=True)
class PolishNoun:
    """A model's name as Polish sentences about it need it."""

    nominative: str  # "runda": the model's Polish verbose_name
    accusative: str  # "rundę": Dodaj …, Zmień …, Wybierz … do zmiany
    few: str  # "rundy": after 2, 3, 4, 22, …
    many: str  # "rund": after 5 … 21, 25, …
    gender: str  # MASCULINE, FEMININE or NEUTER: "został dodany", "została dodana", …

    def counted(self, count):
        """The form that follows the number `count`: 1 rundę, 2 rundy, 5 rund."""
        if count == 1:
            return self.accusative
        if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
            return self.few
        return self.many

    def past(self, stem):
        """ "została dodana" for stem "dodan": the passive agreeing with the gender."""
        auxiliary = {MASCULINE: "został", FEMININE: "została", NEUTER: "zostało"}
        ending = {MASCULINE: "y", FEMININE: "a", NEUTER: "e"}
        return f"{auxiliary[self.gender]} {stem}{ending[self.gender]}"

    @property
    def pronoun(self):
        return {MASCULINE: "go", FEMININE: "ją", NEUTER: "je"}[self.gender]

    @property
    def chosen(self):
        return {MASCULINE: "wybrany", FEMININE: "wybraną", NEUTER: "wybrane"}[self.gender]

    @property
    def another(self):
        return {MASCULINE: "kolejny", FEMININE: "kolejną", NEUTER: "kolejne"}[self.gender]


def register_nouns(nouns):
    """Name models' Polish forms: {model class: PolishNoun}, one call in each admin module."""
    NOUNS.update(nouns)


def noun_for(model):
    return NOUNS.get(model)


def speaks_polish():
    return (get_language() or "").split("-")[0] == "pl"


# Django's own message ids; its Polish translations already take the accusative.
TITLES = {
    "add": "Add %s",
    "change": "Change %s",
    "view": "View %s",
    "select": "Select %s",
    "select_to_change": "Select %s to change",
    "select_to_view": "Select %s to view",
    # simple-history's, on a version's page
    "revert": "Revert %(verbose_name)s",
    "view_version": "View %(verbose_name)s",
}


def polish_title(noun, kind):
    """The admin page's title ("Dodaj rundę"), or None outside Polish or without forms."""
    if noun is None or not speaks_polish():
        return None
    title = gettext(TITLES[kind])
    if "%(verbose_name)s" in title:
        return title % {"verbose_name": noun.accusative}
    return title % noun.accusative


# Django's message ids (read through variables: they are Django's to translate, not ours).
ADDED = "The {name} “{obj}” was added successfully."
EDIT_AGAIN = "You may edit it again below."
ADDED_ADD_ANOTHER = "The {name} “{obj}” was added successfully. You may add another {name} below."
CHANGED = "The {name} “{obj}” was changed successfully."
CHANGED_EDIT_AGAIN = "The {name} “{obj}” was changed successfully. You may edit it again below."
CHANGED_ADD_ANOTHER = (
    "The {name} “{obj}” was changed successfully. You may add another {name} below."
)
DELETED = "The %(name)s “%(obj)s” was deleted successfully."
DELETED_MANY = "Successfully deleted %(count)d %(items)s."
CHANGED_MANY = (
    "%(count)s %(name)s was changed successfully.",
    "%(count)s %(name)s were changed successfully.",
)


def _pattern(template, opts):
    """A regular expression matching `template` as Django fills it in for `opts`."""
    names = "|".join(re.escape(str(n)) for n in (opts.verbose_name, opts.verbose_name_plural))
    pattern = re.escape(template)
    for placeholder in ("{name}", "%(name)s", "%(items)s"):
        pattern = pattern.replace(re.escape(placeholder), f"(?:{names})")
    for placeholder in ("{obj}", "%(obj)s"):
        pattern = pattern.replace(re.escape(placeholder), "(?P<obj>.*)")
    for placeholder in ("%(count)d", "%(count)s"):
        pattern = pattern.replace(re.escape(placeholder), r"(?P<count>\d+)")
    return re.compile(pattern, re.DOTALL)


def _sentences(noun):
    """Django's Polish message templates paired with ours, in the order they are tried."""
    name = capfirst(noun.nominative)
    added = f"{name} „{{obj}}” {noun.past('dodan')}."
    changed = f"{name} „{{obj}}” {noun.past('zmienion')}."
    edit_again = f" Można {noun.pronoun} ponownie edytować poniżej."
    add_another = f" Można dodać {noun.another} {noun.accusative} poniżej."
    return [
        (gettext(ADDED_ADD_ANOTHER), added + add_another),
        (gettext(ADDED) + " " + gettext(EDIT_AGAIN), added + edit_again),
        (gettext(ADDED), added),
        (gettext(CHANGED_ADD_ANOTHER), changed + add_another),
        (gettext(CHANGED_EDIT_AGAIN), changed + edit_again),
        (gettext(CHANGED), changed),
        (gettext(DELETED), f"{name} „{{obj}}” {noun.past('usunięt')}."),
        (gettext(DELETED_MANY), "Usunięto {count} {counted}."),
        (ngettext(*CHANGED_MANY, 1), "Zmieniono {count} {counted}."),
        (ngettext(*CHANGED_MANY, 2), "Zmieniono {count} {counted}."),
        (ngettext(*CHANGED_MANY, 5), "Zmieniono {count} {counted}."),
    ]


def polish_message(noun, opts, message):
    """Django's message about a `opts` object rewritten in agreeing Polish; others as they are."""
    if noun is None or not speaks_polish():
        return message
    text = str(message)
    for theirs, ours in _sentences(noun):
        match = _pattern(theirs, opts).fullmatch(text)
        if match is None:
            continue
        parts = match.groupdict()
        if "count" in parts:
            parts["counted"] = noun.counted(int(parts["count"]))
        if isinstance(message, SafeData):
            # The object's part is already escaped (a link to it); ours is plain text.
            if "obj" in parts:
                parts["obj"] = mark_safe(parts["obj"])
            return format_html(conditional_escape(ours), **parts)
        return ours.format(**parts)
    return message


def polish_add_another(noun):
    """An inline's button, "Dodaj kolejny etap oceny", or None outside Polish or without forms."""
    if noun is None or not speaks_polish():
        return None
    return f"Dodaj {noun.another} {noun.accusative}"


def polish_related_titles(noun):
    """The titles of a related field's links (change, add, delete, view), or None."""
    if noun is None or not speaks_polish():
        return None
    chosen = f"{noun.chosen} {noun.accusative}"
    return {
        "change": f"Zmień {chosen}",
        "add": polish_add_another(noun),
        "delete": f"Usuń {chosen}",
        "view": f"Zobacz {chosen}",
    }
