"""The database side of search: index objects and query syntax for SQLite and PostgreSQL.

Both index the same pre-segmented columns (search_name, search_summary, search_body) with
the same weights, and receive the same query: every term must match, in any of its forms.
Queries are built from tokens made by text.parse_query, which hold only letters, digits and
Chinese characters, so nothing a visitor types reaches the query syntax.
"""

import re

from django.db import connections
from django.db.models import BooleanField, Expression, TextField
from django.db.models.expressions import RawSQL

from ..models.searchable import SEARCH_COLUMNS

COLUMNS = SEARCH_COLUMNS
SQLITE_WEIGHTS = (100.0, 10.0, 1.0)
POSTGRES_WEIGHTS = "{0.01, 0.05, 0.3, 1.0}"  # D, C, B, A
SAFE_TOKEN = re.compile(r"^[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")


def vendor_of(queryset):
    return connections[queryset.db].vendor


def fts_table(model):
    return f"{model._meta.db_table}_fts"


def checked(token):
    if not SAFE_TOKEN.match(token):
        raise ValueError(f"unsafe search token {token!r}")
    return token


# Index objects -------------------------------------------------------------------------------


# Prefix indexes for two- and three-character prefixes (pinyin initials, the start of a word):
# longer prefixes match few terms and are fast anyway; one letter is matched as a whole word.
def sqlite_install(model):
    table, fts = model._meta.db_table, fts_table(model)
    cols = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{table}', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {cols} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def sqlite_uninstall(model):
    fts = fts_table(model)
    return [
        f"DROP TRIGGER IF EXISTS {fts}_insert",
        f"DROP TRIGGER IF EXISTS {fts}_delete",
        f"DROP TRIGGER IF EXISTS {fts}_update",
        f"DROP TABLE IF EXISTS {fts}",
    ]


def postgres_vector_sql(table):
    parts = [
        f"setweight(to_tsvector('simple'::regconfig, coalesce({column}, '')), '{weight}')"
        for column, weight in zip(COLUMNS, "ABC", strict=True)
    ]
    return " || ".join(parts)


def postgres_install(model):
    table = model._meta.db_table
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS ({postgres_vector_sql(table)}) STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_search_gin ON {table} USING gin (search_vector)",
    ]


def postgres_uninstall(model):
    table = model._meta.db_table
    return [
        f"DROP INDEX IF EXISTS {table}_search_gin",
        f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector",
    ]


def ensure_installed(connection, models):
    """Make sure every search index object exists; returns the models repaired.

    SQLite rebuilds a table to alter it, dropping its triggers, so after migrations the
    triggers may be gone (and rows changed meanwhile): reinstall and rebuild the index."""
    repaired = []
    with connection.cursor() as cursor:
        for model in models:
            if connection.vendor == "sqlite":
                fts = fts_table(model)
                cursor.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN "
                    "(%s, %s, %s)",
                    [f"{fts}_insert", f"{fts}_delete", f"{fts}_update"],
                )
                complete = cursor.fetchone()[0] == 3
            elif connection.vendor == "postgresql":
                table = model._meta.db_table
                cursor.execute(
                    "SELECT (SELECT count(*) FROM information_schema.columns "
                    "WHERE table_name = %s AND column_name = 'search_vector') + "
                    "(SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexname = %s)",
                    [table, table, f"{table}_search_gin"],
                )
                complete = cursor.fetchone()[0] == 2
            else:
                continue
            if not complete:
                for statement in install_statements(connection.vendor, model):
                    cursor.execute(statement)
                repaired.append(model)
    return repaired


def install_statements(vendor, model):
    return {"sqlite": sqlite_install, "postgresql": postgres_install}[vendor](model)


def uninstall_statements(vendor, model):
    return {"sqlite": sqlite_uninstall, "postgresql": postgres_uninstall}[vendor](model)


# Queries ---------------------------------------------------------------------------------------


# Column groups a query can be confined to, best first: the tiers of the ranking.
TIERS = (("search_name",), ("search_name", "search_summary"))
WEIGHT_LETTERS = {"search_name": "A", "search_summary": "B", "search_body": "C"}


