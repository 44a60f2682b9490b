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
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse
from django.utils import timezone, translation

VERSION_KEY = "directory:content-version"
CHANGED_KEY = "directory:content-changed-at"
# Parts of the content that figures are computed from, each with a version of its own
# besides the content version: "enterprises" (the facet cube, founding years: the published
# enterprises' facts) and "recognitions" (counts of recognitions in force). A change that
# says it cannot touch a part (a policy edited, a firm renamed) leaves that part's figures
# as they were, so the first page after it does not count the enterprises again; a change
# that does not say raises them all. Kept in rows 2 and 3 of ContentVersion, or in Redis.
FIGURES = ("enterprises", "recognitions")
FIGURE_ROWS = {part: 2 + index for index, part in enumerate(FIGURES)}
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


def figure_key(part):
    return f"{VERSION_KEY}:{part}"


def bump_version(parts=FIGURES):
    """Raise the content version now, and the versions of the figures' `parts` the change
    may touch (call it after the change is committed). The figures' first: a request reads
    the content version before them, so one that sees the new content version sees the new
    figures' versions too (never figures of the old data kept under a new page)."""
    if shared_cache():
        for key in [*map(figure_key, parts), VERSION_KEY]:
            try:
                cache.incr(key)
            except ValueError:
                # A new counter starts from the time, never from a number an emptied cache
                # may have held before (entries kept under it would be taken as current).
                cache.set(key, int(time.time() * 1000), timeout=None)
        cache.set(CHANGED_KEY, time.time(), timeout=None)
        return
    from .models import ContentVersion

    now = timezone.now()
    for part in parts:
        row = ContentVersion.objects.filter(pk=FIGURE_ROWS[part])
        if not row.update(value=F("value") + 1, changed_at=now):
            ContentVersion.objects.update_or_create(
                pk=FIGURE_ROWS[part],
                defaults={"value": int(time.time() * 1000), "changed_at": now},
            )
    if not ContentVersion.objects.filter(pk=1).update(value=F("value") + 1, changed_at=now):
        ContentVersion.objects.update_or_create(pk=1, defaults={"value": 2, "changed_at": now})


def content_changed(using=None, parts=FIGURES):
    """Raise the version once the current transaction commits (at once outside one), and
    those of the figures' `parts` (all, unless the caller knows which the change touches)."""
    transaction.on_commit(lambda: bump_version(parts), using=using)


def figures_version(request, part):
    """The version of the figures computed from `part` of the content, for this request
    (read once, with the other parts'): dated like the content version; the content version
    itself while the part has none of its own (None while caching is off)."""
    version = request_version(request)
    if version is None:
        return None
    if not hasattr(request, "_figure_versions"):
        request._figure_versions = current_figure_versions()
    value = request._figure_versions.get(part)
    return version if value is None else dated(f"{part[0]}{value}")


def current_figure_versions():
    """{part: counter} of the parts that have one (one cache read, or one query)."""
    if shared_cache():
        found = cache.get_many([figure_key(part) for part in FIGURES])
        return {part: found.get(figure_key(part)) for part in FIGURES}
    from .models import ContentVersion

    rows = dict(
        ContentVersion.objects.filter(pk__in=FIGURE_ROWS.values()).values_list("pk", "value")
    )
    return {part: rows.get(pk) for part, pk in FIGURE_ROWS.items()}


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


def figures_touched(sender, instance):
    """The parts of the content (FIGURES) a saved or deleted row may change: enterprises
    (unless a save kept every fact figures count) and recognitions; no other row, nor any
    link row (sources, statements' subjects), is counted by the figures."""
    from .models import Enterprise, Recognition

    if sender is Recognition:
        return FIGURES
    if sender is Enterprise:
        return () if getattr(instance, "_facts_unchanged", False) else FIGURES
    return ()


def _changed(sender, using=None, instance=None, **kwargs):
    content_changed(using, figures_touched(sender, instance))


def _link_changed(sender, using=None, **kwargs):
    content_changed(using, ())


def _note_facts(sender, instance, raw=False, **kwargs):
    """Before an enterprise is saved: whether it keeps every fact the figures count (one
    query; a fixture's raw save is taken as changing them)."""
    instance._facts_unchanged = False
    if raw or instance.pk is None:
        return
    facts = enterprise_facts(sender)
    stored = sender._default_manager.filter(pk=instance.pk).values_list(*facts).first()
    if stored is not None:
        instance._facts_unchanged = stored == tuple(getattr(instance, f) for f in facts)


def enterprise_facts(model):
    """An enterprise's fields that figures are computed from (the cube's dimensions, its
    status and founding year): a save changing none of them leaves the figures' versions
    alone."""
    from .models.enterprise import CUBE_DIMENSIONS

    names = ("status", "founded_year", *CUBE_DIMENSIONS)
    return tuple(model._meta.get_field(name).attname for name in names)


def connect_signals():
    from .models import Enterprise

    pre_save.connect(_note_facts, sender=Enterprise, dispatch_uid="content-version-facts")
    for model in directory_models():
        uid = f"content-version-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + "-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _link_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
            )
