"""Drafts: a generated brief or report kept as the analyst edits it, then sent as it stands."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Engine

from baochi.db.reports_store import DraftRow, ReportsStore
from baochi.db.turns import REPEAT_WINDOW
from baochi.phrase import Phrase
from baochi.reports.paper import Paper


class DraftNotFound(LookupError):
    """No draft with that id."""


def _values(paper: Paper, now: dt.datetime) -> dict[str, object]:
    return {
        "kind": paper.kind,
        "first_day": dt.date.fromisoformat(paper.period["first"]),
        "last_day": dt.date.fromisoformat(paper.period["last"]),
        "scope": paper.period.get("scope", "hanoi"),
        "title": f"{paper.title} — {paper.subtitle}",
        "paper": json.dumps(paper.to_dict(), ensure_ascii=False),
        "created_at": now,
        "updated_at": now,
    }


def save_new(engine: Engine, paper: Paper, user_id: int, now: dt.datetime) -> int:
    """Keep a freshly generated paper as a draft; its id (the first one's, when the same user
    made the very same paper in the last two minutes)."""
    values = {**_values(paper, now), "created_by": user_id}
    return ReportsStore(engine).add_draft(values, now - REPEAT_WINDOW)


def claim_scheduled(engine: Engine, paper: Paper, key: str, now: dt.datetime) -> int | None:
    """Keep a scheduled paper under its key; None when another run already made it."""
    return ReportsStore(engine).claim({**_values(paper, now), "schedule_key": key})


def load(engine: Engine, draft_id: int, published_only: bool = False) -> tuple[DraftRow, Paper]:
    """A draft and its paper; with `published_only`, only one issued or sent (what leaders
    read): any other is not found."""
    row = ReportsStore(engine).draft(draft_id)
    if row is None or (published_only and not row.published):
        raise DraftNotFound(Phrase("không có bản nháp số {number}", number=draft_id))
    return row, Paper.from_dict(json.loads(row.paper))


def save_edit(
    engine: Engine, draft_id: int, paper: Paper, seen: dt.datetime, now: dt.datetime
) -> bool:
    """Store the edited paper (its title line follows any change), unless the draft was sent
    or saved after `seen`, when the editor read it; whether it was stored."""
    values = {
        "paper": json.dumps(paper.to_dict(), ensure_ascii=False),
        "title": f"{paper.title} — {paper.subtitle}",
        "updated_at": now,
    }
    return ReportsStore(engine).edit_draft(draft_id, values, seen)


def mark(engine: Engine, draft_id: int, recipients: str, error: str, now: dt.datetime) -> None:
    """Record a send: sent to whom, or why it failed (it stays a draft then)."""
    values: dict[str, object] = {"send_error": error, "updated_at": now, "sending_since": None}
    if not error:
        values.update(status="sent", sent_at=now, sent_to=recipients)
    ReportsStore(engine).update_draft(draft_id, values)
