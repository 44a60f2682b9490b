"""Serializer fields of the API: a translated field in both languages, a row by its slug."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@extend_schema_field(
    {
        "type": "object",
        "properties": {code: {"type": "string"} for code in LANGUAGES},
        "required": LANGUAGES,
    }
)
class TranslatedField(serializers.Field):
    """A translated column as {"zh-hans": ..., "en": ...} ("" where not written)."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, instance):
        name = self.source
        return {
            code: getattr(instance, build_localized_fieldname(name, code), "") or ""
            for code in LANGUAGES
        }


def slugs_of(slug_field="slug"):
    """The slugs (or codes) of a to-many relation, loaded beforehand (prefetched)."""
    return serializers.SlugRelatedField(slug_field=slug_field, many=True, read_only=True)


def slug_of(slug_field="slug", **kwargs):
    """The slug (or code) of a related row, or null."""
    return serializers.SlugRelatedField(
        slug_field=slug_field, read_only=True, allow_null=True, **kwargs
    )
