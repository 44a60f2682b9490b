"""Writing generated rows fast: plain tuples in chunks (SQLite: executemany; PostgreSQL:
COPY), and for large runs the indexes, foreign keys and search triggers set aside while
the rows go in and restored however the run ends."""

import datetime
import json
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from django.db import connections, models, transaction

from ..models.searchable import SearchableModel
from ..search.backends import COLUMNS, fts_table, install_statements, sqlite_uninstall


class Writer:
    """Fast inserts of plain tuples into a model's table, in the model's column order."""

    def __init__(self, model, using):
        self.model = model
        self.connection = connections[using]
        self.vendor = self.connection.vendor
        fields = model._meta.concrete_fields
        self.columns = [field.column for field in fields]
        self.attnames = [field.attname for field in fields]
        # SQLite takes timestamps as Django's text (UTC); each distinct one is made once.
        self.timestamps = [
            index
            for index, field in enumerate(fields)
            if self.vendor == "sqlite" and field.get_internal_type() == "DateTimeField"
        ]
        # JSON columns (lists of choices) go in as their text, which both databases read.
        self.jsons = [
            index for index, field in enumerate(fields) if isinstance(field, models.JSONField)
        ]
        self.texts = {}
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

    def row(self, instance):
        """The row of an unsaved instance, as the database driver takes it."""
        values = instance.__dict__
        row = [values[name] for name in self.attnames]
        for index in self.timestamps:
            moment = row[index]
            if moment not in self.texts:
                self.texts[moment] = moment.astimezone(datetime.UTC).strftime(
                    "%Y-%m-%d %H:%M:%S.%f"
                )
            row[index] = self.texts[moment]
        for index in self.jsons:
            row[index] = json.dumps(row[index])
        return tuple(row)

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


class Maintenance:
    """What a bulk run does around its rows on one database: `written` are the models it
    writes, `chunked` those written in many chunks; `large` runs set aside the indexes,
    foreign keys and search triggers (see suspended())."""

    def __init__(self, using, written, chunked, large, say):
        self.using, self.written, self.chunked = using, written, chunked
        self.vendor = connections[using].vendor
        self.large, self.say = large, say

    @contextmanager
    def suspended(self):
        with (
            self.foreign_keys_suspended(),
            self.indexes_suspended(),
            self.search_triggers_suspended(),
        ):
            yield

    def vacuum(self):
        """On PostgreSQL, outside a transaction: mark the new rows all-visible (and refresh
        the statistics) now rather than whenever autovacuum comes by, so that the indexes
        can answer without visiting the table (the exhibitors of an exhibition: 65 ms rather
        than 150 ms at a million enterprises)."""
        if not self.side_by_side():
            return
        self.execute_all(f"VACUUM (ANALYZE) {model._meta.db_table}" for model in self.chunked)

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
        if not self.large:
            yield
            return
        connection = connections[self.using]
        models = self.written
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
                if not (self.side_by_side() and model in self.chunked)
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
        if self.vendor != "postgresql" or not self.large:
            yield
            return
        quote = connection.ops.quote_name
        tables = [model._meta.db_table for model in self.chunked]
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
        models = [model for model in self.written if issubclass(model, SearchableModel)]
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
