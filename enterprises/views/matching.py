"""The policy matcher's page: which published initiatives may concern a firm, and why."""

from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.generic import TemplateView

from ..forms import PolicyMatchForm
from ..matching import Verdict, match_all, matchable_policies
from .base import ContentVersionMixin


class PolicyMatchView(ContentVersionMixin, TemplateView):
    """A GET form of facts (or an enterprise to start from) and, for each published
    initiative and each target that counts a tier, applies / may apply / does not apply with
    a sentence per rule; the answers grouped by verdict."""

    template_name = "enterprises/policy_match.html"
    section = "policies"

    @classmethod
    def query_parameters(cls):
        return tuple(PolicyMatchForm.base_fields)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.form.is_bound and not self.form.is_valid():
            add_never_cache_headers(response)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        self.form = form = PolicyMatchForm(self.request.GET or None)
        context.update(form=form, asked=form.is_bound)
        if not form.is_valid():
            return context
        facts = form.facts()
        matches = match_all(facts, matchable_policies(), timezone.localdate().year)
        groups = {verdict: [] for verdict in Verdict}
        for match in matches:
            groups[match.verdict].append(match)
        context.update(
            facts=facts,
            enterprise=form.cleaned_data.get("enterprise"),
            groups=[(verdict, groups[verdict]) for verdict in Verdict],
            criteria_sources=sorted(
                {m.policy.criteria_source for m in matches if m.policy.criteria_source_id},
                key=lambda source: source.slug,
            ),
        )
        return context
