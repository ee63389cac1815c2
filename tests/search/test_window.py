"""An archive larger than MATCH_WINDOW (here 100 of the 300 real articles, ranking the newest 10):
matches are listed among the newest only while they hold what the page needs, the page is the
one listing every match gives, and the total beyond the window is an estimate marked as such."""

from __future__ import annotations

import pytest

from baochi.search import parse, query, run_query
from baochi.search.fts5 import SQLiteBackend
from baochi.search.tree import plan
from baochi.search.tsquery import PostgresBackend
from tests.search.conftest import Archive
from tests.search.test_query import expected

WINDOW, RANKED = 100, 10
COMMON = "hà nội"


@pytest.fixture(autouse=True)
def small_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(query, "MATCH_WINDOW", WINDOW)
    monkeypatch.setattr(query, "RANK_WINDOW", RANKED)


def newest(archive: Archive) -> set[int]:
    return set(sorted(archive.items)[-WINDOW:])


def test_a_common_word_counts_the_newest_and_estimates_the_rest(archive: Archive) -> None:
    windowed = run_query(archive.store, COMMON, limit=10)
    every = expected(archive, COMMON)
    in_window = every & newest(archive)
    assert len(in_window) >= RANKED, "the archive no longer has enough matches for this test"
    assert windowed.approximate and windowed.window == WINDOW
    assert windowed.counted == len(in_window)
    older = len(archive.items) - WINDOW  # a plain word: labels allow every older document
    assert windowed.total == len(in_window) + round(len(in_window) * older / WINDOW)
    assert sum(f.count for f in windowed.facets["tone"]) == len(in_window)
    complete = run_query(archive.store, COMMON, limit=10, complete=True)
    assert not complete.approximate and complete.total == complete.counted == len(every)
    assert [(h.doc.id, h.score) for h in windowed.hits] == [
        (h.doc.id, h.score) for h in complete.hits
    ]


def test_paging_past_the_window_lists_every_match(archive: Archive) -> None:
    first = run_query(archive.store, COMMON, sort="newest", limit=10)
    beyond = run_query(archive.store, COMMON, sort="newest", limit=10, offset=first.counted)
    complete = run_query(
        archive.store, COMMON, sort="newest", limit=10, offset=first.counted, complete=True
    )
    assert first.approximate and not beyond.approximate
    assert beyond.total == len(expected(archive, COMMON))
    assert [h.doc.id for h in beyond.hits] == [h.doc.id for h in complete.hits]
    assert beyond.hits, "older matches exist beyond the window"


def test_an_old_date_still_finds_its_articles(archive: Archive) -> None:
    oldest = archive.items[min(archive.items)]
    day = oldest.day
    wanted = f"{COMMON} date:{day[8:]}/{day[5:7]}/{day[:4]}"
    result = run_query(archive.store, wanted, sort="newest", limit=100)
    assert not result.approximate
    assert {h.doc.id for h in result.hits} == expected(archive, wanted)
    assert result.total == len(expected(archive, wanted)) > 0


def test_labels_only_the_window_holds_give_an_exact_total(archive: Archive) -> None:
    young = sorted(newest(archive))
    days = sorted(
        {archive.items[i].day for i in young}
        - {archive.items[i].day for i in archive.items if i < young[0]}
    )
    if not days:
        pytest.skip("no day of the newest 100 articles is theirs alone")
    day = days[-1]
    wanted = f"{COMMON} date:{day[8:]}/{day[5:7]}/{day[:4]}"
    result = run_query(archive.store, wanted, limit=0)
    assert not result.approximate
    assert result.total == len(expected(archive, wanted))


def test_labels_without_text_are_never_windowed(archive: Archive) -> None:
    result = run_query(archive.store, "tone:negative", limit=5)
    assert not result.approximate
    assert result.total == sum(i.tone == "negative" for i in archive.items.values())


@pytest.mark.parametrize(
    "wanted",
    [
        COMMON,
        '"thành phố hồ chí minh" OR tp hcm',
        'hà nội NOT "ủy ban nhân dân"',
        'title:"thành phố hà nội" OR "công an thành phố" OR ngập',
    ],
)
def test_a_floor_finds_exactly_the_matches_from_it_on(archive: Archive, wanted: str) -> None:
    engine = archive.store.engine
    backend = SQLiteBackend(engine) if engine.dialect.name == "sqlite" else PostgresBackend(engine)
    split = plan(parse(wanted))
    assert split.ranked_by is not None
    node = split.text[split.ranked_by]
    every = backend.ids(split.ranked_by, node)
    floor = sorted(archive.items)[-WINDOW]
    assert len(every[every >= floor]) > 0
    assert backend.ids(split.ranked_by, node, floor).tolist() == every[every >= floor].tolist()
