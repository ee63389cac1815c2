"""The web page's social imports: one row each, written as the rows go through, so the page
can show how far a large export has got and how it ended. A bad row's problem is kept as its
phrase (template, count and parts), so the page says it in its language."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, select, update

from baochi.db.schema_social import social_imports
from baochi.phrase import Phrase

STALE = dt.timedelta(minutes=10)  # a running import not heard from this long has stopped


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One import as its page shows it."""

    id: int
    file_name: str
    platform: str
    account_id: int | None
    rows: int
    errors: list[tuple[int, Phrase | str]]  # str: stored before phrases were
    accepted: int
    stored: int
    known: int
    placed: int
    status: str
    error: str
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def done(self) -> int:
        """The good rows through so far: new, or already there."""
        return self.stored + self.known

    def state(self, now: dt.datetime) -> str:
        """running, done, failed, or stopped: running but not heard from for too long (its
        process ended; what it stored stays, and the file can be imported again)."""
        if self.status == "running" and now - self.updated_at > STALE:
            return "stopped"
        return self.status


class ImportsStore:
    """Reads and writes of social_imports over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def start(
        self,
        file_name: str,
        platform: str,
        account_id: int | None,
        rows: int,
        errors: Sequence[tuple[int, Phrase]],
        accepted: int,
        username: str,
        now: dt.datetime,
    ) -> int:
        """Record an import about to run; its id."""
        values = {
            "file_name": file_name[:300],
            "platform": platform,
            "account_id": account_id,
            "rows": rows,
            "errors": json.dumps([(n, _stored(p)) for n, p in errors], ensure_ascii=False),
            "accepted": accepted,
            "status": "running",
            "created_by": username,
            "created_at": now,
            "updated_at": now,
        }
        with self.engine.begin() as conn:
            query = insert(social_imports).values(values).returning(social_imports.c.id)
            return int(conn.execute(query).scalar_one())

    def update(self, import_id: int, now: dt.datetime, **values: Any) -> None:
        """Write an import's progress or outcome."""
        with self.engine.begin() as conn:
            conn.execute(
                update(social_imports)
                .where(social_imports.c.id == import_id)
                .values(updated_at=now, **values)
            )

    def get(self, import_id: int) -> ImportRow | None:
        """One import, or None."""
        query = select(social_imports).where(social_imports.c.id == import_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        values = dict(row._mapping)
        values["errors"] = [(n, _phrase(p)) for n, p in json.loads(values["errors"])]
        return ImportRow(**values)


def _stored(part: Any) -> Any:
    """A phrase as JSON, its parts too; a part JSON has no type for, as its text."""
    if isinstance(part, Phrase):
        parts = {name: _stored(p) for name, p in part.parts.items()}
        return {"text": part.text, "n": part.n, "lower": part.lower, "parts": parts}
    return part if isinstance(part, str | int | float | bool | None) else str(part)


def _phrase(stored: Any) -> Any:
    """A phrase as _stored wrote it; anything else (a row's text stored before) as it is."""
    if not isinstance(stored, dict):
        return stored
    parts = {name: _phrase(p) for name, p in stored["parts"].items()}
    return Phrase(stored["text"], n=stored["n"], lower=stored["lower"], **parts)
