from .i18n import other_language_urls


def languages(request):
    """The current page in every language, for the switcher and hreflang links."""
    return {"language_versions": other_language_urls(request)}