def fts5_expression(query, columns=None):
    groups = []
    for term in query.terms:
        options = [f'"{checked(w)}"' for w in term.words]
        options += [f'"{checked(p)}"*' for p in term.prefixes]
        options += ['"' + " ".join(checked(t) for t in phrase) + '"' for phrase in term.phrases]
        groups.append("(" + " OR ".join(options) + ")")
    expression = " AND ".join(groups)
    return f"{{{' '.join(columns)}}} : ({expression})" if columns else expression


def tsquery_expression(query, columns=None):
    weight = "".join(WEIGHT_LETTERS[c] for c in columns) if columns else ""

    def lexeme(token, prefix=False):
        marks = ("*" if prefix else "") + weight
        return f"'{checked(token)}'" + (f":{marks}" if marks else "")

    groups = []
    for term in query.terms:
        options = [lexeme(w) for w in term.words]
        options += [lexeme(p, prefix=True) for p in term.prefixes]
        options += ["(" + " <-> ".join(lexeme(t) for t in phrase) + ")" for phrase in term.phrases]
        groups.append("(" + " | ".join(options) + ")")
    return " & ".join(groups)


class Matches(Expression):
    """True where a row's search document matches a query: usable in filter(), and correct
    in subqueries too, since it names the row by its query's own alias."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, model, query, columns=None):
        super().__init__()
        self.model, self.query, self.columns = model, query, columns

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        if connection.vendor == "postgresql":
            return (
                f"{alias}.search_vector @@ to_tsquery('simple', %s)",
                [tsquery_expression(self.query, self.columns)],
            )
        fts = fts_table(self.model)
        return (
            f"{alias}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)",
            [fts5_expression(self.query, self.columns)],
        )


class InWindow(Expression):
    """True for the rows among a bounded set of candidates for a query, so that ranking them
    costs the same however many rows match:
    - SQLite: the first `size` matches (by primary key) within the name, and the first
      `size` matches anywhere; FTS5 finds name matches through its column filter, so a name
      match comes first even when names rarely match.
    - PostgreSQL: the first `size` matches anywhere (by primary key, so that every page of
      a search ranks the same window). Its index cannot tell a name match from another
      (weights are invisible to the index and to the planner's estimates), so looking for
      rare name matches would read every match.
    With `columns` (suggestions), only candidates matching within those columns; on
    PostgreSQL, the first `size` matches in the order the index yields them (suggestions
    are not paged, and ordering by key would sort every match: two seconds for a prefix of
    two common words).

    `bound`, when known, is a key that at least `size` matches do not exceed (the largest
    key among any `size` matches: see engine.counts). The window is the same with it, and
    on PostgreSQL it is what makes the window cheap: told the range of keys, the planner
    reads the index's matches within it (a few thousand rows at most), where otherwise it
    may fetch and sort every match of two common words (125,000 products, a second cold),
    having guessed their frequencies as if they were independent."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, queryset, query, size, columns=None, bound=None):
        super().__init__()
        self.queryset, self.query, self.size, self.columns = queryset, query, size, columns
        self.bound = bound

    def candidates(self, columns, connection):
        queryset = self.queryset
        if self.bound is not None and connection.vendor == "postgresql" and not columns:
            queryset = queryset.filter(pk__lte=self.bound)
        rows = first_matches(queryset, self.query, columns, ordered=True)
        inner = rows[: self.size].query
        return inner.get_compiler(connection=connection).as_sql()

    def postgres_candidates(self, columns, connection):
        """`size` matches anywhere, in no particular order, those matching within `columns`
        kept."""
        table = self.queryset.model._meta.db_table
        rows = (
            matching(self.queryset, self.query)
            .order_by()
            .annotate(document=RawSQL(f"{table}.search_vector", [], output_field=TextField()))
            .values("pk", "document")
        )
        sql, params = rows[: self.size].query.get_compiler(connection=connection).as_sql()
        return (
            f"SELECT pk FROM ({sql}) AS scanned WHERE document @@ to_tsquery('simple', %s)",
            [*params, tsquery_expression(self.query, columns)],
        )

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        pk = connection.ops.quote_name(self.queryset.model._meta.pk.column)
        postgres = connection.vendor == "postgresql"
        if self.columns or postgres:
            if self.columns and postgres:
                sql, params = self.postgres_candidates(self.columns, connection)
            else:
                sql, params = self.candidates(self.columns, connection)
            return f"{alias}.{pk} IN (SELECT * FROM ({sql}) AS candidates)", params
        name_sql, name_params = self.candidates(TIERS[0], connection)
        all_sql, all_params = self.candidates(None, connection)
        # Each LIMIT inside its own derived table: SQLite allows no LIMIT in a compound's arm.
        return (
            f"{alias}.{pk} IN (SELECT * FROM ({name_sql}) AS by_name "
            f"UNION SELECT * FROM ({all_sql}) AS anywhere)",
            [*name_params, *all_params],
        )


def matching(queryset, query, columns=None):
    """The rows of `queryset` whose search document matches `query` (all its terms),
    optionally within some columns only."""
    if not query:
        return queryset.none()
    return queryset.filter(Matches(queryset.model, query, columns))


def first_matches(queryset, query, columns=None, ordered=False):
    """The primary keys of the rows of `queryset` matching `query`, to be sliced: a count
    or a window reads only as many index entries as it keeps. In key order if `ordered`.

    On SQLite the rows are joined to the FTS5 table, which then drives the query and stops
    at the LIMIT (in rowid order, which it gives for free); `id IN (SELECT rowid ... MATCH)`
    would first read every match: a tenth of a second for a common word in three million
    products, where the join reads ten thousand in 12 ms."""
    if not query:
        return queryset.none().values("pk")
    if vendor_of(queryset) == "postgresql":
        rows = matching(queryset, query, columns)
        return (rows.order_by("pk") if ordered else rows.order_by()).values("pk")
    table, fts = queryset.model._meta.db_table, fts_table(queryset.model)
    rows = queryset.order_by().extra(
        tables=[fts],
        where=[f"{fts}.rowid = {table}.id", f"{fts} MATCH %s"],
        params=[fts5_expression(query, columns)],
        order_by=[f"{fts}.rowid"] if ordered else None,
    )
    return rows.values("pk")


def contains_tokens(table, query, columns):
    """SQLite: (condition, params) true where every term of the query matches within one of
    `columns`, tested on the row's own documents (space-separated tokens, as FTS5 reads
    them) rather than by reading every match of the index: the tiers of the ranking cost
    a test per ranked row, however many rows match in the whole table."""
    groups, params = [], []
    for term in query.terms:
        patterns = [f"% {checked(w)} %" for w in term.words]
        patterns += [f"% {checked(p)}%" for p in term.prefixes]
        patterns += ["% " + " ".join(checked(t) for t in phrase) + " %" for phrase in term.phrases]
        options = []
        for column in columns:
            for pattern in patterns:
                options.append(f"(' ' || {table}.{column} || ' ') LIKE %s")
                params.append(pattern)
        groups.append("(" + " OR ".join(options) + ")")
    return "(" + " AND ".join(groups) + ")", params


def with_rank(queryset, query):
    """Annotate the ranking on a queryset already narrowed by matching(): `search_tier`
    (0: the whole query matches in the name; 1: in name and summary; 2: only with the
    body) and, within a tier, `search_rank` (lower is better)."""
    table = queryset.model._meta.db_table
    if vendor_of(queryset) == "postgresql":
        vector = f"{table}.search_vector"
        tier = (
            f"CASE WHEN {vector} @@ to_tsquery('simple', %s) THEN 0 "
            f"WHEN {vector} @@ to_tsquery('simple', %s) THEN 1 ELSE 2 END"
        )
        rank = f"-ts_rank('{POSTGRES_WEIGHTS}', {vector}, to_tsquery('simple', %s))"
        params = [tsquery_expression(query, columns) for columns in TIERS]
        return queryset.extra(
            select={"search_tier": tier, "search_rank": rank},
            select_params=[*params, tsquery_expression(query)],
        )
    # bm25() needs the FTS5 table joined; ranking is for top-level queries, never subqueries.
    fts = fts_table(queryset.model)
    name, name_params = contains_tokens(table, query, TIERS[0])
    summary, summary_params = contains_tokens(table, query, TIERS[1])
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    return queryset.extra(
        select={
            "search_tier": f"CASE WHEN {name} THEN 0 WHEN {summary} THEN 1 ELSE 2 END",
            "search_rank": f"bm25({fts}, {weights})",
        },
        select_params=[*name_params, *summary_params],
        tables=[fts],
        where=[f"{fts}.rowid = {table}.id", f"{fts} MATCH %s"],
        params=[fts5_expression(query)],
    )


RANKING = ("search_tier", "search_rank", "pk")
