"""Request guards that apply to every view, the admin included."""

from django.http import HttpResponseBadRequest, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# The read-only API: it validates its own parameters, answers in JSON and sets its own
# validators (api.views); pages are neither canonicalised nor cached there.
API_PATHS = ("/api/",)
# Paths that are not public pages: their query strings are left as they are.
NOT_PAGES = (
    "/admin/",
    "/en/admin/",
    "/healthz",
    "/ping",
    "/i18n/",
    "/media/",
    "/static/",
    *API_PATHS,
)
# A parameter with this value says nothing the page does not assume anyway.
DEFAULTS = {"page": "1"}


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
            if request.path.startswith(API_PATHS):
                response = JsonResponse({"errors": {"query": [message]}}, status=400)
                response["Cache-Control"] = "no-store"
                return response
            return HttpResponseBadRequest(
                render_to_string("400.html", {"message": message}, request=request)
            )
        return self.get_response(request)


def page_view(request):
    """The view (class or function) of the public page at this path, or None when the path
    is no public page."""
    if request.path.startswith(NOT_PAGES):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return getattr(match.func, "view_class", match.func)


def page_parameters(request):
    """The query parameters the public page at this path reads, in order, or None when the
    path is no public page. Views declare them with a `query_parameters()` callable on the
    view class or function; a page without one reads none."""
    owner = page_view(request)
    return None if owner is None else declared_parameters(owner)


def declared_parameters(owner):
    declared = getattr(owner, "query_parameters", None)
    return tuple(declared()) if declared is not None else ()


def canonical_query(query, names, lists=()):
    """`query` reduced to what a page with these parameters reads: its own parameters in
    their declared order, the last value of each (the one a view reads), without empty
    values or defaults. A parameter in `lists` holds a comma-separated list: its repeated
    values (`?e=a&e=b`, as checkboxes send them) are joined into one (`?e=a,b`)."""
    canonical = QueryDict(mutable=True)
    for name in names:
        values = query.getlist(name)
        if name in lists:
            value = ",".join(value for value in values if value)
        else:
            value = values[-1] if values else ""
        if value and value != DEFAULTS.get(name):
            canonical[name] = value
    canonical._mutable = False
    return canonical


class CanonicalQueryMiddleware:
    """Give every public page the canonical form of its query string, so that a page
    depends on nothing but its own parameters: unknown parameters are ignored, and
    `?region=x&q=&page=1` is the same page as `?region=x`, rendered with the same links and
    cached once (see caching.AnonymousPageCacheMiddleware, which keys pages by it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            owner = page_view(request)
            request.is_page = owner is not None
            if owner is not None:
                # A view's `list_parameters` are those holding a list (see canonical_query).
                lists = getattr(owner, "list_parameters", ())
                request.GET = canonical_query(request.GET, declared_parameters(owner), lists)
                request.META["QUERY_STRING"] = request.GET.urlencode()
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: no browser feature a directory never uses, and
    the site's resources for the site's own pages only."""

    PERMISSIONS_POLICY = ", ".join(
        f"{feature}=()"
        for feature in (
            "accelerometer",
            "browsing-topics",
            "camera",
            "display-capture",
            "geolocation",
            "gyroscope",
            "magnetometer",
            "microphone",
            "payment",
            "usb",
        )
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
