"""The run: reference rows first, then enterprises in chunks, made here or by other
processes and written while the next ones are made."""

import datetime
import multiprocessing as mp
import os
import random
from collections import deque
from contextlib import contextmanager

from django.db import transaction

from ..caching import bump_version, content_changed
from ..models import (
    Enterprise,
    Exhibit,
    Exhibition,
    Indicator,
    PolicyInitiative,
    PolicyTarget,
    Product,
    Recognition,
    Source,
)
from ..models.base import DEMO_PREFIX
from .building import PER_ENTERPRISE, Builder, Chunk
from .writing import ChunkWriter, Maintenance, Writer

DEMO_SOURCE = "demo-data"
# A fixed "now", so that the same seed gives exactly the same rows.
ANCHOR = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
EXHIBITIONS = 300

# The generator a forked pool works for (set in the parent just before forking).
_forked = None


def _make_chunk(k):
    return _forked.chunk(k)


class Generator:
    # Enterprises per chunk: each is written in one transaction.
    chunk_size = 5000
    # From this many enterprises on, chunks are made by other processes while this one writes.
    parallel_from = 20_000
    # From this many on, indexes (and on PostgreSQL foreign keys) are built after the rows.
    suspend_indexes_from = 50_000

    def __init__(
        self, count, seed=1, using="default", stdout=None, background=True, processes=None
    ):
        self.count, self.seed, self.using = count, seed, using
        self.background = background
        # Processes making chunks: None decides by the size of the run, 0 makes them here.
        self.processes = processes
        self.stdout = stdout
        self.builder = Builder(seed, ANCHOR)
        self.maintenance = Maintenance(
            using,
            written=[Enterprise, Product, Exhibition, PolicyInitiative, Recognition, Exhibit],
            chunked=list(PER_ENTERPRISE),
            large=count >= self.suspend_indexes_from,
            say=self.say,
        )

    def say(self, message):
        if self.stdout is not None:
            self.stdout.write(message)

    def run(self):
        source, _ = Source.objects.using(self.using).get_or_create(
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
        self.builder.prepare(self.using, source)
        self.say(f"Generating {self.count} demo enterprises (seed {self.seed})…")
        with self.maintenance.suspended():
            self.exhibitions()
            self.policies()
            self.enterprises()
        self.builder.vocabulary()
        self.maintenance.vacuum()
        # Bulk inserts send no signals: say that the content changed (cached pages, counts).
        bump_version()

    def write(self, instances, *models):
        writers = {model: Writer(model, self.using) for model in models}
        with transaction.atomic(using=self.using):
            for model, writer in writers.items():
                writer.write([writer.row(i) for i in instances if type(i) is model])
        for writer in writers.values():
            writer.reset_sequence()

    def exhibitions(self):
        first = Writer(Exhibition, self.using).next_id()
        made = [self.builder.exhibition(index, first + index) for index in range(EXHIBITIONS)]
        self.builder.exhibition_ids = [exhibition.pk for exhibition in made]
        self.write(made, Exhibition)

    def policies(self):
        policy_pk = Writer(PolicyInitiative, self.using).next_id()
        target_pk = Writer(PolicyTarget, self.using).next_id()
        made = []
        for region in self.builder.regions:
            for policy, target in self.builder.policies(region, policy_pk, target_pk):
                made += [policy, target]
                policy_pk, target_pk = policy_pk + 1, target_pk + 1
        self.write(made, PolicyInitiative, PolicyTarget)

    def enterprises(self):
        """Enterprises with their products, recognitions and exhibits, in chunks. Chunk k
        draws from its own random stream (seed and k), its own blocks of ids and its own
        share of the free tickers, so its rows are the same wherever it is made."""
        self.writers = {model: Writer(model, self.using) for model in PER_ENTERPRISE}
        self.first_ids = {model: writer.next_id() for model, writer in self.writers.items()}
        chunks = range((self.count + self.chunk_size - 1) // self.chunk_size)
        with (
            self.chunk_source(chunks) as made,
            ChunkWriter(self.writers, self.using, background=self.background) as sink,
        ):
            done = 0
            for rows in made:
                sink.put(rows)
                done += len(rows[Enterprise])
                if done % 100000 == 0 or done == self.count:
                    self.say(f"  {done} enterprises")
        for writer in self.writers.values():
            writer.reset_sequence()

    @contextmanager
    def chunk_source(self, chunks):
        """The chunks' rows in order: made here, or by a pool of processes (forked, so that
        they share this generator's prepared names; they never touch the database), with
        at most a few chunks in flight, so that memory stays bounded."""
        processes = self.processes
        if processes is None:
            wanted = self.count >= self.parallel_from and "fork" in mp.get_all_start_methods()
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
        ids = {
            model: self.first_ids[model] + k * self.chunk_size * per_enterprise
            for model, per_enterprise in PER_ENTERPRISE.items()
        }
        chunk = Chunk(k, random.Random(f"{self.seed}:{k}"), ids)
        for _ in range(min(self.chunk_size, self.count - k * self.chunk_size)):
            self.builder.enterprise(chunk)
        rows = {model: [] for model in PER_ENTERPRISE}
        for instance in chunk.instances:
            rows[type(instance)].append(self.writers[type(instance)].row(instance))
        return rows


def delete_demo_data(using="default"):
    """Remove every generated row, curated data untouched. Returns the number of enterprises.
    Rows go by one statement per table, without per-row signals: demo rows have no history
    to keep (the search index follows by its triggers)."""
    demo = {"slug__startswith": DEMO_PREFIX}
    cited = {"source__slug": DEMO_SOURCE}
    doomed = [
        Exhibit.objects.filter(**cited),
        Recognition.objects.filter(**cited),
        Product.objects.filter(**demo),
        Enterprise.objects.filter(**demo),
        PolicyTarget.objects.filter(initiative__slug__startswith=DEMO_PREFIX),
        PolicyInitiative.objects.filter(**demo),
        Exhibition.objects.filter(**demo),
        Indicator.objects.filter(**demo),
        Source.objects.filter(slug=DEMO_SOURCE),
    ]
    removed = {}
    with transaction.atomic(using=using):
        for queryset in doomed:
            queryset = queryset.using(using)
            removed[queryset.model] = queryset._raw_delete(using)
        content_changed(using)
    return removed[Enterprise]
