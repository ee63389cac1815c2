"""Open the database named by the settings and bring its schema up to date with Alembic."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text

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


def _without_nul(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool
) -> tuple[str, Any]:
    """No text reaches the database with a NUL character: PostgreSQL refuses it (a 500 on a
    form typed with one), SQLite would keep it and break the Excel exports. Crawled text is
    cleaned long before; this catches what people and programs send."""
    rows = parameters if many else [parameters]
    if not any(_has_nul(row) for row in rows):
        return statement, parameters
    cleaned = [_strip_nul(row) for row in rows]
    return statement, cleaned if many else cleaned[0]


def _has_nul(row: Any) -> bool:
    values = row.values() if isinstance(row, dict) else row or ()
    return any(isinstance(v, str) and "\x00" in v for v in values)


def _strip_nul(row: Any) -> Any:
    def clean(v: Any) -> Any:
        return v.replace("\x00", "") if isinstance(v, str) else v

    if isinstance(row, dict):
        return {k: clean(v) for k, v in row.items()}
    return type(row)(map(clean, row))


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
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    _ENGINES[url] = engine
    return engine


MIGRATION_LOCK = 0x62616F6368  # "baoch": the advisory lock the migrations hold on PostgreSQL


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Upgrade the schema to `revision` (every area's branch by default); safe at every start.

    Each area (registry, cases, …) keeps its tables on its own migration branch rooted at 0001,
    so areas evolve without fighting over one linear chain.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with _sqlite_migrating_alone(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # two servers starting at once: one migrates
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = conn
        refuse_newer(MigrationContext.configure(conn).get_current_heads())
        command.upgrade(config, revision)


@contextlib.contextmanager
def _sqlite_migrating_alone(engine: Engine) -> Iterator[None]:
    """One process at a time migrates a SQLite file (the advisory lock's part on PostgreSQL):
    alembic reads the version, then creates tables, and pysqlite runs DDL outside any
    transaction, so nothing in the database stops two processes from both creating them. The
    kernel's lock waits as long as the first one's upgrade takes (busy_timeout gives up after
    30 s); it is on a file of its own because SQLite's locks on the database file vanish when
    any descriptor of it in the process is closed."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}-migrate.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


class NewerSchema(RuntimeError):
    """The database's schema is at a revision this baochi does not know: a newer one made it."""


def refuse_newer(revisions: tuple[str, ...]) -> None:
    """Alembic meets a revision it does not know with a traceback; say what it means instead."""
    known = {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}
    unknown = sorted(set(revisions) - known)
    if unknown:
        raise NewerSchema(
            f"the database is at schema revision {', '.join(unknown)}, unknown to this version: "
            "it was made by a newer baochi; upgrade baochi, or restore a backup this version made"
        )


def open_store(settings: Settings) -> Store:
    """The store of the configured database, migrated to the latest schema."""
    engine = open_engine(settings)
    migrate(engine)
    today = dt.datetime.now(dt.UTC).date()
    retention.create_ahead(engine, today, settings.partition_months_ahead)
    return Store(engine)
