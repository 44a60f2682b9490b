"""factory-boy factories for tests: published, valid rows in both languages."""

import factory
from factory.django import DjangoModelFactory

from enterprises.models import (
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
    Source,
    Status,
    Tier,
)
from enterprises.validators import credit_code_check_character, org_code_check_character


def valid_credit_code(n):
    """A unified social credit code with correct check characters, distinct for each n."""
    body8 = f"{n:08d}"
    org = body8 + org_code_check_character(body8)
    first17 = "91" + "110108" + org
    return first17 + credit_code_check_character(first17)


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"test-source-{n}")
    publisher_zh_hans = "测试出版方"
    publisher_en = "Test publisher"
    title_zh_hans = factory.Sequence(lambda n: f"测试来源{n}")
    title_en = factory.Sequence(lambda n: f"Test source {n}")


class RegionFactory(DjangoModelFactory):
    """Regions are reference data: reuse the real row for a code when it exists."""

    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "21"
    slug = factory.LazyAttribute(lambda o: f"region-{o.code}")
    kind = Region.Kind.PROVINCE
    name_zh_hans = factory.LazyAttribute(lambda o: f"地区{o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Region {o.code}")
    full_name_zh_hans = factory.LazyAttribute(lambda o: f"地区{o.code}省")
    full_name_en = factory.LazyAttribute(lambda o: f"Region {o.code} Province")


class IndustryFactory(DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ("code",)

    code = "C"
    level = Industry.Level.SECTION
    name_zh_hans = "制造业"
    name_en = "Manufacturing"


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise
        skip_postgeneration_save = True

    name_zh_hans = factory.Sequence(lambda n: f"测试科技{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Technology {n} Co., Ltd.")
    slug = factory.Sequence(lambda n: f"test-technology-{n}")
    region = factory.SubFactory(RegionFactory)
    industry = factory.SubFactory(IndustryFactory)
    summary_zh_hans = "测试用企业。"
    summary_en = "An enterprise made for tests."
    status = Status.PUBLISHED

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if create and extracted:
            self.sources.set(extracted)


class RecognitionFactory(DjangoModelFactory):
    class Meta:
        model = Recognition

    enterprise = factory.SubFactory(EnterpriseFactory)
    tier = Tier.SPECIALIZED
    level = Recognition.Level.PROVINCIAL
    year = 2022
    source = factory.SubFactory(SourceFactory)


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    enterprise = factory.SubFactory(EnterpriseFactory)
    name_zh_hans = factory.Sequence(lambda n: f"测试产品{n}")
    name_en = factory.Sequence(lambda n: f"Test product {n}")
    slug = factory.Sequence(lambda n: f"test-product-{n}")
    status = Status.PUBLISHED


class ExhibitionFactory(DjangoModelFactory):
    class Meta:
        model = Exhibition

    name_zh_hans = factory.Sequence(lambda n: f"测试博览会{n}")
    name_en = factory.Sequence(lambda n: f"Test fair {n}")
    slug = factory.Sequence(lambda n: f"test-fair-{n}")
    year = 2023
    city_zh_hans = "沈阳"
    city_en = "Shenyang"
    region = factory.SubFactory(RegionFactory)
    status = Status.PUBLISHED


class ExhibitFactory(DjangoModelFactory):
    class Meta:
        model = Exhibit

    exhibition = factory.SubFactory(ExhibitionFactory)
    product = factory.SubFactory(ProductFactory)


class PolicyFactory(DjangoModelFactory):
    class Meta:
        model = PolicyInitiative

    title_zh_hans = factory.Sequence(lambda n: f"测试政策{n}")
    title_en = factory.Sequence(lambda n: f"Test policy {n}")
    slug = factory.Sequence(lambda n: f"test-policy-{n}")
    scope = PolicyInitiative.Scope.NATIONAL
    status = Status.PUBLISHED


class PolicyTargetFactory(DjangoModelFactory):
    class Meta:
        model = PolicyTarget

    initiative = factory.SubFactory(PolicyFactory)
    slug = factory.Sequence(lambda n: f"target-{n}")
    measure_zh_hans = "省级专精特新企业"
    measure_en = "provincial-level specialized enterprises"
    target_value = 1000
    deadline_year = 2025


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    slug = factory.Sequence(lambda n: f"indicator-{n}")
    measure_zh_hans = "测试指标"
    measure_en = "test figure"
    value = 100
    as_of = "2023-01-01"
    source = factory.SubFactory(SourceFactory)
    status = Status.PUBLISHED
