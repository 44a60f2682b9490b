"""The /data/ pages: the list of releases, their files, and an Atom feed of them."""

import json

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from .models import Release
from .publishing import STORAGE

MEDIA_TYPES = {
    ".csv": "text/csv",
    ".parquet": "application/vnd.apache.parquet",
    ".json": "application/json",
}


def linked_data(data):
    """JSON for a <script type="application/ld+json"> block: data the page carries, with
    <, > and & escaped as json_script does, so no text can close the element."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_json_script_escapes))


def dataset(request, latest):
    """schema.org Dataset markup for the directory's releases."""
    page = request.build_absolute_uri(reverse("releases:release-list"))
    described = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": _("China Specialized SME Directory: data releases"),
        "description": _(
            "Dated releases of the published directory: enterprises, recognitions, products, "
            "exhibitions, policies, indicators, people and statements, with their sources."
        ),
        "url": page,
        "license": settings.RELEASE_LICENSE["path"],
        "inLanguage": ["zh-Hans", "en"],
        "isAccessibleForFree": True,
    }
    if latest is not None:
        described["dateModified"] = latest.created_at
        described["version"] = latest.name
        described["distribution"] = [
            {
                "@type": "DataDownload",
                "name": file["path"],
                "contentUrl": request.build_absolute_uri(latest.download_url(file["path"])),
                "encodingFormat": media_type(file["path"]),
                "contentSize": f"{file['bytes']} B",
            }
            for file in latest.files
        ]
    return linked_data(described)


def media_type(path):
    return next(
        (kind for ending, kind in MEDIA_TYPES.items() if path.endswith(ending)),
        "application/octet-stream",
    )


class ReleaseListView(ListView):
    model = Release
    paginate_by = 20
    section = "data"

    @classmethod
    def query_parameters(cls):
        return ("page",)

    def get_queryset(self):
        return Release.objects.latest_first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["dataset"] = dataset(self.request, Release.objects.latest_first().first())
        return context


def release_file(request, name, path):
    """A file of a release, streamed; only the files its record lists (never another path
    of the storage). Releases never change, so caches may keep them for good."""
    release = get_object_or_404(Release, name=name)
    described = release.file(path)
    if described is None:
        raise Http404(_("This release has no such file."))
    response = FileResponse(
        storages[STORAGE].open(f"{release.name}/{path}", "rb"),
        as_attachment=True,
        filename=f"{release.name}-{path.replace('/', '-')}",
        content_type=media_type(path),
    )
    response["Content-Length"] = described["bytes"]
    response["ETag"] = f'"{described["sha256"]}"'
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


class ReleaseFeed(Feed):
    """New releases, as Atom, in the language of the address it is read at."""

    feed_type = Atom1Feed
    title = gettext_lazy("China Specialized SME Directory: data releases")
    subtitle = gettext_lazy("A new dated release of the directory's data.")

    def link(self):
        return reverse("releases:release-list")

    def items(self):
        return Release.objects.latest_first()[:20]

    def item_title(self, release):
        return _("Data release %(name)s") % {"name": release.name}

    def item_description(self, release):
        return _("%(rows)s rows in %(files)s files.") % {
            "rows": release.total_rows,
            "files": len(release.files),
        }

    def item_link(self, release):
        return release.get_absolute_url()

    def item_pubdate(self, release):
        return release.created_at

    def item_updateddate(self, release):
        return release.created_at
