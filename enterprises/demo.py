"""Generated demo data, for trying the directory at the scale of a national register.

Demo rows are never curated facts: every slug starts with ``demo-``, every recognition and
exhibit cites the demo source, and public pages label them. They are written straight into
the tables in chunks (SQLite: executemany; PostgreSQL: COPY), so that a million enterprises
with their products, recognitions and exhibits take minutes and constant memory. The same
seed gives the same data.
"""

import datetime
import multiprocessing as mp
import os
import queue
import random
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.db import connections, models, transaction
from faker import Faker
from pypinyin import lazy_pinyin

from .caching import bump_version, content_changed
from .models import (
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
    Source,
    Status,
    Tier,
)
from .models.base import DEMO_PREFIX
from .models.searchable import SearchableModel, both_languages
from .search.backends import (
    COLUMNS,
    fts_table,
    install_statements,
    sqlite_uninstall,
)
from .search.text import document, document_tokens, syllable_tokens, vocabulary_words
from .validators import credit_code_check_character, org_code_check_character

DEMO_SOURCE = "demo-data"
CHUNK = 5000
# From this many enterprises on, chunks are made by other processes while this one writes.
PARALLEL_FROM = 20_000
# From this many enterprises on, indexes are built after the rows rather than kept up to date.
SUSPEND_INDEXES_FROM = 50_000
ANCHOR = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)

