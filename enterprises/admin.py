"""The editors' admin: every directory model, bilingual fields side by side in tabs."""

from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from modeltranslation.translator import translator
from modeltranslation.utils import build_localized_fieldname

from .models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Indicator,
    Industry,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Recognition,
    Region,
    SlugHistory,
    Source,
    Status,
)

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class MissingTranslationFilter(admin.SimpleListFilter):
    """Entries with text in one language but not the other, for editors to translate."""

    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [("en", _("English missing")), ("zh-hans", _("Chinese missing"))]

    def queryset(self, request, queryset):
        missing = self.value()
        if missing not in LANGUAGES:
            return queryset
        (present,) = [code for code in LANGUAGES if code != missing]
        condition = Q()
        for field in translator.get_options_for_model(queryset.model).get_field_names():
            empty = build_localized_fieldname(field, missing)
            filled = build_localized_fieldname(field, present)
            condition |= (Q(**{empty: ""}) | Q(**{f"{empty}__isnull": True})) & ~(
                Q(**{filled: ""}) | Q(**{f"{filled}__isnull": True})
            )
        return queryset.filter(condition)


class DirectoryAdmin(TabbedTranslationAdmin):
    """Bilingual fields in tabs; a filter for missing translations; a web address typed
    without a scheme is taken as https."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_list_filter(self, request):
        return (*super().get_list_filter(request), MissingTranslationFilter)


class PublishActionsMixin:
    """Publish and unpublish actions, saving each row so every signal runs."""

    actions = ["publish", "unpublish"]

    def _set_status(self, request, queryset, status):
        changed = 0
        for obj in queryset:
            if obj.status != status:
                obj.status = status
                obj.save(update_fields=["status"])
                changed += 1
        return changed

    @admin.action(description=_("Publish the selected entries"), permissions=["change"])
    def publish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.PUBLISHED)
        self.message_user(
            request,
            ngettext("%(count)d entry published.", "%(count)d entries published.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish the selected entries"), permissions=["change"])
    def unpublish(self, request, queryset):
        changed = self._set_status(request, queryset, Status.DRAFT)
        self.message_user(
            request,
            ngettext(
                "%(count)d entry returned to draft.",
                "%(count)d entries returned to draft.",
                changed,
            )
            % {"count": changed},
            messages.SUCCESS,
        )


@admin.register(Source)
class SourceAdmin(DirectoryAdmin):
    list_display = ("slug", "publisher", "title", "published_on")
    search_fields = ("slug", "publisher_zh_hans", "publisher_en", "title_zh_hans", "title_en")
    date_hierarchy = "published_on"


@admin.register(Region)
class RegionAdmin(DirectoryAdmin):
    list_display = ("code", "name", "full_name", "kind", "slug")
    list_filter = ("kind",)
    search_fields = (
        "code",
        "slug",
        "name_zh_hans",
        "name_en",
        "full_name_zh_hans",
        "full_name_en",
    )
    autocomplete_fields = ("source",)
    list_select_related = ("source",)


@admin.register(Industry)
class IndustryAdmin(DirectoryAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name_zh_hans", "name_en")
    autocomplete_fields = ("parent", "source")
    list_select_related = ("parent",)


class RecognitionInline(TranslationTabularInline):
    model = Recognition
    extra = 0
    fields = ("tier", "level", "year", "batch", "title", "authority", "source")
    autocomplete_fields = ("source",)


class ProductInline(TranslationStackedInline):
    model = Product
    extra = 0
    fields = ("name", "slug", "category", "summary", "status")
    show_change_link = True


@admin.register(Enterprise)
class EnterpriseAdmin(PublishActionsMixin, DirectoryAdmin):
    list_display = (
        "name",
        "region",
        "industry",
        "tier",
        "listing",
        "status",
        "updated_at",
    )
    list_filter = ("status", "tier", "exchange", "size", "region")
    search_fields = ("name_zh_hans", "name_en", "slug", "credit_code", "ticker")
    autocomplete_fields = ("region", "industry", "sources")
    list_select_related = ("region", "industry")
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("tier", "created_at", "updated_at")
    inlines = (RecognitionInline, ProductInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "status", "tier")}),
        (
            _("Profile"),
            {
                "fields": (
                    "credit_code",
                    ("region", "city"),
                    "industry",
                    ("founded_year", "size"),
                    "website",
                    "summary",
                    "description",
                )
            },
        ),
        (_("Stock listing"), {"fields": (("exchange", "ticker"),)}),
        (_("Sources"), {"fields": ("sources", ("created_at", "updated_at"))}),
    )

    @admin.display(description=_("listing"), ordering="exchange")
    def listing(self, obj):
        return f"{obj.get_exchange_display()} {obj.ticker}" if obj.exchange else "—"


@admin.register(Recognition)
class RecognitionAdmin(DirectoryAdmin):
    list_display = ("enterprise", "tier", "level", "year", "batch", "source")
    list_filter = ("tier", "level", "year")
    search_fields = (
        "enterprise__name_zh_hans",
        "enterprise__name_en",
        "title_zh_hans",
        "title_en",
    )
    autocomplete_fields = ("enterprise", "source")
    list_select_related = ("enterprise", "source")


class ExhibitInline(TranslationTabularInline):
    model = Exhibit
    extra = 0
    fields = ("product", "exhibition", "hall", "booth", "note", "source")
    autocomplete_fields = ("product", "exhibition", "source")


@admin.register(Product)
class ProductAdmin(PublishActionsMixin, DirectoryAdmin):
    list_display = ("name", "enterprise", "category", "status", "updated_at")
    list_filter = ("status", "enterprise__tier")
    search_fields = ("name_zh_hans", "name_en", "slug", "category_zh_hans", "category_en")
    autocomplete_fields = ("enterprise", "sources")
    list_select_related = ("enterprise",)
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (ExhibitInline,)


@admin.register(Exhibition)
class ExhibitionAdmin(PublishActionsMixin, DirectoryAdmin):
    list_display = ("name", "year", "city", "region", "start_date", "end_date", "status")
    list_filter = ("status", "year", "region")
    search_fields = ("name_zh_hans", "name_en", "slug", "city_zh_hans", "city_en")
    autocomplete_fields = ("region", "sources")
    list_select_related = ("region",)
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (ExhibitInline,)


@admin.register(Exhibit)
class ExhibitAdmin(DirectoryAdmin):
    list_display = ("product", "exhibition", "hall", "booth")
    list_filter = ("exhibition__year",)
    search_fields = (
        "product__name_zh_hans",
        "product__name_en",
        "exhibition__name_zh_hans",
        "exhibition__name_en",
    )
    autocomplete_fields = ("product", "exhibition", "source")
    list_select_related = ("product", "exhibition")


class PolicyTargetInline(TranslationStackedInline):
    model = PolicyTarget
    extra = 0
    fields = (
        ("slug", "position"),
        "measure",
        ("qualifier", "target_value", "unit", "deadline_year"),
        ("latest_value", "latest_value_on", "latest_value_source"),
    )
    autocomplete_fields = ("latest_value_source",)


@admin.register(PolicyInitiative)
class PolicyInitiativeAdmin(PublishActionsMixin, DirectoryAdmin):
    list_display = ("title", "scope", "region", "stage", "issued_on", "status")
    list_filter = ("status", "scope", "stage", "region")
    search_fields = ("title_zh_hans", "title_en", "slug", "document_number")
    autocomplete_fields = ("region", "sources")
    list_select_related = ("region",)
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (PolicyTargetInline,)


@admin.register(PolicyTarget)
class PolicyTargetAdmin(DirectoryAdmin):
    list_display = (
        "measure",
        "initiative",
        "target_value",
        "unit",
        "deadline_year",
        "latest_value",
    )
    list_filter = ("deadline_year",)
    search_fields = (
        "measure_zh_hans",
        "measure_en",
        "initiative__title_zh_hans",
        "initiative__title_en",
    )
    autocomplete_fields = ("initiative", "latest_value_source")
    list_select_related = ("initiative",)


@admin.register(Indicator)
class IndicatorAdmin(PublishActionsMixin, DirectoryAdmin):
    list_display = ("measure", "region", "qualifier", "value", "unit", "as_of", "status")
    list_filter = ("status", "region")
    search_fields = ("measure_zh_hans", "measure_en", "slug")
    autocomplete_fields = ("region", "source")
    list_select_related = ("region",)
    date_hierarchy = "as_of"


@admin.register(SlugHistory)
class SlugHistoryAdmin(admin.ModelAdmin):
    """Old addresses are kept automatically; editors can look them up or remove one."""

    list_display = ("slug", "content_type", "entry_link", "created_at")
    list_filter = ("content_type",)
    search_fields = ("slug",)
    list_select_related = ("content_type",)
    readonly_fields = ("content_type", "object_id", "slug", "created_at")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("now at"))
    def entry_link(self, obj):
        return f"{obj.content_type.model} #{obj.object_id}"
