"""Caching for anonymous visitors, keyed by the content version.

Every committed change to directory content raises the version (signals below, plus the bulk
paths that bypass signals), so nothing cached under an older version is served again. The
version lives in Redis when the site has it, otherwise in the database, so that every
gunicorn worker sees a change at once; the pages themselves live in the cache (Redis, or each
process's local memory).
"""

import datetime
import hashlib
import time

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone, translation

VERSION_KEY = "directory:content-version"
CHANGED_KEY = "directory:content-changed-at"
PAGE_TIMEOUT = 24 * 3600


def enabled():
    """Off in most tests, which edit and read back within one uncommitted transaction."""
    return getattr(settings, "DIRECTORY_CACHE", True)


def shared_cache():
    return "redis" in settings.CACHES["default"]["BACKEND"].lower()


def current_version():
    """The content version now (one cache read with Redis, else one indexed query)."""
    return current_state()[0]


def current_state():
    """(content version, when it was last raised or None), read together: one cache read
    with Redis, else one indexed query."""
    if shared_cache():
        found = cache.get_many([VERSION_KEY, CHANGED_KEY])
        if found.get(VERSION_KEY) is None:
            # A new or emptied cache: no answer kept before is left, and the content may
            # have changed at any earlier time, so "now" is the safe change time.
            now = time.time()
            cache.add(VERSION_KEY, int(now * 1000), timeout=None)
            cache.set(CHANGED_KEY, now, timeout=None)
            found = cache.get_many([VERSION_KEY, CHANGED_KEY])
        changed = found.get(CHANGED_KEY)
        if changed is not None:
            changed = datetime.datetime.fromtimestamp(changed, tz=datetime.UTC)
        return found.get(VERSION_KEY), changed
    from .models import ContentVersion

    try:
        row = ContentVersion.objects.filter(pk=1).values_list("value", "changed_at").first()
    except DatabaseError:
        return None, None
    return row if row is not None else (None, None)


def bump_version():
    """Raise the content version now (call it after the change is committed)."""
    if shared_cache():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, int(time.time() * 1000), timeout=None)
        cache.set(CHANGED_KEY, time.time(), timeout=None)
        return
    from .models import ContentVersion

    now = timezone.now()
    if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1, changed_at=now):
        ContentVersion.objects.update_or_create(pk=1, defaults={"value": 2, "changed_at": now})


def content_changed(using=None):
    """Raise the version once the current transaction commits (at once outside one)."""
    transaction.on_commit(bump_version, using=using)


def dated(version):
    """A content version with today's date: what a page shows depends on the day too (a
    recognition lapses at midnight), so nothing cached on one day is served the next."""
    if version is None:
        return None
    return f"{version}@{timezone.localdate():%Y%m%d}"


# The day this process last brought the derived tiers up to date (see settle_the_calendar).
_settled_on = None


def settle_the_calendar():
    """Once per process and day, before anything is served for that day: re-derive the tier of
    the enterprises whose recognitions began or lapsed (one indexed query when none did)."""
    global _settled_on
    today = timezone.localdate()
    if _settled_on == today:
        return
    from .models import Enterprise

    try:
        with transaction.atomic():
            changed = Enterprise.objects.refresh_lapsed_tiers(today)
    except DatabaseError:
        return  # not migrated yet: nothing to settle
    _settled_on = today
    if changed:
        content_changed()


def request_version(request):
    """The version for this request, read once (None while caching is off)."""
    if not enabled():
        return None
    if not hasattr(request, "_content_version"):
        version, request._content_changed_at = current_state()
        request._content_version = dated(version)
    return request._content_version


def request_changed_at(request):
    """When what this request reads last changed: the later of the last change to the
    content and the start of today (what is in force changes at midnight); None when not
    known (caching off, or no change recorded yet)."""
    if request_version(request) is None:
        return None
    changed = getattr(request, "_content_changed_at", None)
    if changed is None:
        return None
    midnight = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time())
    )
    return max(changed, midnight)


