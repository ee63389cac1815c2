"""The front page: latest documents and source health, with crawled text escaped."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from baochi.db import Store
from baochi.records import Article, Document, Keys
from baochi.settings import Settings
from baochi.web import create_app

NOW = dt.datetime(2026, 11, 27, 17, 30, tzinfo=dt.UTC)


def test_home_lists_documents_and_escapes_hostile_text(store: Store, settings: Settings) -> None:
    source_id, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    hostile = Article(
        url="https://hanoimoi.vn/tin-1.html",
        title='Cảnh giác <script>alert("x")</script> trên mạng',
        lead="Người dân được khuyến cáo <img src=x onerror=alert(1)> không bấm vào đường dẫn lạ.",
        body="Nội dung bài viết " * 20,
        published_at=NOW,
    )
    store.save_document(Document(hostile, Keys.of(hostile)), [], NOW, source_id=source_id)
    store.update_source(source_id, last_error="http_500: <b>máy chủ lỗi</b>")
    with TestClient(create_app(settings, store)) as client:
        page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>máy" not in html
    assert "&lt;script&gt;alert" in html
    assert "28/11/2026 00:30" in html  # dd/mm/yyyy in Hà Nội time
    assert "Báo Hànộimới" in html and "https://hanoimoi.vn/rss/xa-hoi" in html


def test_healthz_counts(store: Store, settings: Settings) -> None:
    with TestClient(create_app(settings, store)) as client:
        assert client.get("/healthz").json() == {
            "ok": True,
            "documents": 0,
            "sources": 0,
            "outlets": 0,
        }
