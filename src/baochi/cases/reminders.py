"""Reminders before a case's deadline and escalations after it, as a pure function of (case, now).

Only the latest threshold passed is due, so a run after a long pause sends one reminder, not a
backlog; each notification has a key, and a key already sent is never sent again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from baochi.cases.deadlines import DeadlineRules, days_left, due_at
from baochi.cases.workflow import OPEN_STATUSES
from baochi.db.cases_store import CaseRow
from baochi.hanoi_time import HANOI

DEPARTMENT, OFFICE = "department", "office"


@dataclass(frozen=True, slots=True)
class Notice:
    """A notification due now: to whom, why, and the message in Vietnamese."""

    case_id: int
    key: str
    kind: str  # reminder, escalation
    audience: str  # department, office
    department_id: int | None
    due_at: dt.datetime
    message: str
    level: int = 0  # escalation level reached (0 for reminders)


def _last_passed(triggers: list[tuple[int, dt.datetime]], now: dt.datetime) -> int | None:
    """The index of the latest trigger at or before now."""
    passed = [i for i, (_, at) in enumerate(triggers) if at <= now]
    return passed[-1] if passed else None


def _audiences(case: CaseRow, with_office: bool) -> list[tuple[str, int | None]]:
    """The responsible departments, plus the office; the office alone while nobody is assigned."""
    targets: list[tuple[str, int | None]] = [(DEPARTMENT, d) for d in case.responsible]
    if with_office or not targets:
        targets.append((OFFICE, None))
    return targets


def audience_key(who: str, department_id: int | None) -> str:
    """How a notice's key ends: for whom, so each department is told once. A merge rewrites a
    department's keys to its target's (web/departments.py), so what the merged department was
    told is not told the target again; a case merely reassigned reminds its new department."""
    return f":{who}:{department_id or 0}"


def due_notices(
    case: CaseRow, now: dt.datetime, rules: DeadlineRules, sent: Collection[str] = ()
) -> list[Notice]:
    """The notifications this case needs at `now` that have not been sent yet."""
    if case.status not in OPEN_STATUSES:
        return []
    deadline = due_at(case.due_on)
    last_day = case.due_on.strftime("%d/%m/%Y")
    if now < deadline:
        reminders = [(d, deadline - dt.timedelta(days=d)) for d in rules.remind_before_days]
        index = _last_passed(reminders, now)
        if index is None:
            return []
        days, at = reminders[index]
        left = days_left(case.due_on, now)  # as the pages count: a 5-day case is never "7 days"
        when = "hạn là hôm nay" if left == 0 else f"còn {left} ngày"
        text = f"Hồ sơ #{case.id} «{case.title}» phải trả lời trước hết ngày {last_day} ({when})."
        notices = [
            Notice(
                case.id, f"remind:{days}{audience_key(who, dept)}", "reminder", who, dept, at, text
            )
            for who, dept in _audiences(case, with_office=False)
        ]
    else:
        escalations = [(d, deadline + dt.timedelta(days=d)) for d in rules.escalate_after_days]
        index = _last_passed(escalations, now)
        if index is None:
            return []
        days, at = escalations[index]
        late = (now.astimezone(HANOI).date() - case.due_on).days
        text = (
            f"Hồ sơ #{case.id} «{case.title}» đã quá hạn trả lời {late} ngày "
            f"(hạn {last_day}); báo cáo vượt cấp lần {index + 1}."
        )
        notices = [
            Notice(
                case.id,
                f"escalate:{days}{audience_key(who, dept)}",
                "escalation",
                who,
                dept,
                at,
                text,
                level=index + 1,
            )
            for who, dept in _audiences(case, with_office=True)
        ]
    return [n for n in notices if n.key not in sent]
