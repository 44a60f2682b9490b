from django.urls import path

from . import views

app_name = "releases"

urlpatterns = [
    path("data/", views.ReleaseListView.as_view(), name="release-list"),
    path("data/feed/", views.ReleaseFeed(), name="release-feed"),
    path(
        "data/<str:name>/<path:path>",
        views.release_file,
        name="release-file",
    ),
]
