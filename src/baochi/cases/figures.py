"""The figures leaders read: answered on time per department, average time to answer, overdue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from baochi.cases.deadlines import due_at
from baochi.cases.workflow import OPEN_STATUSES
from baochi.db.cases_store import CaseRow

DAY = 86400.0


@dataclass(frozen=True, slots=True)
class DepartmentFigures:
    """One department's record over the cases it was responsible for."""

    department_id: int
    total: int
    answered: int
    on_time: int
    open: int
    overdue: int
    average_days: float | None  # from opening to answer, over answered cases

    @property
    def on_time_rate(self) -> float | None:
        """Share of answered cases answered by their deadline."""
        return self.on_time / self.answered if self.answered else None


def department_figures(
    cases: Iterable[CaseRow], now: dt.datetime, since: dt.date | None = None
) -> list[DepartmentFigures]:
    """Figures per responsible department over cases received since `since`, by department id."""
    per: dict[int, list[CaseRow]] = {}
    for case in cases:
        if since is not None and case.received_on < since:
            continue
        for department in case.responsible:
            per.setdefault(department, []).append(case)
    figures = []
    for department, group in sorted(per.items()):
        answered = [c for c in group if c.answered_at is not None]
        durations = [
            (c.answered_at - c.opened_at).total_seconds() / DAY for c in answered if c.answered_at
        ]
        still_open = [c for c in group if c.status in OPEN_STATUSES]
        figures.append(
            DepartmentFigures(
                department_id=department,
                total=len(group),
                answered=len(answered),
                on_time=sum(
                    1 for c in answered if c.answered_at and c.answered_at < due_at(c.due_on)
                ),
                open=len(still_open),
                overdue=sum(1 for c in still_open if due_at(c.due_on) <= now),
                average_days=round(sum(durations) / len(durations), 1) if durations else None,
            )
        )
    return figures
