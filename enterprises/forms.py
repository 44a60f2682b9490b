"""Public forms that are not filters of a list."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .matching import NO_TIER, Facts, section_of
from .models import Enterprise, Industry, Region, Size, Tier

NOT_GIVEN = [("", _("not given"))]


class PolicyMatchForm(forms.Form):
    """The facts of a firm, each optional, or an enterprise of the directory to start from;
    a fact given here replaces what the directory records of the enterprise."""

    region = forms.ModelChoiceField(
        Region.objects.all(),
        to_field_name="code",
        required=False,
        label=_("Region"),
        empty_label=_("not given"),
    )
    industry = forms.ModelChoiceField(
        Industry.objects.sections(),
        to_field_name="code",
        required=False,
        label=_("Industry section"),
        empty_label=_("not given"),
    )
    tier = forms.ChoiceField(
        choices=[*NOT_GIVEN, (NO_TIER, _("none yet")), *Tier.choices],
        required=False,
        label=_("Tier"),
    )
    size = forms.ChoiceField(choices=[*NOT_GIVEN, *Size.choices], required=False, label=_("Size"))
    listing = forms.ChoiceField(
        choices=[*NOT_GIVEN, ("listed", _("listed")), ("unlisted", _("not listed"))],
        required=False,
        label=_("Listing"),
    )
    enterprise = forms.SlugField(
        max_length=100, required=False, label=_("Enterprise"), widget=forms.HiddenInput
    )

    def clean_enterprise(self):
        slug = self.cleaned_data["enterprise"]
        if not slug:
            return None
        found = (
            Enterprise.objects.published()
            .select_related("region", "industry__parent__parent__parent")
            .filter(slug=slug)
            .first()
        )
        if found is None:
            raise forms.ValidationError(
                _("No published enterprise has the address “%(slug)s”."), params={"slug": slug}
            )
        return found

    def facts(self):
        """The facts to match on (the form valid): the enterprise's, with what was given."""
        data = self.cleaned_data
        enterprise = data.get("enterprise")
        start = Facts.of_enterprise(enterprise) if enterprise else Facts()
        listing = {"listed": True, "unlisted": False}.get(data.get("listing"))
        region = data.get("region")
        return Facts(
            region=region or start.region,
            # The enterprise's city, unless another region was given.
            city=start.city if region is None or region == start.region else (),
            industry=section_of(data.get("industry")) or start.industry,
            tier=data.get("tier") or start.tier,
            size=data.get("size") or start.size,
            listed=start.listed if listing is None else listing,
        )
