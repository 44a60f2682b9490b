"""Demo rows as unsaved model instances: the generator chooses the facts, and the models
work out what they derive from them (slugs, search documents, tiers, listings), exactly as
for an entry an editor saves."""

import datetime
import random
from dataclasses import dataclass, field
from functools import cache

from django.db.models.base import ModelState
from faker import Faker

from ..models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Industry,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Recognition,
    Region,
    SearchTerm,
    Status,
    Tier,
)
from ..search.text import vocabulary_words
from .words import (
    BRAND_CHARACTERS,
    CITIES,
    EXHIBITION_NAMES,
    LISTINGS,
    PRODUCTS,
    SIZES,
    TRADES,
    Part,
    brand,
)

# The most rows of each kind one enterprise gets (its block of ids in a chunk).
PER_ENTERPRISE = {Enterprise: 1, Product: 5, Recognition: 3, Exhibit: 1}
# Tickers set aside for each chunk on each exchange (some 5 to 10 are drawn in 5,000).
TICKERS_PER_CHUNK = 25
POLICIES = [
    ("专精特新企业梯度培育行动方案", "specialized SME cultivation plan"),
    ("中小企业数字化转型实施意见", "SME digital transformation measures"),
]


@cache
def template(model):
    """The attributes of a new instance of `model`, with the model's defaults."""
    values = dict(model().__dict__)
    del values["_state"]
    return values


def new(model, related=(), **values):
    """An unsaved instance of `model` with `values` (by attribute name), made from
    template() rather than by Model.__init__, which takes ten times as long; `related`
    instances are set as their foreign keys (and cached, for the methods that read them)."""
    instance = model.__new__(model)
    instance.__dict__.update(template(model))
    instance._state = ModelState()
    instance.__dict__.update(values)
    for name, other in dict(related).items():
        model._meta.get_field(name).set_cached_value(instance, other)
        instance.__dict__[f"{name}_id"] = other.pk
    return instance


def translated(**fields):
    """Each translated field and its original column (which holds the default language)."""
    out = {}
    for name, (zh, en) in fields.items():
        out[name] = zh or en
        out[f"{name}_zh_hans"] = zh
        out[f"{name}_en"] = en
    return out


def free_tickers(ranges, taken):
    return [
        f"{number:06d}"
        for low, high in ranges
        for number in range(low, high)
        if f"{number:06d}" not in taken
    ]


@dataclass
class Chunk:
    """The rows of one chunk being made: its own random stream and blocks of ids."""

    number: int
    random: random.Random
    ids: dict
    instances: list = field(default_factory=list)
    tickers_taken: dict = field(default_factory=dict)

    def take(self, model):
        value = self.ids[model]
        self.ids[model] += 1
        return value

    def new(self, model, created, related=(), **values):
        """A row of `model` with the chunk's next id, made (and last changed) at `created`."""
        values.setdefault("updated_at", created)
        return new(model, related, id=self.take(model), created_at=created, **values)


