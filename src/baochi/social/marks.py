"""How a post or comment is shown: its labels in Vietnamese and its text cut at the offensive
spans, so a template marks them while escaping every piece."""

from __future__ import annotations

from baochi.db.social_store import SocialRow
from baochi.labels import TONES

SENTIMENTS = {code: name.lower() for code, name in TONES.items()}  # the same three codes
TOXICITY = {"clean": "sạch", "offensive": "xúc phạm", "hate": "thù ghét"}
HOSTILE = ("offensive", "hate")  # what the "Độc hại" filter keeps


def marked(row: SocialRow) -> list[tuple[str, bool]]:
    """The text cut at the offensive spans: (piece, offensive?)."""
    pieces, at = [], 0
    for start, end in sorted(tuple(span) for span in row.offensive):
        if start < at or end > len(row.text):
            continue
        pieces += [(row.text[at:start], False), (row.text[start:end], True)]
        at = end
    pieces.append((row.text[at:], False))
    return [p for p in pieces if p[0]]
