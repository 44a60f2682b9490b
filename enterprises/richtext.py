"""Rich text written by editors: an allow-list of harmless HTML, enforced on save."""

import re

import nh3
from django.db import models
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "h3",
    "h4",
    "blockquote",
    "code",
    "sub",
    "sup",
}
ATTRIBUTES = {"a": {"href", "title", "hreflang"}}
URL_SCHEMES = {"http", "https", "mailto"}
HAS_TAG = re.compile(r"<[a-zA-Z/][^>]*>")


def rich_text_field(verbose_name):
    """An optional text an editor may write in the allowed HTML (the model names it in
    `rich_text_fields`, so that it is sanitized on save)."""
    return models.TextField(
        verbose_name,
        blank=True,
        help_text=_("Plain text, or simple HTML: paragraphs, bold, italics, lists and links."),
    )


def sanitize(html):
    """HTML with only the allowed tags, attributes and link schemes left."""
    if not html:
        return html
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render(text):
    """Stored rich text as safe HTML: sanitized again (defence in depth); plain text gets
    paragraphs."""
    if not text:
        return ""
    if HAS_TAG.search(text):
        return mark_safe(sanitize(text))
    return linebreaks_filter(text, autoescape=True)


def plain(text):
    """Rich text as plain text, for search and snippets."""
    return strip_tags(text) if text else ""
