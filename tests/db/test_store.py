"""The store: idempotent writes, duplicates by URL and by content, folded full-text search."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import socket
import subprocess
import sys
from itertools import islice

import pytest
from alembic import command
from sqlalchemy import text

from baochi.db import Store
from baochi.records import Article, Collected, Document, Keys
from baochi.search import search
from tests.conftest import CORPUS, migrations, needs_corpus

NOW = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def corpus() -> list[dict]:
    needs_corpus()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in islice(f, 300)]


def _article(raw: dict, url: str | None = None) -> Document:
    lead, _, body = raw["text"].partition("\n")
    return _document(
        url=url or f"https://example.vn/tin-{raw['id']}.html",
        title=raw["title"],
        lead=lead,
        body=body,
        published_at=NOW,
    )


def _document(**fields) -> Document:
    article = Article(**fields)
    return Document(article, Keys.of(article))


def test_migrations_are_idempotent(store: Store) -> None:
    from baochi.db import migrate

    migrate(store.engine)
    assert store.counts() == {"documents": 0, "sources": 0, "outlets": 0}


def test_same_url_or_same_content_is_stored_once(store: Store, corpus: list[dict]) -> None:
    first = _article(corpus[0])
    url = first.article.url
    assert store.save_document(first, [url], NOW)[0] == "stored"
    status, doc_id = store.save_document(first, [url + "?utm_source=rss"], NOW)
    assert status == "duplicate"
    copy = _article(corpus[0], url="https://other.vn/copy.html")
    assert store.save_document(copy, [copy.article.url], NOW) == ("duplicate", doc_id)
    assert store.counts()["documents"] == 1
    settled = store.settled_urls([url + "?utm_source=rss", copy.article.url, "https://x.vn/n"])
    assert set(settled) == {url + "?utm_source=rss", copy.article.url}
    assert all(at is not None for at in settled.values())  # each led to the stored article


def test_one_batch_stores_once_counts_per_source_and_marks_every_url(
    store: Store, corpus: list[dict]
) -> None:
    source_id, _ = store.add_source("https://example.vn/rss", "Báo Mẫu", kind="feed")
    first, second = _article(corpus[0]), _article(corpus[1])
    copy = _article(corpus[0], url="https://example.vn/copy.html")  # same content, other URL
    edited = _article(corpus[2], url=second.article.url)  # other content, same URL
    link = "https://example.vn/r?id=1"  # a link that led to the first, then to its copy
    items = [
        Collected(first, (link,), NOW, None, source_id),
        Collected(second, (), NOW, None, source_id),
        Collected(copy, (link,), NOW, None, source_id),
        Collected(edited, (), NOW, None, source_id),
    ]
    (s1, id1), (s2, id2), (s3, id3), (s4, id4) = store.save_documents(items)
    assert (s1, s2, s3, s4) == ("stored", "stored", "duplicate", "duplicate")
    assert id3 == id1 != id2 == id4
    (source,) = store.sources()
    assert source.articles_total == 2
    assert store.url_status(first.article.url) == ("stored", "")
    assert store.url_status(copy.article.url) == ("duplicate", "")
    assert store.url_status(link) == ("duplicate", "")  # the batch's last word on it
    assert store.save_documents(items) == [
        ("duplicate", id1),
        ("duplicate", id2),
        ("duplicate", id1),
        ("duplicate", id2),
    ]
    (source,) = store.sources()
    assert source.articles_total == 2


def test_a_source_remembers_when_it_last_led_to_a_new_article(
    store: Store, corpus: list[dict]
) -> None:
    """Copies count (the site still publishes, another outlet stored it first); a late batch
    of older fetches does not move the time back."""
    source_id, _ = store.add_source("https://example.vn/rss", "Báo Mẫu", kind="feed")
    assert store.sources()[0].last_article_at is None
    store.save_documents([Collected(_article(corpus[0]), (), NOW, None, source_id)])
    later = NOW + dt.timedelta(hours=5)
    copy = _article(corpus[0], url="https://example.vn/ban-sao.html")
    assert store.save_documents([Collected(copy, (), later, None, source_id)])[0][0] == "duplicate"
    (source,) = store.sources()
    assert (source.articles_total, source.last_article_at) == (1, later)
    older = _article(corpus[1])
    store.save_documents([Collected(older, (), NOW - dt.timedelta(days=2), None, source_id)])
    (source,) = store.sources()
    assert (source.articles_total, source.last_article_at) == (2, later)


def test_the_migration_dates_each_source_by_the_articles_it_already_brought(
    store: Store, corpus: list[dict]
) -> None:
    source_id, _ = store.add_source("https://example.vn/rss", "Báo Mẫu", kind="feed")
    quiet, _ = store.add_source("https://example.vn/rss/cu", "Báo Mẫu", kind="feed")
    yesterday = NOW - dt.timedelta(days=1)
    for raw, at in ((corpus[0], yesterday), (corpus[1], NOW)):
        store.save_documents([Collected(_article(raw), (), at, None, source_id)])
    with store.engine.begin() as conn:
        config = migrations(conn)
        command.downgrade(config, "collect_0002")
        command.upgrade(config, "heads")
    assert {s.id: s.last_article_at for s in store.sources()} == {source_id: NOW, quiet: None}


def test_one_text_in_two_outlets_is_two_articles_in_one_outlet_one(
    store: Store, corpus: list[dict]
) -> None:
    """A wire story carried word for word by a second outlet is that outlet's article (its
    story shows it as a copy); the first outlet's article met at a second address is not."""
    paper, other = store.add_outlet("Báo Mẫu"), store.add_outlet("Báo Khác")
    status, first = store.save_document(_article(corpus[0]), [], NOW, outlet_id=paper)
    assert status == "stored"
    wire = _article(corpus[0], url="https://khac.vn/ban-sao.html")
    status, copy = store.save_document(wire, [], NOW, outlet_id=other)
    assert status == "stored" and copy != first
    again = _article(corpus[0], url="https://example.vn/m/tin.html")
    assert store.save_document(again, [], NOW, outlet_id=paper) == ("duplicate", first)
    assert store.save_document(wire, [], NOW, outlet_id=other) == ("duplicate", copy)
    assert store.counts()["documents"] == 2


