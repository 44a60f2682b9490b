from django.urls import path, register_converter

from . import views
from .kinds import KindConverter

register_converter(KindConverter, "kind")

app_name = "corrections"

urlpatterns = [
    path("<kind:kind>/<slug:slug>/correction/", views.SuggestView.as_view(), name="suggest"),
    path(
        "<kind:kind>/<slug:slug>/correction/thanks/",
        views.ThanksView.as_view(),
        name="thanks",
    ),
]
