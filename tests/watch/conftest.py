"""Fixtures of the signals tests: a watch store beside the main store, and seeded articles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence

import pytest

from baochi.db import Store
from baochi.db.watch_store import Alert, WatchStore
from baochi.records import Article, Collected, Document, Keys
from baochi.watch import WatchConfig

# A Monday morning in Hà Nội (01:00 UTC), the clock of every test.
NOW = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)

Seed = Callable[[Sequence[tuple[str, dt.datetime]], str], list[int]]


def conflict_alert(n: int) -> Alert:
    """A story's conflict alert, the n-th of a test: what the delivery tests send."""
    return Alert(
        kind="conflict",
        subject_kind="story",
        subject_key=str(n),
        subject_label=f"Lượng mưa ở Hà Nội, tin {n}",
        reason=f"Hai báo đưa số liệu khác nhau: {n} mm và {n + 40} mm",
        dedupe_key=f"conflict:test:{n}",
    )


@pytest.fixture
def watch(store: Store) -> Iterator[WatchStore]:
    """The signals' store over the test database; its connections are closed after the test."""
    yield WatchStore(store.engine)
    store.engine.dispose()


@pytest.fixture
def config() -> WatchConfig:
    """Default sensitivity; e-mail and webhooks off until a test turns them on."""
    return WatchConfig(delivery_backoff=60.0)


@pytest.fixture
def seed(store: Store) -> Seed:
    """Store articles given as (title, published_at) for an outlet; returns their ids."""
    counter = iter(range(1_000_000))

    def add(items: Sequence[tuple[str, dt.datetime]], outlet: str = "Báo Hànộimới") -> list[int]:
        outlet_id = store.add_outlet(outlet)
        batch = []
        for title, published in items:
            n = next(counter)
            article = Article(
                url=f"https://tin.example.vn/bai-{n}.html",
                title=title,
                lead="",
                body=f"{title}. Nội dung bài viết số {n} của {outlet}.",
                published_at=published,
            )
            batch.append(
                Collected(Document(article, Keys.of(article)), (), published, outlet_id, None)
            )
        return [doc_id for _, doc_id in store.save_documents(batch)]

    return add
