"""Open the database named by the settings and bring its schema up to date with Alembic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from baochi.db import retention
from baochi.db.store import Store
from baochi.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """WAL lets readers run beside the single writer; NORMAL sync is safe under WAL."""
    cur = dbapi_conn.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        "busy_timeout=30000",
        "temp_store=MEMORY",
    ):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


# One engine (one connection pool) per database URL per process, however many commands,
# requests or areas open the store: connections are shared, and none is left dangling.
_ENGINES: dict[str, Engine] = {}


def open_engine(settings: Settings) -> Engine:
    """The engine for the configured database; SQLite files get their folder and pragmas."""
    url = settings.sqlalchemy_url
    engine = _ENGINES.get(url)
    if engine is not None:
        return engine
    if url.startswith("sqlite"):
        settings.data.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _ENGINES[url] = engine
    return engine


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Upgrade the schema to `revision` (every area's branch by default); safe at every start.

    Each area (registry, cases, …) keeps its tables on its own migration branch rooted at 0001,
    so areas evolve without fighting over one linear chain.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def open_store(settings: Settings) -> Store:
    """The store of the configured database, migrated to the latest schema."""
    engine = open_engine(settings)
    migrate(engine)
    today = dt.datetime.now(dt.UTC).date()
    retention.create_ahead(engine, today, settings.partition_months_ahead)
    return Store(engine)
