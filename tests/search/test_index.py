"""Keeping search in step with the store: new, edited, relabelled and deleted documents, the
Hà Nội day, a rebuild, and the migration over an archive that already has documents."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import inspect, text

from baochi.db import Store, migrate
from baochi.pipeline import name_areas
from baochi.records import Article, Document, Keys, Social
from baochi.search import run_query, search, sync
from baochi.search.index import pending, rebuild
from tests.conftest import migrations

NOW = dt.datetime(2026, 11, 28, 1, 0, tzinfo=dt.UTC)


def save(
    store: Store,
    title: str,
    body: str,
    published: dt.datetime = NOW,
    outlet: str = "",
    social: Social | None = None,
) -> int:
    article = Article(
        url=f"https://example.vn/{abs(hash((title, body)))}.html",
        title=title,
        lead="",
        body=body,
        published_at=published,
    )
    outlet_id = store.add_outlet(outlet) if outlet else None
    document = Document(article, Keys.of(article), social=social)
    status, doc_id = store.save_document(document, [], NOW, outlet_id)
    assert status == "stored"
    return doc_id


def ids(store: Store, query: str) -> set[int]:
    return {hit.doc.id for hit in run_query(store, query, limit=100).hits}


def test_new_documents_wait_in_the_queue_and_a_search_indexes_them(store: Store) -> None:
    first = save(store, "Mưa lớn, Hà Nội ngập sâu", "Nhiều tuyến phố Hà Nội ngập sâu sau mưa.")
    assert pending(store.engine) == 1
    assert sync(store.engine) == 1 and pending(store.engine) == 0
    second = save(store, "Đà Nẵng nắng nóng", "Nắng nóng gay gắt ở Đà Nẵng.")
    result = run_query(store, "ha noi OR da nang")
    assert {h.doc.id for h in result.hits} == {first, second} and result.pending == 0


def test_posts_stored_after_a_search_reach_kind_and_platform(store: Store) -> None:
    article = save(store, "Hà Nội ngập sâu", "Nhiều tuyến phố Hà Nội ngập sâu sau mưa.")
    assert ids(store, "kind:post") == set() and ids(store, "kind:article") == {article}
    post = save(
        store, "Ngập quá", "Phố Hà Nội ngập, xe chết máy.", social=Social("post", "facebook", "1")
    )
    comment = save(
        store, "Khổ thật", "Hà Nội ngập sâu mỗi mùa mưa.", social=Social("comment", "youtube", "2")
    )
    assert ids(store, "kind:post") == {post} and ids(store, "kind:comment") == {comment}
    assert ids(store, "platform:youtube") == {comment} and ids(store, "kind:article") == {article}
    facets = run_query(store, "ngập").facets
    assert {f.value: f.count for f in facets["kind"]} == {"article": 1, "post": 1, "comment": 1}
    assert [(f.value, f.count) for f in facets["platform"]] == [("facebook", 1), ("youtube", 1)]


def test_edited_text_is_found_by_its_new_words_only(store: Store) -> None:
    doc_id = save(store, "Cháy chợ", "Một vụ cháy lớn tại chợ.")
    sync(store.engine)
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE documents SET title = :t, body = :b WHERE id = :id"),
            {"t": "Ngập phố", "b": "Phố ngập nước sau mưa.", "id": doc_id},
        )
    assert ids(store, "cháy") == set() and ids(store, "ngập") == {doc_id}
    assert ids(store, "=cháy") == set() and ids(store, "=ngập") == {doc_id}


def test_deleted_documents_leave_results_and_facets(store: Store) -> None:
    kept = save(store, "Ngập ở Hà Nội", "Hà Nội ngập.", outlet="Báo A")
    gone = save(store, "Ngập ở Huế", "Huế ngập.", outlet="Báo B")
    sync(store.engine)
    assert ids(store, "ngập") == {kept, gone}
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM urls WHERE document_id = :id"), {"id": gone})
        conn.execute(text("DELETE FROM documents WHERE id = :id"), {"id": gone})
    result = run_query(store, "ngập")
    assert [h.doc.id for h in result.hits] == [kept] and result.total == 1
    assert [(f.value, f.count) for f in result.facets["outlet"]] == [("Báo A", 1)]
    sync(store.engine)
    assert run_query(store, "huế").total == 0


def test_labels_written_later_reach_filters_and_facets(store: Store) -> None:
    doc_id = save(store, "Bắt đối tượng trộm cắp", "Công an bắt đối tượng trộm cắp.")
    other = save(store, "Khai trương cầu mới", "Cây cầu mới được khai trương.")
    assert run_query(store, "tone:negative").total == 0
    assert ids(store, "NOT tone:negative") == {doc_id, other}  # unlabelled is not negative
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE documents SET tone = 'negative', topic = 'phap_luat' WHERE id = :id"),
            {"id": doc_id},
        )
    result = run_query(store, "tone:tiêu_cực")
    assert [h.doc.id for h in result.hits] == [doc_id]
    assert [(f.value, f.count) for f in result.facets["topic"]] == [("phap_luat", 1)]
    assert ids(store, 'topic:"pháp luật" OR cầu') == {doc_id, other}


def test_days_are_counted_in_hanoi_time(store: Store) -> None:
    late = dt.datetime(2026, 11, 27, 16, 59, 59, 999999, tzinfo=dt.UTC)  # 23:59:59 in Hà Nội
    save(store, "Tin buổi tối", "Tin đăng lúc gần nửa đêm.", published=late)
    save(store, "Tin nửa đêm", "Tin đăng lúc nửa đêm.", published=late + dt.timedelta(seconds=1))
    days = {f.value: f.count for f in run_query(store, "tin").facets["day"]}
    assert days == {"2026-11-27": 1, "2026-11-28": 1}
    assert run_query(store, "tin date:28/11/2026").total == 1
    assert run_query(store, "tin date:1d", today=dt.date(2026, 11, 28)).total == 1


def test_a_rebuild_gives_the_same_answers(store: Store) -> None:
    for n in range(5):
        save(store, f"Tin số {n} về Hà Nội", f"Nội dung {n} có Hà Nội và Hồ Tây.")
    before = search(store, "hồ tây", limit=10)
    rebuild(store.engine)
    assert pending(store.engine) == 5
    assert [d.id for d, _ in search(store, "hồ tây", limit=10)] == [d.id for d, _ in before]


def test_the_migration_indexes_an_archive_that_already_has_documents(store: Store) -> None:
    doc_id = save(store, "Ùn tắc giao thông", "Ùn tắc kéo dài trên đường Láng.")
    with store.engine.begin() as conn:
        config = migrations(conn)
        command.downgrade(config, "search@0001")
    with store.engine.begin() as conn:
        names = inspect(conn).get_table_names()
        assert not {n for n in names if n.startswith("search_")}
        command.upgrade(migrations(conn), "heads")
    assert ids(store, '"ùn tắc" đường láng') == {doc_id}


def test_the_title_indexes_of_an_indexed_archive_are_filled_from_it(store: Store) -> None:
    doc_id = save(store, "Hà Nội ngập sau mưa", "Ngập ở Hà Nội, ngập ở Hà Đông.")
    other = save(store, "Đà Nẵng nắng", "Mưa ở Hà Nội.")
    sync(store.engine)
    titles = _titles(store)
    with store.engine.begin() as conn:
        config = migrations(conn)
        command.downgrade(config, "search_0004")  # SQLite: search_0005 does nothing there
        assert "search_titles" not in inspect(conn).get_table_names()
        command.upgrade(config, "heads")
    assert not pending(store.engine)  # nothing to index again
    assert _titles(store) == titles  # what the indexer itself writes
    assert ids(store, 'title:"hà nội"') == {doc_id}
    assert ids(store, "hà nội NOT title:ngập") == {other}


def test_an_older_archive_has_its_districts_and_wards_named_after_the_migration(
    store: Store,
) -> None:
    flooded = save(store, "Ngập ở phường Minh Khai, quận Hai Bà Trưng", "Nước dâng sau mưa.")
    street = save(store, "Tắc đường ở phố Hai Bà Trưng", "Ùn ứ kéo dài đến trưa.")
    with store.engine.begin() as conn:
        config = migrations(conn)
        command.downgrade(config, "search_0005")
        assert "areas" not in {c["name"] for c in inspect(conn).get_columns("documents")}
        conn.execute(text("UPDATE documents SET place = 'Hà Nội'"))
        command.upgrade(config, "heads")
    assert ids(store, 'place:"hai ba trung"') == set()  # not named yet
    assert name_areas(store, batch=1) == 2 and name_areas(store) == 0
    assert ids(store, 'place:"hai ba trung"') == ids(store, "place:minh_khai") == {flooded}
    assert ids(store, 'place:"ha noi"') == {flooded, street}


def _titles(store: Store) -> list[tuple[int, str, str]]:
    """The title tsvectors as PostgreSQL prints them (none on SQLite)."""
    if store.dialect == "sqlite":
        return []
    query = "SELECT doc_id, words::text, exact::text FROM search_titles ORDER BY doc_id"
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query))]


def test_snippets_escape_hostile_text_before_marking_it(store: Store) -> None:
    save(
        store,
        '<script>alert("Hà Nội")</script> & <b>Hà Nội</b>',
        'Người dân <img src=x onerror=alert(1)> "Hà Nội" & <i>ngập</i> sâu.',
    )
    (hit,) = run_query(store, "hà nội ngập").hits
    assert hit.title == (
        "&lt;script&gt;alert(&#34;<mark>Hà Nội</mark>&#34;)&lt;/script&gt; &amp; "
        "&lt;b&gt;<mark>Hà Nội</mark>&lt;/b&gt;"
    )
    assert "<img" not in hit.snippet and "&lt;img src=x onerror=alert(1)&gt;" in hit.snippet
    assert "&lt;i&gt;<mark>ngập</mark>&lt;/i&gt;" in hit.snippet
    assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_indexes_made_in_the_first_interleaved_layout_are_rebuilt(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("the interleaved layout only ever existed in SQLite's FTS5 tables")
    doc_id = save(store, "Ùn tắc giao thông", "Ùn tắc kéo dài trên đường Láng.")
    sync(store.engine)
    with store.engine.begin() as conn:
        config = migrations(conn)
        command.downgrade(config, "search@search_0001")  # later search steps: none on SQLite
        for name in ("search_words", "search_exact"):
            conn.execute(text(f"DROP TABLE {name}"))
            conn.execute(text(f"CREATE VIRTUAL TABLE {name} USING fts5(title, body, content='')"))
    migrate(store.engine)
    assert pending(store.engine) == 1
    assert ids(store, '"ùn tắc" đường láng') == {doc_id}


def test_labels_committed_out_of_order_reach_every_reader(store: Store) -> None:
    if store.dialect == "sqlite":
        pytest.skip("SQLite has one writer: its transactions cannot commit out of order")
    first = save(store, "Cháy chợ", "Một vụ cháy lớn tại chợ.")
    second = save(store, "Cháy nhà", "Một vụ cháy nhà dân.")
    assert ids(store, "cháy") == {first, second}
    slow = store.engine.connect()
    slow.begin()  # starts first, stamps its rows lower, commits last
    slow.execute(text("UPDATE documents SET tone = 'negative' WHERE id = :id"), {"id": first})
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE documents SET tone = 'negative' WHERE id = :id"), {"id": second})
    assert ids(store, "cháy tone:negative") == {second}
    slow.commit()
    slow.close()
    assert ids(store, "cháy tone:negative") == {first, second}
