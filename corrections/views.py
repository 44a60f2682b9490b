"""The reader's side: the form suggesting a correction to one public entry, and its
confirmation. No account is needed; the limits of corrections.limits bound what anonymous
clients cost."""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from . import limits
from .forms import CorrectionForm


class EntryMixin:
    """A page about one public entry, given by its kind and slug: 404 for an unknown entry
    or one the public does not see (a draft, an archived entry)."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.kind = kwargs["kind"]
        self.entry = self.kind.entry(kwargs["slug"])

    def dispatch(self, request, *args, **kwargs):
        if self.entry is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    @property
    def section(self):
        return self.kind.section

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(entry=self.entry, name_field=self.kind.name_field, kind=self.kind)
        return context


# The form carries a CSRF token of its reader's own: no cache may keep it.
@method_decorator(never_cache, name="dispatch")
class SuggestView(EntryMixin, FormView):
    template_name = "corrections/correction_form.html"
    form_class = CorrectionForm

    def get(self, request, *args, **kwargs):
        refused = self.refusal(counting=False)
        return refused or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        refused = self.refusal(counting=True)
        if refused:
            return refused
        form = self.get_form()
        if form.trapped:
            return self.confirmed()
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def form_valid(self, form):
        form.save_for(self.entry, self.kind, self.request.LANGUAGE_CODE)
        return self.confirmed()

    def confirmed(self):
        return redirect("corrections:thanks", kind=self.kind, slug=self.entry.slug)

    def refusal(self, counting):
        """The "try later" page when this client or the whole site sent enough suggestions
        this hour, else None (and a post is counted)."""
        within = (
            limits.count_client_attempt(self.request)
            if counting
            else not limits.client_over_limit(self.request)
        )
        if not within:
            return self.try_later(
                _(
                    "You have sent several suggestions in the last hour, which is as many as "
                    "the site takes from one address. Thank you! Please try again later."
                ),
                limits.seconds_to_next_client_hour(),
                status=429,
            )
        wait = limits.site_wait()
        if wait:
            return self.try_later(
                _(
                    "Many readers have sent suggestions in the last hour, more than the "
                    "editors can read at once. Please try again later."
                ),
                wait,
                status=503,
            )
        return None

    def try_later(self, message, wait, status):
        response = TemplateResponse(
            self.request,
            "corrections/try_later.html",
            self.get_context_data(message=message, form=None),
            status=status,
        )
        response["Retry-After"] = str(wait)
        return response


class ThanksView(EntryMixin, TemplateView):
    template_name = "corrections/thanks.html"
