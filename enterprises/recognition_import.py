"""Official lists of recognised enterprises: the tables MIIT and the provinces publish with
their notices, read, matched against the directory and applied as recognitions.

- read_list(): a CSV (UTF-8 with or without BOM, GB18030) or XLSX file into numbered rows,
  naming the columns it recognised and those it ignores;
- review(): each row matched to an enterprise, by credit code, then by normalised name
  (enterprises.names), else offered the most similar names to confirm, else new; in a few
  set-based queries per 500 rows, whatever the size of the directory;
- apply(): the reviewed rows written as recognitions (and draft enterprises for the new
  ones) in one transaction; a file applied twice changes nothing the second time, and a
  later notice of the same batch advances the stage of the recognitions it finds.
"""

import csv
import datetime
import io
import re
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formats import FORMULA_START
from .models import Enterprise, Industry, Recognition, Region, Status
from .models.base import DEFAULT_SUFFIX
from .models.recognition import Stage
from .names import name_key, place_names, similarity, without_place
from .validators import validate_credit_code

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# Beyond these, a file is not a list: a workbook inflating past this many bytes, or rows
# wider than any published table.
MAX_UNZIPPED_BYTES = 20 * MAX_BYTES
MAX_COLUMNS = 50
# A title, the notice's number or a blank line may stand above the header.
HEADER_SEARCH_ROWS = 10
CHUNK = 500
# Candidates offered for a row, and the least similarity worth offering (pg_trgm's default).
CANDIDATES = 5
THRESHOLD = 0.3
# Without pg_trgm: names read per prefix probed, and the length of the prefixes.
PROBE_LIMIT = 50
PROBE_LENGTH = 3
NEW = "new"


class ListError(Exception):
    """A file that cannot be imported as a whole; the message says why."""


@dataclass(frozen=True)
class Column:
    """A column of the published tables, by the headers it goes by in either language."""

    key: str
    label: str
    headers: tuple
    required: bool = False

    @cached_property
    def keys(self):
        return {header_key(header) for header in self.headers}


def header_key(text):
    return re.sub(r"[.,:：、/\\*_\-#]", "", name_key(str(text)))


COLUMNS = (
    Column("number", gettext_lazy("No."), ("序号", "编号", "No.", "Number", "S/N", "#")),
    Column(
        "name",
        gettext_lazy("Enterprise name"),
        (
            "企业名称",
            "企业全称",
            "企业",
            "单位名称",
            "公司名称",
            "名称",
            "Enterprise name",
            "Enterprise",
            "Company",
            "Company name",
            "Name",
        ),
        required=True,
    ),
    Column(
        "region",
        gettext_lazy("Province or region"),
        (
            "省份/地区",
            "省份",
            "地区",
            "所在地",
            "所在地区",
            "所属地区",
            "所在省份",
            "省（区、市）",
            "省市",
            "Province",
            "Region",
            "Location",
            "Province/Region",
        ),
        required=True,
    ),
    Column(
        "credit_code",
        gettext_lazy("Unified social credit code"),
        (
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "Unified social credit code",
            "Credit code",
        ),
    ),
    Column("industry", gettext_lazy("Industry"), ("所属行业", "行业", "所属领域", "Industry")),
)
COLUMN = {column.key: column for column in COLUMNS}


@dataclass
class ListRow:
    """One row of a list: its line in the file and its cells by column key."""

    number: int
    values: dict
    errors: list = field(default_factory=list)

    def __getattr__(self, name):
        if name in COLUMN:
            return self.values.get(name, "")
        raise AttributeError(name)

    @cached_property
    def key(self):
        return name_key(self.name)

    def to_json(self):
        return [self.number, self.values]

    @classmethod
    def from_json(cls, data):
        number, values = data
        return cls(number, dict(values))


@dataclass
class ListFile:
    """A list as read: its format, its columns (header, column key or "" if ignored) and
    its rows."""

    format: str
    columns: list
    rows: list

    @property
    def unknown_columns(self):
        return [header for header, key in self.columns if not key]

    @property
    def known_columns(self):
        return [(header, COLUMN[key].label) for header, key in self.columns if key]


# Reading


