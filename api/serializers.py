"""What the API says about each kind of entry: both languages of every translated field, and
related rows by slug (published ones only: the views load nothing else)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enterprises.models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Indicator,
    Industry,
    Person,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Recognition,
    Region,
    Size,
    Source,
    Statement,
    Tier,
)

from .fields import TranslatedField, slug_of, slugs_of


class PageLinkMixin(serializers.Serializer):
    """The entry's page on the site (in Chinese; the English one is under /en/)."""

    page = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uri-reference"})
    def get_page(self, obj):
        return obj.get_absolute_url()


class SourceSerializer(serializers.ModelSerializer):
    publisher = TranslatedField()
    title = TranslatedField()
    note = TranslatedField()

    class Meta:
        model = Source
        fields = [
            "slug",
            "publisher",
            "title",
            "title_is_descriptive",
            "language",
            "published_on",
            "url",
            "note",
        ]


class RegionSerializer(PageLinkMixin, serializers.ModelSerializer):
    name = TranslatedField()
    full_name = TranslatedField()
    source = slug_of()
    enterprise_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Region
        fields = [
            "code",
            "slug",
            "kind",
            "name",
            "full_name",
            "source",
            "enterprise_count",
            "page",
        ]


class IndustrySerializer(serializers.ModelSerializer):
    name = TranslatedField()
    parent = slug_of("code")
    source = slug_of()

    class Meta:
        model = Industry
        fields = ["code", "level", "parent", "name", "source"]


class EnterpriseSerializer(PageLinkMixin, serializers.ModelSerializer):
    name = TranslatedField()
    city = TranslatedField()
    summary = TranslatedField()
    region = slug_of()
    industry = slug_of("code")
    sources = slugs_of()

    class Meta:
        model = Enterprise
        fields = [
            "slug",
            "name",
            "region",
            "city",
            "industry",
            "tier",
            "size",
            "founded_year",
            "listed",
            "exchange",
            "ticker",
            "website",
            "summary",
            "sources",
            "updated_at",
            "page",
        ]


class EarlierStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    notice_number = serializers.CharField()
    notice_date = serializers.DateField(allow_null=True)


class RecognitionSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    authority = TranslatedField()
    source = slug_of()
    in_force = serializers.BooleanField(read_only=True)
    earlier_stages = EarlierStageSerializer(many=True, read_only=True)

    class Meta:
        model = Recognition
        fields = [
            "tier",
            "level",
            "year",
            "batch",
            "title",
            "authority",
            "stage",
            "notice_number",
            "notice_date",
            "valid_from",
            "valid_until",
            "review_due",
            "in_force",
            "earlier_stages",
            "source",
        ]


class ProductSerializer(PageLinkMixin, serializers.ModelSerializer):
    name = TranslatedField()
    category = TranslatedField()
    summary = TranslatedField()
    enterprise = slug_of()
    sources = slugs_of()

    class Meta:
        model = Product
        fields = ["slug", "name", "enterprise", "category", "summary", "sources", "page"]


class EnterpriseDetailSerializer(EnterpriseSerializer):
    description = TranslatedField()
    recognitions = RecognitionSerializer(many=True, read_only=True)
    products = slugs_of()

    class Meta(EnterpriseSerializer.Meta):
        fields = [
            *EnterpriseSerializer.Meta.fields,
            "credit_code",
            "description",
            "recognitions",
            "products",
        ]


class ProductExhibitSerializer(serializers.ModelSerializer):
    exhibition = slug_of()
    note = TranslatedField()
    source = slug_of()

    class Meta:
        model = Exhibit
        fields = ["exhibition", "hall", "booth", "note", "source"]


class ProductDetailSerializer(ProductSerializer):
    description = TranslatedField()
    exhibits = ProductExhibitSerializer(many=True, read_only=True)

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "description", "exhibits"]


class ExhibitionSerializer(PageLinkMixin, serializers.ModelSerializer):
    name = TranslatedField()
    city = TranslatedField()
    organiser = TranslatedField()
    summary = TranslatedField()
    region = slug_of()
    sources = slugs_of()

    class Meta:
        model = Exhibition
        fields = [
            "slug",
            "name",
            "name_is_descriptive",
            "year",
            "start_date",
            "end_date",
            "region",
            "city",
            "organiser",
            "website",
            "exhibitor_count",
            "summary",
            "sources",
            "page",
        ]


class ExhibitSerializer(serializers.ModelSerializer):
    product = slug_of()
    enterprise = slug_of(source="product.enterprise")
    note = TranslatedField()
    source = slug_of()

    class Meta:
        model = Exhibit
        fields = ["product", "enterprise", "hall", "booth", "note", "source"]