# (Chinese, English, GB/T 2260 region code): cities where such firms cluster.
CITIES = [
    ("北京", "Beijing", "11"),
    ("天津", "Tianjin", "12"),
    ("石家庄", "Shijiazhuang", "13"),
    ("保定", "Baoding", "13"),
    ("太原", "Taiyuan", "14"),
    ("呼和浩特", "Hohhot", "15"),
    ("沈阳", "Shenyang", "21"),
    ("大连", "Dalian", "21"),
    ("长春", "Changchun", "22"),
    ("哈尔滨", "Harbin", "23"),
    ("上海", "Shanghai", "31"),
    ("南京", "Nanjing", "32"),
    ("苏州", "Suzhou", "32"),
    ("无锡", "Wuxi", "32"),
    ("常州", "Changzhou", "32"),
    ("杭州", "Hangzhou", "33"),
    ("宁波", "Ningbo", "33"),
    ("温州", "Wenzhou", "33"),
    ("合肥", "Hefei", "34"),
    ("芜湖", "Wuhu", "34"),
    ("福州", "Fuzhou", "35"),
    ("厦门", "Xiamen", "35"),
    ("南昌", "Nanchang", "36"),
    ("济南", "Jinan", "37"),
    ("青岛", "Qingdao", "37"),
    ("潍坊", "Weifang", "37"),
    ("烟台", "Yantai", "37"),
    ("郑州", "Zhengzhou", "41"),
    ("洛阳", "Luoyang", "41"),
    ("武汉", "Wuhan", "42"),
    ("襄阳", "Xiangyang", "42"),
    ("长沙", "Changsha", "43"),
    ("株洲", "Zhuzhou", "43"),
    ("广州", "Guangzhou", "44"),
    ("深圳", "Shenzhen", "44"),
    ("东莞", "Dongguan", "44"),
    ("佛山", "Foshan", "44"),
    ("南宁", "Nanning", "45"),
    ("柳州", "Liuzhou", "45"),
    ("海口", "Haikou", "46"),
    ("重庆", "Chongqing", "50"),
    ("成都", "Chengdu", "51"),
    ("绵阳", "Mianyang", "51"),
    ("贵阳", "Guiyang", "52"),
    ("昆明", "Kunming", "53"),
    ("拉萨", "Lhasa", "54"),
    ("西安", "Xi'an", "61"),
    ("宝鸡", "Baoji", "61"),
    ("兰州", "Lanzhou", "62"),
    ("西宁", "Xining", "63"),
    ("银川", "Yinchuan", "64"),
    ("乌鲁木齐", "Urumqi", "65"),
]
# (Chinese, English, GB/T 4754 section, weight)
TRADES = [
    ("精密机械", "Precision Machinery", "C", 10),
    ("智能装备", "Intelligent Equipment", "C", 9),
    ("新材料", "New Materials", "C", 7),
    ("电子科技", "Electronic Technology", "C", 8),
    ("医疗器械", "Medical Devices", "C", 5),
    ("汽车零部件", "Auto Parts", "C", 6),
    ("自动化", "Automation", "C", 6),
    ("光电", "Optoelectronics", "C", 4),
    ("新能源", "New Energy", "C", 5),
    ("传感技术", "Sensing Technology", "C", 4),
    ("软件", "Software", "I", 6),
    ("信息技术", "Information Technology", "I", 4),
    ("检测技术", "Testing Technology", "M", 3),
    ("生物科技", "Biotechnology", "M", 3),
    ("环保科技", "Environmental Technology", "N", 2),
    ("农业科技", "Agricultural Technology", "A", 1),
]
# (Chinese, English, category Chinese, category English)
PRODUCTS = [
    ("精密减速器", "precision reducer", "传动部件", "Drive components"),
    ("谐波减速器", "harmonic reducer", "传动部件", "Drive components"),
    ("伺服电机", "servo motor", "电机", "Motors"),
    ("工业机器人", "industrial robot", "机器人", "Robots"),
    ("协作机器人", "collaborative robot", "机器人", "Robots"),
    ("巡检机器人", "inspection robot", "机器人", "Robots"),
    ("外骨骼机器人", "exoskeleton robot", "康复器械", "Rehabilitation devices"),
    ("压力传感器", "pressure sensor", "传感器", "Sensors"),
    ("激光雷达", "lidar", "传感器", "Sensors"),
    ("数控机床", "CNC machine tool", "机床", "Machine tools"),
    ("激光切割机", "laser cutting machine", "机床", "Machine tools"),
    ("液压阀", "hydraulic valve", "液压件", "Hydraulics"),
    ("精密轴承", "precision bearing", "基础件", "Basic components"),
    ("齿轮箱", "gearbox", "传动部件", "Drive components"),
    ("锂电池隔膜", "lithium battery separator", "电池材料", "Battery materials"),
    ("光伏逆变器", "solar inverter", "电力电子", "Power electronics"),
    ("芯片封装设备", "chip packaging equipment", "半导体设备", "Semiconductor equipment"),
    ("医用导管", "medical catheter", "医疗耗材", "Medical consumables"),
    ("工业软件", "industrial software", "软件", "Software"),
    ("无人机", "drone", "航空器", "Aircraft"),
    ("检测仪器", "testing instrument", "仪器仪表", "Instruments"),
    ("碳纤维复合材料", "carbon fibre composite", "新材料", "New materials"),
    ("特种陶瓷", "technical ceramics", "新材料", "New materials"),
    ("工业相机", "industrial camera", "视觉系统", "Machine vision"),
]
BRAND_CHARACTERS = "鸿睿恒瑞华信达通科新创精联晟博泰宏盛德欣凯航锐源智海天金光明远森峰宇辰昊川"
SIZES = [("small", 45), ("micro", 25), ("medium", 25), ("large", 5)]
# Exchange, share of enterprises listed there, ranges of valid tickers.
LISTINGS = [
    ("bse", 0.001, [(830000, 840000), (870000, 880000)]),
    ("sse", 0.002, [(600000, 606000), (688000, 690000)]),
    ("szse", 0.002, [(1, 4000), (300000, 302000)]),
]
EXHIBITION_NAMES = [
    ("中国国际中小企业博览会", "China International SME Fair"),
    ("专精特新中小企业发展大会", "Specialized SME Development Conference"),
    ("工业博览会", "Industry Fair"),
    ("智能制造大会", "Intelligent Manufacturing Conference"),
    ("新材料产业博览会", "New Materials Expo"),
]


@dataclass(frozen=True)
class Part:
    """A piece of a generated name, with its search tokens worked out once."""

    zh: str
    en: str
    syllables: tuple = ()

    @property
    def tokens(self):
        return _tokens(self.zh, self.en)


@cache
def _tokens(*texts):
    return tuple(document_tokens(*texts))


def brand(zh):
    syllables = tuple(lazy_pinyin(zh))
    return Part(zh, "".join(syllables).capitalize(), syllables)


def free_tickers(ranges, taken):
    for low, high in ranges:
        for number in range(low, high):
            if f"{number:06d}" not in taken:
                yield f"{number:06d}"


def demo_credit_code(n):
    org = f"{n:08d}"[-8:]
    org += org_code_check_character(org)
    first17 = "91" + "110108" + org
    return first17 + credit_code_check_character(first17)


def db_datetime(value, vendor):
    """A timestamp as the database driver takes it (SQLite: Django's text format, UTC)."""
    if vendor == "sqlite":
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


