"""Monthly partitions and retention, on whichever store the run uses: documents land in their
month, stay stored once by URL and by content, and a retention run forgets whole months, with
their search entries and the references to them; on SQLite a batch at a time, each one whole."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event, text

from baochi import cli
from baochi.db import Store
from baochi.db.cases_store import CasesStore
from baochi.db.retention import Forgotten, create_ahead, forget_before, partitioned, partitions
from baochi.db.web_store import WebStore
from baochi.records import Article, Document, Keys
from baochi.search import run_query
from baochi.settings import Settings
from tests.conftest import needs_corpus
from tests.site.pages import load_articles

JANUARY = dt.datetime(2017, 1, 20, 3, tzinfo=dt.UTC)
FEBRUARY = dt.datetime(2017, 2, 10, 3, tzinfo=dt.UTC)
NOW = dt.datetime.now(dt.UTC)


def save(store: Store, url: str, body: str, at: dt.datetime) -> tuple[str, int]:
    article = Article(url, f"Tin {body[:20]}", "", body, at)
    return store.save_document(Document(article, Keys.of(article)), [url + "?ref=rss"], at)


def where(store: Store, doc_id: int) -> str:
    """The table that holds the document's row."""
    with store.engine.connect() as conn:
        query = text("SELECT tableoid::regclass::text FROM documents WHERE id = :id")
        if store.dialect == "sqlite":
            query = text("SELECT 'documents' FROM documents WHERE id = :id")
        return str(conn.execute(query, {"id": doc_id}).scalar_one())


def test_documents_are_stored_once_in_their_month(store: Store) -> None:
    create_ahead(store.engine, JANUARY.date(), 0)
    stored, first = save(store, "https://a.vn/1", "Mưa lớn ở Hà Nội gây ngập nhiều phố.", JANUARY)
    assert stored == "stored"
    assert save(store, "https://a.vn/1", "Bản sửa của cùng một bài.", FEBRUARY) == (
        "duplicate",
        first,
    )
    assert save(store, "https://b.vn/9", "Mưa lớn ở Hà Nội gây ngập nhiều phố.", FEBRUARY) == (
        "duplicate",
        first,
    )
    _, now = save(store, "https://a.vn/2", "Hôm nay nắng đẹp trên Hồ Tây.", NOW)
    if store.dialect == "sqlite":
        assert partitions(store.engine) == [] and where(store, first) == "documents"
    else:
        months = partitions(store.engine)
        assert dt.date(2017, 1, 1) in months and NOW.date().replace(day=1) in months
        assert where(store, first) == "documents_y2017m01"
        assert where(store, now) == f"documents_y{NOW.year:04d}m{NOW.month:02d}"
    assert store.counts()["documents"] == 2


def test_retention_forgets_whole_months_and_what_refers_to_them(store: Store) -> None:
    create_ahead(store.engine, JANUARY.date(), 0)  # January gets a partition, February not
    _, old = save(store, "https://a.vn/1", "Mưa lớn ở Hà Nội gây ngập nhiều phố.", JANUARY)
    _, mid = save(store, "https://a.vn/2", "Mưa lớn ở Đà Nẵng, nhiều phố ngập.", FEBRUARY)
    _, new = save(store, "https://a.vn/3", "Mưa lớn ở Hải Phòng làm ngập phố.", NOW)
    assert {h.doc.id for h in run_query(store, "mưa lớn").hits} == {old, mid, new}

    done = forget_before(store.engine, dt.date(2017, 3, 5))
    assert done.documents == 2
    if store.dialect != "sqlite":
        assert done.partitions == ["documents_y2017m01"]  # February sat in the default
    result = run_query(store, "mưa lớn")
    assert [h.doc.id for h in result.hits] == [new] and result.total == 1
    assert sum(f.count for f in result.facets["day"]) == 1
    with store.engine.connect() as conn:
        kept = conn.execute(text("SELECT url, document_id FROM urls ORDER BY url")).all()
    assert [u for u, _ in kept][:2] == ["https://a.vn/1", "https://a.vn/1?ref=rss"]
    assert {d for u, d in kept if "a.vn/3" not in u} == {None}  # known, never refetched
    # The forgotten content no longer counts as a duplicate.
    assert save(store, "https://a.vn/4", "Mưa lớn ở Hà Nội gây ngập nhiều phố.", NOW)[0] == (
        "stored"
    )