class ExhibitionDetailSerializer(ExhibitionSerializer):
    description = TranslatedField()
    exhibits = ExhibitSerializer(many=True, read_only=True)

    class Meta(ExhibitionSerializer.Meta):
        fields = [*ExhibitionSerializer.Meta.fields, "description", "exhibits"]


class PolicySerializer(PageLinkMixin, serializers.ModelSerializer):
    title = TranslatedField()
    authority = TranslatedField()
    city = TranslatedField()
    summary = TranslatedField()
    region = slug_of()
    sources = slugs_of()
    # Who the initiative is for, as its criteria source states it (empty: not recorded).
    eligible_tiers = serializers.ListField(child=serializers.ChoiceField(Tier.choices))
    eligible_sizes = serializers.ListField(child=serializers.ChoiceField(Size.choices))
    eligible_industries = slugs_of("code")
    criteria_source = slug_of()
    criteria_note = TranslatedField()

    class Meta:
        model = PolicyInitiative
        fields = [
            "slug",
            "title",
            "title_is_descriptive",
            "authority",
            "scope",
            "region",
            "city",
            "document_number",
            "issued_on",
            "period_start",
            "period_end",
            "stage",
            "summary",
            "sources",
            *PolicyInitiative.CRITERIA_FIELDS,
            "page",
        ]


class PolicyTargetSerializer(serializers.ModelSerializer):
    measure = TranslatedField()
    unit = TranslatedField()
    latest_value_source = slug_of()

    class Meta:
        model = PolicyTarget
        fields = [
            "slug",
            "measure",
            "tier",
            "qualifier",
            "target_value",
            "unit",
            "deadline_year",
            "latest_value",
            "latest_value_on",
            "latest_value_source",
        ]


class PolicyDetailSerializer(PolicySerializer):
    text = TranslatedField()
    targets = PolicyTargetSerializer(many=True, read_only=True)

    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "text", "targets"]


class IndicatorSerializer(serializers.ModelSerializer):
    measure = TranslatedField()
    unit = TranslatedField()
    city = TranslatedField()
    note = TranslatedField()
    region = slug_of()
    source = slug_of()

    class Meta:
        model = Indicator
        fields = [
            "slug",
            "series",
            "measure",
            "region",
            "city",
            "qualifier",
            "value",
            "unit",
            "as_of",
            "note",
            "source",
        ]


class SeriesPointSerializer(serializers.ModelSerializer):
    source = slug_of()

    class Meta:
        model = Indicator
        fields = ["slug", "as_of", "qualifier", "value", "source"]


class IndicatorDetailSerializer(IndicatorSerializer):
    """A figure, with every published figure of its series (itself included), oldest first."""

    series_points = serializers.SerializerMethodField()

    class Meta(IndicatorSerializer.Meta):
        fields = [*IndicatorSerializer.Meta.fields, "series_points"]

    @extend_schema_field(SeriesPointSerializer(many=True))
    def get_series_points(self, obj):
        if not obj.series:
            return SeriesPointSerializer([obj], many=True).data
        points = (
            Indicator.objects.published()
            .filter(series=obj.series)
            .select_related("source")
            .order_by("as_of", "slug")
        )
        return SeriesPointSerializer(points, many=True).data


class StatementSerializer(serializers.ModelSerializer):
    id = serializers.SerializerMethodField()
    person = slug_of()
    role = TranslatedField()
    organisation = TranslatedField()
    paraphrase = TranslatedField()
    enterprise = serializers.SerializerMethodField()
    source = slug_of()
    enterprises = slugs_of()
    products = slugs_of()
    exhibitions = slugs_of()
    policies = slugs_of()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = [
            "id",
            "person",
            "slug",
            "role",
            "organisation",
            "enterprise",
            "paraphrase",
            "reported_on",
            "source",
            "enterprises",
            "products",
            "exhibitions",
            "policies",
            "url",
        ]

    def get_id(self, obj) -> str:
        return f"{obj.person.slug}/{obj.slug}"

    def get_enterprise(self, obj) -> str | None:
        """The enterprise spoken for, when it is published."""
        enterprise = obj.enterprise
        return enterprise.slug if enterprise is not None and enterprise.is_public() else None

    @extend_schema_field({"type": "string", "format": "uri-reference"})
    def get_url(self, obj):
        return reverse("api:statement-detail", args=[obj.person.slug, obj.slug])


class PersonSerializer(PageLinkMixin, serializers.ModelSerializer):
    name = TranslatedField()
    statement_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Person
        fields = ["slug", "name", "statement_count", "page"]


class PersonDetailSerializer(PersonSerializer):
    statements = StatementSerializer(many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "statements"]
