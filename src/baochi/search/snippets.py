"""Highlighted titles and snippets, safe to embed in HTML: the crawled text is escaped first and
only our own <mark> tags are added, around whole-syllable matches of the query's words.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from baochi.search.tree import Words
from baochi.vi import find, fold, match_key

SNIPPET_CHARS = 240
MAX_SPANS = 400
_SYLLABLE = re.compile(r"[^\W_]+")
_OPEN, _CLOSE = Markup("<mark>"), Markup("</mark>")


@dataclass(frozen=True, slots=True)
class Span:
    """Where one query term occurs in a text."""

    start: int
    end: int
    term: int


@lru_cache(maxsize=1024)
def _pattern(typed: str) -> re.Pattern[str] | None:
    """The folded syllables, any separators between them, not followed by a letter or digit.

    It starts with a literal, so the regex engine scans for it quickly; the boundary before it
    is checked by hand (a look-behind would make every position a candidate).
    """
    syllables = _SYLLABLE.findall(fold(typed))
    if not syllables:
        return None
    return re.compile(r"[\W_]+".join(map(re.escape, syllables)) + r"(?![^\W_])")


def _find(folded: str, typed: str) -> Iterator[tuple[int, int]]:
    """Spans of the folded text where the typed words occur on syllable boundaries, found only
    as far as they are read (a common word occurs half a million times in a long text)."""
    pattern = _pattern(typed)
    at = 0
    while pattern is not None and (match := pattern.search(folded, at)):
        start, end = match.span()
        if start and folded[start - 1].isalnum():
            at = start + 1
            continue
        yield start, end
        at = end


def spans(text: str, terms: list[Words]) -> list[Span]:
    """Non-overlapping occurrences of the terms, on syllable boundaries, in text order.

    Every term is found without diacritics; an exact (`=`) term keeps only the occurrences whose
    diacritics are the ones asked for, in either tone placement.
    """
    folded = fold(text)
    same_length = len(folded) == len(text)
    found: list[Span] = []
    for number, term in enumerate(terms):
        typed = " ".join(term.syllables)
        wanted = match_key(typed) if term.exact else None
        places = _find(folded, typed) if same_length else find(text, typed)
        for start, end in itertools.islice(places, MAX_SPANS):
            if wanted is None or match_key(text[start:end]) == wanted:
                found.append(Span(start, end, number))
    found.sort(key=lambda s: (s.start, -s.end))
    kept: list[Span] = []
    for span in found:
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def mark(text: str, found: list[Span], start: int = 0, end: int | None = None) -> Markup:
    """text[start:end] escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, at = [], start
    for span in found:
        if span.start < start or span.end > end:
            continue
        out += [escape(text[at : span.start]), _OPEN, escape(text[span.start : span.end]), _CLOSE]
        at = span.end
    out.append(escape(text[at:end]))
    return Markup("").join(out)


def highlight(text: str, terms: list[Words]) -> Markup:
    """The whole text (a title), escaped and highlighted."""
    return mark(text, spans(text, terms))


def snippet(text: str, terms: list[Words], size: int = SNIPPET_CHARS) -> Markup:
    """About `size` characters of the text around the densest cluster of different terms."""
    found = spans(text, terms)
    start = _best_window(found, size) if found else 0
    if start:
        space = text.rfind(" ", max(0, start - 30), start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start + size // 2, end)
        end = space if space > 0 else end
    prefix = escape("… " if start else "")
    suffix = escape(" …" if end < len(text) else "")
    return prefix + mark(text, found, start, end) + suffix


def _best_window(found: list[Span], size: int) -> int:
    """Start of the window (a little before a match) holding the most different terms."""
    best, best_terms = found[0].start, 0
    for i, first in enumerate(found):
        terms = set()
        for span in found[i:]:
            if span.end > first.start + size - size // 4:
                break
            terms.add(span.term)
        if len(terms) > best_terms:
            best, best_terms = first.start, len(terms)
    return max(0, best - size // 4)
