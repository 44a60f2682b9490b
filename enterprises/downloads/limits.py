"""Bounds on the downloads one client can run: a download is a long request that keeps a
worker busy, so a client address may run only a few at once and so many an hour. Counted in
the cache (Redis in production, shared by every worker) before any row is read."""

import time

from django.conf import settings
from django.core.cache import cache

from ..clients import client_ip

HOUR = 3600
# A download that never said it ended (its worker was killed) stops counting after this.
RUNNING_TIMEOUT = 15 * 60
# What Retry-After says when a client already runs its downloads at once.
RUNNING_RETRY = 30


def count(key, timeout):
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def uncount(key):
    try:
        cache.decr(key)
    except ValueError:
        pass  # expired or evicted: nothing left to take back


def running_key(address):
    return f"downloads:running:{address}"


def start(request):
    """Count a download of this client: (running key to release when it ends, None) when
    it may start, else (None, seconds to wait)."""
    address = client_ip(request)
    key = running_key(address)
    if count(key, RUNNING_TIMEOUT) > settings.DOWNLOADS_PER_CLIENT_AT_ONCE:
        uncount(key)
        return None, RUNNING_RETRY
    # Only downloads that start count towards the hour.
    hour = int(time.time() // HOUR)
    if count(f"downloads:{address}:{hour}", 2 * HOUR) > settings.DOWNLOADS_PER_CLIENT_PER_HOUR:
        uncount(key)
        return None, HOUR - int(time.time() % HOUR)
    return key, None


def finish(key):
    uncount(key)
