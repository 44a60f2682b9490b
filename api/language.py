"""The language a client asks for: `?lang=` (checked) or else Accept-Language.

Every translated field carries both languages whatever is asked; a client that asks for one
also gets that language's text under "value" (with the site's fallback when it is not
written), and a `Content-Language` header saying which language that is.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PARAMETER = "lang"


class UnknownLanguage(ValueError):
    def message(self):
        return _("Unknown language; use one of: %(languages)s.") % {
            "languages": ", ".join(LANGUAGES)
        }


def requested_language(request):
    """The site language the client asks for, or None when it asks for none of them.
    An unknown `?lang=` raises UnknownLanguage (a client that names a language means it)."""
    asked = request.GET.get(PARAMETER)
    if asked is not None:
        code = asked.strip().lower()
        if code not in LANGUAGES:
            raise UnknownLanguage(asked)
        return code
    return accepted_language(request)


def accepted_language(request):
    """The first site language in Accept-Language, or None."""
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if not header:
        return None
    for accepted, _quality in translation.trans_real.parse_accept_lang_header(header[:500]):
        try:
            return translation.get_supported_language_variant(accepted)
        except LookupError:
            continue
    return None


def message_language(request):
    """The language of messages: the one asked for, else the one Accept-Language prefers
    (which also tells why a `?lang=` was refused), else the default."""
    try:
        return requested_language(request) or settings.LANGUAGE_CODE
    except UnknownLanguage:
        return accepted_language(request) or settings.LANGUAGE_CODE
