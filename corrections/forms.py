"""The form readers fill in to suggest a correction."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import URL_MAX_LENGTH, Correction

# The trap for robots: a field people never see (nor hear), which form-filling robots fill.
HONEYPOT = "homepage"


class CorrectionForm(forms.ModelForm):
    source_url = forms.URLField(
        label=_("Source (optional)"),
        required=False,
        max_length=URL_MAX_LENGTH,
        assume_scheme="https",
        help_text=_("The address of a page or document that shows it, e.g. an official list."),
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Correction
        fields = ("wrong", "right", "source_url", "email")
        labels = {
            "wrong": _("What is wrong?"),
            "right": _("What is right?"),
            "email": _("Your e-mail (optional)"),
        }
        help_texts = {
            "wrong": _("Quote or describe what the page says that is wrong or missing."),
            "right": _("What it should say instead."),
            "email": _(
                "Only if an editor may write to you with a question. It is never shown on "
                "the site."
            ),
        }
        widgets = {
            "wrong": forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
            "right": forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    @property
    def trapped(self):
        """Whether a robot filled the trap field (the data is then thrown away)."""
        return bool(self.data.get(HONEYPOT, "").strip())

    def reader_fields(self):
        return [self[name] for name in self._meta.fields]

    def save_for(self, entry, kind, language):
        correction = self.save(commit=False)
        correction.entry = entry
        correction.entry_slug = entry.slug
        correction.entry_name = str(getattr(entry, kind.name_field))[:300]
        correction.language = language
        correction.save()
        return correction
