"""Stable codes with their Polish and English labels, as every API response gives them."""

import functools

from django.utils.translation import override
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

LANGUAGES = ("pl", "en")


def in_both_languages(text):
    """{"pl": …, "en": …} of a lazily translated text."""
    labels = {}
    for language in LANGUAGES:
        with override(language):
            labels[language] = str(text)
    return labels


LABELS_SCHEMA = {
    "type": "object",
    "properties": {language: {"type": "string"} for language in LANGUAGES},
    "required": list(LANGUAGES),
}


def coded(choices, **kwargs):
    """A field giving {"code": stable code, "label": {"pl", "en"}} for a value of `choices`.

    An empty value (a voivodeship not known) is null. The schema lists the codes.
    """
    labels = dict(choices)

    @functools.cache
    def both_languages(code):
        # A code's labels never change while the process runs; switching the language
        # twice for every code of every row cost a fifth of a page of the API's list.
        return in_both_languages(labels[code])

    schema = {
        "type": "object",
        "properties": {
            "code": {"type": "string", "enum": [str(code) for code in labels]},
            "label": LABELS_SCHEMA,
        },
        "required": ["code", "label"],
    }
    if kwargs.get("allow_null"):
        schema = {"anyOf": [schema, {"type": "null"}]}

    @extend_schema_field(schema)
    class CodedField(serializers.Field):
        def __init__(self, **field_kwargs):
            super().__init__(read_only=True, **field_kwargs)

        def to_representation(self, value):
            if value in ("", None):
                return None
            if value not in labels:
                return {"code": str(value), "label": in_both_languages(value)}
            return {"code": str(value), "label": dict(both_languages(value))}

        def get_attribute(self, instance):
            # An empty value must reach to_representation, which says null.
            value = super().get_attribute(instance)
            return "" if value is None else value

    return CodedField(**kwargs)
