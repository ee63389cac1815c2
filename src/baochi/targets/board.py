"""A directive's board: tasks and indicators with computed statuses, the lagging list, reporting.

The functions the pages, the CLI and the reports call; the rule itself is in status.py.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine

from baochi.cases import attachments
from baochi.db.targets_store import (
    ANY,
    Changes,
    DirectiveRow,
    ImportHook,
    IndicatorRow,
    ReportChanged,
    ReportRow,
    TargetsStore,
    TaskRow,
)
from baochi.targets.rows import DirectiveRows, check_rows
from baochi.targets.status import LAGGING, OVERDUE, Judgement, judge, target_path, task_status

EXAMPLE = Path(__file__).with_name("data") / "notice_1559.json"
BEHIND = (OVERDUE, LAGGING)


@dataclass(frozen=True, slots=True)
class IndicatorView:
    """An indicator with its reports and its judgement."""

    indicator: IndicatorRow
    reports: list[ReportRow]
    judgement: Judgement

    def chart(self) -> dict[str, list[tuple[str, float]]]:
        """The planned path and the reported values, for the chart."""
        return target_path(self.indicator, self.reports)


@dataclass(frozen=True, slots=True)
class TaskView:
    """A task with its indicators and its computed status."""

    task: TaskRow
    status: str
    indicators: list[IndicatorView]


@dataclass(frozen=True, slots=True)
class Board:
    """A whole directive as of one day."""

    directive: DirectiveRow
    tasks: list[TaskView]
    loose: list[IndicatorView]  # indicators of the directive not tied to a task
    today: dt.date

    def indicators(self) -> list[IndicatorView]:
        """Every indicator of the directive, its tasks' first."""
        return [i for t in self.tasks for i in t.indicators] + self.loose


class DirectiveNotFound(LookupError):
    """No directive with that code."""


def board(engine: Engine, code: str, today: dt.date) -> Board:
    """The directive with every task and indicator judged on `today`."""
    store = TargetsStore(engine)
    directive = store.directive(code)
    if directive is None:
        raise DirectiveNotFound(f"không có văn bản {code!r}")
    found = store.indicators(directive.id)
    reports = store.reports([i.id for i in found])
    views = [
        IndicatorView(i, mine, judge(i, mine, today))
        for i in found
        for mine in [[r for r in reports if r.indicator_id == i.id]]
    ]
    tasks = []
    for task in store.tasks(directive.id):
        own = [v for v in views if v.indicator.task_id == task.id]
        status = task_status(task, [v.judgement.status for v in own], today)
        tasks.append(TaskView(task, status, own))
    loose = [v for v in views if v.indicator.task_id is None]
    return Board(directive, tasks, loose, today)


def lagging(engine: Engine, today: dt.date) -> list[tuple[DirectiveRow, TaskView]]:
    """Every task of every directive that is overdue or lagging, worst first."""
    behind = []
    for directive in TargetsStore(engine).directives():
        for view in board(engine, directive.code, today).tasks:
            if view.status in BEHIND:
                behind.append((directive, view))
    return sorted(behind, key=lambda pair: BEHIND.index(pair[1].status))


def save(
    engine: Engine, rows: DirectiveRows, audit: ImportHook | None = None
) -> tuple[int, Changes]:
    """Bring the directive to checked rows; its id and what changed (see save_directive)."""
    return TargetsStore(engine).save_directive(
        rows.directive, rows.tasks, rows.indicators, rows.reports, audit
    )


def load_example(engine: Engine, now: dt.datetime | None = None) -> int:
    """Load Notice 1559-TB/TU with its tasks and indicators; loading again changes nothing."""
    raw = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    stamp = now or dt.datetime.now(dt.UTC)
    rows = check_rows(
        raw["directive"], raw["tasks"], raw["indicators"], raw["reports"], stamp.date()
    )
    store = TargetsStore(engine)
    existing = store.directive(rows.directive["code"])
    if existing is not None:
        return existing.id
    rows.directive["created_at"] = stamp
    for report in rows.reports:
        report["reported_at"] = stamp
    return save(engine, rows)[0]


def record_progress(
    engine: Engine,
    indicator_id: int,
    period_end: dt.date,
    value: float,
    comment: str = "",
    evidence: tuple[Path, str, bytes, int] | None = None,
    reported_by: int | None = None,
    now: dt.datetime | None = None,
    seen: dt.datetime | Literal["any"] | None = ANY,
) -> tuple[int, ReportRow | None]:
    """Record one period's value; its id and the report it replaced. Evidence is (data folder,
    file name, bytes, largest size allowed), checked like a case's files and stored under a
    random name; without it a corrected report keeps its own. `seen`: see add_report, whose
    ReportChanged leaves no file behind."""
    stored = attachments.store(*evidence) if evidence else None
    values = {
        "indicator_id": indicator_id,
        "period_end": period_end,
        "value": value,
        "comment": comment,
        "reported_at": now or dt.datetime.now(dt.UTC),
        "reported_by": reported_by,
    }
    if stored is not None:
        values["evidence"] = stored.stored_name
    try:
        return TargetsStore(engine).add_report(values, seen)
    except ReportChanged:
        if evidence and stored is not None:
            attachments.path_of(evidence[0], stored.stored_name).unlink(missing_ok=True)
        raise
