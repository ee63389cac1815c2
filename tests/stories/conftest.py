"""Real articles for the story tests, read once: a recent slice of the corpus in arrival order
and every article of the dev story and conflict pairs; and storing one as the collector would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from baochi.db import Store
from baochi.records import Article, Document, Keys
from baochi.stories.data import ConflictPair, Pair, read_conflicts, read_corpus, read_pairs
from baochi.stories.features import Item
from tests.conftest import SHARED_DATA, needs_corpus

# Articles published from 4 July 2017 on (ids grow with time): ~4,400 articles, 40 dev pairs.
SLICE_FROM = 22672145
FETCHED = dt.datetime(2017, 7, 15, tzinfo=dt.UTC)
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


def save(
    store: Store, item: Item, outlet: str, body: str | None = None, city_outlet: bool = False
) -> int:
    """Store a corpus article as the collector would, from the given outlet; its id."""
    lead, _, rest = item.text.partition("\n")
    article = Article(
        url=f"https://{outlet}/tin-{item.id}.html",
        title=item.title,
        lead=lead,
        body=rest if body is None else body,
        published_at=item.published,
    )
    outlet_id = store.add_outlet(outlet, domain=outlet, city_outlet=city_outlet)
    status, doc_id = store.save_document(
        Document(article, Keys.of(article)), [], FETCHED, outlet_id=outlet_id
    )
    assert status == "stored"
    return doc_id


def conflict_pair(corpus: Corpus, number: int) -> tuple[Item, Item]:
    """The two articles of a pair of conflicts/dev."""
    found = next(c for c in corpus.conflicts if c.pair == number)
    return corpus.by_id[found.a], corpus.by_id[found.b]
