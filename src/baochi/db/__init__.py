"""The store: engine, schema, migrations and the one class that holds the SQL."""

from baochi.db.engine import migrate, open_engine, open_store
from baochi.db.store import DocumentRow, SourceRow, Store

__all__ = ["DocumentRow", "SourceRow", "Store", "migrate", "open_engine", "open_store"]
