"""Errors as JSON: refused parameters as {"errors": {"parameter": ["message", ...]}}."""

from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler

from .language import message_language


def handler(exc, context):
    """DRF's handler, with a refused parameter's messages under "errors" (in the language
    the view activated)."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        detail = response.data
        if not isinstance(detail, dict):
            detail = {"non_field_errors": detail}
        response.data = {
            "errors": {
                name: [str(message) for message in messages]
                if isinstance(messages, list)
                else [str(messages)]
                for name, messages in detail.items()
            }
        }
    return response


def not_found(request, *args, **kwargs):
    """An address under the API that names nothing: a JSON 404."""
    with translation.override(message_language(request)):
        return JsonResponse({"detail": _("There is no such address in the API.")}, status=404)
