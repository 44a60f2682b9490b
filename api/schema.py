"""What the OpenAPI schema adds to drf-spectacular's: the `lang` parameter of every
operation, the answers every operation can give besides its own (a refused parameter, an
unknown entry, too many requests), and names of choice sets that share a field name."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from enterprises.models import PolicyInitiative

from .language import LANGUAGES, PARAMETER

POLICY_STAGES = PolicyInitiative.Stage

LANG = OpenApiParameter(
    PARAMETER,
    str,
    enum=LANGUAGES,
    description='Also give each translated field\'s text in this language, under "value" '
    "(Accept-Language does the same); both languages are always there.",
)

MESSAGE = {"type": "object", "properties": {"detail": {"type": "string"}}}
ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "object",
            "description": "The messages of each refused parameter.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    },
}
ANSWERS = {
    "400": ("A refused parameter.", ERRORS),
    "404": ("No such entry or address.", MESSAGE),
    "429": ("Too many requests from this address; wait Retry-After seconds.", MESSAGE),
}


class DirectorySchema(AutoSchema):
    def get_override_parameters(self):
        return [*super().get_override_parameters(), LANG]


def add_common_answers(result, generator, request, public):
    """A postprocessing hook: every operation documents the answers any of them gives."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, (description, schema) in ANSWERS.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": schema}},
                    },
                )
    return result
