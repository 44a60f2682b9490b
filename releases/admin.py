from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Release


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    """Releases are written by publish_release and never changed: a read-only listing."""

    list_display = ("name", "created_at", "timepoint", "include_demo", "rows", "size")
    list_filter = ("include_demo",)
    readonly_fields = (
        "name",
        "created_at",
        "timepoint",
        "previous",
        "include_demo",
        "files",
        "row_counts",
        "delta_counts",
    )

    @admin.display(description=_("rows"))
    def rows(self, release):
        return release.total_rows

    @admin.display(description=_("bytes"))
    def size(self, release):
        return release.total_bytes

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
