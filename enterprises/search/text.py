"""Turning text into search tokens, the same way for documents and for queries.

Documents are indexed as space-separated tokens that both databases split on whitespace:
- Chinese runs: the words rjieba finds (search mode, so 中兴通讯 also yields 中兴 and 通讯),
  followed by the run's overlapping character pairs, so a word segmented differently in
  the query and the document still matches as a phrase of pairs;
- other runs: words, lower-cased, accents removed, reduced to their English stem
  (robots -> robot, cleaning -> clean);
- Chinese names also get their pinyin: each syllable, the syllables joined from each one
  onwards (zhongxingtongxun, xingtongxun, ...) and the same for initials (zxtx, xtx, ...),
  so full pinyin with or without spaces, initials and their prefixes all find the name.
"""

import re
import sys
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

import rjieba
import snowballstemmer
from pypinyin import lazy_pinyin

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 12
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUNS = re.compile(rf"([{CJK}]+)|([0-9a-z]+)")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")

# Words that carry no meaning on their own: dropped from queries that have other words.
STOPWORDS = frozenset(
    "a an and are as at be by for from in is it of on or the to with 的 和 与 及 了 在 是".split()
)

_local = threading.local()


def _stemmer():
    if not hasattr(_local, "stemmer"):
        _local.stemmer = snowballstemmer.stemmer("english")
    return _local.stemmer


@lru_cache(maxsize=65536)
def stem(word):
    """The English stem of a lower-case ASCII word; digits and short words stay as they are."""
    if len(word) < 3 or not word.isalpha():
        return word
    return _stemmer().stemWord(word)


# The characters unicodedata.combining() reports (accents and other marks), for translate().
COMBINING = dict.fromkeys(c for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c)))


def normalize(text):
    """NFKC, case-folded, accents and control characters removed."""
    text = CONTROL.sub(" ", text or "")
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    return unicodedata.normalize("NFKD", text).translate(COMBINING)


def bigrams(run):
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def document_tokens(*texts):
    """The tokens of some texts, for indexing."""
    return list(chain.from_iterable(map(text_tokens, filter(None, texts))))


# Bounded caches: words, places, labels and an enterprise's name (in each of its products)
# recur across entries.
@lru_cache(maxsize=8192)
def text_tokens(text):
    tokens = []
    for chinese, other in RUNS.findall(normalize(text)):
        if chinese:
            tokens.extend(chinese_tokens(chinese))
        else:
            tokens.append(stem(other))
    return tuple(tokens)


@lru_cache(maxsize=8192)
def chinese_tokens(run):
    words = [word for word in rjieba.cut_for_search(run) if word.strip()]
    return (*words, *bigrams(run))


@lru_cache(maxsize=8192)
def word_pinyin(word):
    return tuple(lazy_pinyin(word))


@lru_cache(maxsize=8192)
def run_syllable_tokens(run):
    """The pinyin tokens of a run of Chinese, read word by word (rjieba's words): a word's
    reading does not depend on its neighbours, so each is looked up once."""
    return tuple(syllable_tokens([s for word in rjieba.cut(run) for s in word_pinyin(word)]))


def syllable_tokens(syllables):
    """Each syllable, the syllables joined from each one onwards, and the same for initials:
    zhong xing -> zhong, xing, zhongxing, zx, xing, x."""
    syllables = [s for s in syllables if s.isalpha()][:24]
    # The joins from each syllable onwards, built from the last one back (each is the
    # next one with one syllable in front), then put in the order of their first syllable.
    joined, full, initials = [], "", ""
    for syllable in reversed(syllables):
        full, initials = syllable + full, syllable[0] + initials
        joined += (initials, full)
    return syllables + joined[::-1]


def pinyin_tokens(*texts):
    """Pinyin forms of the Chinese in some texts (names); see syllable_tokens()."""
    return list(chain.from_iterable(map(text_pinyin_tokens, filter(None, texts))))


@lru_cache(maxsize=8192)
def text_pinyin_tokens(text):
    runs = RUNS.findall(normalize(text))
    return tuple(
        chain.from_iterable(run_syllable_tokens(chinese) for chinese, _ in runs if chinese)
    )


def vocabulary_words(*texts):
    """The words of some texts worth correcting a misspelling towards: Latin letters only,
    3 to 40 of them, as written (not stemmed)."""
    words = set()
    for text in texts:
        for _chinese, other in RUNS.findall(normalize(text)):
            if other and other.isalpha() and 3 <= len(other) <= 40:
                words.add(other)
    return words


def edit_distance(a, b, limit):
    """Levenshtein distance between a and b, or limit + 1 once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def allowed_typos(word):
    return 1 if len(word) <= 5 else 2


def document(tokens):
    """Tokens as one indexable string, each distinct token once per position it holds."""
    return " ".join(tokens)


@dataclass(frozen=True)
class Term:
    """One word of a query and the token patterns that match it (any one suffices)."""

    text: str
    words: tuple = ()  # exact tokens
    prefixes: tuple = ()  # tokens starting with these
    phrases: tuple = ()  # runs of consecutive tokens

    @property
    def is_chinese(self):
        return bool(re.match(rf"[{CJK}]", self.text))


@dataclass(frozen=True)
class Query:
    """A parsed query: its terms (all must match), and what was dropped from it."""

    text: str
    terms: tuple
    truncated: bool = False

    def __bool__(self):
        return bool(self.terms)

    @property
    def words(self):
        return [term.text for term in self.terms]


def chinese_term(word):
    phrases = (tuple(bigrams(word)),) if len(word) >= 3 else ()
    prefixes = (word,) if len(word) == 1 else ()
    return Term(text=word, words=(word,), phrases=phrases, prefixes=prefixes)


def latin_term(word):
    """The word as typed matches as a prefix (robo, zhongx, zx); its stem matches exactly
    (cleaning -> clean), since a stem used as a prefix would reach unrelated words
    (zhongxing -> zhongx would find zhongxiao)."""
    if len(word) == 1:
        return Term(text=word, words=(word,))
    stemmed = stem(word)
    return Term(text=word, words=(stemmed,) if stemmed != word else (), prefixes=(word,))


def parse_query(raw):
    """Parse what a visitor typed. Anything that is not a letter, digit or Chinese character
    separates words, so search-engine operators, quotes and SQL have no effect."""
    raw = raw or ""
    truncated = len(raw) > MAX_QUERY_LENGTH
    text = normalize(raw[:MAX_QUERY_LENGTH])
    terms = []
    for chinese, other in RUNS.findall(text):
        if chinese:
            terms.extend(chinese_term(word) for word in rjieba.cut(chinese) if word.strip())
        else:
            terms.append(latin_term(other))
    unique = list(dict.fromkeys(terms))
    meaningful = [term for term in unique if term.text not in STOPWORDS]
    unique = meaningful or unique
    if len(unique) > MAX_QUERY_TERMS:
        unique, truncated = unique[:MAX_QUERY_TERMS], True
    display = " ".join(CONTROL.sub(" ", raw[:MAX_QUERY_LENGTH]).split())
    return Query(text=display, terms=tuple(unique), truncated=truncated)
