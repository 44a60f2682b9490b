"""Entries side by side: the selection read from the address (/compare/?e=a,b&p=c), the
entries it names, and the rows of facts that set them against each other."""

import re
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urlencode

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from .i18n import translated_value
from .models import Enterprise, Exhibit, PolicyInitiative, Product, Recognition
from .models.base import DEFAULT_SUFFIX

# Entries shown side by side, of each kind.
MAX_COMPARED = 4
# Items read from one parameter of the address, whatever it holds: the rest are ignored.
MAX_READ = 3 * MAX_COMPARED
# How much of an item that is no slug the page repeats when it says so.
SHOWN_LENGTH = 40
# Non-empty items of a comma-separated list (`a,,b` is `a,b`).
ITEMS = re.compile(r"[^,\s][^,]*")
CHINESE_NAME = f"name_{DEFAULT_SUFFIX}"
SLUG = re.compile(r"[-a-zA-Z0-9_]{1,100}")


@dataclass(frozen=True)
class Selection:
    """What one parameter of the address asks for: slugs in the order given, each once."""

    slugs: tuple = ()
    duplicates: tuple = ()
    malformed: tuple = ()  # items that cannot be slugs, shortened
    truncated: bool = False  # more than MAX_READ items: the rest were not read

    @classmethod
    def parse(cls, value):
        """Read at most MAX_READ non-empty items of a comma-separated list (lazily: a long
        value costs no more than a short one)."""
        items = [
            item.group().strip() for item in islice(ITEMS.finditer(value or ""), MAX_READ + 1)
        ]
        truncated = len(items) > MAX_READ
        slugs, duplicates, malformed = [], [], []
        for item in items[:MAX_READ]:
            if not SLUG.fullmatch(item):
                malformed.append(shortened(item))
            elif item in slugs:
                duplicates.append(item)
            else:
                slugs.append(item)
        return cls(tuple(slugs), tuple(dict.fromkeys(duplicates)), tuple(malformed), truncated)


def shortened(text):
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


@dataclass
class Found:
    """The published entries a Selection names, in its order, at most MAX_COMPARED."""

    entries: list
    missing: list  # slugs of no published entry, current or former
    left_out: list  # entries beyond MAX_COMPARED
    duplicates: list  # slugs repeating an entry already chosen (an old slug and its new one)


def find(queryset, slugs):
    """The published entries of `queryset` named by `slugs`, current or former (an old slug
    leads to the entry now at another): the same queries whatever the number, one for the
    old slugs and those of the entries (with what they prefetch)."""
    history = queryset.model.former_slugs()
    moved = dict(history.objects.filter(slug__in=slugs).values_list("slug", "entry_id"))
    by_slug, by_pk = {}, {}
    for entry in queryset.filter(Q(slug__in=slugs) | Q(pk__in=moved.values())):
        by_slug[entry.slug] = by_pk[entry.pk] = entry
    for old, pk in moved.items():
        if old not in by_slug and pk in by_pk:
            by_slug[old] = by_pk[pk]
    entries, missing, duplicates, seen = [], [], [], set()
    for slug in slugs:
        entry = by_slug.get(slug)
        if entry is None:
            missing.append(slug)
        elif entry.pk in seen:
            duplicates.append(slug)
        else:
            seen.add(entry.pk)
            entries.append(entry)
    return Found(entries[:MAX_COMPARED], missing, entries[MAX_COMPARED:], duplicates)


def address(chosen):
    """The comparison page of some slugs of each kind ({Kind: [slug, ...]})."""
    query = {kind.parameter: ",".join(slugs) for kind, slugs in chosen.items() if slugs}
    path = reverse("enterprises:compare")
    return f"{path}?{urlencode(query, safe=',')}" if query else path


@dataclass(frozen=True)
class Item:
    """One thing a cell shows: a text, a link if it has a page, and the language of the
    text when it is not the reader's (not yet translated)."""

    text: str
    url: str = ""
    lang: str = ""


@dataclass
class Row:
    """One fact of every entry compared; `differs` when they do not all have the same
    (compared by `keys`, one per entry)."""

    label: str
    cells: list  # per entry: a list of Items, empty when nothing is recorded
    keys: list
    empty: str = _("not recorded")

    @property
    def differs(self):
        return len(self.cells) > 1 and len(set(self.keys)) > 1


@dataclass
class Group:
    heading: str
    rows: list = field(default_factory=list)

    def add(self, label, cells, keys=None, empty=None):
        keys = keys if keys is not None else [tuple(item.text for item in c) for c in cells]
        row = Row(label, cells, keys)
        if empty:
            row.empty = empty
        self.rows.append(row)


def translated(obj, name, url=""):
    """[Item] of a translated field in the reader's language (else the other), or []."""
    value, language = translated_value(obj, name)
    if not value:
        return []
    other = language != (get_language() or "")
    return [Item(value, url, lang=language if other else "")]


