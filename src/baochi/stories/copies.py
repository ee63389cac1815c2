"""Copies shown under the article they repeat: one item per wire story, as the office reads a
story's coverage (on the story page and in a case).

A copy is an article that says what its original says. A near-copy whose figures contradict the
original (a flagged conflict between the two: 185 mm of rain against 120 mm) is not a copy, however
many words the two share: folded under the original, its different headline and its disagreement
would both be hidden, and a page would call it a repeat of an article it contradicts. So two
articles with a conflict between them are never copies of each other, wherever copies are shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar


class Copyable(Protocol):
    """An article that may repeat an earlier one of its story."""

    @property
    def document_id(self) -> int: ...

    @property
    def duplicate_of(self) -> int | None: ...


class Sides(Protocol):
    """A conflict, by the two articles it sets against each other."""

    @property
    def document_id(self) -> int: ...

    @property
    def other_id(self) -> int: ...


A = TypeVar("A", bound=Copyable)
Disputed = frozenset[frozenset[int]]


def disputed(conflicts: Iterable[Sides]) -> Disputed:
    """The pairs of articles that contradict each other, in either order."""
    return frozenset(frozenset((c.document_id, c.other_id)) for c in conflicts)


def repeats(article: Copyable, disputes: Disputed) -> int | None:
    """The article this one copies, unless the two contradict each other."""
    original = article.duplicate_of
    if original is None or frozenset((article.document_id, original)) in disputes:
        return None
    return original


def grouped(
    articles: Sequence[A],
    foldable: Callable[[A], bool] = lambda _: True,
    disputes: Disputed = frozenset(),
) -> list[tuple[A, list[A]]]:
    """Each original with the copies that repeat it, in the given order; a copy whose original
    is not among the articles, that may not be folded, or that contradicts its original stands
    on its own."""
    originals = {a.document_id for a in articles if repeats(a, disputes) is None}
    copies: dict[int, list[A]] = {}
    alone = []
    for a in articles:
        original = repeats(a, disputes)
        if original in originals and foldable(a):
            copies.setdefault(original, []).append(a)
        else:
            alone.append(a)
    return [(a, copies.get(a.document_id, [])) for a in alone]
