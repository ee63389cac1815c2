"""Real articles for the story tests, read once: a recent slice of the corpus in arrival order
and every article of the dev story and conflict pairs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from baochi.stories.data import ConflictPair, Pair, read_conflicts, read_corpus, read_pairs
from baochi.stories.features import Item
from tests.conftest import SHARED_DATA, needs_corpus

# Articles published from 4 July 2017 on (ids grow with time): ~4,400 articles, 40 dev pairs.
SLICE_FROM = 22672145
# A wire report (Russian anti-terror drill) and its republished copy, 6 February 2017.
ORIGINAL, COPY = "21474124", "21474223"


@dataclass(frozen=True)
class Corpus:
    """The slice in arrival order, every article read by id, and the dev pairs."""

    slice: list[Item]
    by_id: dict[str, Item]
    pairs: list[Pair]
    conflicts: list[ConflictPair]


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    needs_corpus()
    pairs = read_pairs(SHARED_DATA)
    conflicts = read_conflicts(SHARED_DATA)
    wanted = {int(i) for p in pairs for i in (p.a, p.b)} | {
        int(i) for c in conflicts for i in (c.a, c.b)
    }
    items = read_corpus(SHARED_DATA, lambda n: n >= SLICE_FROM or n in wanted)
    return Corpus(
        [item for item in items if int(item.id) >= SLICE_FROM],
        {item.id: item for item in items},
        pairs,
        conflicts,
    )
