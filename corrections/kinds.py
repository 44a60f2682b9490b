"""The kinds of entry readers may suggest a correction for: one per public detail page."""

from dataclasses import dataclass

from enterprises.models import Enterprise, Exhibition, Person, PolicyInitiative, Product, Region


@dataclass(frozen=True)
class Kind:
    """Entries with a public page at /<segment>/<slug>/, named by `name_field`; their list
    is the site's `section`. Entries without a status (regions) are always public."""

    segment: str
    model: type
    section: str | None
    name_field: str = "name"
    has_status: bool = True

    def public_entries(self):
        manager = self.model._default_manager
        return manager.published() if self.has_status else manager.all()

    def entry(self, slug):
        """The public entry at `slug`, or None."""
        return self.public_entries().filter(slug=slug).first()


KINDS = (
    Kind("enterprises", Enterprise, "enterprises"),
    Kind("products", Product, "products"),
    Kind("exhibitions", Exhibition, "exhibitions"),
    Kind("policies", PolicyInitiative, "policies", name_field="title"),
    Kind("regions", Region, "regions", name_field="full_name", has_status=False),
    Kind("people", Person, None),
)
BY_SEGMENT = {kind.segment: kind for kind in KINDS}
BY_MODEL = {kind.model: kind for kind in KINDS}


def kind_of(entry):
    """The Kind of an entry (of its class), or None when readers cannot correct it."""
    return BY_MODEL.get(type(entry))


class KindConverter:
    """A kind in a URL, by its page's path segment."""

    regex = "|".join(kind.segment for kind in KINDS)

    def to_python(self, value):
        return BY_SEGMENT[value]

    def to_url(self, value):
        return value.segment if isinstance(value, Kind) else str(value)
