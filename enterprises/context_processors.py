from django.core.exceptions import DisallowedHost

from .i18n import other_language_urls


def site_origin(request):
    """ "https://host" of this request, or "" when its Host header is not one the site
    answers to (the 400 page for such a request must not ask for it again)."""
    try:
        return f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return ""


def languages(request):
    """The current page in every language, for the switcher and hreflang links, and the
    origin that makes those links absolute."""
    return {"language_versions": other_language_urls(request), "origin": site_origin(request)}
