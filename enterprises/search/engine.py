"""Search across the directory: enterprises, products, policy initiatives and exhibitions."""

from dataclasses import dataclass, replace
from itertools import zip_longest

from django.db import connections
from django.db.models import Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from ..i18n import translated_value
from ..models import Enterprise, Exhibition, PolicyInitiative, Product, SearchTerm
from ..richtext import plain
from .backends import RANKING, InWindow, first_matches, matching, with_rank
from .highlight import highlight, snippet
from .text import allowed_typos, edit_distance, parse_query, stem  # noqa: F401


@dataclass(frozen=True)
class Kind:
    key: str
    model: type
    label: str  # the kind, for a group of results: "Enterprises"
    singular: str  # one result's badge: "Enterprise"
    title_field: str
    snippet_fields: tuple

    def queryset(self):
        return self.model.objects.published().for_listing()

    @property
    def hit_template(self):
        """What a search result of this kind shows under its title."""
        return f"includes/search_hits/{self.key}.html"


KINDS = (
    Kind(
        "enterprise",
        Enterprise,
        _("Enterprises"),
        _("Enterprise"),
        "name",
        ("summary", "description"),
    ),
    Kind("product", Product, _("Products"), _("Product"), "name", ("summary", "description")),
    Kind("policy", PolicyInitiative, _("Policies"), _("Policy"), "title", ("summary", "text")),
    Kind(
        "exhibition",
        Exhibition,
        _("Exhibitions"),
        _("Exhibition"),
        "name",
        ("summary", "description"),
    ),
)
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}


@dataclass
class Hit:
    kind: Kind
    obj: object
    title: str
    snippet: str


# Ranking is exact for up to this many matches of a kind; beyond, the best of a bounded set
# of candidates are shown (see backends.InWindow), and results page only that far. Counts
# stop there too ("more than 1,000"): no page lies beyond, and counting on would read every
# further match (a common word matches a third of a million products).
RANK_WINDOW = 1_000


@dataclass(frozen=True)
class Counted:
    """The number of matches of one kind, stopped at RANK_WINDOW (then `capped`), and the
    largest key among the matches counted (`bound`): when capped, the first RANK_WINDOW
    matches by key lie at or below it."""

    n: int
    capped: bool = False
    bound: int | None = None

    def __int__(self):
        return self.n

    def __bool__(self):
        return self.n > 0


