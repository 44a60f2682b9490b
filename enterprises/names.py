"""Chinese enterprise names as official lists write them, reduced to a key for matching.

Lists spell the same registered name in several ways: full-width letters and brackets,
〔〕 or 【】 for （）, spaces, 有限责任公司 for 有限公司, a region in front. The key undoes
what does not change the name; a legal form (股份有限公司 / 有限公司) and 集团 do change it,
so names that differ only there are offered for an editor to confirm, never matched.
"""

import re
import unicodedata

# 有限责任公司 is the full form of 有限公司; 股份有限公司 is another legal form.
SAME_FORM = (("有限责任公司", "有限公司"),)
# Legal forms, longest first, and the word for a group that may come before them.
LEGAL_FORMS = ("股份有限公司", "有限公司", "股份公司", "公司")
GROUP = "集团"
# Brackets of every width and kind, and separators that lists add or drop at will.
DROPPED = re.compile(r"[\s()\[\]{}〔〕【】〖〗「」『』《》<>·・•\u3000]+")


def name_key(name):
    """The key of a name: NFKC (full-width to half-width), case-folded, brackets and spaces
    dropped, 有限责任公司 written 有限公司."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = DROPPED.sub("", text)
    for long, short in SAME_FORM:
        text = text.replace(long, short)
    return text


def split_form(key):
    """(stem, form) of a key: 浙江某某集团股份有限公司 -> (浙江某某, 集团股份有限公司)."""
    form = ""
    for legal in LEGAL_FORMS:
        if key.endswith(legal) and len(key) > len(legal):
            form, key = legal, key[: -len(legal)]
            break
    if key.endswith(GROUP) and len(key) > len(GROUP):
        form, key = GROUP + form, key[: -len(GROUP)]
    return key, form


def place_names(*names):
    """The spellings of places as a name may begin with them, longest first: 杭州市 and 杭州
    for 杭州市, 新疆维吾尔自治区 and 新疆 for the two."""
    spellings = set()
    for name in names:
        key = name_key(name)
        if not key:
            continue
        spellings.add(key)
        for ending in (
            "特别行政区",
            "维吾尔自治区",
            "壮族自治区",
            "回族自治区",
            "自治区",
            "省",
            "市",
        ):
            if key.endswith(ending) and len(key) > len(ending) + 1:
                spellings.add(key[: -len(ending)])
                break
    return sorted(spellings, key=len, reverse=True)


def without_place(key, places):
    """The key without a leading place among `places` (what is left must still be a name)."""
    for place in places:
        if key.startswith(place) and len(key) - len(place) >= 2:
            return key[len(place) :]
    return key


def trigrams(text):
    """The trigrams of a text as PostgreSQL's pg_trgm makes them: per word, padded with two
    spaces in front and one behind."""
    grams = set()
    for word in re.findall(r"\w+", text.casefold()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(first, second):
    """pg_trgm's similarity(): shared trigrams over all trigrams, from 0 to 1."""
    a, b = trigrams(first), trigrams(second)
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)
