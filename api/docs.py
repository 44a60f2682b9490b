"""Human docs of the API: Swagger UI from drf-spectacular-sidecar's vendored files.

The split view serves its start-up script as a file of its own (`?script`), so the page
needs no inline script; its few page styles are a static file (static/css/api-docs.css),
so the site's CSP holds on the docs page unchanged (script-src and style-src 'self').
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api:schema"
    title = "China Specialized SME Directory API"
