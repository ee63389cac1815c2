"""Merging one department into another, as the 2025 reform merged the city's departments: its
people, cases not yet closed (with their notices), watchlists and alert rules move in one
transaction; its closed cases keep its name, so what it answered stays its own in every report."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, Table, delete, func, select, update
from sqlalchemy.engine import Connection

from baochi.cases.reminders import DEPARTMENT, audience_key
from baochi.cases.workflow import CLOSED, RESPONSIBLE
from baochi.db.schema_cases import case_departments, case_notifications, cases
from baochi.db.schema_watch import alert_rules, watchlists
from baochi.db.schema_web import departments, users
from baochi.db.store import now
from baochi.phrase import Phrase


class MergeError(ValueError):
    """A merge that cannot be done, in words for the administrator."""


@dataclass(frozen=True, slots=True)
class Merged:
    """What moved to the department merged into."""

    users: int
    cases: int
    watchlists: int
    rules: int


def merge_department(engine: Engine, source: int, target: int) -> Merged:
    """Merge `source` into `target`; a department merged already, or into itself, is refused,
    and of two merges of one department at the same moment only the first is done."""
    if source == target:
        raise MergeError("Không thể gộp một phòng ban vào chính nó.")
    with engine.begin() as conn:
        # PostgreSQL: both rows locked at once, in the order of their ids, so that merging A
        # into B and B into A at the same moment wait for each other instead of deadlocking.
        found = conn.execute(
            select(departments.c.id, departments.c.name)
            .where(departments.c.id.in_([source, target]))
            .order_by(departments.c.id)
            .with_for_update()
        ).all()
        named = {row.id: row for row in found}
        if len(named) < 2:
            raise MergeError("Không có phòng ban này.")
        # Both rows are written only while not merged: a merge of either one at the same
        # moment waits for this transaction (SQLite: for the database), then finds it merged.
        current = departments.c.merged_into.is_(None)
        kept = conn.execute(
            update(departments).where(departments.c.id == target, current).values(merged_into=None)
        )
        marked = conn.execute(
            update(departments)
            .where(departments.c.id == source, current)
            .values(merged_into=target, merged_at=now())
        )
        for dept, written in ((target, kept), (source, marked)):
            if written.rowcount != 1:
                said = "Phòng ban «{name}» đã được gộp vào phòng ban khác."
                raise MergeError(Phrase(said, name=named[dept].name))
        moved_cases = _move_cases(conn, source, target)
        return Merged(
            users=_move(conn, users, source, target),
            cases=moved_cases,
            watchlists=_move(conn, watchlists, source, target),
            rules=_move(conn, alert_rules, source, target),
        )


def _move(conn: Connection, table: Table, source: int, target: int) -> int:
    """Point every row of a table with a department_id from source to target; how many moved."""
    column = table.c.department_id
    moved = conn.execute(update(table).where(column == source).values(department_id=target))
    return int(moved.rowcount)


def _move_cases(conn: Connection, source: int, target: int) -> int:
    """Hand the source's cases not yet closed (an answered one may reopen) and their notices to
    the target: a case both concern keeps one link, responsible if either was."""
    unclosed = conn.execute(
        select(case_departments.c.case_id, case_departments.c.role)
        .join(cases, cases.c.id == case_departments.c.case_id)
        .where(case_departments.c.department_id == source, cases.c.status != CLOSED)
    ).all()
    if not unclosed:
        return 0
    ids = [link.case_id for link in unclosed]
    shared = dict(
        conn.execute(
            select(case_departments.c.case_id, case_departments.c.role).where(
                case_departments.c.department_id == target, case_departments.c.case_id.in_(ids)
            )
        ).all()
    )
    for link in unclosed:
        here = (case_departments.c.case_id == link.case_id,)
        if link.case_id not in shared:
            conn.execute(
                update(case_departments)
                .where(*here, case_departments.c.department_id == source)
                .values(department_id=target)
            )
            continue
        if link.role == RESPONSIBLE and shared[link.case_id] != RESPONSIBLE:
            conn.execute(
                update(case_departments)
                .where(*here, case_departments.c.department_id == target)
                .values(role=RESPONSIBLE)
            )
        conn.execute(
            delete(case_departments).where(*here, case_departments.c.department_id == source)
        )
    _move_notices(conn, ids, source, target)
    return len(ids)


def _move_notices(conn: Connection, case_ids: list[int], source: int, target: int) -> None:
    """Hand the source's notices of these cases to the target under the target's keys, in the
    merge's transaction: a reminder the source was sent is then one the target was sent, and is
    not sent again. Rewriting the keys rather than keying without the department keeps a case
    reassigned (not merged) reminding its new department. A notice the target was sent too
    keeps its key (the target's own is there already)."""
    notices = case_notifications
    taken = case_notifications.alias("taken")
    mine = (notices.c.department_id == source, notices.c.case_id.in_(case_ids))
    rekeyed = func.replace(
        notices.c.key, audience_key(DEPARTMENT, source), audience_key(DEPARTMENT, target)
    )
    clash = select(taken.c.id).where(taken.c.case_id == notices.c.case_id, taken.c.key == rekeyed)
    conn.execute(update(notices).where(*mine, ~clash.exists()).values(key=rekeyed))
    conn.execute(update(notices).where(*mine).values(department_id=target))
