"""The PostgreSQL side of the text indexes: a document's index columns (tokens.py) as one
tsvector literal with positions, so tsquery phrases mean what FTS5 phrases mean.

Title tokens carry weight A (title-only terms ask for it), body tokens the default D. Syllables
and pairs keep their own positions in each column; the body starts two positions after the title,
so no phrase runs from the end of the title into the body (FTS5 phrases stay inside a column).
PostgreSQL keeps 256 positions per lexeme and none past 16,383: the longest real article has
8,000 syllables and no pair repeated 256 times, so real text is indexed whole.
"""

from __future__ import annotations

from collections import defaultdict

MAX_POSITION = 16383


def tsvector_text(columns: dict[str, str]) -> tuple[str, int]:
    """The tsvector literal of one index's columns and its token count (FTS5's row size)."""
    positions: dict[str, list[str]] = defaultdict(list)
    size = 0
    title = columns["title"].split()
    start = len(title) + 2
    for name, offset, weight in (
        ("title", 1, "A"),
        ("title_pairs", 1, "A"),
        ("body", start, ""),
        ("body_pairs", start, ""),
    ):
        tokens = columns[name].split()
        size += len(tokens)
        for at, token in enumerate(tokens, offset):
            positions[token].append(f"{min(at, MAX_POSITION)}{weight}")
    # Tokens are letters, digits and "_" (tokens.py), so quoting them is all the escaping needed.
    literal = " ".join(f"'{token}':{','.join(found)}" for token, found in positions.items())
    return literal, size
