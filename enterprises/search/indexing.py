"""Recomputing search documents in bulk, and rebuilding the index from scratch."""

from django.db import connections, router

from ..models.searchable import SEARCH_COLUMNS, searchable_models
from .backends import fts_table

DOCUMENT_FIELDS = SEARCH_COLUMNS
BATCH = 500


def refresh_documents(queryset, fields=DOCUMENT_FIELDS, vocabulary=None):
    """Recompute the search documents of many rows, in batches; collect their words into
    `vocabulary` (a set) when given. Returns the number of rows."""
    model = queryset.model
    queryset = queryset.select_related(*model.search_related).order_by("pk")
    batch, total = [], 0
    for obj in queryset.iterator(chunk_size=BATCH):
        obj.refresh_search_document()
        if vocabulary is not None:
            vocabulary.update(obj.vocabulary())
        batch.append(obj)
        if len(batch) == BATCH:
            model.objects.bulk_update(batch, fields)
            total += len(batch)
            batch = []
    if batch:
        model.objects.bulk_update(batch, fields)
        total += len(batch)
    return total


def rebuild(missing_only=False):
    """Recompute every search document (or only empty ones) and the spelling vocabulary.
    Returns {model label: rows refreshed}."""
    from ..models import SearchTerm

    done, vocabulary = {}, set()
    for model in searchable_models():
        rows = model.objects.all()
        if missing_only:
            rows = rows.filter(search_name="")
        done[model._meta.label] = refresh_documents(rows, vocabulary=vocabulary)
    if not missing_only:
        SearchTerm.objects.all().delete()
    SearchTerm.add_words(vocabulary)
    using = router.db_for_write(SearchTerm)
    if connections[using].vendor == "sqlite" and not missing_only:
        with connections[using].cursor() as cursor:
            for model in searchable_models():
                fts = fts_table(model)
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    return done
