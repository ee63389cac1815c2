"""PostgreSQL's indexes over the newest documents: made once the archive outgrows the window,
chosen by the planner for a windowed listing, the same answers, made again as the archive grows."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from baochi.db import Store
from baochi.search import query, recent, run_query, sync
from tests.search.conftest import store_articles

WINDOW = 20


@pytest.fixture(autouse=True)
def postgres_only(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's FTS5 reads the window's rowid range directly")
    monkeypatch.setattr(query, "MATCH_WINDOW", WINDOW)


def _listing_plan(store: Store, floor: int) -> str:
    with store.engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        rows = conn.execute(
            text(
                "EXPLAIN SELECT doc_id FROM search_text "
                "WHERE doc_id + 0 >= :floor AND words @@ CAST('ha_noi' AS tsquery)"
            ),
            {"floor": floor},
        )
        return "\n".join(rows.scalars())


def _answer(store: Store) -> tuple[int, list[int]]:
    found = run_query(store, "hà nội", limit=10)
    return found.total, [hit.doc.id for hit in found.hits]


def test_the_newest_documents_are_indexed_apart_and_answer_the_same(
    store: Store, raws: list[dict]
) -> None:
    ids = sorted(store_articles(store, raws[:120]))
    sync(store.engine)
    before = _answer(store)
    assert recent.refresh(store.engine, WINDOW) == ids[-2 * WINDOW]
    assert recent.start_of(store.engine) == ids[-2 * WINDOW]
    assert f"{recent.PREFIX}words_{ids[-2 * WINDOW]}" in _listing_plan(store, ids[-WINDOW])
    assert recent.PREFIX not in _listing_plan(store, ids[0]), "below the start: the whole index"
    assert _answer(store) == before
    assert recent.refresh(store.engine, WINDOW) is None  # nothing new

    ids = sorted(store_articles(store, raws[120:200]) | dict.fromkeys(ids))
    sync(store.engine)
    assert recent.refresh(store.engine, WINDOW) == ids[-2 * WINDOW]  # outgrown: made again
    with store.engine.connect() as conn:
        names = conn.execute(
            text("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'ix_search_text_recent%'")
        ).scalars()
        made = [f"{recent.PREFIX}{column}_{ids[-2 * WINDOW]}" for column in ("exact", "words")]
        assert sorted(names) == made


def test_one_process_makes_them_at_a_time(store: Store, raws: list[dict]) -> None:
    store_articles(store, raws[:60])
    sync(store.engine)
    with store.engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:key)"), {"key": recent._LOCK_KEY})
        assert recent.refresh(store.engine, WINDOW) is None  # another process is at it
        other.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": recent._LOCK_KEY})
        other.commit()
    assert recent.refresh(store.engine, WINDOW) is not None