def local_policies(policies, enterprise):
    """The policies of an enterprise's region that may cover it: those of the whole region,
    and those of its city (or of a city, where its own is not known)."""
    names = (enterprise.city_zh_hans, enterprise.city_en)
    return [p for p in policies.get(enterprise.region_id, []) if p.covers_city(names) is not False]


def city_note(policy, enterprise):
    """Beside a city's policy where the enterprise's city is not known: which city."""
    if policy.covers_city((enterprise.city_zh_hans, enterprise.city_en)) is not None:
        return []
    city = translated_value(policy, "city")[0]
    return [Item(_("(%(city)s only)") % {"city": city})]


def plain(value, url=""):
    return [Item(str(value), url)] if value not in (None, "") else []


def raw(obj, name):
    """[Item] of one language's field, as it is (the names in Chinese and in English)."""
    return plain(getattr(obj, name, ""))


# Enterprises ---------------------------------------------------------------------------


def enterprises_compared():
    """Published enterprises, with what their comparison shows loaded with them."""
    return (
        Enterprise.objects.published()
        .select_related("region", "industry")
        .prefetch_related(
            Prefetch("recognitions", Recognition.objects.order_by("year", "tier", "pk")),
            Prefetch("products", Product.objects.published(page_of="enterprise")),
        )
    )


def listing(enterprise):
    if enterprise.exchange:
        text = enterprise.get_exchange_display()
        return [Item(f"{text} ({enterprise.ticker})" if enterprise.ticker else text)]
    if enterprise.listed is True:
        return [Item(pgettext("listing status", "Listed"))]
    if enterprise.listed is False:
        return [Item(str(_("Not listed")))]
    return []


def recognition_item(recognition):
    parts = [str(recognition.year) if recognition.year else str(_("year not stated"))]
    parts.append(str(recognition.get_tier_display()))
    if recognition.level:
        parts.append(str(recognition.get_level_display()))
    parts.append(str(recognition.get_stage_display()))
    notice = ", ".join(
        str(value) for value in (recognition.notice_number, recognition.notice_date) if value
    )
    if notice:
        parts.append(str(_("notice %(notice)s")) % {"notice": notice})
    if recognition.valid_from or recognition.valid_until:
        parts.append(
            str(_("valid %(start)s – %(end)s"))
            % {
                "start": recognition.valid_from or _("start not stated"),
                "end": recognition.valid_until or _("end not stated"),
            }
        )
    return Item(" · ".join(parts))


def enterprise_groups(enterprises):
    """The rows comparing some enterprises (loaded by enterprises_compared), by group; three
    queries whatever their number (exhibits, regional policies, national policies, which
    apply to all alike: counted and linked)."""
    ids = [enterprise.pk for enterprise in enterprises]
    exhibits = {pk: [] for pk in ids}
    for exhibit in (
        Exhibit.objects.published()
        .filter(product__enterprise__in=ids)
        .select_related("exhibition", "product")
        .order_by("-exhibition__year", "exhibition__slug", "product__slug")
    ):
        exhibits[exhibit.product.enterprise_id].append(exhibit)
    regions = {enterprise.region_id for enterprise in enterprises if enterprise.region_id}
    policies = {region: [] for region in regions}
    for policy in PolicyInitiative.objects.published().filter(region__in=regions):
        policies[policy.region_id].append(policy)

    identity = Group(_("Identity"))
    identity.add(_("Name in Chinese"), [raw(e, CHINESE_NAME) for e in enterprises])
    identity.add(_("Name in English"), [raw(e, "name_en") for e in enterprises])
    identity.add(_("Unified social credit code"), [plain(e.credit_code) for e in enterprises])
    identity.add(
        _("Region"),
        [
            translated(e.region, "name", e.region.get_absolute_url()) if e.region else []
            for e in enterprises
        ],
        keys=[e.region_id for e in enterprises],
    )
    identity.add(
        _("City"), [translated(e, "city") for e in enterprises], keys=[e.city for e in enterprises]
    )
    identity.add(
        _("Industry"),
        [translated(e.industry, "name") if e.industry else [] for e in enterprises],
        keys=[e.industry_id for e in enterprises],
    )
    identity.add(
        _("Size"),
        [plain(e.get_size_display()) for e in enterprises],
        keys=[e.size for e in enterprises],
    )
    identity.add(_("Founded"), [plain(e.founded_year) for e in enterprises])
    identity.add(
        _("Stock listing"),
        [listing(e) for e in enterprises],
        keys=[(e.listed, e.exchange, e.ticker) for e in enterprises],
    )

    tiers = Group(_("Gradient system"))
    tiers.add(
        _("Current tier"),
        [plain(e.get_tier_display()) for e in enterprises],
        keys=[e.tier for e in enterprises],
        empty=_("no tier in force recorded"),
    )
    tiers.add(
        _("Recognitions"),
        [[recognition_item(r) for r in e.recognitions.all()] for e in enterprises],
        keys=[
            tuple((r.year, r.tier, r.level, r.stage) for r in e.recognitions.all())
            for e in enterprises
        ],
        empty=_("none recorded"),
    )

    offer = Group(_("Products and exhibitions"))
    offer.add(
        _("Products"),
        [
            [
                item
                for p in e.products.all()
                for item in translated(p, "name", p.get_absolute_url())
            ]
            for e in enterprises
        ],
        empty=_("none recorded"),
    )
    offer.add(
        _("Exhibitions"),
        [
            [
                Item(
                    str(_("%(exhibition)s (%(year)s): %(product)s"))
                    % {
                        "exhibition": translated_value(x.exhibition, "name")[0],
                        "year": x.exhibition.year,
                        "product": translated_value(x.product, "name")[0],
                    },
                    x.exhibition.get_absolute_url(),
                )
                for x in exhibits[e.pk]
            ]
            for e in enterprises
        ],
        keys=[frozenset(x.exhibition_id for x in exhibits[e.pk]) for e in enterprises],
        empty=_("none recorded"),
    )

    support = Group(_("Policies"))
    support.add(
        _("Policies of the region"),
        [
            [
                item
                for policy in local_policies(policies, e)
                for item in translated(policy, "title", policy.get_absolute_url())
                + city_note(policy, e)
            ]
            for e in enterprises
        ],
        keys=[tuple(policy.pk for policy in local_policies(policies, e)) for e in enterprises],
        empty=_("none recorded"),
    )
    national = PolicyInitiative.objects.published().national().count()
    nationwide = [
        Item(
            ngettext("%(count)s national policy", "%(count)s national policies", national)
            % {"count": national},
            reverse("enterprises:policy-list") + "?scope=national",
        )
    ]
    support.add(
        _("National policies"),
        [nationwide if national else [] for e in enterprises],
        empty=_("none recorded"),
    )
    return [identity, tiers, offer, support]


