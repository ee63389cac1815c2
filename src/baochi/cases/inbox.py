"""Each user's notifications: the reminders and escalations meant for them, and their read marks.

An officer is told about their department's cases; the office (administrators, analysts) and
leaders about escalations and cases nobody has been assigned; nobody else is told anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import Engine

from baochi.cases import workflow
from baochi.cases.workflow import Actor
from baochi.db.cases_store import CasesStore


def _audience(actor: Actor) -> tuple[int | None, bool] | None:
    """(department, office?) whose notifications this user reads; None for nobody's."""
    if actor.user_id is None:
        return None
    if actor.role == workflow.OFFICER:
        return (actor.department_id, False) if actor.department_id is not None else None
    if actor.role in workflow.READ_ALL_ROLES:
        return None, True
    return None


def notifications(
    engine: Engine, actor: Actor, limit: int = 100, offset: int = 0, unread_only: bool = False
) -> list[dict[str, Any]]:
    """This user's notifications (or only those unread), newest first; `read_at` is None while
    unread."""
    audience = _audience(actor)
    if audience is None or actor.user_id is None:
        return []
    return CasesStore(engine).inbox(actor.user_id, *audience, limit, offset, unread_only)


def unread(engine: Engine, actor: Actor) -> int:
    """How many of this user's notifications are unread (the count beside the bell)."""
    audience = _audience(actor)
    if audience is None or actor.user_id is None:
        return 0
    return CasesStore(engine).unread_count(actor.user_id, *audience)


def mark_read(
    engine: Engine,
    actor: Actor,
    ids: Collection[int] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Mark these notifications (all, without ids) read for this user only."""
    audience = _audience(actor)
    if audience is None or actor.user_id is None:
        return 0
    at = now or dt.datetime.now(dt.UTC)
    return CasesStore(engine).mark_read(actor.user_id, *audience, at, ids)
