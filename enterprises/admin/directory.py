"""The directory's models in the admin, one ModelAdmin each."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationStackedInline,
    TranslationTabularInline,
)

from ..models import (
    Enterprise,
    EnterpriseFormerSlug,
    Exhibit,
    Exhibition,
    ExhibitionFormerSlug,
    Indicator,
    Industry,
    Person,
    PolicyFormerSlug,
    PolicyInitiative,
    PolicyTarget,
    Product,
    ProductFormerSlug,
    Recognition,
    Region,
    Source,
    Statement,
)
from ..resources import EnterpriseResource, PolicyResource, ProductResource, RecognitionResource
from ..spreadsheets import SpreadsheetAdmin
from .base import DirectoryAdmin, WorkflowActionsMixin
from .forms import (
    BoundedInline,
    MalformedInputMixin,
    OneLanguageIsEnoughForm,
    PolicyInitiativeForm,
)
from .lists import ListImportMixin


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


class RecognitionInline(BoundedInline, TranslationStackedInline):
    # Stacked: a row of translated columns, each with its own language tabs, is too wide.
    model = Recognition
    form = OneLanguageIsEnoughForm
    extra = 0
    fields = (
        ("tier", "level"),
        ("year", "batch"),
        "title",
        "authority",
        ("notice_number", "notice_date"),
        "stage",
        ("valid_from", "valid_until", "review_due"),
        "source",
    )
    autocomplete_fields = ("source",)


class ProductInline(BoundedInline, TranslationStackedInline):
    model = Product
    form = OneLanguageIsEnoughForm
    extra = 0
    # Status is changed on the product's own page, where the workflow rules apply.
    fields = ("name", "slug", "category", "summary")
    readonly_fields = ("slug",)
    show_change_link = True


@admin.register(Enterprise)
class EnterpriseAdmin(WorkflowActionsMixin, SpreadsheetAdmin, DirectoryAdmin):
    resource_classes = [EnterpriseResource]
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

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is not None else [f for f in fields if not f.endswith("_at")]

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
                    "logo",
                )
            },
        ),
        (_("Stock listing"), {"fields": (("listed", "exchange", "ticker"),)}),
        (_("Sources"), {"fields": ("sources", "verified_on", ("created_at", "updated_at"))}),
    )

    def has_delete_permission(self, request, obj=None):
        # Enterprises are archived, never deleted: their history and links stay whole.
        return False

    @admin.display(description=_("listing"), ordering="exchange")
    def listing(self, obj):
        return f"{obj.get_exchange_display()} {obj.ticker}" if obj.exchange else "—"


@admin.register(Recognition)
class RecognitionAdmin(ListImportMixin, SpreadsheetAdmin, DirectoryAdmin):
    resource_classes = [RecognitionResource]
    list_display = ("enterprise", "tier", "level", "year", "batch", "stage", "valid_until")
    list_filter = ("tier", "level", "stage", "year")
    search_fields = (
        "enterprise__name_zh_hans",
        "enterprise__name_en",
        "title_zh_hans",
        "title_en",
        "notice_number",
    )
    autocomplete_fields = ("enterprise", "source")
    list_select_related = ("enterprise", "source")


class ExhibitInline(BoundedInline, TranslationTabularInline):
    model = Exhibit
    form = OneLanguageIsEnoughForm
    extra = 0
    fields = ("product", "exhibition", "hall", "booth", "note", "source")
    autocomplete_fields = ("product", "exhibition", "source")


@admin.register(Product)
class ProductAdmin(WorkflowActionsMixin, SpreadsheetAdmin, DirectoryAdmin):
    resource_classes = [ProductResource]
    list_display = ("name", "enterprise", "category", "status", "updated_at")
    list_filter = ("status", "enterprise__tier")
    search_fields = ("name_zh_hans", "name_en", "slug", "category_zh_hans", "category_en")
    autocomplete_fields = ("enterprise", "sources")
    list_select_related = ("enterprise",)
    prepopulated_fields = {"slug": ("name_en",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (ExhibitInline,)


@admin.register(Exhibition)
class ExhibitionAdmin(WorkflowActionsMixin, DirectoryAdmin):
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


class PolicyTargetInline(BoundedInline, TranslationStackedInline):
    model = PolicyTarget
    form = OneLanguageIsEnoughForm
    extra = 0
    fields = (
        ("slug", "position"),
        ("measure", "tier"),
        ("qualifier", "target_value", "unit", "deadline_year"),
        ("latest_value", "latest_value_on", "latest_value_source"),
    )
    autocomplete_fields = ("latest_value_source",)


@admin.register(PolicyInitiative)
class PolicyInitiativeAdmin(WorkflowActionsMixin, SpreadsheetAdmin, DirectoryAdmin):
    resource_classes = [PolicyResource]
    list_display = ("title", "scope", "region", "stage", "issued_on", "status")
    list_filter = ("status", "scope", "stage", "region")
    search_fields = ("title_zh_hans", "title_en", "slug", "document_number")
    autocomplete_fields = ("region", "sources", "criteria_source")
    list_select_related = ("region",)
    prepopulated_fields = {"slug": ("title_en",)}
    readonly_fields = ("created_at", "updated_at")
    inlines = (PolicyTargetInline,)
    form = PolicyInitiativeForm
    filter_horizontal = ("eligible_industries",)
    fieldsets = (
        (None, {"fields": ("status", "title", "title_is_descriptive", "slug")}),
        (
            _("Initiative"),
            {
                "fields": (
                    "authority",
                    ("scope", "region"),
                    "city",
                    ("document_number", "issued_on"),
                    ("period_start", "period_end", "stage"),
                    "summary",
                    "text",
                )
            },
        ),
        (
            _("Who it is for (read by the policy matcher)"),
            {
                "description": _(
                    "Record only what the source states; leave empty what it does not say. "
                    "Criteria need their source."
                ),
                "fields": PolicyInitiative.CRITERIA_FIELDS,
            },
        ),
        (_("Sources"), {"fields": ("sources", "verified_on", ("created_at", "updated_at"))}),
    )


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
class IndicatorAdmin(WorkflowActionsMixin, DirectoryAdmin):
    list_display = (
        "measure",
        "series",
        "region",
        "qualifier",
        "value",
        "unit",
        "as_of",
        "status",
    )
    list_filter = ("status", "region", "series")
    search_fields = ("measure_zh_hans", "measure_en", "slug", "series")
    autocomplete_fields = ("region", "source")
    list_select_related = ("region",)
    date_hierarchy = "as_of"


class StatementInline(BoundedInline, TranslationStackedInline):
    model = Statement
    form = OneLanguageIsEnoughForm
    extra = 0
    fields = (
        ("slug", "position", "status"),
        ("role", "organisation"),
        "enterprise",
        "paraphrase",
        ("reported_on", "source"),
        ("enterprises", "products", "exhibitions", "policies"),
    )
    autocomplete_fields = (
        "enterprise",
        "source",
        "enterprises",
        "products",
        "exhibitions",
        "policies",
    )


@admin.register(Person)
class PersonAdmin(WorkflowActionsMixin, DirectoryAdmin):
    list_display = ("name", "slug", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("name_zh_hans", "name_en", "slug")
    readonly_fields = ("created_at", "updated_at")
    inlines = (StatementInline,)


@admin.register(Statement)
class StatementAdmin(WorkflowActionsMixin, DirectoryAdmin):
    list_display = ("person", "role", "organisation", "reported_on", "source", "status")
    list_filter = ("status", "reported_on")
    search_fields = (
        "person__name_zh_hans",
        "person__name_en",
        "paraphrase_zh_hans",
        "paraphrase_en",
    )
    autocomplete_fields = StatementInline.autocomplete_fields + ("person",)
    list_select_related = ("person", "source")
    readonly_fields = ("created_at", "updated_at")


@admin.register(EnterpriseFormerSlug, ProductFormerSlug, ExhibitionFormerSlug, PolicyFormerSlug)
class FormerSlugAdmin(MalformedInputMixin, admin.ModelAdmin):
    """Old addresses are kept automatically; editors can look them up or remove one."""

    list_display = ("slug", "entry", "created_at")
    search_fields = ("slug",)
    list_select_related = ("entry",)
    readonly_fields = ("slug", "entry", "created_at")

    def has_add_permission(self, request):
        return False
