"""Bilingual columns (django-modeltranslation): 简体中文 first, English second."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from .history import DERIVED, DirectoryHistory
from .models import (
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
    Source,
    Statement,
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
    fields = ("title", "authority", "city", "summary", "text", "criteria_note")


@register(PolicyTarget)
class PolicyTargetTranslation(TranslationOptions):
    fields = ("measure", "unit")


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("measure", "unit", "city", "note")


@register(Person)
class PersonTranslation(TranslationOptions):
    fields = ("name",)


@register(Statement)
class StatementTranslation(TranslationOptions):
    fields = ("role", "organisation", "paraphrase")


# History comes after translation, so that the historical models carry both languages
# (HistoricalRecords() declared on a translated model breaks its saves).
for model, options in [
    (Source, {}),
    (Region, {}),
    (Industry, {}),
    (Enterprise, {"excluded_fields": [*DERIVED, "name_key"], "m2m_fields": ["sources"]}),
    (Recognition, {}),
    (Product, {"excluded_fields": DERIVED, "m2m_fields": ["sources"]}),
    (Exhibition, {"excluded_fields": DERIVED, "m2m_fields": ["sources"]}),
    (Exhibit, {}),
    (
        PolicyInitiative,
        {"excluded_fields": DERIVED, "m2m_fields": ["sources", "eligible_industries"]},
    ),
    (PolicyTarget, {}),
    (Indicator, {}),
    (Person, {}),
    (Statement, {"m2m_fields": ["enterprises", "products", "exhibitions", "policies"]}),
]:
    register_history(model, records_class=DirectoryHistory, **options)
