"""Corrections on other apps' pages: the link on public entries, the panel in the admin."""

from django import template
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from ..kinds import kind_of
from ..models import Correction

register = template.Library()


@register.simple_tag
def correction_url(entry):
    """The address of the form suggesting a correction to `entry` ("" for other kinds)."""
    kind = kind_of(entry)
    if kind is None or not getattr(entry, "slug", ""):
        return ""
    return reverse("corrections:suggest", kwargs={"kind": kind, "slug": entry.slug})


@register.inclusion_tag("admin/corrections/panel.html", takes_context=True)
def correction_panel(context, entry):
    """The suggestion named by ?correction=<id>, shown beside the change form of the entry
    it is about (nothing for another entry's, or a malformed id)."""
    request = context["request"]
    correction = None
    number = request.GET.get("correction", "")
    if entry is not None and entry.pk and number.isdigit() and len(number) < 19:
        correction = Correction.objects.filter(
            pk=int(number),
            content_type=ContentType.objects.get_for_model(type(entry)),
            object_id=entry.pk,
        ).first()
    may_decide = correction is not None and request.user.has_perm("corrections.change_correction")
    return {"correction": correction, "may_decide": may_decide, "request": request}
