"""Template helpers for the public site: language-aware text, numbers and figures."""

from django import template
from django.conf import settings
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext, to_locale
from django.utils.translation import gettext as _

from ..i18n import translated_value
from ..models.base import plain_number
from ..richtext import render as render_rich_text
from ..structured_data import json_ld, opengraph, structured_data

register = template.Library()


@register.filter
def bcp47(language_code):
    """Django's language code as an HTML lang value: zh-hans -> zh-Hans."""
    return to_locale(language_code).replace("_", "-")


@register.filter
def number(value):
    """A number in the reader's convention, no trailing zeros: 5,000 in English, 5000 in
    Chinese."""
    value = plain_number(value)
    if value is None:
        return ""
    return number_format(value, force_grouping=True)


@register.simple_tag
def tr(obj, field, rich=False, note=True):
    """A translated field in the reader's language; when only the other language has it,
    that text is shown in its own `lang` and, with `note`, marked as not yet translated
    (once per page is enough: the heading has the note, breadcrumbs and tables not).
    `rich` fields hold sanitized HTML (or plain text, given paragraphs)."""
    value, code = translated_value(obj, field)
    if not value:
        return ""
    rendered = render_rich_text(value) if rich else conditional_escape(value)
    if code == (get_language() or settings.LANGUAGE_CODE):
        return rendered
    tag = "div" if rich else "span"
    text = format_html(
        '<{tag} lang="{lang}" class="untranslated">{text}</{tag}>',
        tag=tag,
        lang=bcp47(code),
        text=rendered,
    )
    if not note:
        return text
    return format_html(
        '{text} <small class="untranslated-note">{note}</small>',
        text=text,
        note=_("(not yet translated)"),
    )


@register.simple_tag
def bracketed(outside, inside):
    """`outside (inside)`, with the brackets of the reader's language: 全部（6）/ All (6)."""
    pattern = pgettext("in brackets", "%(outside)s (%(inside)s)")
    return mark_safe(
        pattern % {"outside": conditional_escape(outside), "inside": conditional_escape(inside)}
    )


@register.simple_tag
def plain(obj, field):
    """A translated field as plain text, in whichever language has it (for a page title or
    a description, where markup cannot go)."""
    return translated_value(obj, field)[0]


@register.simple_tag
def figure(value, qualifier_label="", unit="", measure=""):
    """A stated figure with its qualifier and unit, written as each language writes it:
    超过5000家 / more than 5,000 enterprises; 40% in both. Given the measure it counts, an
    English unit the measure already names is left out (more than 5,000 provincial-level
    enterprises, not "5,000 enterprises provincial-level enterprises")."""
    if unit and measure and not (get_language() or "").startswith("zh"):
        if str(unit).casefold() in str(measure).casefold().split():
            unit = ""
    parts = [str(qualifier_label), number(value), str(unit)]
    if (get_language() or "").startswith("zh"):
        return "".join(parts)
    text = " ".join(part for part in parts[:2] if part)
    if unit:
        text += unit if unit == "%" else f" {unit}"
    return text


@register.simple_tag(takes_context=True)
def page_metadata(context, entry):
    """The canonical link, OpenGraph tags and schema.org JSON-LD of a public entry's page;
    none for a draft that staff preview (it is no public page)."""
    origin = context.get("origin")
    data = structured_data(entry, origin) if origin else None
    if data is None:
        return ""
    tags = format_html_join("\n", '<meta property="{}" content="{}">', opengraph(data))
    return format_html(
        '<link rel="canonical" href="{}">\n{}\n{}', data["url"], tags, json_ld(data)
    )