def read_list(data):
    """A ListFile from the bytes of a CSV or XLSX file, or a ListError saying what is wrong."""
    if not data:
        raise ListError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ListError(
            _("The file is larger than %(limit)d MB; split the list into smaller files.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04"):
        table, file_format = read_xlsx(data), "XLSX"
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ListError(_("This is an old Excel (.xls) workbook: save it as XLSX or CSV."))
    else:
        table, file_format = read_csv(data)
    return parse_table(table, file_format)


def decoded(data):
    """(text, encoding name) of a CSV file: UTF-8 with or without a BOM, or GB18030 (which
    includes GBK, what Excel writes on Chinese Windows)."""
    if b"\x00" in data:
        raise ListError(_("The file holds binary data: upload the list as CSV or XLSX."))
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            return data.decode("utf-8-sig"), _("UTF-8 with BOM")
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030"
    except UnicodeDecodeError as exc:
        raise ListError(
            _("The file is neither UTF-8 nor GB18030 text (byte %(position)d).")
            % {"position": exc.start}
        ) from exc


def read_csv(data):
    text, encoding = decoded(data)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)

    def rows():
        try:
            yield from reader
        except csv.Error as exc:
            raise ListError(
                _("The CSV file is malformed at line %(line)d.") % {"line": reader.line_num}
            ) from exc

    return rows(), f"CSV ({encoding})"


