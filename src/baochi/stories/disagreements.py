"""Conflicts read as points of disagreement: one point per pair of phrases, with the outlets on
either side, however many pairs of articles state it (the brief and the story pages)."""

from __future__ import annotations

from collections.abc import Iterable

from baochi.db.stories_store import ConflictView
from baochi.vi.matching import match_key

Point = tuple[ConflictView, list[str], list[str]]


def disagreements(conflicts: Iterable[ConflictView]) -> list[Point]:
    """One point per pair of phrases, however many articles state them (a wire story carried
    by three outlets): its first conflict, with the outlets on either side."""
    points: dict[tuple[str, str, str], Point] = {}
    for c in conflicts:
        ours, theirs = match_key(c.span), match_key(c.other_span)
        if (c.type, theirs, ours) in points:  # the same point seen from the other side
            _, left, right = points[(c.type, theirs, ours)]
            sides = ((left, c.other_outlet), (right, c.outlet))
        else:
            _, left, right = points.setdefault((c.type, ours, theirs), (c, [], []))
            sides = ((left, c.outlet), (right, c.other_outlet))
        for outlets, outlet in sides:
            if outlet not in outlets:
                outlets.append(outlet)
    return list(points.values())