def test_a_source_is_one_whatever_case_port_or_fragment_it_is_given_with(store: Store) -> None:
    """ "HTTP://Hanoimoi.vn:80/rss/home.rss#top" is the source already listed, not a second one
    polled beside it; its path and query are kept as given."""
    first, created = store.add_source("http://hanoimoi.vn/rss/home.rss", "Báo Hànộimới")
    assert created
    for same in ("HTTP://Hanoimoi.VN:80/rss/home.rss#top", " http://hanoimoi.vn./rss/home.rss"):
        assert store.add_source(same, "Báo Hànộimới") == (first, False)
    _, other = store.add_source("https://hanoimoi.vn/rss/Home.rss?b=2&a=1", "Báo Hànộimới")
    assert other
    assert [s.url for s in store.sources()] == [
        "http://hanoimoi.vn/rss/home.rss",
        "https://hanoimoi.vn/rss/Home.rss?b=2&a=1",
    ]


def test_the_migration_keys_the_stored_contents_by_outlet(store: Store, corpus: list[dict]) -> None:
    paper, other = store.add_outlet("Báo Mẫu"), store.add_outlet("Báo Khác")
    first = _article(corpus[0])
    _, doc_id = store.save_document(first, [], NOW, outlet_id=paper)
    with store.engine.begin() as conn:  # back to an older baochi: one hash for all outlets
        config = migrations(conn)
        command.downgrade(config, "collect@collect_0003")
        stored = conn.execute(text("SELECT content_hash FROM documents")).scalar_one()
        assert stored == first.keys.content_hash
        command.upgrade(config, "heads")
    again = _article(corpus[0], url="https://example.vn/m/tin.html")
    assert store.save_document(again, [], NOW, outlet_id=paper) == ("duplicate", doc_id)
    wire = _article(corpus[0], url="https://khac.vn/ban-sao.html")
    assert store.save_document(wire, [], NOW, outlet_id=other)[0] == "stored"


def test_document_round_trip_keeps_text_and_times(store: Store, corpus: list[dict]) -> None:
    raw = corpus[1]
    store.save_document(_article(raw), [], NOW)
    (doc,) = store.documents()
    assert doc.text == raw["text"]
    assert doc.title == raw["title"]
    assert doc.published_at == NOW and doc.published_at.tzinfo is not None


