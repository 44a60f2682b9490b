"""Public pages of the directory: home, lists with filters, detail pages, search, statistics,
and the pages for machines (robots.txt, health)."""

from .base import PAGE_SIZE, PublishedListView, VisibleDetailView, page_not_found
from .compare import CompareView
from .developers import ApiPageView
from .directory import (
    EnterpriseDetailView,
    EnterpriseListView,
    ExhibitionDetailView,
    ExhibitionListView,
    HomeView,
    PersonDetailView,
    PersonListView,
    PolicyDetailView,
    PolicyListView,
    ProductDetailView,
    ProductListView,
    RegionDetailView,
    RegionListView,
)
from .matching import PolicyMatchView
from .search import SearchView, suggest
from .service import healthz, ping, robots_txt
from .statistics import StatisticsView

__all__ = [
    "PAGE_SIZE",
    "ApiPageView",
    "CompareView",
    "EnterpriseDetailView",
    "EnterpriseListView",
    "ExhibitionDetailView",
    "ExhibitionListView",
    "HomeView",
    "PersonDetailView",
    "PersonListView",
    "PolicyDetailView",
    "PolicyListView",
    "PolicyMatchView",
    "ProductDetailView",
    "ProductListView",
    "PublishedListView",
    "RegionDetailView",
    "RegionListView",
    "SearchView",
    "StatisticsView",
    "VisibleDetailView",
    "healthz",
    "page_not_found",
    "ping",
    "robots_txt",
    "suggest",
]
