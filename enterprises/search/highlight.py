"""Short snippets of text with the words a visitor searched for marked."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .text import CJK


def term_pattern(query):
    """A regex matching, in original text, what the query's terms match in the index."""
    alternatives = []
    for term in query.terms:
        if re.match(rf"[{CJK}]", term.text):
            alternatives.append(re.escape(term.text))
        else:
            stems = [re.escape(w) for w in (*term.words, *term.prefixes)]
            alternatives.append(r"(?<![0-9a-z])(?:" + "|".join(stems) + r")[0-9a-z]*")
    if not alternatives:
        return None
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True)), re.IGNORECASE)


def mark(text, pattern):
    """`text`, HTML-escaped, with every match of `pattern` in <mark>."""
    if not pattern:
        return escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def highlight(text, query):
    return mark(text or "", term_pattern(query))


def snippet(texts, query, width=140):
    """The first of `texts` that contains a match, cut to about `width` characters around
    it and marked; failing that, the start of the first non-empty text."""
    pattern = term_pattern(query)
    candidates = [t for t in texts if t]
    for text in candidates:
        found = pattern.search(text) if pattern else None
        if found:
            start = max(0, found.start() - width // 3)
            if start:
                # Begin at a word boundary where the text has spaces between words.
                space = text.find(" ", start, found.start())
                start = space + 1 if space != -1 else start
            end = min(len(text), start + width)
            piece = text[start:end]
            prefix = "…" if start > 0 else ""
            suffix = "…" if end < len(text) else ""
            return mark_safe(prefix + mark(piece, pattern) + suffix)
    if candidates:
        text = candidates[0]
        return escape(text[:width] + ("…" if len(text) > width else ""))
    return ""
