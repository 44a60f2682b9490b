"""Generated demo data, for trying the directory at the scale of a national register.

Demo rows are never curated facts: every slug starts with ``demo-``, every recognition and
exhibit cites the demo source, and public pages label them. The generator builds unsaved
model instances (building), whose own methods give their slugs and search documents, and
writes them straight into the tables in chunks (writing), so that a million enterprises
with their products, recognitions and exhibits take minutes and constant memory; words
holds what the names are made of. The same seed gives the same data.
"""

from ..models.base import DEMO_PREFIX
from .building import PER_ENTERPRISE
from .generator import DEMO_SOURCE, Generator, delete_demo_data

__all__ = ["DEMO_PREFIX", "DEMO_SOURCE", "PER_ENTERPRISE", "Generator", "delete_demo_data"]
