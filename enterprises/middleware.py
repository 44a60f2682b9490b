"""Request guards that apply to every view, the admin included."""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


class RejectNullCharactersMiddleware:
    """Answer 400 to query strings holding NUL characters.

    No database can compare text containing NUL (PostgreSQL refuses it outright), so such a
    request cannot be served; saying so beats a server error deep inside a lookup.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or any("\x00" in v for v in values)
            for key, values in request.GET.lists()
        ):
            message = _(
                "The address contains a NUL character, which cannot be searched for. "
                "Remove it and try again."
            )
            return HttpResponseBadRequest(
                render_to_string("400.html", {"message": message}, request=request)
            )
        return self.get_response(request)
