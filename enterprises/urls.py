from django.urls import path

from . import feeds, views
from .downloads.views import SearchDownloadView, list_download

app_name = "enterprises"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("enterprises/", views.EnterpriseListView.as_view(), name="enterprise-list"),
    # Feeds end in .atom, which no slug can: an entry's page never hides behind one.
    path("enterprises/feed.atom", feeds.FilteredEnterprisesFeed(), name="enterprise-feed"),
    path("enterprises/latest.atom", feeds.LatestEnterprisesFeed(), name="enterprise-latest"),
    # A download's name has a dot, which no slug has: it never hides an entry's page.
    path(
        "enterprises/download.<str:extension>",
        list_download(views.EnterpriseListView),
        name="enterprise-download",
    ),
    path(
        "enterprises/<slug:slug>/",
        views.EnterpriseDetailView.as_view(),
        name="enterprise-detail",
    ),
    path("products/", views.ProductListView.as_view(), name="product-list"),
    path(
        "products/download.<str:extension>",
        list_download(views.ProductListView),
        name="product-download",
    ),
    path("products/<slug:slug>/", views.ProductDetailView.as_view(), name="product-detail"),
    path("exhibitions/", views.ExhibitionListView.as_view(), name="exhibition-list"),
    path("exhibitions/latest.atom", feeds.LatestExhibitionsFeed(), name="exhibition-latest"),
    path(
        "exhibitions/download.<str:extension>",
        list_download(views.ExhibitionListView),
        name="exhibition-download",
    ),
    path(
        "exhibitions/<slug:slug>/",
        views.ExhibitionDetailView.as_view(),
        name="exhibition-detail",
    ),
    path("policies/", views.PolicyListView.as_view(), name="policy-list"),
    path("policies/latest.atom", feeds.LatestPoliciesFeed(), name="policy-latest"),
    path(
        "policies/download.<str:extension>",
        list_download(views.PolicyListView),
        name="policy-download",
    ),
    # Before the policies' pages: no policy may take the slug "match" (its clean() says so).
    path("policies/match/", views.PolicyMatchView.as_view(), name="policy-match"),
    path("policies/<slug:slug>/", views.PolicyDetailView.as_view(), name="policy-detail"),
    path("regions/", views.RegionListView.as_view(), name="region-list"),
    path("regions/<slug:slug>/", views.RegionDetailView.as_view(), name="region-detail"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    path("compare/", views.CompareView.as_view(), name="compare"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/download.<str:extension>", SearchDownloadView.as_view(), name="search-download"),
    path("search/suggest", views.suggest, name="search-suggest"),
    path("developers/api/", views.ApiPageView.as_view(), name="api"),
]
