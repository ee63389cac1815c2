"""Shared fixtures: settings on a temporary data folder, a migrated store, the local news site."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.config import Config
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Connection

from baochi import settings as settings_mod
from baochi.db import Store, open_store
from baochi.db.engine import MIGRATIONS
from baochi.settings import Settings

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CORPUS = SHARED_DATA / "baomoi-2017" / "articles.jsonl.gz"


def migrations(conn: Connection) -> Config:
    """Alembic's configuration for the project's migrations, run on this connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def needs_corpus() -> None:
    """Skip the calling test when the real article corpus is not on this machine."""
    if not CORPUS.exists():
        pytest.skip(f"real corpus not found at {CORPUS} (../shared/data is absent)")


@contextmanager
def fresh_database() -> Iterator[str]:
    """SQLite in the caller's folder (""), or a new PostgreSQL database, dropped afterwards,
    when BAOCHI_TEST_DATABASE_URL names a server (`.ci/postgres start` prints one)."""
    server = os.environ.get("BAOCHI_TEST_DATABASE_URL", "")
    if not server:
        yield ""
        return
    with postgres_database(server) as url:
        yield url


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    """A new database on the PostgreSQL server, dropped afterwards."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"baochi_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def database_url() -> Iterator[str]:
    """The test's own database: see fresh_database."""
    with fresh_database() as url:
        yield url


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Fast, loopback-only settings: the test site on 127.0.0.1 is the one allowed address."""
    return settings_mod.load(
        environ={},
        overrides={
            "data": tmp_path / "var",
            "database_url": database_url,
            "allowed_private_networks": "127.0.0.1/32",
            "host_delay": 0,
            "host_concurrency": 8,
            "retries": 1,
            "retry_backoff": 0.05,
            "connect_timeout": 2,
            "read_timeout": 2,
            "total_timeout": 4,
            "max_body_bytes": 2 * 1024 * 1024,
            "extract_workers": 0,
        },
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A migrated store: SQLite in the test's folder, or the test's PostgreSQL database."""
    opened = open_store(settings)
    yield opened
    opened.engine.dispose()


@pytest.fixture(scope="session")
def site_articles() -> list[dict]:
    """The first 120 real articles of the corpus."""
    needs_corpus()
    from tests.site.server import load_articles

    return load_articles(n=120)


@pytest.fixture
def site(site_articles: list[dict]) -> Iterator:
    """A fresh local news site on 127.0.0.1 (and its private twin on 127.0.0.2)."""
    from tests.site.server import NewsSite

    with NewsSite(site_articles) as running:
        yield running
