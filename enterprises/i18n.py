"""The two languages: a field in the reader's language, the same page in the other
language, and a remembered choice."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language, get_language, get_language_from_path
from django.views.decorators.cache import never_cache
from modeltranslation.utils import build_localized_fieldname

from .middleware import API_PATHS

LANGUAGE_NAMES = dict(settings.LANGUAGES)
LANGUAGE_CODES = list(LANGUAGE_NAMES)


def translated_value(obj, field):
    """(value, language it is in): the reader's language first, then the other one."""
    current = get_language() or settings.LANGUAGE_CODE
    order = [current] + [code for code in LANGUAGE_CODES if code != current]
    for code in order:
        value = getattr(obj, build_localized_fieldname(field, code), None)
        if value:
            return value, code
    return "", current


def translated_url(url, language):
    """`url` in `language`. translate_url() resolves under the active language, so resolve
    under the language the URL itself is in."""
    own = get_language_from_path(urlsplit(url).path) or settings.LANGUAGE_CODE
    with translation.override(own):
        return translate_url(url, language)


def other_language_urls(request):
    """(code, name, URL) for each language: this page, its query string kept."""
    path = request.get_full_path()
    return [(code, LANGUAGE_NAMES[code], translated_url(path, code)) for code in LANGUAGE_NAMES]


def safe_next(request, default="/"):
    candidate = request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


@never_cache
def switch_language(request, language):
    """Show `next` in `language` and remember the choice in the language cookie."""
    if not check_for_language(language) or language not in LANGUAGE_NAMES:
        language = settings.LANGUAGE_CODE
    response = HttpResponseRedirect(translated_url(safe_next(request), language))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


class RememberedLanguageMiddleware:
    """Send a visitor who chose a language other than the default to that language's
    version of an unprefixed page (the default language lives at unprefixed URLs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PATHS):
            return self.get_response(request)  # one address for both languages
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if (
            request.method in ("GET", "HEAD")
            and chosen
            and chosen != settings.LANGUAGE_CODE
            and chosen in LANGUAGE_NAMES
            and get_language_from_path(request.path_info) is None
        ):
            target = translated_url(request.get_full_path(), chosen)
            if target != request.get_full_path():
                response = HttpResponseRedirect(target)
                response["Vary"] = "Cookie"
                return response
        response = self.get_response(request)
        if get_language_from_path(request.path_info) is None:
            # The same unprefixed address answers differently once a language is chosen.
            patch_vary_headers(response, ["Cookie"])
        return response