def test_retention_keeps_the_old_documents_the_offices_work_holds(store: Store) -> None:
    """A case's coverage, an analyst's label and a flag are the office's own record: retention
    deleted their rows with the articles, so a two-year-old case lost its coverage and
    `baochi train` the analysts' labels. Those articles stay (on PostgreSQL their month is
    not dropped whole: its other rows go), and the others still go."""
    from baochi.cases import Actor, open_case
    from baochi.web.users import create_user

    create_ahead(store.engine, JANUARY.date(), 0)
    _, covered = save(store, "https://a.vn/1", "Mưa lớn ở Hà Nội gây ngập nhiều phố.", JANUARY)
    _, labelled = save(store, "https://a.vn/2", "Mưa lớn ở Đà Nẵng, nhiều phố ngập.", JANUARY)
    _, flagged = save(store, "https://a.vn/3", "Mưa lớn ở Huế, nước lên nhanh.", FEBRUARY)
    save(store, "https://a.vn/4", "Mưa lớn ở Vinh, cây đổ nhiều.", JANUARY)  # forgotten
    _, new = save(store, "https://a.vn/5", "Mưa lớn ở Hải Phòng làm ngập phố.", NOW)
    web = WebStore(store.engine)
    lan, _ = create_user(web, "lan", "analyst")
    case = open_case(
        store.engine, Actor("analyst", user_id=lan.id), "Ngập phố", document_ids=[covered]
    )
    web.add_correction(labelled, "tone", "negative", lan)
    web.add_flag(flagged, "cần xem", lan)

    done = forget_before(store.engine, dt.date(2017, 3, 5))
    assert (done.documents, done.held) == (1, 3)
    assert done.partitions == []  # January holds two of them
    assert {h.doc.id for h in run_query(store, "mưa lớn").hits} == {covered, labelled, flagged, new}
    assert [d.document_id for d in CasesStore(store.engine).case_documents(case)] == [covered]
    assert [c["label"] for c in web.corrections(labelled)] == ["negative"]
    assert forget_before(store.engine, dt.date(2017, 3, 5)) == Forgotten(0, [], 3)


def test_retention_command_says_first_then_does(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("BAOCHI_DATA", str(settings.data))
    monkeypatch.setenv("BAOCHI_DATABASE_URL", settings.database_url)
    save(store, "https://a.vn/1", "Mưa lớn ở Hà Nội gây ngập nhiều phố.", JANUARY)
    assert cli.main(["retention", "--keep-months", "12"]) == 0
    assert "add --yes" in capsys.readouterr().out and store.counts()["documents"] == 1
    assert cli.main(["retention", "--keep-months", "12", "--yes"]) == 0
    assert "forgot 1 documents" in capsys.readouterr().out
    assert store.counts()["documents"] == 0
    assert cli.main(["partitions"]) == 0
    assert "months partitioned" in capsys.readouterr().out


def old_articles(store: Store, n: int) -> list[int]:
    """The ids of the first `n` real articles of the corpus, stored as collected in January."""
    needs_corpus()
    if partitioned(store.engine):
        pytest.skip("PostgreSQL drops the months whole, in one transaction")
    return [
        save(store, f"https://a.vn/{a['id']}", a["text"], JANUARY)[1] for a in load_articles(n=n)
    ]


def test_retention_commits_a_batch_at_a_time(store: Store) -> None:
    old_articles(store, 5)
    commits: list[int] = []
    event.listen(store.engine, "commit", lambda _conn: commits.append(1))
    assert forget_before(store.engine, FEBRUARY.date(), batch=2).documents == 5
    assert len(commits) == 3  # 2 + 2 + 1


def test_retention_cut_short_leaves_whole_batches_and_a_rerun_finishes(store: Store) -> None:
    old = old_articles(store, 5)
    _, new = save(store, "https://a.vn/now", "Mưa lớn ở Hải Phòng làm ngập phố.", NOW)
    deletes: list[str] = []

    def second_batch_killed(_conn, _cursor, statement: str, *_args) -> None:
        if statement.startswith("DELETE FROM documents "):
            deletes.append(statement)
            if len(deletes) == 2:  # its references are cleared already: they must come back
                raise KeyboardInterrupt

    event.listen(store.engine, "before_cursor_execute", second_batch_killed)
    with pytest.raises(KeyboardInterrupt):
        forget_before(store.engine, FEBRUARY.date(), batch=2)
    event.remove(store.engine, "before_cursor_execute", second_batch_killed)
    assert kept(store) == {*old[2:], new}

    assert forget_before(store.engine, FEBRUARY.date(), batch=2).documents == 3
    assert kept(store) == {new}


def kept(store: Store) -> set[int]:
    """The stored documents, after checking that their URLs and search entries agree."""
    with store.engine.connect() as conn:
        ids = set(conn.execute(text("SELECT id FROM documents")).scalars())
        urls = set(conn.execute(text("SELECT document_id FROM urls")).scalars())
    assert urls - {None} == ids
    assert {h.doc.id for h in run_query(store, "tin").hits} == ids  # every title begins "Tin"
    return ids
