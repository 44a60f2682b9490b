"""Search across the directory: enterprises, products, policy initiatives and exhibitions."""

from dataclasses import dataclass, replace

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
