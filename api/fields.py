"""Serializer fields of the API: a translated field in both languages, a row by its slug."""

from drf_spectacular.utils import extend_schema_field
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

from .language import LANGUAGES

TRANSLATED_SCHEMA = {
    "type": "object",
    "properties": {
        **{code: {"type": "string"} for code in LANGUAGES},
        "value": {
            "type": "string",
            "description": "Only when a language is asked for (?lang= or Accept-Language): "
            "the text in that language, else in the other one (the response's "
            "Content-Language names the language asked for).",
        },
    },
    "required": LANGUAGES,
}


def in_both_languages(instance, name, language=None):
    """{"zh-hans": ..., "en": ...} ("" where not written), and under "value" the text in
    `language` (or, where not written, in the other one) when a language is asked for."""
    texts = {
        code: getattr(instance, build_localized_fieldname(name, code), "") or ""
        for code in LANGUAGES
    }
    if language is not None:
        order = [language] + [code for code in LANGUAGES if code != language]
        texts["value"] = next((texts[code] for code in order if texts[code]), "")
    return texts


def asked_language(context):
    """The language the request asked for (set by the view), or None."""
    request = context.get("request")
    return getattr(request, "api_language", None) if request is not None else None


@extend_schema_field(TRANSLATED_SCHEMA)
class TranslatedField(serializers.Field):
    """A translated column as {"zh-hans": ..., "en": ...} ("" where not written), with the
    asked language's "value" (see in_both_languages)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance):
        return in_both_languages(instance, self.source, asked_language(self.context))


def slugs_of(slug_field="slug"):
    """The slugs (or codes) of a to-many relation, loaded beforehand (prefetched)."""
    return serializers.SlugRelatedField(slug_field=slug_field, many=True, read_only=True)


def slug_of(slug_field="slug", **kwargs):
    """The slug (or code) of a related row, or null."""
    return serializers.SlugRelatedField(
        slug_field=slug_field, read_only=True, allow_null=True, **kwargs
    )
