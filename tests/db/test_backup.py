"""Backup and restore of a PostgreSQL store with deploy/backup and deploy/restore, checked once."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from baochi.db import Store, open_store
from baochi.records import Article, Document, Keys
from baochi.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TABLES = ("outlets", "sources", "documents", "urls", "search_text", "alembic_version")


def test_backup_then_restore_gives_the_same_store(settings: Settings, tmp_path: Path) -> None:
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("backup and restore are for PostgreSQL (set BAOCHI_TEST_DATABASE_URL)")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    store = open_store(settings)
    source_id, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    when = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    article = Article(
        "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn", "Sapo", "Nội dung " * 40, when
    )
    store.save_document(Document(article, Keys.of(article)), [], when, source_id=source_id)

    dump = tmp_path / "baochi.dump"
    env = {**os.environ, "BAOCHI_DATABASE_URL": settings.database_url}
    subprocess.run([DEPLOY / "backup", dump], env=env, check=True, capture_output=True)
    target = make_url(settings.database_url).set(database=f"restore_{uuid.uuid4().hex[:10]}")
    admin = create_engine(make_url(settings.database_url).set(database="postgres"),
                          isolation_level="AUTOCOMMIT")  # fmt: skip
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    try:
        url = target.render_as_string(hide_password=False)
        subprocess.run([DEPLOY / "restore", dump, url], check=True, capture_output=True)
        restored = Store(create_engine(url))
        for table in TABLES:
            query = text(f"SELECT count(*) FROM {table}")  # table names are constants above
            with store.engine.connect() as a, restored.engine.connect() as b:
                assert a.execute(query).scalar() == b.execute(query).scalar(), table
        (doc,) = restored.documents()
        assert doc.title == "Hà Nội: mưa lớn"
        restored.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        admin.dispose()
        store.engine.dispose()