def versioned_key(*parts, version):
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=16).hexdigest()
    return f"directory:{version}:{digest}"


def page_key(request):
    """A page's cache key: host, language and full path, whose query string is canonical
    (see middleware.CanonicalQueryMiddleware); the entry itself carries the version it was
    rendered under."""
    parts = (request.get_host(), request.LANGUAGE_CODE, request.get_full_path())
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()
    return f"directory:page:{digest}"


def remember(name, compute, *, version, timeout=PAGE_TIMEOUT, per_language=True):
    """A value computed once per content version (and per language, unless the value does
    not depend on it), from the cache."""
    if version is None or not enabled():
        return compute()
    language = translation.get_language() if per_language else "any"
    key = versioned_key(name, language, version=version)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value


# Values kept in this process for the latest content version only: {key: (version, value)}.
_in_process = {}


def kept_in_process(key, compute, *, version):
    """A value computed once per content version in this process (for values used on every
    page, such as the facet cube or the filter choice lists, where even a cache read costs
    more than it should). Only the latest version of each key is kept."""
    found = _in_process.get(key)
    if found is not None and found[0] == version:
        return found[1]
    value = compute()
    _in_process[key] = (version, value)
    return value


def forget_in_process():
    _in_process.clear()


def signed_in(request):
    """Whether the request belongs to a signed-in session. A session cookie alone proves
    nothing (anyone can send one): its session is read, and must hold a user."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    return SESSION_KEY in request.session


class AnonymousPageCacheMiddleware:
    """Serve anonymous GET requests of public pages from the cache, keyed by host, language
    and path with its canonical query string, and tagged with the content version they were
    rendered under: a page of an older version is never served. Only pages that exist are
    kept (200, and the permanent redirects of renamed entries): not 404s, not a page whose
    parameters were refused, so the number of entries is bounded by the pages there are,
    and the cache's own limit (LRU eviction) bounds their storage. Signed-in staff always
    get a fresh page (they may preview drafts). With Redis, the version and the page come in
    one round trip."""

    def __init__(self, get_response):
        self.get_response = get_response

    def cacheable_request(self, request):
        return (
            enabled()
            and request.method in ("GET", "HEAD")
            and getattr(request, "is_page", False)
            and not signed_in(request)
        )

    def lookup(self, request, key):
        """(current version, cached entry or None)."""
        if shared_cache():
            found = cache.get_many([VERSION_KEY, key])
            version = found.get(VERSION_KEY)
            if version is None:
                version = current_version()
            request._content_version = dated(version)
            return request._content_version, found.get(key)
        return request_version(request), cache.get(key)

    def __call__(self, request):
        settle_the_calendar()
        if not self.cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        version, entry = self.lookup(request, key)
        if version is None:
            return self.get_response(request)
        if entry is not None and entry[0] == version:
            _version, status, headers, content = entry
            response = HttpResponse(content, status=status)
            for header, value in headers:
                response[header] = value
            response["X-Cache"] = "hit"
            return response
        response = self.get_response(request)
        if request.method == "GET" and self.cacheable_response(request, response):
            entry = (version, response.status_code, list(response.items()), response.content)
            cache.set(key, entry, PAGE_TIMEOUT)
            response["X-Cache"] = "miss"
        return response

    def cacheable_response(self, request, response):
        return (
            response.status_code in (200, 301)
            and not response.cookies
            and not response.streaming
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
            and not getattr(getattr(request, "user", None), "is_authenticated", False)
        )


def directory_models():
    from .models import ContentVersion, Revision, SearchTerm

    # Proposed changes are not public until approved (which saves the entry itself).
    skip = {ContentVersion, Revision, SearchTerm}
    return [
        model
        for model in apps.get_app_config("enterprises").get_models()
        if model not in skip and not model.__name__.startswith("Historical")
    ]


def _changed(sender, using=None, **kwargs):
    content_changed(using)


def connect_signals():
    for model in directory_models():
        uid = f"content-version-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
            )
