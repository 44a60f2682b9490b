"""Template helpers for the public site."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import to_locale

from ..models.base import plain_number

register = template.Library()


@register.filter
def bcp47(language_code):
    """Django's language code as an HTML lang value: zh-hans -> zh-Hans."""
    return to_locale(language_code).replace("_", "-")


@register.filter
def number(value):
    """A Decimal or int with grouped thousands and no trailing zeros: 70000.00 -> 70,000."""
    value = plain_number(value)
    if value is None:
        return ""
    return number_format(value, force_grouping=True)