class Writer:
    """Fast inserts of plain tuples into a model's table, in the model's column order."""

    def __init__(self, model, using):
        self.model = model
        self.connection = connections[using]
        self.vendor = self.connection.vendor
        self.columns = [f.column for f in model._meta.concrete_fields]
        self.empty = dict.fromkeys(self.columns)
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                self.empty[field.column] = ""
            elif field.has_default() and not callable(field.default):
                self.empty[field.column] = field.default
        if "version" in self.empty:
            self.empty["version"] = 1
        self.table = model._meta.db_table

    def write(self, rows):
        """Insert rows (tuples starting with the id); on SQLite with the search triggers
        suspended, index the new searchable rows in one statement."""
        if not rows:
            return
        self.connection.ensure_connection()
        raw = self.connection.connection
        columns = ", ".join(self.columns)
        if self.vendor == "postgresql":
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in self.columns)
            raw.executemany(f"INSERT INTO {self.table} ({columns}) VALUES ({marks})", rows)
            if issubclass(self.model, SearchableModel):
                fts, cols = fts_table(self.model), ", ".join(COLUMNS)
                raw.execute(
                    f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM {self.table} "
                    "WHERE id BETWEEN ? AND ?",
                    (rows[0][0], rows[-1][0]),
                )

    def row(self, **values):
        row = self.empty.copy()
        row.update(values)
        return tuple(row.values())

    def next_id(self):
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")
            return cursor.fetchone()[0] + 1

    def reset_sequence(self):
        if self.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{self.table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {self.table}))"
                )


class ChunkWriter:
    """Writes chunks of rows, each in its own transaction; with `background`, in a thread
    with its own connection, so that the next chunk is built while this one is written
    (the database works while Python does). At most two chunks wait, bounding memory."""

    def __init__(self, writers, using, background=True):
        self.writers, self.using, self.background = writers, using, background
        self.queue = queue.Queue(maxsize=2)
        self.error = None

    def __enter__(self):
        if self.background:
            self.thread = threading.Thread(target=self.drain, daemon=True)
            self.thread.start()
        return self

    def put(self, rows):
        if self.error is not None:
            raise self.error
        if self.background:
            self.queue.put(rows)
        else:
            self.write(rows)

    def write(self, rows):
        with transaction.atomic(using=self.using):
            connection = connections[self.using]
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            for model, writer in self.writers.items():
                writer.write(rows[model])

    def drain(self):
        # Writers hold the main thread's connection object; this thread needs its own.
        for writer in self.writers.values():
            writer.connection = connections[self.using]
        try:
            while (rows := self.queue.get()) is not None:
                if self.error is None:
                    self.write(rows)
        except Exception as exc:  # noqa: BLE001 - handed to the main thread
            self.error = exc
            while self.queue.get() is not None:
                pass
        finally:
            connections[self.using].close()

    def __exit__(self, exc_type, exc, traceback):
        if self.background:
            self.queue.put(None)
            self.thread.join()
            for writer in self.writers.values():
                writer.connection = connections[self.using]
        if self.error is not None and exc is None:
            raise self.error


def translated(**fields):
    """Fill each translated column and its original (which holds the default language)."""
    out = {}
    for name, (zh, en) in fields.items():
        out[name] = zh or en
        out[f"{name}_zh_hans"] = zh
        out[f"{name}_en"] = en
    return out


# The most rows of each kind one enterprise gets (its block of ids in a chunk).
CHUNK_MODELS = {Enterprise: 1, Product: 5, Recognition: 3, Exhibit: 1}

# The generator a forked pool works for (set in the parent just before forking).
_forked = None


def _make_chunk(k):
    return _forked.chunk(k)


