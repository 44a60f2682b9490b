"""What every API view answers the same way: only reads, messages and "value" fields in the
language asked for, validators for conditional requests, answers kept in the cache under
their validator, headers for shared caches."""

import hashlib
import time

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import translation
from django.utils.cache import (
    add_never_cache_headers,
    patch_cache_control,
    patch_vary_headers,
    quote_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from enterprises.caching import PAGE_TIMEOUT, request_changed_at, request_version

from .language import LANGUAGES, PARAMETER, UnknownLanguage, message_language, requested_language

MAX_AGE = 300


def etag_for(request, language):
    """The validator of a response: the dated content version, the path, the query and the
    language asked for (Accept-Language is not in the query)."""
    version = request_version(request)
    if version is None:
        return None
    parts = (str(version), request.path, request.META.get("QUERY_STRING", ""), language or "")
    return quote_etag(hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest())


def answer_key(request, etag):
    text = "\x1f".join((request.get_host(), etag))
    return "directory:api:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def last_modified(request):
    """The Last-Modified of every answer to this request, in whole seconds (HTTP dates have
    no finer unit), or None when not known."""
    changed = request_changed_at(request)
    return None if changed is None else int(changed.timestamp())


def unmodified_since(request, modified):
    """If-Modified-Since names a time at or after the last change; it counts only without
    If-None-Match, which is the exact validator (RFC 9110, 13.2.2)."""
    if modified is None or "If-None-Match" in request.headers:
        return False
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    # A date later than the server's now is not one it gave: ignored (RFC 9110, 13.1.3).
    return since is not None and modified <= since <= time.time()


def etag_matches(header, etag):
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {part.strip().removeprefix("W/") for part in header.split(",")}
    return etag in candidates


class Answering:
    """A read-only API view: GET and HEAD (a CORS preflight is answered by the CORS
    middleware before any view), a 304 when the client's copy is current."""

    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        try:
            language = requested_language(request)
        except UnknownLanguage as exc:
            with translation.override(message_language(request)):
                response = JsonResponse({"errors": {PARAMETER: [exc.message()]}}, status=400)
            add_never_cache_headers(response)
            return response
        request.api_language = language
        # Messages (refused parameters) in the language the client asks for.
        with translation.override(language or message_language(request)):
            response = self.answer(request, language, *args, **kwargs)
        patch_vary_headers(response, ["Accept-Language"])
        # Both languages are in every response; "value" fields in the one asked for.
        response["Content-Language"] = language or ", ".join(LANGUAGES)
        return response

    def answer(self, request, language, *args, **kwargs):
        etag = etag_for(request, language)
        if etag is None or request.method not in ("GET", "HEAD"):
            return self.fresh(request, None, *args, **kwargs)
        modified = last_modified(request)
        if etag_matches(request.headers.get("If-None-Match"), etag) or unmodified_since(
            request, modified
        ):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            if modified is not None:
                response["Last-Modified"] = http_date(modified)
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            return response
        # The validator names the content version, path, query and language: the answer
        # kept under it (and the host its links name) is current by construction.
        key = answer_key(request, etag)
        entry = cache.get(key)
        if entry is not None:
            status, headers, content = entry
            response = HttpResponse(content, status=status)
            for header, value in headers:
                response[header] = value
            response["X-Cache"] = "hit"
            return response
        response = self.fresh(request, etag, *args, **kwargs)
        if response.status_code in (200, 301) and not response.streaming:
            # Only answers that exist are kept (no refusals, no 404s), and the cache's own
            # limit (LRU eviction) bounds their storage, as for the HTML pages.
            entry = (response.status_code, list(response.items()), response.content)
            cache.set(key, entry, PAGE_TIMEOUT)
            response["X-Cache"] = "miss"
        return response

    def fresh(self, request, etag, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if response.status_code in (200, 301):
            patch_cache_control(response, public=True, max_age=MAX_AGE)
            if etag is not None and response.status_code == 200:
                response["ETag"] = etag
                modified = last_modified(request)
                if modified is not None:
                    response["Last-Modified"] = http_date(modified)
        elif response.status_code == 400:
            # Endless ways to be wrong: nothing for a cache to keep.
            add_never_cache_headers(response)
        return response
