"""PostgreSQL: GIN indexes over the newest documents only, for the match window.

A query listing its matches among the newest MATCH_WINDOW documents asks
`doc_id + 0 >= floor AND words @@ query`. Through the whole archive's GIN index that visits the
heap row of every match in the archive to test its id (a common word: a tenth of the table, about
100 ms at 1,000,000 documents). A partial index `WHERE doc_id + 0 >= start` holds the newest rows
alone, and the planner, which plans with the bound floor, proves that the query's condition
implies the index's and reads only those rows (about 15 ms). A floor below `start` (after newer
documents were deleted) simply goes through the whole index, as before.

The indexes are made by `baochi search-index` (the maintenance timer) once the archive is larger
than the window, and made again from a higher start when they cover more than REBUILD_AT windows:
CREATE INDEX CONCURRENTLY, so searches and indexing go on meanwhile. SQLite needs none: FTS5
reads a rowid range directly.
"""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from baochi.search.query import MATCH_WINDOW

COLUMNS = ("words", "exact")
PREFIX = "ix_search_text_recent_"
REBUILD_AT = 3  # windows of rows an index may cover before it is made again from higher up
BUILD_MEMORY = "512MB"  # sort memory of a build: a window's tokens fit

_FOUND = text(
    "SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
    "WHERE i.indrelid = 'search_text'::regclass AND c.relname LIKE :pattern"
)
_PATTERN = PREFIX.replace("_", r"\_") + "%"
_LOCK_KEY = 0x62616F636869  # one process makes the recent indexes at a time
_TRY_LOCK = text("SELECT pg_try_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")
_NTH_NEWEST = text("SELECT doc_id FROM search_text ORDER BY doc_id DESC OFFSET :n LIMIT 1")


def _name(column: str, start: int) -> str:
    return f"{PREFIX}{column}_{start}"


def _found(conn: Connection) -> dict[str, bool]:
    """The recent indexes there are, and whether each is valid (a stopped build leaves one
    that is not)."""
    return {name: valid for name, valid in conn.execute(_FOUND, {"pattern": _PATTERN})}


def start_of(engine: Engine) -> int | None:
    """Where the complete set of valid recent indexes begins; None when there is none."""
    with engine.connect() as conn:
        return _start(_found(conn))


def _start(found: dict[str, bool]) -> int | None:
    starts = {int(name.rsplit("_", 1)[1]) for name in found}
    complete = [s for s in starts if all(found.get(_name(c, s)) for c in COLUMNS)]
    return max(complete) if complete else None


def refresh(engine: Engine, window: int = MATCH_WINDOW) -> int | None:
    """Make the recent indexes when the archive has outgrown them; the new start, or None.

    One process at a time (an advisory lock): another finds it taken and leaves the work.
    """
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.execute(_TRY_LOCK, {"key": _LOCK_KEY}).scalar():
            return None
        try:
            return _make(conn, window)
        finally:
            conn.execute(_UNLOCK, {"key": _LOCK_KEY})
            conn.execute(text("RESET maintenance_work_mem"))  # the connection goes back to the pool


def _make(conn: Connection, window: int) -> int | None:
    found = _found(conn)
    current = _start(found)
    # A window's worth below the window's floor: later floors are higher still.
    start = conn.execute(_NTH_NEWEST, {"n": 2 * window - 1}).scalar()
    outgrown = conn.execute(_NTH_NEWEST, {"n": REBUILD_AT * window}).scalar()
    if start is None or (current is not None and (outgrown is None or outgrown < current)):
        return None
    made = {_name(column, start) for column in COLUMNS}
    conn.execute(text(f"SET maintenance_work_mem = '{BUILD_MEMORY}'"))
    for column in COLUMNS:
        name = _name(column, start)
        conn.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))  # a stopped build
        conn.execute(
            text(
                f"CREATE INDEX CONCURRENTLY {name} ON search_text "
                f"USING gin ({column}) WHERE (doc_id + 0) >= {int(start)}"
            )
        )
    for name in set(found) - made:
        conn.execute(text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))
    return int(start)