def test_search_ignores_diacritics_and_folds_d(store: Store, corpus: list[dict]) -> None:
    for raw in corpus:
        store.save_document(_article(raw), [], NOW)
    with_dn = [r for r in corpus if "Đà Nẵng" in r["text"]]
    assert with_dn, "the first 300 corpus articles mention Đà Nẵng"
    hits = {doc.title for doc, _ in search(store, "da nang", limit=300)}
    assert {r["title"] for r in with_dn} <= hits
    accented = {doc.title for doc, _ in search(store, "Đà Nẵng", limit=300)}
    assert accented == hits
    # Syllable boundaries: "nang" alone must not match inside "Nẵng" of another word.
    assert not search(store, "dan ang", limit=5) or all(
        "dan ang" in doc.title.lower() for doc, _ in search(store, "dan ang", limit=5)
    )


def test_title_match_ranks_first(store: Store, corpus: list[dict]) -> None:
    for raw in corpus:
        store.save_document(_article(raw), [], NOW)
    target = corpus[5]["title"]
    hits = search(store, f'"{target}"', limit=3)
    assert hits and hits[0][0].title == target


def test_urls_failing_repeatedly_are_settled(store: Store) -> None:
    url = "https://example.vn/flaky.html"
    for _ in range(3):
        assert url not in store.settled_urls([url])
        store.mark_urls([url], "failed", "timeout")
    assert store.settled_urls([url]) == {url: None}  # settled, with no article


def test_hosts_are_shared_fairly_among_live_workers(store: Store) -> None:
    for k in range(5):
        store.add_source(f"https://bao{k}.example.vn/rss.xml", f"Báo {k}", kind="feed")
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    alive = when - dt.timedelta(minutes=10)
    store.beat("a", when)
    store.beat("gone", when - dt.timedelta(hours=1))  # silent too long: not counted
    alone = store.host_shares("a", when, alive)
    assert (alone.hosts, alone.workers, alone.room, alone.surplus) == (5, 1, 5, 0)
    assert len(store.claim_hosts("a", when, 60, alone.room)) == 5

    store.beat("b", when)
    busy = store.host_shares("a", when, alive)
    assert (busy.workers, busy.share, busy.mine, busy.fewest, busy.surplus) == (2, 3, 5, 0, 2)
    assert store.host_shares("b", when, alive).room == 3  # none free until "a" hands two over
    store.release_hosts("a", ["https://bao0.example.vn"])
    assert store.claim_hosts("b", when, 60, 3) == ["https://bao0.example.vn"]
    assert store.host_shares("a", when, alive).surplus == 1

    store.leave("b")  # gone: what it holds still counts until released, but nobody is short
    assert store.host_shares("a", when, alive).surplus == 0
    # A one-pass collector (never announced) counts itself beside the live workers.
    assert store.host_shares("c", when, alive).workers == 2


def test_a_lease_of_an_ended_process_of_this_machine_is_free_at_once(store: Store) -> None:
    """A killed `collect --once` (same machine, pid gone) holds nothing; a live pid or another
    machine keeps its lease until it ends."""
    names = [f"https://bao{k}.example.vn" for k in range(3)]
    for name in names:
        store.add_source(f"{name}/rss.xml", name, kind="feed")
    when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    with subprocess.Popen([sys.executable, "-c", ""]) as ended:
        pass  # waited for: its pid names no process now
    here = socket.gethostname()
    for owner, host in zip(
        (
            f"{here}:{ended.pid}:0badf00d",
            f"{here}:{os.getpid()}:1badf00d",  # alive
            f"{here}x:{ended.pid}:2badf00d",  # another machine
        ),
        names,
        strict=True,
    ):
        assert store.claim_hosts(owner, when, 600, 1, skip=set(names) - {host}) == [host]
    store.beat(f"{here}:{ended.pid}:0badf00d", when)  # a killed long-running worker's last beat
    assert [host for host, _, _ in store.held_hosts(when)] == names[1:]
    assert store.host_shares("me", when, when - dt.timedelta(minutes=10)).workers == 1
    assert store.claim_hosts("me", when, 60, 3) == names[:1]
