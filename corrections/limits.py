"""Bounds on what anonymous readers can make the site do.

- A few suggestions an hour from one client address, counted in the cache before the form
  is even read (like the sign-in throttle), so a single client costs little work;
- at most so many suggestions stored an hour site-wide, counted in the database (shared by
  every worker, whatever the cache), so that many clients together cost bounded storage.
"""

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from enterprises.clients import client_ip

from .models import Correction

HOUR = 3600


def client_key(request):
    return f"corrections:{client_ip(request)}:{int(time.time() // HOUR)}"


def client_attempts(request):
    """How many suggestions this client sent this hour."""
    return cache.get(client_key(request), 0)


def count_client_attempt(request):
    """Count one more suggestion from this client; whether it is still within the limit."""
    limit = settings.CORRECTIONS_PER_CLIENT_PER_HOUR
    key = client_key(request)
    cache.add(key, 0, timeout=2 * HOUR)
    try:
        attempts = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=2 * HOUR)
        attempts = 1
    return attempts <= limit


def client_over_limit(request):
    return client_attempts(request) >= settings.CORRECTIONS_PER_CLIENT_PER_HOUR


def seconds_to_next_client_hour():
    return HOUR - int(time.time() % HOUR)


def site_wait():
    """Seconds until the site accepts suggestions again, or 0 when it accepts them now."""
    hour_ago = timezone.now() - datetime.timedelta(seconds=HOUR)
    recent = Correction.objects.since(hour_ago)
    if recent.count() < settings.CORRECTIONS_PER_HOUR:
        return 0
    oldest = recent.aggregate(oldest=Min("created_at"))["oldest"]
    return max(1, int((oldest - hour_ago).total_seconds()))