class Generator:
    def __init__(
        self, count, seed=1, using="default", stdout=None, background=True, processes=None
    ):
        self.count, self.seed, self.using = count, seed, using
        self.background = background
        # Processes making chunks: None decides by the size of the run, 0 makes them here.
        self.processes = processes
        self.random = random.Random(seed)
        self.stdout = stdout
        # A fixed "now", so that the same seed gives exactly the same rows.
        self.now = ANCHOR
        vendor = connections[using].vendor
        self.vendor = vendor
        self.db_now = db_datetime(self.now, vendor)
        # Random moments of the last two years, drawn from a pool: cheap and reproducible.
        self.moments = [
            db_datetime(
                self.now - datetime.timedelta(seconds=self.random.randrange(63072000)), vendor
            )
            for _ in range(4096)
        ]
        faker = Faker("zh_CN")
        faker.seed_instance(seed)
        prefixes = sorted({faker.company_prefix() for _ in range(400)})
        composed = [a + b for a in BRAND_CHARACTERS for b in BRAND_CHARACTERS if a != b]
        self.brands = [brand(zh) for zh in prefixes + composed if len(zh) <= 4]
        self.cities = [Part(zh, en, tuple(lazy_pinyin(zh))) for zh, en, _ in CITIES]
        self.city_regions = [code for _zh, _en, code in CITIES]
        self.trades = [Part(zh, en, tuple(lazy_pinyin(zh))) for zh, en, _s, _w in TRADES]
        self.trade_sections = [section for _zh, _en, section, _w in TRADES]
        # Each trade index repeated by its weight: one randrange() draws a weighted trade.
        self.weighted_trades = [i for i, (*_rest, w) in enumerate(TRADES) for _ in range(w)]
        self.weighted_sizes = [size for size, w in SIZES for _ in range(w)]
        self.products = [(Part(zh, en), (cz, ce)) for zh, en, cz, ce in PRODUCTS]
        self.tier_labels = {tier: both_languages(tier.label) for tier in Tier}
        self.tickers = {}
        self.words = set()

    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    def when(self, r=None):
        r = r or self.random
        return self.moments[r.randrange(len(self.moments))]

    # Reference rows -------------------------------------------------------------------

    def prepare(self):
        self.source, _ = Source.objects.using(self.using).get_or_create(
            slug=DEMO_SOURCE,
            defaults={
                "publisher_zh_hans": "smedirectory 演示数据生成器",
                "publisher_en": "smedirectory demo data generator",
                "title_zh_hans": "生成的演示数据（非真实信息）",
                "title_en": "Generated demo data (not real information)",
                "note_en": "Made by manage.py generate_demo_data; names and figures are invented.",
                "note_zh_hans": "由 manage.py generate_demo_data 生成；名称与数字均为虚构。",
            },
        )
        regions = dict(Region.objects.using(self.using).values_list("code", "pk"))
        sections = dict(Industry.objects.using(self.using).sections().values_list("code", "pk"))
        missing = {code for code in self.city_regions if code not in regions}
        if missing or not sections:
            raise ValueError("Load the reference data first: manage.py load_directory.")
        self.region_ids = [regions[code] for code in self.city_regions]
        self.regions = list(
            Region.objects.using(self.using).filter(code__in=set(self.city_regions))
        )
        self.region_names = {r.pk: (r.name_zh_hans, r.name_en) for r in self.regions}
        self.section_ids = [sections.get(code) for code in self.trade_sections]
        for exchange, _share, ranges in LISTINGS:
            taken = set(
                Enterprise.objects.using(self.using)
                .filter(exchange=exchange)
                .values_list("ticker", flat=True)
            )
            self.tickers[exchange] = free_tickers(ranges, taken)

    def exhibitions(self):
        writer = Writer(Exhibition, self.using)
        next_id, rows, self.exhibition_ids = writer.next_id(), [], []
        for index in range(300):
            zh, en = EXHIBITION_NAMES[index % len(EXHIBITION_NAMES)]
            year = 2019 + index % 7
            city = self.random.randrange(len(self.cities))
            place = self.cities[city]
            start = datetime.date(year, 1 + index % 12, 1 + index % 27)
            name = (f"{year}{place.zh}{zh}（演示）", f"{year} {place.en} {en} (demo)")
            summary = (f"在{place.zh}举办的演示展会。", f"A demo fair held in {place.en}.")
            rows.append(
                writer.row(
                    id=next_id + index,
                    created_at=self.when(),
                    updated_at=self.db_now,
                    status=Status.PUBLISHED,
                    slug=f"{DEMO_PREFIX}x-{next_id + index}",
                    year=year,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=3),
                    region_id=self.region_ids[city],
                    website="",
                    exhibitor_count=self.random.randrange(80, 900),
                    search_name=document([*_tokens(*name), *syllable_tokens(place.syllables)]),
                    search_summary=document(_tokens(*summary)),
                    search_body="",
                    **translated(
                        name=name,
                        city=(place.zh, place.en),
                        organiser=("", ""),
                        summary=summary,
                        description=("", ""),
                    ),
                )
            )
            self.exhibition_ids.append(next_id + index)
        with transaction.atomic(using=self.using):
            writer.write(rows)
        writer.reset_sequence()

    def policies(self):
        policy_writer = Writer(PolicyInitiative, self.using)
        target_writer = Writer(PolicyTarget, self.using)
        policy_id, target_id = policy_writer.next_id(), target_writer.next_id()
        policies, targets = [], []
        for region in self.regions:
            for index, (zh, en) in enumerate(
                [
                    ("专精特新企业梯度培育行动方案", "specialized SME cultivation plan"),
                    ("中小企业数字化转型实施意见", "SME digital transformation measures"),
                ]
            ):
                title = (f"{region.name_zh_hans}{zh}（演示）", f"{region.name_en} {en} (demo)")
                summary = (
                    f"{region.name_zh_hans}的演示政策。",
                    f"A demo policy of {region.name_en}.",
                )
                policies.append(
                    policy_writer.row(
                        id=policy_id,
                        created_at=self.when(),
                        updated_at=self.db_now,
                        status=Status.PUBLISHED,
                        slug=f"{DEMO_PREFIX}policy-{policy_id}",
                        scope="regional",
                        region_id=region.pk,
                        document_number="",
                        period_start=2021 + index,
                        period_end=2025 + index,
                        stage="in_force",
                        search_name=document(_tokens(*title)),
                        search_summary=document(_tokens(*summary)),
                        search_body="",
                        **translated(
                            title=title,
                            authority=(region.name_zh_hans, region.name_en),
                            summary=summary,
                            text=("", ""),
                        ),
                    )
                )
                goal = self.random.randrange(5, 60) * 100
                targets.append(
                    target_writer.row(
                        id=target_id,
                        created_at=self.db_now,
                        updated_at=self.db_now,
                        initiative_id=policy_id,
                        slug="provincial-specialized",
                        qualifier="more_than",
                        target_value=goal,
                        deadline_year=2025 + index,
                        latest_value=goal * self.random.randrange(30, 110) // 100,
                        latest_value_on=datetime.date(2024, 12, 31),
                        latest_value_source_id=self.source.pk,
                        position=1,
                        **translated(
                            measure=(
                                "省级专精特新企业",
                                "provincial-level specialized enterprises",
                            ),
                            unit=("家", "enterprises"),
                        ),
                    )
                )
                policy_id += 1
                target_id += 1
        with transaction.atomic(using=self.using):
            policy_writer.write(policies)
            target_writer.write(targets)
        policy_writer.reset_sequence()
        target_writer.reset_sequence()

    # The bulk: enterprises with products, recognitions and exhibits ------------------

    def enterprises(self):
        """Enterprises with their products, recognitions and exhibits, in chunks. Chunk k
        draws from its own random stream (seed and k) and its own blocks of ids, so the
        rows are the same whether the chunks are made here or by other processes; tickers,
        which must stay unique, are handed out here in chunk order."""
        self.writers = writers = {model: Writer(model, self.using) for model in CHUNK_MODELS}
        self.first_ids = {model: writer.next_id() for model, writer in writers.items()}
        chunks = range((self.count + CHUNK - 1) // CHUNK)
        with (
            self.chunk_source(chunks) as made,
            ChunkWriter(writers, self.using, background=self.background) as sink,
        ):
            done = 0
            for rows in made:
                self.hand_out_tickers(rows[Enterprise])
                sink.put(rows)
                done += len(rows[Enterprise])
                if done % 100000 == 0 or done == self.count:
                    self.say(f"  {done} enterprises")
        for writer in writers.values():
            writer.reset_sequence()

    @contextmanager
    def chunk_source(self, chunks):
        """The chunks' rows in order: made here, or by a pool of processes (forked, so that
        they share this generator's prepared names; they never touch the database), with
        at most a few chunks in flight, so that memory stays bounded."""
        processes = self.processes
        if processes is None:
            wanted = self.count >= PARALLEL_FROM and "fork" in mp.get_all_start_methods()
            processes = max(1, min(4, (os.cpu_count() or 1) - 1)) if wanted else 0
        if not processes:
            yield (self.chunk(k) for k in chunks)
            return
        global _forked
        _forked = self
        try:
            with mp.get_context("fork").Pool(processes) as pool:

                def made():
                    pending = deque()
                    for k in chunks:
                        pending.append(pool.apply_async(_make_chunk, (k,)))
                        if len(pending) > processes:
                            yield pending.popleft().get()
                    while pending:
                        yield pending.popleft().get()

                yield made()
        finally:
            _forked = None

    def chunk(self, k):
        """The rows of chunk k: {model: [row tuples]}."""
        r = random.Random(f"{self.seed}:{k}")
        size = min(CHUNK, self.count - k * CHUNK)
        ids = {
            model: self.first_ids[model] + k * CHUNK * per_enterprise
            for model, per_enterprise in CHUNK_MODELS.items()
        }
        rows = {model: [] for model in CHUNK_MODELS}
        for _ in range(size):
            self.one_enterprise(r, ids, rows)
        return rows

    def hand_out_tickers(self, rows):
        """Give each listed enterprise of a chunk the next free ticker of its exchange (in
        chunk order, so reproducibly); when an exchange has none left, it stays unlisted."""
        columns = self.writers[Enterprise].columns
        exchange_at, ticker_at = columns.index("exchange"), columns.index("ticker")
        listed_at = columns.index("listed")
        for index, row in enumerate(rows):
            code = row[exchange_at]
            if code:
                ticker = next(self.tickers[code], "")
                row = list(row)
                row[exchange_at], row[ticker_at] = (code if ticker else ""), ticker
                row[listed_at] = bool(ticker)
                rows[index] = tuple(row)

    def one_enterprise(self, r, ids, rows):
        eid = ids[Enterprise]
        ids[Enterprise] += 1
        city_index = r.randrange(len(self.cities))
        city, region_id = self.cities[city_index], self.region_ids[city_index]
        trade_index = self.weighted_trades[r.randrange(len(self.weighted_trades))]
        trade = self.trades[trade_index]
        brand_part = self.brands[r.randrange(len(self.brands))]
        joint = r.random() < 0.3
        name = (
            f"{city.zh}{brand_part.zh}{trade.zh}{'股份' if joint else ''}有限公司",
            f"{city.en} {brand_part.en} {trade.en} Co., Ltd.",
        )
        word_tokens = [
            *city.tokens,
            *brand_part.tokens,
            *trade.tokens,
            *_tokens("股份有限公司" if joint else "有限公司", "Co., Ltd."),
        ]
        name_tokens = [
            *word_tokens,
            *syllable_tokens((*city.syllables, *brand_part.syllables, *trade.syllables)),
        ]
        product_parts = r.sample(self.products, r.randrange(1, 6))
        main = product_parts[0][0]
        summary = (f"专注于{main.zh}的研发与制造。", f"Designs and makes {main.en}s.")
        # Recognitions climb the tiers over the years.
        tiers = [Tier.INNOVATIVE]
        for tier, chance in (
            (Tier.SPECIALIZED, 0.6),
            (Tier.LITTLE_GIANT, 0.25),
            (Tier.CHAMPION, 0.1),
        ):
            if r.random() < chance:
                tiers.append(tier)
            else:
                break
        if len(tiers) > 1 and r.random() < 0.4:
            tiers = tiers[1:]  # first recognised above the lowest rung
        tiers = tiers[:3]
        top = tiers[-1]
        exchange = ""  # the ticker is handed out later, in order (hand_out_tickers)
        roll = r.random()
        for code, share, _ranges in LISTINGS:
            if roll < share:
                exchange = code
                break
            roll -= share
        created = self.when(r)
        region_zh, region_en = self.region_names[region_id]
        summary_tokens = [
            *_tokens(*summary),
            *city.tokens,
            *_tokens(region_zh, region_en),
            *_tokens(*self.tier_labels[top]),
        ]
        rows[Enterprise].append(
            self.writers[Enterprise].row(
                id=eid,
                created_at=created,
                updated_at=max(created, self.when(r)),
                status=Status.PUBLISHED if r.random() < 0.97 else Status.DRAFT,
                slug=f"{DEMO_PREFIX}{eid}",
                credit_code="",
                region_id=region_id,
                industry_id=self.section_ids[trade_index],
                founded_year=r.randrange(1985, 2023),
                size=self.weighted_sizes[r.randrange(len(self.weighted_sizes))],
                website="",
                exchange=exchange,
                listed=bool(exchange),
                ticker="",
                tier=top,
                search_name=document(name_tokens),
                search_summary=document(summary_tokens),
                search_body="",
                **translated(
                    name=name, city=(city.zh, city.en), summary=summary, description=("", "")
                ),
            )
        )
        year = r.randrange(2018, 2023)
        for step, tier in enumerate(tiers):
            rows[Recognition].append(
                self.writers[Recognition].row(
                    id=self.take(ids, Recognition),
                    created_at=created,
                    updated_at=created,
                    enterprise_id=eid,
                    tier=tier,
                    level="national"
                    if tier in (Tier.LITTLE_GIANT, Tier.CHAMPION)
                    else "provincial",
                    year=min(year + step, 2024),
                    batch=None,
                    source_id=self.source.pk,
                    **translated(title=("", ""), authority=("", "")),
                )
            )
        maker_tokens = word_tokens
        for index, (part, category) in enumerate(product_parts):
            pid = self.take(ids, Product)
            model_code = f"{brand_part.en[:2].upper()}-{r.randrange(100, 999)}"
            pname = (f"{part.zh} {model_code}", f"{part.en.capitalize()} {model_code}")
            rows[Product].append(
                self.writers[Product].row(
                    id=pid,
                    created_at=created,
                    updated_at=created,
                    status=Status.PUBLISHED,
                    enterprise_id=eid,
                    slug=f"{DEMO_PREFIX}p-{pid}",
                    image="",
                    search_name=document([*part.tokens, model_code.lower().replace("-", " ")]),
                    search_summary=document([*_tokens(*category), *maker_tokens]),
                    search_body="",
                    **translated(
                        name=pname, category=category, summary=("", ""), description=("", "")
                    ),
                )
            )
            if index == 0 and r.random() < 0.35:
                rows[Exhibit].append(
                    self.writers[Exhibit].row(
                        id=self.take(ids, Exhibit),
                        created_at=created,
                        updated_at=created,
                        exhibition_id=self.exhibition_ids[r.randrange(len(self.exhibition_ids))],
                        product_id=pid,
                        hall=f"{r.randrange(1, 9)}",
                        booth=f"{r.choice('ABCDE')}{r.randrange(1, 300)}",
                        source_id=self.source.pk,
                        **translated(note=("", "")),
                    )
                )

    @staticmethod
    def take(ids, model):
        value = ids[model]
        ids[model] += 1
        return value

    def vocabulary(self):
        words = set()
        parts = (*self.cities, *self.trades, *(part for part, _c in self.products), *self.brands)
        for part in parts:
            words |= vocabulary_words(part.en)
        words |= vocabulary_words(*(en for _zh, en in EXHIBITION_NAMES))
        SearchTerm.add_words(words)

    def run(self):
        self.prepare()
        self.say(f"Generating {self.count} demo enterprises (seed {self.seed})…")
        with (
            self.foreign_keys_suspended(),
            self.indexes_suspended(),
            self.search_triggers_suspended(),
        ):
            self.exhibitions()
            self.policies()
            self.enterprises()
        self.vocabulary()
        self.vacuum()
        # Bulk inserts send no signals: say that the content changed (cached pages, counts).
        bump_version()

    TABLES = tuple(CHUNK_MODELS)

    def vacuum(self):
        """On PostgreSQL, outside a transaction: mark the new rows all-visible (and refresh
        the statistics) now rather than whenever autovacuum comes by, so that the indexes
        can answer without visiting the table (the exhibitors of an exhibition: 65 ms rather
        than 150 ms at a million enterprises)."""
        if not self.side_by_side():
            return
        self.execute_all(f"VACUUM (ANALYZE) {model._meta.db_table}" for model in self.TABLES)

    def side_by_side(self):
        """Whether maintenance statements can run on connections of their own: on
        PostgreSQL outside a transaction (inside one, as in tests, other connections would
        not see the rows)."""
        return self.vendor == "postgresql" and not connections[self.using].in_atomic_block

    def execute_all(self, statements, workers=2):
        """Run statements in order, `workers` at a time when side_by_side(): building an
        index or vacuuming keeps one server process busy, and this machine has two cores
        (at a million enterprises the search index of the enterprises alone takes 40 s)."""
        statements = list(statements)
        if not self.side_by_side():
            with connections[self.using].cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            return

        def execute(statement):
            try:
                with connections[self.using].cursor() as cursor:
                    cursor.execute(statement)
            finally:
                connections[self.using].close()  # this thread's own connection

        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(execute, statements))

    @contextmanager
    def indexes_suspended(self):
        """Building an index once over a million rows is several times faster than keeping
        it up to date row by row: for large runs, indexes are dropped first and built again
        at the end (two at a time on PostgreSQL), however generation ends. On SQLite, the
        public lists' partial indexes; on PostgreSQL, every index of the tables written
        that enforces nothing (lists, search, the indexes of foreign keys and pattern
        lookups), read from the catalogue; unique ones stay, so that nothing written can
        break them. Small runs leave them alone."""
        if self.count < SUSPEND_INDEXES_FROM:
            yield
            return
        connection = connections[self.using]
        models = [Enterprise, Product, Exhibition, PolicyInitiative, Recognition, Exhibit]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                indexes = self.postgres_plain_indexes(cursor, models)
            else:
                # SQL from the schema editor, run on a plain cursor (as in a transaction).
                editor = connection.schema_editor()
                indexes = [
                    (editor.quote_name(index.name), str(index.create_sql(model, editor)))
                    for model in models
                    for index in model._meta.indexes
                ]
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
        try:
            yield
        finally:
            self.say("Building the indexes…")
            if self.vendor == "postgresql" and connection.in_atomic_block:
                with connection.cursor() as cursor:
                    # Inside a transaction (tests), deferred checks must run before indexing.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            statements = [definition for _name, definition in indexes]
            # Statistics, so that the planner knows which index narrows a filter most
            # (SQLite has none until ANALYZE, and then guesses); vacuum() gathers those of
            # the tables it vacuums.
            statements += [
                f"ANALYZE {model._meta.db_table}"
                for model in models
                if not (self.side_by_side() and model in self.TABLES)
            ]
            self.execute_all(statements)

    @staticmethod
    def postgres_plain_indexes(cursor, models):
        """[(name, definition)] of the indexes of these models' tables that are neither
        unique nor a primary key, the slowest to build first (search indexes, then by the
        size of their table), so that two builds at a time end together."""
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am am ON am.oid = c.relam "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique "
            "ORDER BY am.amname = 'gin' DESC, pg_relation_size(i.indrelid) DESC, 1",
            [[model._meta.db_table for model in models]],
        )
        return cursor.fetchall()

    @contextmanager
    def foreign_keys_suspended(self):
        """On PostgreSQL, for large runs: a foreign key checks each new row by a trigger of
        its own (some twelve million at a million enterprises, in the one server process
        that also indexes the rows); the keys of the tables written in chunks are dropped
        first and added back at the end, each checked over the whole table at once, however
        generation ends."""
        connection = connections[self.using]
        if self.vendor != "postgresql" or self.count < SUSPEND_INDEXES_FROM:
            yield
            return
        quote = connection.ops.quote_name
        tables = [model._meta.db_table for model in CHUNK_MODELS]
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                # Inside a transaction (tests), pending checks must run before altering tables.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s) "
                "ORDER BY 1, 2",
                [tables],
            )
            keys = cursor.fetchall()
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        try:
            yield
        finally:
            self.say("Checking the references…")
            with connection.cursor() as cursor:
                for table, name, definition in keys:
                    cursor.execute(
                        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                    )

    @contextmanager
    def search_triggers_suspended(self):
        """On SQLite, indexing a chunk in one statement is four times faster than a trigger
        per row; the triggers come back however generation ends."""
        connection = connections[self.using]
        if self.vendor != "sqlite":
            yield
            return
        models = [Enterprise, Product, Exhibition, PolicyInitiative]
        with connection.cursor() as cursor:
            for model in models:
                for statement in sqlite_uninstall(model)[:3]:  # the triggers, not the table
                    cursor.execute(statement)
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for model in models:
                    for statement in install_statements("sqlite", model)[1:4]:
                        cursor.execute(statement)


