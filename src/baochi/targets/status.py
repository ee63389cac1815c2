"""The status rule: is an indicator or a task on track, at risk, lagging, overdue or achieved?

The rule, applied in this order on a given day:

1. **achieved** — the latest reported value meets the target (at or above it for an indicator
   that should rise, at or below for one that should fall);
2. **overdue** — the target date has passed without that;
3. otherwise the straight path from the baseline (value and date) to the target (value and date)
   says what share of the change should be done today; the latest known value (the last report,
   else the baseline) says what share is done. The gap is the first minus the second:
   **on track** when the gap is at most 10 points, **at risk** up to 25 points, **lagging** beyond.
   An indicator to keep at a level (target equal to baseline) is on track while its value is on
   the target's right side or at it, **lagging** when on the wrong side.

Without a baseline, the first report stands in for it; with neither, nothing shows progress and
the indicator is **lagging**. A task is as bad as its worst indicator; a task without indicators
is achieved when done, overdue past its deadline, else on track when in progress and at risk when
not started.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from baochi.db.targets_store import IndicatorRow, ReportRow, TaskRow

ON_TRACK, AT_RISK, LAGGING, OVERDUE, ACHIEVED = (
    "on_track",
    "at_risk",
    "lagging",
    "overdue",
    "achieved",
)
# Worst first: a task takes the first of these among its indicators.
SEVERITY = (OVERDUE, LAGGING, AT_RISK, ON_TRACK, ACHIEVED)
LABELS = {
    ON_TRACK: "Đúng tiến độ",
    AT_RISK: "Có nguy cơ chậm",
    LAGGING: "Chậm tiến độ",
    OVERDUE: "Quá hạn",
    ACHIEVED: "Đã đạt",
}
ON_TRACK_GAP = 0.10
AT_RISK_GAP = 0.25
# A task's own progress as the office states it, by its name in a workbook.
TASK_STATUSES = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành",
}


@dataclass(frozen=True, slots=True)
class Judgement:
    """An indicator's status with the numbers behind it, to show why."""

    status: str
    latest: float | None
    expected_share: float | None  # of the change, that the path asks for today
    done_share: float | None  # of the change, that the latest value shows

    @property
    def label(self) -> str:
        """The status in Vietnamese."""
        return LABELS[self.status]


def meets(value: float, target: float, direction: str) -> bool:
    """True when the value is at or beyond the target in the indicator's direction."""
    return value <= target if direction == "decrease" else value >= target


def _share(start: dt.date, end: dt.date, today: dt.date) -> float:
    """How much of the time from start to end has passed, between 0 and 1."""
    if end <= start:
        return 1.0
    return min(1.0, max(0.0, (today - start).days / (end - start).days))


def judge(indicator: IndicatorRow, reports: Sequence[ReportRow], today: dt.date) -> Judgement:
    """Apply the rule to one indicator with its reports (any order) on `today`; a report of a
    later period was not known then (a past month's report judges as it stood)."""
    ordered = sorted((r for r in reports if r.period_end <= today), key=lambda r: r.period_end)
    latest = ordered[-1].value if ordered else None
    if latest is not None and meets(latest, indicator.target, indicator.direction):
        return Judgement(ACHIEVED, latest, None, None)
    if today > indicator.target_on:
        return Judgement(OVERDUE, latest, None, None)
    if indicator.baseline is not None and indicator.baseline_on is not None:
        base, base_on = indicator.baseline, indicator.baseline_on
    elif ordered:
        base, base_on = ordered[0].value, ordered[0].period_end
    else:
        return Judgement(LAGGING, None, None, None)
    value = base if latest is None else latest
    expected = _share(base_on, indicator.target_on, today)
    change = indicator.target - base
    if change == 0:  # kept at a level: on its right side is on track, on the wrong one is not
        done = 1.0 if meets(value, indicator.target, indicator.direction) else 0.0
        status = ON_TRACK if done else LAGGING
        return Judgement(status, value, round(expected, 3), done)
    done = (value - base) / change
    gap = expected - done
    status = ON_TRACK if gap <= ON_TRACK_GAP else AT_RISK if gap <= AT_RISK_GAP else LAGGING
    return Judgement(status, value, round(expected, 3), round(done, 3))


def task_status(task: TaskRow, indicator_statuses: Sequence[str], today: dt.date) -> str:
    """A task's status: its worst indicator's, or from its own progress and deadline."""
    if indicator_statuses:
        return next(s for s in SEVERITY if s in indicator_statuses)
    if task.status == "done":
        return ACHIEVED
    if task.due_on is not None and today > task.due_on:
        return OVERDUE
    return ON_TRACK if task.status == "in_progress" else AT_RISK


def target_path(
    indicator: IndicatorRow, reports: Sequence[ReportRow]
) -> dict[str, list[tuple[str, float]]]:
    """The chart's two series as (ISO date, value): the planned path and the reported values."""
    path = []
    if indicator.baseline is not None and indicator.baseline_on is not None:
        path.append((indicator.baseline_on.isoformat(), indicator.baseline))
    path.append((indicator.target_on.isoformat(), indicator.target))
    actual = [
        (r.period_end.isoformat(), r.value) for r in sorted(reports, key=lambda r: r.period_end)
    ]
    return {"path": path, "actual": actual}
