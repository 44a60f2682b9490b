"""The download of a list page or of a search, in the format its address names.

A download reads the page's own parameters with the page's own FilterSet (an invalid filter
is a 400 saying what is wrong, where the page explains it above an empty list), and gives
every row the page would list, in the page's order and language. It is streamed, never
kept by the page cache (a streaming response is not cacheable there, and it says no-store
to every other cache), and counted against the client's limits (limits).
"""

from urllib.parse import quote

from django.http import Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View

from ..search import engine as search
from . import limits, writing
from .columns import columns_for

# {extension: (content type, writer)}
FORMATS = {
    "csv": ("text/csv; charset=utf-8", writing.csv_chunks),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        writing.xlsx_chunks,
    ),
    "jsonl": ("application/jsonl; charset=utf-8", writing.jsonl_chunks),
}


def content_disposition(name, ascii_name):
    """An attachment named `name` (RFC 5987, for Chinese names), with an ASCII name for
    clients that read no other."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def bad_request(request, message):
    response = TemplateResponse(request, "400.html", {"message": message}, status=400)
    patch_cache_control(response, private=True, no_store=True)
    return response


def try_later(request, wait):
    response = TemplateResponse(
        request,
        "400.html",
        {"message": _("You are downloading a lot at once. Please try again a little later.")},
        status=429,
    )
    response["Retry-After"] = str(wait)
    patch_cache_control(response, private=True, no_store=True)
    return response


def form_errors(form):
    """A filter form's errors as one message: "Tier: Select a valid choice." """
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = " ".join(errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


class DownloadView(View):
    """What every download shares: the format, the client's limits, the streamed answer."""

    http_method_names = ["get", "head"]

    @classmethod
    def query_parameters(cls):
        return (*cls.own_parameters(), "columns")

    def get(self, request, extension):
        if extension not in FORMATS:
            raise Http404(extension)
        headers = request.GET.get("columns", "labels")
        if headers not in ("labels", "machine"):
            return bad_request(request, _("“columns” is either “labels” or “machine”."))
        found = self.rows()
        if isinstance(found, str):
            return bad_request(request, found)
        queryset, limit, title, ascii_title = found
        key, wait = limits.start(request)
        if key is None:
            return try_later(request, wait)
        content_type, write = FORMATS[extension]
        columns = columns_for(queryset.model, request)
        if limit is None:
            row_batches = writing.batches(queryset, columns)
        else:
            row_batches = writing.whole(queryset, columns, limit)
        machine = headers == "machine"
        arguments = (title,) if extension == "xlsx" else ()
        chunks = write(columns, row_batches, machine, *arguments)
        response = StreamingHttpResponse(
            Streamed(chunks, translation.get_language(), key), content_type=content_type
        )
        day = timezone.localdate().isoformat()
        response["Content-Disposition"] = content_disposition(
            f"{title}-{day}.{extension}", f"{ascii_title}-{day}.{extension}"
        )
        patch_cache_control(response, private=True, no_store=True)
        return response

    def rows(self):
        """(queryset, the most rows to read or None for all, title, ASCII title), or a
        message saying why not."""
        raise NotImplementedError


class Streamed:
    """The chunks, written in the request's language however late the server reads them.
    The server closes the response when it has been sent or abandoned (even before the
    first chunk): then the client's running download is released."""

    def __init__(self, chunks, language, key):
        self.chunks, self.language, self.key = chunks, language, key

    def __iter__(self):
        with translation.override(self.language):
            yield from self.chunks

    def close(self):
        if self.key is not None:
            limits.finish(self.key)
            self.key = None


class ListDownloadView(DownloadView):
    """A list page's rows (`list_view`), filtered by its FilterSet, in its order."""

    list_view = None

    @classmethod
    def own_parameters(cls):
        return tuple(cls.list_view.filterset_class.base_filters)

    def rows(self):
        page = self.list_view()
        page.setup(self.request)
        filterset = page.get_filterset(page.get_filterset_class())
        if filterset.is_bound and not filterset.is_valid():
            return form_errors(filterset.form)
        return filterset.qs, None, str(page.heading), self.list_view.section


def list_download(list_view):
    """The download view of a list page."""
    return type(
        f"{list_view.__name__}Download", (ListDownloadView,), {"list_view": list_view}
    ).as_view()


class SearchDownloadView(DownloadView):
    """The results of one kind of a search, as its page lists them: best first, and beyond
    the ranking window the best RANK_WINDOW (the page lists no more)."""

    @classmethod
    def own_parameters(cls):
        return ("q", "kind")

    def rows(self):
        query = search.parse_query(self.request.GET.get("q", ""))
        if not query:
            return _("There is nothing to search for: give a search in “q”.")
        kind = search.KINDS_BY_KEY.get(self.request.GET.get("kind", ""))
        if kind is None:
            keys = ", ".join(search.KINDS_BY_KEY)
            return _("Choose the kind of results to download in “kind”: %(kinds)s.") % {
                "kinds": keys
            }
        found = search.find(query)
        listed = found.listed(kind)
        # At most RANK_WINDOW rows, ranked together: one batch.
        return (
            listed.queryset,
            listed.count(),
            f"{_('Search')} – {kind.label}",
            f"search-{kind.key}",
        )