def delete_demo_data(using="default"):
    """Remove every generated row, curated data untouched. Returns the number of enterprises."""
    like = DEMO_PREFIX + "%"
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            "DELETE FROM enterprises_exhibit WHERE source_id IN "
            "(SELECT id FROM enterprises_source WHERE slug = %s)",
            [DEMO_SOURCE],
        )
        cursor.execute(
            "DELETE FROM enterprises_recognition WHERE source_id IN "
            "(SELECT id FROM enterprises_source WHERE slug = %s)",
            [DEMO_SOURCE],
        )
        cursor.execute("DELETE FROM enterprises_product WHERE slug LIKE %s", [like])
        cursor.execute("DELETE FROM enterprises_enterprise WHERE slug LIKE %s", [like])
        removed = cursor.rowcount
        cursor.execute(
            "DELETE FROM enterprises_policytarget WHERE initiative_id IN "
            "(SELECT id FROM enterprises_policyinitiative WHERE slug LIKE %s)",
            [like],
        )
        cursor.execute("DELETE FROM enterprises_policyinitiative WHERE slug LIKE %s", [like])
        cursor.execute("DELETE FROM enterprises_exhibition WHERE slug LIKE %s", [like])
        cursor.execute("DELETE FROM enterprises_indicator WHERE slug LIKE %s", [like])
        cursor.execute("DELETE FROM enterprises_source WHERE slug = %s", [DEMO_SOURCE])
        content_changed(using)
    return removed
