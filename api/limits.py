"""Anonymous rate limits on the API: so many requests a minute from one client address.

Counted in the cache (Redis when REDIS_URL is set, so every worker shares the counts) in
fixed windows: one counter per address and minute, which expires after two, so storage is
bounded by the addresses seen in the last two minutes. The address is the client's as the
trusted proxies saw it (enterprises.clients). A CORS preflight is answered before this
(the CORS middleware comes first) and is not counted.
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from enterprises.clients import client_ip
from enterprises.middleware import API_PATHS

from .language import message_language

WINDOW = 60  # seconds


def count_request(address, now):
    """Count one request from `address` in the window of `now`; the number so far."""
    key = f"api-rate:{address}:{int(now // WINDOW)}"
    cache.add(key, 0, timeout=2 * WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=2 * WINDOW)
        return 1


def too_many(request, wait):
    with translation.override(message_language(request)):
        message = _("Too many requests from your address; try again in %(seconds)s s.") % {
            "seconds": wait
        }
    response = JsonResponse({"detail": message}, status=429)
    response["Retry-After"] = str(wait)
    response["Cache-Control"] = "no-store"
    return response


class ApiRateLimitMiddleware:
    """At most settings.API_REQUESTS_PER_MINUTE requests a minute from one client address
    under /api/ (0: no limit); beyond, 429 with Retry-After until the minute turns."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.API_REQUESTS_PER_MINUTE
        if limit and request.path_info.startswith(API_PATHS):
            now = time.time()
            if count_request(client_ip(request), now) > limit:
                return too_many(request, WINDOW - int(now % WINDOW))
        return self.get_response(request)