def read_xlsx(data):
    """The rows of the first sheet, each cell as text (a formula as its text, "=...")."""
    from openpyxl import load_workbook

    unreadable = _("The file cannot be read as an XLSX workbook.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise ListError(_("The workbook is too large once unpacked."))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except ListError:
        raise
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike
        raise ListError(unreadable) from exc

    def rows():
        try:
            for cells in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                yield [cell_text(value) for value in cells]
        except ListError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise ListError(unreadable) from exc
        finally:
            book.close()

    return rows()


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def parse_table(table, file_format):
    """Find the header among the first rows, map its columns, and number the rows below it
    by their line in the file."""
    rows = iter(table)
    columns = None
    for line, cells in enumerate(rows, start=1):
        if line > HEADER_SEARCH_ROWS:
            break
        keys = [column_of(cell) for cell in cells[:MAX_COLUMNS]]
        if "name" in keys:
            columns, header_line = list(zip(cells, keys, strict=False)), line
            break
    if columns is None:
        raise ListError(
            _(
                "No header with a column of enterprise names was found in the first %(rows)d "
                "rows (expected, e.g., 企业名称 or Enterprise name)."
            )
            % {"rows": HEADER_SEARCH_ROWS}
        )
    seen = set()
    for index, (header, key) in enumerate(columns):
        if key in seen:
            columns[index] = (header, "")  # a second column of the same kind is ignored
        seen.add(key)
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in seen]
    if missing:
        raise ListError(
            _("The file has no column for: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    list_rows = []
    for line, cells in enumerate(rows, start=header_line + 1):
        values = {
            key: str(cell).strip()
            for (_header, key), cell in zip(columns, cells, strict=False)
            if key and key != "number"
        }
        if not any(values.values()):
            continue
        if len(list_rows) >= MAX_ROWS:
            raise ListError(
                _("The list has more than %(limit)d rows; split it into smaller files.")
                % {"limit": MAX_ROWS}
            )
        list_rows.append(ListRow(line, values))
    if not list_rows:
        raise ListError(_("The list has a header but no rows."))
    shown_columns = [(str(header).strip(), key or "") for header, key in columns if str(header)]
    return ListFile(file_format, shown_columns, list_rows)


def column_of(cell):
    key = header_key(cell)
    return next((column.key for column in COLUMNS if key and key in column.keys), "")


def check_rows(rows):
    """Record on each row what makes it invalid: (column label, reason)."""
    first_of = {}
    for row in rows:
        row.errors = []
        for key, value in row.values.items():
            if value and FORMULA_START.match(value):
                row.errors.append(
                    (COLUMN[key].label, _("Starts like a spreadsheet formula (= + - @)."))
                )
        if not row.name:
            row.errors.append((COLUMN["name"].label, _("No enterprise name.")))
        elif re.match(r"(注|备注|说明)[:：]", row.name):
            row.errors.append((COLUMN["name"].label, _("A note, not an enterprise.")))
        elif len(row.name) > 200:
            row.errors.append((COLUMN["name"].label, _("Longer than 200 characters.")))
        if row.credit_code:
            row.values["credit_code"] = row.credit_code.upper()
            try:
                validate_credit_code(row.credit_code)
            except ValidationError as exc:
                row.errors.append((COLUMN["credit_code"].label, " ".join(exc.messages)))
        if row.errors:
            continue
        for identity in (("code", row.credit_code), ("name", row.key, name_key(row.region))):
            if not identity[1]:
                continue
            if identity in first_of:
                row.errors.append(
                    (
                        COLUMN["name"].label,
                        _("The same enterprise as row %(row)d.") % {"row": first_of[identity]},
                    )
                )
                break
            first_of[identity] = row.number
    return rows


# Matching


@dataclass(frozen=True)
class Place:
    """Where a row says its enterprise is: a region (or None) and the spellings of the
    region and of a city within it, as a name may begin with them."""

    region: Region | None
    region_names: tuple
    city_names: tuple

    def core(self, key):
        """The key without a leading region and city named by this place."""
        return without_place(without_place(key, self.region_names), self.city_names)

    def prefixes(self):
        return (*self.region_names, *self.city_names)

    def contradicts(self, candidate):
        return bool(self.region and candidate.region_id and candidate.region_id != self.region.pk)

    def agrees(self, candidate):
        if self.region and candidate.region_id:
            return candidate.region_id == self.region.pk
        return bool(self.city_names) and name_key(candidate.city) in self.city_names


class Places:
    """The regions, read once, and the place each row names."""

    def __init__(self):
        self.regions = {region.pk: region for region in Region.objects.all()}
        self.spellings = sorted(
            (
                (spelling, region)
                for region in self.regions.values()
                for spelling in place_names(
                    region.name_zh_hans,
                    region.full_name_zh_hans,
                    region.name_en,
                    region.full_name_en,
                )
            ),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )

    def of(self, text):
        key = name_key(text)
        for spelling, region in self.spellings:
            if key.startswith(spelling):
                rest = key[len(spelling) :]
                return Place(region, tuple(place_names(*self.names_of(region))), city_names(rest))
        return Place(None, (), city_names(key))

    @staticmethod
    def names_of(region):
        return (region.name_zh_hans, region.full_name_zh_hans)


def city_names(text):
    """The spellings of the city a place names after its region: 杭州 of 杭州市余杭区."""
    city = text.split("市", 1)[0] + "市" if "市" in text[1:] else text
    return tuple(place_names(city)) if len(city) >= 2 else ()


@dataclass
class Candidate:
    """An enterprise of the directory that a row may be about."""

    pk: int
    name: str
    slug: str
    name_key: str
    region_id: int | None
    city: str
    credit_code: str
    status: str
    score: float = 1.0

    @classmethod
    def values(cls, queryset):
        rows = queryset.values_list(
            "pk",
            f"name_{DEFAULT_SUFFIX}",
            "slug",
            "name_key",
            "region_id",
            f"city_{DEFAULT_SUFFIX}",
            "credit_code",
            "status",
        )
        return [cls(*(value if value is not None else "" for value in row)) for row in rows]


class Outcome:
    EXACT = "exact"
    NAME = "name"
    AMBIGUOUS = "ambiguous"
    NEW = "new"
    INVALID = "invalid"

    LABELS = {
        EXACT: gettext_lazy("Matched by credit code"),
        NAME: gettext_lazy("Matched by name"),
        AMBIGUOUS: gettext_lazy("To confirm: similar names"),
        NEW: gettext_lazy("New enterprises (drafts)"),
        INVALID: gettext_lazy("Invalid rows"),
    }


class Change:
    ADD = "add"
    ADVANCE = "advance"
    UNCHANGED = "unchanged"

    LABELS = {
        ADD: gettext_lazy("Recognitions to add"),
        ADVANCE: gettext_lazy("Stages to advance"),
        UNCHANGED: gettext_lazy("Unchanged"),
    }


# How far along a recognition is: an import moves it forward, never back.
STAGE_RANK = {
    Stage.PUBLIC_NOTICE: 0,
    Stage.AWARDED: 1,
    Stage.RENEWED: 2,
    Stage.FAILED_REVIEW: 3,
    Stage.REVOKED: 3,
    Stage.EXPIRED: 3,
}


@dataclass
class Target:
    """The recognition a list awards to each of its enterprises."""

    source: object
    tier: str
    level: str
    year: int
    stage: str
    batch: int | None = None
    notice_number: str = ""
    notice_date: datetime.date | None = None

    def recognition(self, enterprise_id):
        return Recognition(
            enterprise_id=enterprise_id,
            source=self.source,
            tier=self.tier,
            level=self.level,
            year=self.year,
            batch=self.batch,
            stage=self.stage,
            notice_number=self.notice_number,
            notice_date=self.notice_date,
        )

    def check(self):
        """The target as a recognition would validate it (a national tier is national), or
        a ListError naming the fields at fault."""
        prototype = self.recognition(None)
        try:
            prototype.clean_fields(exclude=["enterprise"])
            prototype.clean()
        except ValidationError as exc:
            raise ListError(
                " ".join(
                    f"{Recognition._meta.get_field(name).verbose_name}: {' '.join(messages)}"
                    if name != "__all__"
                    else " ".join(messages)
                    for name, messages in exc.message_dict.items()
                )
            ) from exc
        self.level = prototype.level
        return self

    def change_for(self, stored):
        """What applying does to an enterprise's recognition as stored (a dict, or None)."""
        if stored is None:
            return Change.ADD
        if STAGE_RANK.get(self.stage, 0) > STAGE_RANK.get(stored["stage"], 0):
            return Change.ADVANCE
        return Change.UNCHANGED


@dataclass
class RowReview:
    row: ListRow
    outcome: str = ""
    enterprise: Candidate | None = None
    candidates: list = field(default_factory=list)
    change: str = ""
    stored_stage: str = ""
    place: Place | None = None

    @property
    def number(self):
        return self.row.number


@dataclass
class Review:
    """What applying a list would do, row by row."""

    list_file: ListFile
    target: Target
    rows: list
    regions: dict
    industries: dict
    recognitions: dict

    def of(self, outcome):
        return [row for row in self.rows if row.outcome == outcome]

    def counts(self):
        counts = Counter(row.outcome for row in self.rows)
        return [(outcome, label, counts[outcome]) for outcome, label in Outcome.LABELS.items()]

    def changes(self):
        counts = Counter(row.change for row in self.rows if row.change)
        return [(change, label, counts[change]) for change, label in Change.LABELS.items()]

    def errors(self):
        return [
            (row.number, column, reason)
            for row in self.of(Outcome.INVALID)
            for column, reason in row.row.errors
        ]

    def region_name(self, candidate):
        region = self.regions.get(candidate.region_id)
        return region.name if region else ""


def chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def review(list_file, target, using=None):
    """Match the rows of a list to the directory and say what applying would do."""
    using = using or router.db_for_read(Enterprise)
    places = Places()
    rows = [RowReview(row) for row in check_rows(list_file.rows)]
    pending = []
    for row in rows:
        if row.row.errors:
            row.outcome = Outcome.INVALID
        else:
            row.place = places.of(row.row.region)
            pending.append(row)
    pending = match_codes(pending, using)
    pending = match_names(pending, using)
    offer_similar(pending, using)
    recognitions = stored_recognitions(rows, target, using)
    for row in rows:
        settle(row, target, recognitions)
    texts = {row.row.industry for row in rows if row.outcome == Outcome.NEW and row.row.industry}
    return Review(
        list_file, target, rows, places.regions, industries_named(texts, using), recognitions
    )


def match_codes(rows, using):
    """Rows matched by credit code; returns the others."""
    coded = {row.row.credit_code: row for row in rows if row.row.credit_code}
    for codes in chunks(coded):
        found = Enterprise.objects.using(using).filter(credit_code__in=codes)
        for candidate in Candidate.values(found):
            row = coded[candidate.credit_code]
            row.outcome, row.enterprise = Outcome.EXACT, candidate
    return [row for row in rows if not row.outcome]


def name_variants(row):
    """(keys matched as they are, keys matched where the place agrees) of a row: its name,
    and its name without, or with, the region or city the row names."""
    key, place = row.row.key, row.place
    core = place.core(key)
    placed = {core} | {prefix + core for prefix in place.prefixes()}
    placed |= {r + c + core for r in place.region_names for c in place.city_names}
    return {key}, placed - {key}


def match_names(rows, using):
    """Rows matched by their normalised name (alone, or one of several to confirm); returns
    the others."""
    variants = {row.number: name_variants(row) for row in rows}
    keys = {key for plain, placed in variants.values() for key in plain | placed}
    by_key = defaultdict(list)
    for chunk in chunks(keys):
        for candidate in Candidate.values(
            Enterprise.objects.using(using).filter(name_key__in=chunk)
        ):
            by_key[candidate.name_key].append(candidate)
    for row in rows:
        plain, placed = variants[row.number]
        hits = {c.pk: c for key in plain for c in by_key[key] if not row.place.contradicts(c)}
        hits |= {c.pk: c for key in placed for c in by_key[key] if row.place.agrees(c)}
        code = row.row.credit_code
        sure = [c for c in hits.values() if not (code and c.credit_code and c.credit_code != code)]
        if len(sure) == 1 and len(hits) == 1:
            row.outcome, row.enterprise = Outcome.NAME, sure[0]
        elif hits:
            row.outcome, row.candidates = Outcome.AMBIGUOUS, list(hits.values())
    return [row for row in rows if not row.outcome]


def has_trigrams(using):
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def offer_similar(rows, using):
    """Offer each row the enterprises with the most similar names (pg_trgm on PostgreSQL,
    the same measure in Python over a prefix-bounded set elsewhere); rows without any are
    new."""
    if not rows:
        return
    probes = {row.number: probe_texts(row) for row in rows}
    if has_trigrams(using):
        found = similar_by_trigrams(probes, using)
    else:
        found = similar_by_prefixes(probes, using)
    for row in rows:
        scored = []
        for candidate in found.get(row.number, {}).values():
            candidate = replace(candidate)
            candidate.score = max(
                similarity(row.row.key, candidate.name_key),
                similarity(
                    row.place.core(row.row.key),
                    without_place(candidate.name_key, row.place.prefixes()),
                ),
            )
            if candidate.score >= THRESHOLD:
                scored.append(candidate)
        scored.sort(key=lambda c: (-c.score, c.pk))
        if scored:
            row.outcome, row.candidates = Outcome.AMBIGUOUS, scored[:CANDIDATES]
        else:
            row.outcome = Outcome.NEW


def probe_texts(row):
    key = row.row.key
    return {key, row.place.core(key)}


def similar_by_trigrams(probes, using):
    """{row number: {pk: Candidate}} through pg_trgm's index: per probe, the most similar
    names, in one query per chunk of probes."""
    table = Enterprise._meta.db_table
    pairs = [(number, text) for number, texts in probes.items() for text in texts if text]
    ids = defaultdict(set)
    with connections[using].cursor() as cursor:
        for chunk in chunks(pairs, 200):
            values = ", ".join(["(%s::integer, %s::text)"] * len(chunk))
            cursor.execute(
                f"SELECT r.n, e.id FROM (VALUES {values}) AS r(n, k) CROSS JOIN LATERAL "
                f"(SELECT id FROM {table} WHERE name_key %% r.k "
                f"ORDER BY similarity(name_key, r.k) DESC LIMIT %s) AS e",
                [*(item for pair in chunk for item in pair), CANDIDATES * 2],
            )
            for number, pk in cursor.fetchall():
                ids[number].add(pk)
    candidates = {}
    for chunk in chunks({pk for pks in ids.values() for pk in pks}):
        for candidate in Candidate.values(Enterprise.objects.using(using).filter(pk__in=chunk)):
            candidates[candidate.pk] = candidate
    return {
        number: {pk: candidates[pk] for pk in pks if pk in candidates}
        for number, pks in ids.items()
    }


def similar_by_prefixes(probes, using):
    """{row number: {pk: Candidate}} of the names that begin like a row's name (with or
    without its place), read through the name index: a bounded set per prefix."""
    rows_of = defaultdict(set)
    for number, texts in probes.items():
        for text in texts:
            if len(text) >= 2:
                rows_of[text[:PROBE_LENGTH]].add(number)
    found = defaultdict(dict)
    for chunk in chunks(sorted(rows_of), 100):
        ranges = []
        for prefix in chunk:
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            ranges.append(
                Enterprise.objects.using(using)
                .filter(name_key__gte=prefix, name_key__lt=upper)
                .order_by("name_key")
                .values_list("pk", flat=True)[:PROBE_LIMIT]
            )
        query = Q(pk__in=ranges[0])
        for subquery in ranges[1:]:
            query |= Q(pk__in=subquery)
        for candidate in Candidate.values(Enterprise.objects.using(using).filter(query)):
            for prefix in chunk:
                if candidate.name_key.startswith(prefix):
                    for number in rows_of[prefix]:
                        found[number][candidate.pk] = candidate
    return found


def stored_recognitions(rows, target, using):
    """{enterprise pk: stored recognition values} for the target's tier, level and year, of
    every enterprise a row matched or may match."""
    pks = {row.enterprise.pk for row in rows if row.enterprise}
    pks |= {c.pk for row in rows for c in row.candidates}
    stored = {}
    for chunk in chunks(pks):
        for values in (
            Recognition.objects.using(using)
            .filter(
                enterprise_id__in=chunk, tier=target.tier, level=target.level, year=target.year
            )
            .values("pk", "enterprise_id", "stage", "source_id", "batch")
        ):
            stored[values["enterprise_id"]] = values
    return stored


def settle(row, target, recognitions):
    """The change a row makes. When one of a row's candidates already holds the list's
    recognition, an editor chose it at an earlier notice of the list: it is the match."""
    if row.outcome == Outcome.AMBIGUOUS:
        held = [c for c in row.candidates if c.pk in recognitions]
        if len(held) == 1:
            row.outcome, row.enterprise = Outcome.NAME, held[0]
    if row.enterprise is not None:
        stored = recognitions.get(row.enterprise.pk)
        row.stored_stage = stored["stage"] if stored else ""
        row.change = target.change_for(stored)
    elif row.outcome == Outcome.NEW:
        row.change = Change.ADD


def industries_named(texts, using):
    """{text: Industry} of the industries named as they are in the directory (code or name)."""
    if not texts:
        return {}
    found = {}
    for industry in Industry.objects.using(using).filter(
        Q(code__in=texts) | Q(name_zh_hans__in=texts) | Q(name_en__in=texts)
    ):
        for text in (industry.code, industry.name_zh_hans, industry.name_en):
            found.setdefault(text, industry)
    return found


# Applying


class ApplyError(Exception):
    """A row the database refused; nothing of the list was written."""


def apply(result, choices=None, using=None):
    """Write a review: a recognition per matched row (added, or its stage advanced), a
    draft enterprise citing the source per new row; rows to confirm take the choice given
    by row number (a candidate's pk, or NEW), and are skipped without one. All or nothing.
    Returns a Counter of what was done."""
    using = using or router.db_for_write(Recognition)
    choices = choices or {}
    target, done = result.target, Counter()
    reason = _("Official list import: %(source)s") % {"source": target.source.slug}
    with transaction.atomic(using=using):
        for row in result.rows:
            if row.outcome == Outcome.INVALID:
                done["invalid"] += 1
                continue
            enterprise_pk = row.enterprise.pk if row.enterprise else None
            if row.outcome == Outcome.AMBIGUOUS:
                choice = choices.get(row.number)
                if choice == NEW:
                    enterprise_pk = None
                elif choice in {c.pk for c in row.candidates}:
                    enterprise_pk = choice
                else:
                    done["skipped"] += 1
                    continue
            try:
                if enterprise_pk is None:
                    enterprise_pk = new_enterprise(result, row, reason, using).pk
                    done["enterprises"] += 1
                stored = result.recognitions.get(enterprise_pk)
                change = target.change_for(stored)
                if change == Change.ADD:
                    recognition = target.recognition(enterprise_pk)
                elif change == Change.ADVANCE:
                    recognition = Recognition.objects.using(using).get(pk=stored["pk"])
                    recognition.stage, recognition.source = target.stage, target.source
                    for name in ("batch", "notice_number", "notice_date"):
                        if getattr(target, name):
                            setattr(recognition, name, getattr(target, name))
                else:
                    done[change] += 1
                    continue
                recognition._change_reason = reason
                recognition.save(using=using)
            except (DatabaseError, ValidationError) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise ApplyError(
                    _("Row %(row)d (%(name)s): %(reason)s Nothing was written.")
                    % {"row": row.number, "name": row.row.name, "reason": " ".join(messages)}
                ) from exc
            done[change] += 1
    return done


def new_enterprise(result, row, reason, using):
    """A draft enterprise with the row's facts, citing the list's source."""
    place = row.place
    city = place.city_names[-1] if place and place.city_names else ""
    enterprise = Enterprise(
        credit_code=row.row.credit_code,
        region=place.region if place else None,
        industry=result.industries.get(row.row.industry),
        status=Status.DRAFT,
        **{
            f"name_{DEFAULT_SUFFIX}": row.row.name,
            f"city_{DEFAULT_SUFFIX}": city if not city.endswith(("区", "县")) else "",
        },
    )
    enterprise.full_clean(exclude=["slug"])
    enterprise._change_reason = reason
    enterprise.save(using=using)
    enterprise.sources.add(result.target.source)
    return enterprise
