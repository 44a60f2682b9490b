import re

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from enterprises.i18n import switch_language
from enterprises.sitemaps import sitemap_index, sitemap_section
from enterprises.views import healthz, ping, robots_txt

handler404 = "enterprises.views.page_not_found"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("ping", ping, name="ping"),
    path("robots.txt", robots_txt, name="robots"),
    # One index for both languages; its files are per kind and language.
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path("sitemap-<str:section>.xml", sitemap_section, name="sitemap-section"),
    path("i18n/switch/<str:language>/", switch_language, name="switch-language"),
    # The API has one address for both languages: every translated field carries both.
    path("api/v1/", include("api.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("enterprises.urls")),
    path("", include("corrections.urls")),
    path("", include("releases.urls")),
    prefix_default_language=False,
)

if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(
            "^" + re.escape(settings.MEDIA_URL.lstrip("/")) + r"(?P<path>.+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
            name="media",
        )
    )
