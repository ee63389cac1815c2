"""The stored documents a page of hits shows, read the same way from either database."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, select

from baochi.db import DocumentRow
from baochi.db.schema import documents, outlets
from baochi.db.store import DOCUMENT_COLUMNS


def documents_by_id(engine: Engine, ids: Sequence[int]) -> dict[int, DocumentRow]:
    """The documents with these ids, with their outlet's name."""
    if not ids:
        return {}
    query = (
        select(*DOCUMENT_COLUMNS)
        .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
        .where(documents.c.id.in_(list(ids)))
    )
    with engine.connect() as conn:
        return {row.id: DocumentRow(**row._mapping) for row in conn.execute(query)}