def counts(query):
    """{kind key: Counted}, each count stopped after RANK_WINDOW rows, in one query."""
    if not query:
        return {kind.key: Counted(0) for kind in KINDS}
    parts, params = [], []
    for kind in KINDS:
        rows = first_matches(kind.model.objects.published(), query)
        sql, row_params = rows[: RANK_WINDOW + 1].query.get_compiler(rows.db).as_sql()
        # kind.key is one of ours (letters only), so it can be written as a literal.
        parts.append(f"SELECT '{kind.key}', COUNT(*), MAX(pk) FROM ({sql}) AS {kind.key}_matches")
        params += row_params
    with connections[rows.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = {key: (n, bound) for key, n, bound in cursor.fetchall()}
    return {
        key: Counted(min(n, RANK_WINDOW), n > RANK_WINDOW, bound)
        for key, (n, bound) in found.items()
    }


def windowed(matches):
    """Whether this many matches (a Counted) are more than the ranking window holds."""
    return matches.capped or int(matches) > RANK_WINDOW


def results(kind, query, columns=None, matches=None):
    """Published matches of one kind, best first, loaded for listing. Given the number of
    matches, more than RANK_WINDOW are ranked within a bounded window of candidates; with
    an unknown number (matches=None and columns given: suggestions), always."""
    queryset = kind.queryset()
    if (matches is None and columns) or (matches is not None and windowed(matches)):
        bound = matches.bound if matches is not None else None
        narrowed = queryset.filter(InWindow(queryset, query, RANK_WINDOW, columns, bound))
    else:
        narrowed = matching(queryset, query, columns)
    return with_rank(narrowed, query).order_by(*RANKING)


def hits(kind, objects, query):
    out = []
    for obj in objects:
        title, _language = translated_value(obj, kind.title_field)
        texts = [plain(translated_value(obj, field)[0]) for field in kind.snippet_fields]
        out.append(Hit(kind, obj, highlight(title, query), snippet(texts, query)))
    return out


def close_words(word, using="default"):
    """Indexed words that contain `word` or are within a few typos of it, closest first."""
    limit = allowed_typos(word)
    near = Q(term__contains=word)
    candidates = SearchTerm.objects.using(using)
    if connections[using].vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        candidates = candidates.annotate(similarity=TrigramSimilarity("term", word)).filter(
            near | Q(similarity__gt=0.3)
        )
    else:
        candidates = candidates.annotate(length=Length("term")).filter(
            near | Q(length__range=(len(word) - limit, len(word) + limit))
        )
    scored = []
    for candidate in candidates.values_list("term", flat=True).iterator():
        if candidate == word:
            continue
        distance = 0 if word in candidate else edit_distance(word, candidate, limit)
        if distance <= limit:
            scored.append((distance, len(candidate), candidate))
    return [candidate for _d, _l, candidate in sorted(scored)[:3]]


def corrected(query):
    """The query with each Latin word of four or more letters also matching the indexed
    words close to it, and {word: [close words]}; (None, {}) when nothing is close."""
    replacements = {}
    terms = []
    for term in query.terms:
        words = [] if term.is_chinese or len(term.text) < 4 else close_words(term.text)
        if words:
            replacements[term.text] = words
            term = replace(term, words=(*term.words, *dict.fromkeys(stem(w) for w in words)))
        terms.append(term)
    if not replacements:
        return None, {}
    return replace(query, terms=tuple(terms)), replacements


class KnownCount:
    """A queryset whose row count is already known, so a paginator does not count again."""

    def __init__(self, queryset, count):
        self.queryset, self._count = queryset, count

    def count(self):
        return self._count

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        return self.queryset[index]


@dataclass
class Search:
    """One search as a page shows it: the query searched for (corrected, with the
    `corrections` made, when nothing matched what was typed and close words do) and the
    matches of each kind, counted up to the ranking window."""

    query: object
    counts: dict
    corrections: dict

    @property
    def total(self):
        return sum(int(c) for c in self.counts.values())

    @property
    def capped(self):
        return any(c.capped for c in self.counts.values())

    def by_kind(self):
        """[(kind, count, capped)] for every kind, in order."""
        return [(k, int(self.counts[k.key]), self.counts[k.key].capped) for k in KINDS]

    def groups(self, per_kind):
        """[(kind, count, capped, the best `per_kind` hits)] for the kinds with matches."""
        return [
            (k, n, capped, hits(k, self.results(k)[:per_kind], self.query))
            for k, n, capped in self.by_kind()
            if n
        ]

    def results(self, kind):
        return results(kind, self.query, matches=self.counts[kind.key])

    def listed(self, kind):
        """The results of one kind as a paginator can page them: beyond the ranking
        window, results are not paged, the best RANK_WINDOW are."""
        shown = min(int(self.counts[kind.key]), RANK_WINDOW)
        return KnownCount(self.results(kind), shown)


def find(query):
    """A Search for a parsed, non-empty query: when nothing matches, the indexed words
    closest to those typed are tried."""
    found = counts(query)
    if not any(found.values()):
        better, replacements = corrected(query)
        if better is not None:
            better_counts = counts(better)
            if any(better_counts.values()):
                return Search(better, better_counts, replacements)
    return Search(query, found, {})


def suggestions(query, size):
    """Up to `size` entries whose names match `query`, the kinds taken in turn so that
    each is represented among the first few: [(kind, obj)]."""
    per_kind = []
    if query:
        for kind in KINDS:
            matches = results(kind, query, columns=("search_name",))[:size]
            per_kind.append([(kind, obj) for obj in matches])
    return [hit for group in zip_longest(*per_kind) for hit in group if hit][:size]
