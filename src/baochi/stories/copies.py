"""Copies shown under the article they repeat: one item per wire story, as the office reads a
story's coverage (on the story page and in a case)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar


class Copyable(Protocol):
    """An article that may repeat an earlier one of its story."""

    @property
    def document_id(self) -> int: ...

    @property
    def duplicate_of(self) -> int | None: ...


A = TypeVar("A", bound=Copyable)


def grouped(
    articles: Sequence[A], foldable: Callable[[A], bool] = lambda _: True
) -> list[tuple[A, list[A]]]:
    """Each original with the copies that repeat it, in the given order; a copy whose original
    is not among the articles, or that may not be folded, stands on its own."""
    originals = {a.document_id for a in articles if a.duplicate_of is None}
    copies: dict[int, list[A]] = {}
    alone = []
    for a in articles:
        if a.duplicate_of in originals and foldable(a):
            copies.setdefault(a.duplicate_of, []).append(a)
        else:
            alone.append(a)
    return [(a, copies.get(a.document_id, [])) for a in alone]
