"""One rule for names kept in Polish and English: English pages show the English
form where one is given, the Polish one otherwise; every other page shows Polish."""

from django.utils.translation import get_language


def english_wanted():
    """Whether the active language is English (the public /en/ pages, English API labels)."""
    return (get_language() or "").startswith("en")


def in_active_language(polish, english):
    """`english` on English pages when it is given, else `polish`."""
    return english if english and english_wanted() else polish


class EnglishNamed:
    """A model with an English form beside its Polish name: `display_name` follows the rule.

    `polish_field` / `english_field` name the pair (an event has a title, not a name).
    """

    polish_field = "name"
    english_field = "name_en"

    @property
    def display_name(self):
        return in_active_language(
            getattr(self, self.polish_field), getattr(self, self.english_field)
        )