class Builder:
    """Makes the demo's instances from a fixed vocabulary; the same seed, the same rows."""

    def __init__(self, seed, now):
        self.seed, self.now = seed, now
        self.random = random.Random(seed)
        # Random moments of the last two years, drawn from a pool: cheap and reproducible.
        self.moments = [
            now - datetime.timedelta(seconds=self.random.randrange(63072000)) for _ in range(4096)
        ]
        faker = Faker("zh_CN")
        faker.seed_instance(seed)
        prefixes = sorted({faker.company_prefix() for _ in range(400)})
        composed = [a + b for a in BRAND_CHARACTERS for b in BRAND_CHARACTERS if a != b]
        self.brands = [brand(zh) for zh in prefixes + composed if len(zh) <= 4]
        self.cities = [Part(zh, en) for zh, en, _code in CITIES]
        self.trades = [Part(zh, en) for zh, en, _section, _weight in TRADES]
        # Each trade index repeated by its weight: one randrange() draws a weighted trade.
        self.weighted_trades = [i for i, (*_rest, w) in enumerate(TRADES) for _ in range(w)]
        self.weighted_sizes = [size for size, w in SIZES for _ in range(w)]
        self.products = [(Part(zh, en), (cz, ce)) for zh, en, cz, ce in PRODUCTS]

    # The ids of the demo exhibitions, set once they are written.
    exhibition_ids = ()

    def when(self, r=None):
        r = r or self.random
        return self.moments[r.randrange(len(self.moments))]

    def prepare(self, using, source):
        """Read the reference rows the demo points at (regions, industries, the demo
        source, the tickers still free)."""
        self.source = source
        codes = {code for _zh, _en, code in CITIES}
        regions = {r.code: r for r in Region.objects.using(using).filter(code__in=codes)}
        sections = {i.code: i for i in Industry.objects.using(using).sections()}
        if codes - set(regions) or not sections:
            raise ValueError("Load the reference data first: manage.py load_directory.")
        self.city_regions = [regions[code] for _zh, _en, code in CITIES]
        self.regions = sorted(regions.values(), key=lambda region: region.code)
        self.trade_sections = [sections.get(section) for _zh, _en, section, _w in TRADES]
        self.tickers = {}
        for exchange, _share, ranges in LISTINGS:
            listed = Enterprise.objects.using(using).filter(exchange=exchange)
            taken = set(listed.values_list("ticker", flat=True))
            self.tickers[exchange] = free_tickers(ranges, taken)

    def exhibition(self, index, pk):
        zh, en = EXHIBITION_NAMES[index % len(EXHIBITION_NAMES)]
        year = 2019 + index % 7
        city = self.random.randrange(len(self.cities))
        place = self.cities[city]
        start = datetime.date(year, 1 + index % 12, 1 + index % 27)
        exhibition = new(
            Exhibition,
            related={"region": self.city_regions[city]},
            id=pk,
            created_at=self.when(),
            updated_at=self.now,
            status=Status.PUBLISHED,
            year=year,
            start_date=start,
            end_date=start + datetime.timedelta(days=3),
            exhibitor_count=self.random.randrange(80, 900),
            **translated(
                name=(f"{year}{place.zh}{zh}（演示）", f"{year} {place.en} {en} (demo)"),
                city=(place.zh, place.en),
                summary=(f"在{place.zh}举办的演示展会。", f"A demo fair held in {place.en}."),
            ),
        )
        return self.finish(exhibition, pk)

    def policies(self, region, first_pk, first_target_pk):
        """A region's demo policies, each with its target: [(policy, target)]."""
        out = []
        for index, (zh, en) in enumerate(POLICIES):
            pk = first_pk + index
            policy = new(
                PolicyInitiative,
                related={"region": region},
                id=pk,
                created_at=self.when(),
                updated_at=self.now,
                status=Status.PUBLISHED,
                scope="regional",
                period_start=2021 + index,
                period_end=2025 + index,
                stage="in_force",
                **translated(
                    title=(f"{region.name_zh_hans}{zh}（演示）", f"{region.name_en} {en} (demo)"),
                    authority=(region.name_zh_hans, region.name_en),
                    summary=(
                        f"{region.name_zh_hans}的演示政策。",
                        f"A demo policy of {region.name_en}.",
                    ),
                ),
            )
            goal = self.random.randrange(5, 60) * 100
            target = new(
                PolicyTarget,
                related={"initiative": policy, "latest_value_source": self.source},
                id=first_target_pk + index,
                created_at=self.now,
                updated_at=self.now,
                slug="provincial-specialized",
                qualifier="more_than",
                target_value=goal,
                deadline_year=2025 + index,
                latest_value=goal * self.random.randrange(30, 110) // 100,
                latest_value_on=datetime.date(2024, 12, 31),
                position=1,
                **translated(
                    measure=("省级专精特新企业", "provincial-level specialized enterprises"),
                    unit=("家", "enterprises"),
                ),
            )
            out.append((self.finish(policy, pk), target))
        return out

    @staticmethod
    def finish(entry, number):
        """What the model derives on saving: its slug (marked as demo) and search document."""
        entry.slug = entry.demo_slug(number)
        entry.refresh_search_document()
        return entry

    def tiers(self, r):
        """The tiers one enterprise climbs over the years, lowest first."""
        tiers = [Tier.INNOVATIVE]
        for tier, chance in (
            (Tier.SPECIALIZED, 0.6),
            (Tier.LITTLE_GIANT, 0.25),
            (Tier.CHAMPION, 0.1),
        ):
            if r.random() >= chance:
                break
            tiers.append(tier)
        if len(tiers) > 1 and r.random() < 0.4:
            tiers = tiers[1:]  # first recognised above the lowest rung
        return tiers[:3]

    def listing(self, chunk):
        """(exchange, ticker) for one enterprise: most are unlisted; a listed one takes the
        next of its chunk's tickers (when they run out, it stays unlisted)."""
        roll = chunk.random.random()
        for code, share, _ranges in LISTINGS:
            if roll < share:
                taken = chunk.tickers_taken.get(code, 0)
                index = chunk.number * TICKERS_PER_CHUNK + taken
                if taken < TICKERS_PER_CHUNK and index < len(self.tickers[code]):
                    chunk.tickers_taken[code] = taken + 1
                    return code, self.tickers[code][index]
                break
            roll -= share
        return "", ""

    def enterprise(self, chunk):
        """One enterprise with its recognitions, products and exhibits, appended to the
        chunk's instances."""
        r = chunk.random
        city_index = r.randrange(len(self.cities))
        city = self.cities[city_index]
        trade_index = self.weighted_trades[r.randrange(len(self.weighted_trades))]
        trade = self.trades[trade_index]
        brand_part = self.brands[r.randrange(len(self.brands))]
        joint = "股份" if r.random() < 0.3 else ""
        product_parts = r.sample(self.products, r.randrange(1, 6))
        main = product_parts[0][0]
        tiers = self.tiers(r)
        exchange, ticker = self.listing(chunk)
        created = self.when(r)
        enterprise = chunk.new(
            Enterprise,
            created,
            related={
                "region": self.city_regions[city_index],
                "industry": self.trade_sections[trade_index],
            },
            updated_at=max(created, self.when(r)),
            status=Status.PUBLISHED if r.random() < 0.97 else Status.DRAFT,
            founded_year=r.randrange(1985, 2023),
            size=self.weighted_sizes[r.randrange(len(self.weighted_sizes))],
            exchange=exchange,
            ticker=ticker,
            listed=bool(exchange),
            tier=Tier.highest(tiers),
            **translated(
                name=(
                    f"{city.zh}{brand_part.zh}{trade.zh}{joint}有限公司",
                    f"{city.en} {brand_part.en} {trade.en} Co., Ltd.",
                ),
                city=(city.zh, city.en),
                summary=(f"专注于{main.zh}的研发与制造。", f"Designs and makes {main.en}s."),
            ),
        )
        enterprise.refresh_name_key()
        chunk.instances.append(self.finish(enterprise, enterprise.id))
        self.add_recognitions(chunk, enterprise, tiers)
        self.add_products(chunk, enterprise, brand_part, product_parts)

    def add_recognitions(self, chunk, enterprise, tiers):
        """One recognition per tier climbed, a year apart."""
        r, created = chunk.random, enterprise.created_at
        year = r.randrange(2018, 2023)
        for step, tier in enumerate(tiers):
            national = tier in (Tier.LITTLE_GIANT, Tier.CHAMPION)
            chunk.instances.append(
                chunk.new(
                    Recognition,
                    created,
                    related={"enterprise": enterprise, "source": self.source},
                    tier=tier,
                    level="national" if national else "provincial",
                    year=min(year + step, 2024),
                )
            )

    def add_products(self, chunk, enterprise, brand_part, product_parts):
        """The enterprise's products, its main one sometimes shown at a fair."""
        r, created = chunk.random, enterprise.created_at
        for index, (part, category) in enumerate(product_parts):
            model_code = f"{brand_part.en[:2].upper()}-{r.randrange(100, 999)}"
            product = chunk.new(
                Product,
                created,
                related={"enterprise": enterprise},
                status=Status.PUBLISHED,
                **translated(
                    name=(f"{part.zh} {model_code}", f"{part.en.capitalize()} {model_code}"),
                    category=category,
                ),
            )
            chunk.instances.append(self.finish(product, product.id))
            if index == 0 and r.random() < 0.35:
                chunk.instances.append(
                    chunk.new(
                        Exhibit,
                        created,
                        related={"product": product, "source": self.source},
                        exhibition_id=self.exhibition_ids[r.randrange(len(self.exhibition_ids))],
                        hall=f"{r.randrange(1, 9)}",
                        booth=f"{r.choice('ABCDE')}{r.randrange(1, 300)}",
                    )
                )

    def vocabulary(self):
        """The words of the demo's names and summaries, for correcting misspellings."""
        words = vocabulary_words(
            *(part.en for part in (*self.cities, *self.trades, *self.brands)),
            *(f"Designs and makes {part.en}s" for part, _category in self.products),
            *(category for _part, (_zh, category) in self.products),
            *(en for _zh, en in EXHIBITION_NAMES),
            *(en for _zh, en in POLICIES),
        )
        SearchTerm.add_words(words)
