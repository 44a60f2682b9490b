"""The page for developers: what the API (api/, /api/v1/) offers and how to ask it."""

from django.conf import settings
from django.views.generic import TemplateView


class ApiPageView(TemplateView):
    template_name = "enterprises/api.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(limit=settings.API_REQUESTS_PER_MINUTE, **kwargs)
