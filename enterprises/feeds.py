"""Atom feeds in the reader's language: the latest new and updated entries of a kind, and
any filtered enterprise list as a feed (a saved search a reader can subscribe to)."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .filters import EnterpriseFilter
from .i18n import translated_value
from .models import Enterprise, Exhibition, PolicyInitiative

# Entries in a feed: readers poll it, so it stays small; older entries are on the pages.
FEED_SIZE = 50


class LatestFeed(Feed):
    """The published entries of a model most recently created or changed, newest first."""

    feed_type = Atom1Feed
    model = None
    name_field = "name"
    list_url_name = None

    def link(self):
        return reverse(self.list_url_name)

    def items(self):
        published = self.model.objects.published()
        return published.order_by("-updated_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return translated_value(item, self.name_field)[0]

    def item_description(self, item):
        return translated_value(item, "summary")[0]

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at


class LatestEnterprisesFeed(LatestFeed):
    model = Enterprise
    list_url_name = "enterprises:enterprise-list"

    def title(self):
        return _("New and updated enterprises")


class LatestPoliciesFeed(LatestFeed):
    model = PolicyInitiative
    name_field = "title"
    list_url_name = "enterprises:policy-list"

    def title(self):
        return _("New and updated policies")


class LatestExhibitionsFeed(LatestFeed):
    model = Exhibition
    list_url_name = "enterprises:exhibition-list"

    def title(self):
        return _("New and updated exhibitions")


class InvalidFilters(Exception):
    def __init__(self, filterset):
        super().__init__("invalid filters")
        self.filterset = filterset


class FilteredEnterprisesFeed(LatestFeed):
    """The first FEED_SIZE rows of the enterprise list for the same query string, in the
    list's order: the same FilterSet, so the same parameters and the same refusals."""

    model = Enterprise
    list_url_name = "enterprises:enterprise-list"

    @classmethod
    def query_parameters(cls):
        return tuple(EnterpriseFilter.base_filters)

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilters as exc:
            return refused(request, exc.filterset)

    def get_object(self, request, *args, **kwargs):
        filterset = EnterpriseFilter(
            request.GET or None,
            queryset=Enterprise.objects.published().for_listing(),
            request=request,
        )
        if filterset.is_bound and not filterset.is_valid():
            raise InvalidFilters(filterset)
        return filterset

    def title(self, filterset):
        return _("Enterprises matching these filters") if filterset.is_bound else _("Enterprises")

    def link(self, filterset):
        return with_query(reverse(self.list_url_name), filterset)

    def feed_url(self, filterset):
        return with_query(reverse("enterprises:enterprise-feed"), filterset)

    def items(self, filterset):
        return filterset.qs[:FEED_SIZE]


def with_query(path, filterset):
    """`path` with the filters' query string (already canonical: see middleware)."""
    query = filterset.data.urlencode() if filterset.is_bound else ""
    return path + (f"?{query}" if query else "")


def refused(request, filterset):
    """400: which filters are wrong and why, as the list page would say; never cached."""
    lines = [
        f"{filterset.form.fields[name].label if name in filterset.form.fields else name}: "
        + " ".join(errors)
        for name, errors in filterset.form.errors.items()
    ]
    message = _("This feed's filters are not valid: %(errors)s") % {"errors": "; ".join(lines)}
    response = HttpResponseBadRequest(
        render_to_string("400.html", {"message": message}, request=request)
    )
    add_never_cache_headers(response)
    return response
