"""Bilingual columns (django-modeltranslation): 简体中文 first, English second."""

from modeltranslation.translator import TranslationOptions, register

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
    Source,
)


@register(Source)
class SourceTranslation(TranslationOptions):
    fields = ("publisher", "title", "note")


@register(Region)
class RegionTranslation(TranslationOptions):
    fields = ("name", "full_name")


@register(Industry)
class IndustryTranslation(TranslationOptions):
    fields = ("name",)


@register(Enterprise)
class EnterpriseTranslation(TranslationOptions):
    fields = ("name", "city", "summary", "description")


@register(Recognition)
class RecognitionTranslation(TranslationOptions):
    fields = ("title", "authority")


@register(Product)
class ProductTranslation(TranslationOptions):
    fields = ("name", "category", "summary", "description")


@register(Exhibition)
class ExhibitionTranslation(TranslationOptions):
    fields = ("name", "city", "organiser", "summary", "description")


@register(Exhibit)
class ExhibitTranslation(TranslationOptions):
    fields = ("note",)


@register(PolicyInitiative)
class PolicyInitiativeTranslation(TranslationOptions):
    fields = ("title", "authority", "summary", "text")


@register(PolicyTarget)
class PolicyTargetTranslation(TranslationOptions):
    fields = ("measure", "unit")


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("measure", "unit", "note")
