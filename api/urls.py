from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView

from . import views
from .changes import ChangeFeedView
from .docs import DocsView
from .errors import not_found
from .search import SearchView

app_name = "api"

LIST, DETAIL = {"get": "list"}, {"get": "retrieve"}

ROUTES = [
    ("enterprises", "enterprise", views.EnterpriseViewSet, "<slug:slug>"),
    ("products", "product", views.ProductViewSet, "<slug:slug>"),
    ("exhibitions", "exhibition", views.ExhibitionViewSet, "<slug:slug>"),
    ("policies", "policy", views.PolicyViewSet, "<slug:slug>"),
    ("indicators", "indicator", views.IndicatorViewSet, "<slug:slug>"),
    ("regions", "region", views.RegionViewSet, "<slug:slug>"),
    ("industries", "industry", views.IndustryViewSet, "<str:code>"),
    ("sources", "source", views.SourceViewSet, "<slug:slug>"),
    ("people", "person", views.PersonViewSet, "<slug:slug>"),
    ("statements", "statement", views.StatementViewSet, "<slug:person>/<slug:slug>"),
]

urlpatterns = [
    path("schema/", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("changes/", ChangeFeedView.as_view(), name="changes"),
    path("search/", SearchView.as_view(), name="search"),
]
for prefix, name, viewset, lookup in ROUTES:
    urlpatterns += [
        path(f"{prefix}/", viewset.as_view(LIST), name=f"{name}-list"),
        path(f"{prefix}/{lookup}/", viewset.as_view(DETAIL), name=f"{name}-detail"),
    ]
urlpatterns.append(re_path(r"^.*$", not_found))
