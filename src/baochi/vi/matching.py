"""Matching Vietnamese as readers do: one tone placement, any diacritics, whole syllables only.

`match_key` keeps diacritics but unifies "hoà"/"hòa", "thuý"/"thúy" and typos like "qủa" for exact
matching; `find` and `contains` match a query on syllable boundaries whatever its diacritics,
so "ha noi" finds "Hà Nội" and "an" finds "Nghệ An" but never "bàn".
"""

from __future__ import annotations

import re
from functools import lru_cache

from baochi.vi.normalize import fold, normalize
from baochi.vi.syllables import place_tone, split_tone

_WORD = re.compile(r"[^\W\d_]+")
_SYLLABLES = re.compile(r"[^\W_]+")


@lru_cache(maxsize=131072)
def _retone(word: str) -> str:
    if word.isascii():
        return word
    plain, marks = split_tone(word)
    return place_tone(plain, marks)


def match_key(text: str) -> str:
    """Lower-case NFC text with every tone mark where the classic placement puts it.

    "Hoà Bình" and "Hòa Bình" give "hòa bình"; "qủa" gives "quả". Keep the original for display.
    """
    low = normalize(text).lower()
    changed = {w: r for w in set(_WORD.findall(low)) if (r := _retone(w)) != w}
    if not changed:
        return low
    return _WORD.sub(lambda m: changed.get(m.group(), m.group()), low)


@lru_cache(maxsize=4096)
def syllable_pattern(query: str) -> re.Pattern[str] | None:
    """A pattern over folded text matching the query's syllables in order, on syllable boundaries.

    Any run of spaces or punctuation between syllables matches ("Bà Rịa-Vũng Tàu"). None when the
    query has no letters or digits.
    """
    syllables = _SYLLABLES.findall(fold(query))
    if not syllables:
        return None
    body = r"[\W_]+".join(re.escape(s) for s in syllables)
    return re.compile(rf"(?<![^\W_]){body}(?![^\W_])")


def _folded_offsets(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, when folding changed its length, each folded char's source index."""
    folded = fold(text)
    if len(folded) == len(text):
        return folded, None
    index: list[int] = []
    for i, char in enumerate(text):
        index.extend([i] * len(fold(char)))
    return "".join(fold(c) for c in text), index


def find(text: str, query: str) -> list[tuple[int, int]]:
    """Spans of `text` where `query` occurs on syllable boundaries, ignoring case and diacritics."""
    pattern = syllable_pattern(query)
    if pattern is None:
        return []
    folded, index = _folded_offsets(text)
    spans = [m.span() for m in pattern.finditer(folded)]
    if index is None:
        return spans
    return [(index[start], index[end - 1] + 1) for start, end in spans]


def contains(text: str, query: str) -> bool:
    """True when `query` occurs in `text` on syllable boundaries, ignoring case and diacritics."""
    pattern = syllable_pattern(query)
    return pattern is not None and pattern.search(fold(text)) is not None