# Products ------------------------------------------------------------------------------


def products_compared():
    """Published products of published enterprises, with their exhibits loaded."""
    return (
        Product.objects.published()
        .select_related("enterprise", "enterprise__region")
        .prefetch_related(
            Prefetch(
                "exhibits",
                Exhibit.objects.published(page_of="product")
                .select_related("exhibition")
                .order_by("-exhibition__year", "exhibition__slug"),
            )
        )
    )


def product_groups(products):
    """The rows comparing some products (loaded by products_compared); no query."""
    identity = Group(_("Identity"))
    identity.add(_("Name in Chinese"), [raw(p, CHINESE_NAME) for p in products])
    identity.add(_("Name in English"), [raw(p, "name_en") for p in products])
    identity.add(
        _("Enterprise"),
        [translated(p.enterprise, "name", p.enterprise.get_absolute_url()) for p in products],
        keys=[p.enterprise_id for p in products],
    )
    identity.add(
        _("Region"),
        [
            translated(p.enterprise.region, "name", p.enterprise.region.get_absolute_url())
            if p.enterprise.region
            else []
            for p in products
        ],
        keys=[p.enterprise.region_id for p in products],
    )
    identity.add(
        _("Category"),
        [translated(p, "category") for p in products],
        keys=[p.category for p in products],
    )
    identity.add(
        _("Tier of the enterprise"),
        [plain(p.enterprise.get_tier_display()) for p in products],
        keys=[p.enterprise.tier for p in products],
        empty=_("no tier in force recorded"),
    )
    identity.add(_("Summary"), [translated(p, "summary") for p in products])
    shown = Group(_("Exhibitions"))
    shown.add(
        _("Exhibitions"),
        [
            [
                Item(
                    str(_("%(exhibition)s (%(year)s)"))
                    % {
                        "exhibition": translated_value(x.exhibition, "name")[0],
                        "year": x.exhibition.year,
                    },
                    x.exhibition.get_absolute_url(),
                )
                for x in p.exhibits.all()
            ]
            for p in products
        ],
        keys=[frozenset(x.exhibition_id for x in p.exhibits.all()) for p in products],
        empty=_("none recorded"),
    )
    return [identity, shown]


@dataclass(frozen=True)
class Kind:
    """A kind of entry that can be compared: the parameter of the address naming them, its
    published entries loaded for comparison, and the rows that compare them."""

    parameter: str
    search_key: str  # the kind in the site's search (search.engine.KINDS_BY_KEY)
    heading: str
    name: str  # one of them, in a sentence ("enterprise")
    entries: object
    groups: object


ENTERPRISES = Kind(
    "e",
    "enterprise",
    _("Enterprises compared"),
    _("enterprise"),
    enterprises_compared,
    enterprise_groups,
)
PRODUCTS = Kind(
    "p", "product", _("Products compared"), _("product"), products_compared, product_groups
)
KINDS = (ENTERPRISES, PRODUCTS)
KINDS_BY_KEY = {kind.search_key: kind for kind in KINDS}
