"""Matching a list's rows to the directory: by credit code, by name, else by similar names."""

from collections import defaultdict
from dataclasses import replace

from django.db import connections, router, transaction
from django.db.models import Q

from ..models import Enterprise, Industry, Recognition
from ..names import similarity, split_form, without_place
from .outcomes import Candidate, Change, Outcome, Review, RowReview
from .places import Places
from .reading import check_rows

CHUNK = 500
# Candidates offered for a row, and the least similarity worth offering (pg_trgm's default).
CANDIDATES = 5
THRESHOLD = 0.3
# How much of a row's stem a name must hold to be read as a candidate (pg_trgm's word
# similarity: one character changed in a stem of six still passes).
WORD_SIMILARITY = 0.4
# Without pg_trgm: names read per prefix probed, and the length of the prefixes.
PROBE_LIMIT = 50
PROBE_LENGTH = 3


def chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def review(list_file, target, using=None):
    """Match the rows of a list to the directory and say what applying would do: each row
    by credit code, then by normalised name (enterprises.names), else offered the most
    similar names to confirm, else new; in a few set-based queries per 500 rows, whatever
    the size of the directory."""
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
    """{row number: {pk: Candidate}} through pg_trgm's index: per row, the names that hold
    most of its stem (the name without its place and legal form: 有限公司 is in nearly every
    name, and searching with it would read most of the table), in one query per chunk of
    rows."""
    table = Enterprise._meta.db_table
    pairs = []
    for number, texts in probes.items():
        stems = {split_form(text)[0] for text in texts if text}
        shortest = min(stems, key=len, default="")
        if shortest:
            pairs.append((number, shortest))
    ids = defaultdict(set)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(WORD_SIMILARITY)],
        )
        for chunk in chunks(pairs, 200):
            values = ", ".join(["(%s::integer, %s::text)"] * len(chunk))
            cursor.execute(
                f"SELECT r.n, e.id FROM (VALUES {values}) AS r(n, k) CROSS JOIN LATERAL "
                f"(SELECT id FROM {table} WHERE r.k <%% name_key "
                f"ORDER BY r.k <<-> name_key LIMIT %s) AS e",
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
