from .base import PublishableModel, Qualifier, Status, TimestampedModel
from .cache import ContentVersion
from .enterprise import Enterprise, Exchange, Size, Tier
from .exhibition import Exhibit, Exhibition
from .imports import ListImport
from .people import Person, Statement
from .policy import Indicator, PolicyInitiative, PolicyTarget
from .product import Product
from .recognition import Recognition
from .redirects import (
    EnterpriseFormerSlug,
    ExhibitionFormerSlug,
    PolicyFormerSlug,
    ProductFormerSlug,
)
from .reference import Industry, Region, Source
from .revision import Revision
from .searchable import SearchTerm

__all__ = [
    "ContentVersion",
    "Enterprise",
    "EnterpriseFormerSlug",
    "ExhibitionFormerSlug",
    "PolicyFormerSlug",
    "ProductFormerSlug",
    "Exchange",
    "Exhibit",
    "Exhibition",
    "Indicator",
    "Industry",
    "ListImport",
    "PolicyInitiative",
    "PolicyTarget",
    "Person",
    "Product",
    "PublishableModel",
    "Qualifier",
    "Recognition",
    "Region",
    "Revision",
    "Size",
    "SearchTerm",
    "Source",
    "Statement",
    "Status",
    "Tier",
    "TimestampedModel",
]
