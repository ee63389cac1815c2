"""Plain queries (words and "quoted phrases", all required) → an FTS5 expression, then ranked hits.

Both sides are folded (no diacritics, đ → d), so "ha noi" finds "Hà Nội" and "da nang" finds
"Đà Nẵng"; FTS5 matches whole syllables, never inside one.
"""

from __future__ import annotations

import re

from baochi.db import DocumentRow, Store
from baochi.vi import fold

_PART = re.compile(r'"([^"]*)"|(\w+)')


def match_expression(query: str) -> str:
    """Every word and phrase of the query, quoted for FTS5 and joined with AND; "" if none."""
    parts = []
    for phrase, word in _PART.findall(fold(query)):
        words = re.findall(r"\w+", phrase if phrase else word)
        if words:
            parts.append('"' + " ".join(words) + '"')
    return " AND ".join(parts)


def search(store: Store, query: str, limit: int = 20) -> list[tuple[DocumentRow, float]]:
    """Documents matching the query, best first; an empty query matches nothing."""
    expression = match_expression(query)
    return store.search(expression, limit) if expression else []
