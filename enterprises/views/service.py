"""Pages for machines and operators: robots.txt, liveness and health."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache


def robots_txt(request):
    """What crawlers may read: every public page, not the admin or the language switcher;
    and where the sitemap of those pages is."""
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /en/admin/", "Disallow: /i18n/"]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
    patch_cache_control(response, max_age=24 * 3600, public=True)
    return response


def ping(request):
    """A trivial view: no database, no template. Liveness checks and benchmarks use it."""
    return HttpResponse("pong\n", content_type="text/plain")


@never_cache
def healthz(request):
    """200 when the application and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
