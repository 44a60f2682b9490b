"""What every public page shares: 404s in the reader's words, the list and detail views,
and the content version a request sees."""

from django.core.paginator import InvalidPage
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView
from django_filters.views import FilterView

from ..caching import figures_version, request_version
from ..charts import by_key
from ..facets import cube as facet_cube
from ..models import (
    Statement,
)
from ..pagination import DirectoryPaginator, PageTooDeep

PAGE_SIZE = 20


class ReaderNotFound(Http404):
    """A 404 whose message is written for the reader (a page past the end of a list), shown
    on the 404 page; the messages of other 404s are internal and never shown."""


def page_not_found(request, exception):
    """The 404 page: a plain message in the page's language, and the reason where there is
    one meant for readers."""
    reason = str(exception) if isinstance(exception, ReaderNotFound) else ""
    return TemplateResponse(request, "404.html", {"reason": reason}, status=404).render()


def page_of(paginator, number):
    """A page of a list, or a ReaderNotFound saying why there is none."""
    try:
        return paginator.page(number)
    except PageTooDeep as exc:
        raise ReaderNotFound(str(exc)) from exc
    except InvalidPage as exc:
        raise ReaderNotFound(
            ngettext(
                "This list has no page “%(page)s”: it has %(count)s page.",
                "This list has no page “%(page)s”: it has %(count)s pages.",
                paginator.num_pages,
            )
            % {"page": str(number)[:20], "count": paginator.num_pages}
        ) from exc


class PublishedListView(FilterView):
    """A filtered, paginated list of published rows; filters and page live in the URL."""

    paginate_by = PAGE_SIZE
    paginator_class = DirectoryPaginator
    # The list's name (title, breadcrumb and heading of enterprises/_list.html), the
    # section of the site it belongs to (marked in the header), and its URL's name.
    heading = None
    section = None
    url_name = None
    # The URL name of the download of the list (enterprises.downloads), if it has one.
    download_url_name = None
    # The parameter of the comparison page (enterprises.comparison) naming entries of this
    # kind, if they can be compared: each row then has a box to tick for it.
    compare_parameter = None

    @classmethod
    def query_parameters(cls):
        return (*cls.filterset_class.base_filters, "page")

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.filterset.is_bound and not self.filterset.is_valid():
            # The page explains what is wrong with the filters: no list for any cache to keep
            # (there are endless ways to be wrong).
            add_never_cache_headers(response)
        return response

    def get_queryset(self):
        return self.model.objects.published().for_listing()

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        number = self.request.GET.get("page") or 1
        if number == "last":
            number = paginator.num_pages
        page = page_of(paginator, number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = self.paginator_class(queryset, per_page, **kwargs)
        total = self.filterset.result_total() if hasattr(self, "filterset") else None
        if total is not None:
            paginator.known_count, paginator.capped = total
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["facet_counts"] = self.filterset.label_choices_with_counts()
        return context


def statements():
    """What the people quoted said about an entry: published statements, loaded together."""
    return Prefetch("statements", Statement.objects.published().for_listing())


class VisibleDetailView(DetailView):
    """A detail page: published rows for everyone, drafts too for staff (as a preview).
    An entry's former slug redirects permanently to its current page. Its template extends
    enterprises/_detail.html, which names the entry by `name_field` and links back to the
    list it belongs to (`list_view`), whose section of the site it is in."""

    name_field = "name"
    list_view = None

    @property
    def section(self):
        return self.list_view.section

    @property
    def list_heading(self):
        return self.list_view.heading

    @property
    def list_url_name(self):
        return self.list_view.url_name

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = self.moved_to(kwargs.get("slug"))
            if moved is None:
                raise
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(
                moved.get_absolute_url() + (f"?{query}" if query else "")
            )

    def moved_to(self, slug):
        history = self.model.former_slugs() if hasattr(self.model, "former_slugs") else None
        if history is None:
            return None
        former = history.objects.filter(slug=slug).values_list("entry_id", flat=True)
        return self.get_queryset().filter(pk__in=former).first()


class ContentVersionMixin:
    """A view reading figures of the content version its request sees: enterprise counts
    from the facet cube (no counting of the table per request), and what is remembered per
    version."""

    @cached_property
    def version(self):
        return request_version(self.request)

    @cached_property
    def cube(self):
        return facet_cube(figures_version(self.request, "enterprises"))

    @cached_property
    def recognitions_version(self):
        return figures_version(self.request, "recognitions")


class ChartPageMixin:
    """A page with charts (enterprises.charts, listed by `get_charts()`): they are in its
    context as `charts` and `chart` ({key: chart}), and each one's data downloads as CSV at
    ?format=csv&chart=<key>."""

    @classmethod
    def query_parameters(cls):
        return ("format", "chart")

    def get(self, request, *args, **kwargs):
        wanted = request.GET.get("format")
        if not wanted:
            return super().get(request, *args, **kwargs)
        if wanted != "csv":
            raise ReaderNotFound(
                _("There is no download as “%(format)s” here: the charts’ data comes as csv.")
                % {"format": wanted[:20]}
            )
        if hasattr(self, "get_object"):
            self.object = self.get_object()
        key = request.GET.get("chart", "")
        chart = by_key(self.get_charts(), key)
        if not chart:
            raise ReaderNotFound(
                _("This page has no chart “%(chart)s” with data to download.")
                % {"chart": key[:40]}
            )
        response = HttpResponse(chart.csv(), content_type="text/csv; charset=utf-8")
        name = f"{self.chart_file_prefix()}-{chart.key}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    def chart_file_prefix(self):
        slug = getattr(getattr(self, "object", None), "slug", "")
        return f"{self.section or 'home'}-{slug}" if slug else (self.section or "home")

    def get_charts(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = self.get_charts()
        context.update(charts=found, chart={chart.key: chart for chart in found})
        return context
