"""The PostgreSQL side of the text indexes: a document's index columns (tokens.py) as tsvector
literals with positions, so tsquery phrases mean what FTS5 phrases mean.

Two literals per index: the whole text, and the title alone. Title tokens carry weight A in both
(ranking counts a title instance four times), body tokens the default D. Syllables and pairs keep
their own positions in each column; the body starts two positions after the title, so no phrase
runs from the end of the title into the body (FTS5 phrases stay inside a column). The title's own
tsvector is what `ts_filter(whole, '{a}')` gives: a few hundred bytes kept in the row, so a
`title:` term is answered by its GIN index and ranked without opening the kilobytes of the whole.
PostgreSQL keeps 256 positions per lexeme and none past 16,383: the longest real article has
8,000 syllables and no pair repeated 256 times, so real text is indexed whole.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

MAX_POSITION = 16383


@dataclass(frozen=True, slots=True)
class Vectors:
    """One index's tsvector literals for a document, and its token count (FTS5's row size)."""

    whole: str
    title: str
    size: int


def tsvector_text(columns: dict[str, str]) -> Vectors:
    """The tsvector literals of one index's columns (tokens.COLUMNS) and its token count."""
    title = columns["title"].split()
    start = len(title) + 2
    placed = [
        (columns[name].split(), offset, weight)
        for name, offset, weight in (
            ("title", 1, "A"),
            ("title_pairs", 1, "A"),
            ("body", start, ""),
            ("body_pairs", start, ""),
        )
    ]
    return Vectors(_literal(placed), _literal(placed[:2]), sum(len(t) for t, _, _ in placed))


def _literal(placed: list[tuple[list[str], int, str]]) -> str:
    """Tokens at their positions (from an offset, with a weight) as one tsvector literal."""
    positions: dict[str, list[str]] = defaultdict(list)
    for tokens, offset, weight in placed:
        for at, token in enumerate(tokens, offset):
            positions[token].append(f"{min(at, MAX_POSITION)}{weight}")
    # Tokens are letters, digits and "_" (tokens.py), so quoting them is all the escaping needed.
    return " ".join(f"'{token}':{','.join(found)}" for token, found in positions.items())
