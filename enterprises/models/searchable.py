"""The search document each searchable entry carries, kept current on every save."""

from functools import lru_cache

from django.db import models
from django.utils import translation

from ..richtext import plain, sanitize
from ..search.text import document, document_tokens, pinyin_tokens, vocabulary_words

# The columns of a search document, from the most to the least weighty: name > summary >
# body. Derived from the entry (never edited, imported, backed up or shown in its history).
SEARCH_COLUMNS = ("search_name", "search_summary", "search_body")


def searchable_models():
    """The models with a search document, in the order they were defined."""
    from django.apps import apps

    return [
        model
        for model in apps.get_app_config("enterprises").get_models()
        if issubclass(model, SearchableModel)
    ]


def both_languages(label):
    """A lazily translated label in Chinese and English."""
    return list(_both_languages(label))


@lru_cache(maxsize=1024)
def _both_languages(label):
    texts = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts.append(str(label))
    return tuple(texts)


class SearchableModel(models.Model):
    """Pre-segmented search text in three weighted parts: name > summary > body.

    The databases index these columns (SQLite: an FTS5 table kept in sync by triggers;
    PostgreSQL: a generated weighted tsvector with a GIN index); see the search package.
    """

    # Relations whose names the document includes, loaded together when re-indexing.
    search_related = ()
    # Fields holding editor-written HTML: sanitized on save, indexed as plain text.
    rich_text_fields = ()

    search_name = models.TextField(editable=False, default="")
    search_summary = models.TextField(editable=False, default="")
    search_body = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    def search_texts(self):
        """{"names": [...], "summary": [...], "body": [...]}: the texts to index."""
        raise NotImplementedError

    def refresh_search_document(self):
        texts = self.search_texts()
        names = [text for text in texts["names"] if text]
        self.search_name = document(document_tokens(*names) + pinyin_tokens(*names))
        self.search_summary = document(document_tokens(*texts.get("summary", ())))
        self.search_body = document(document_tokens(*texts.get("body", ())))

    def vocabulary(self):
        texts = self.search_texts()
        return vocabulary_words(*texts["names"], *texts.get("summary", ()), *texts.get("body", ()))

    def translations_of(self, field):
        values = [getattr(self, f"{field}_zh_hans", ""), getattr(self, f"{field}_en", "")]
        if field in self.rich_text_fields:
            values = [plain(value) for value in values]
        return values

    def sanitize_rich_text(self):
        for field in self.rich_text_fields:
            for suffix in ("zh_hans", "en"):
                name = f"{field}_{suffix}"
                setattr(self, name, sanitize(getattr(self, name)))


class SearchTerm(models.Model):
    """A word that occurs in the indexed text, for correcting misspelt searches. Words of
    deleted entries may linger until `rebuild_search_index`; they only widen suggestions."""

    term = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = "search term"
        verbose_name_plural = "search terms"
        ordering = ["term"]

    def __str__(self):
        return self.term

    @classmethod
    def add_words(cls, words):
        if words:
            cls.objects.bulk_create(
                [cls(term=word) for word in sorted(words)], ignore_conflicts=True
            )
