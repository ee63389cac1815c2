"""The SQL of the targets area: directives with their tasks, indicators and progress reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from baochi.db.schema_targets import directive_tasks, directives, indicators, progress_reports


@dataclass(frozen=True, slots=True)
class DirectiveRow:
    """A directive (chỉ thị, thông báo kết luận, nghị quyết…)."""

    id: int
    code: str
    issued_on: dt.date | None
    issuer: str
    title: str
    summary: str
    source: str


@dataclass(frozen=True, slots=True)
class TaskRow:
    """One task of a directive, with the units the directive names."""

    id: int
    directive_id: int
    position: int
    title: str
    lead_unit: str
    coordinating_units: str
    due_on: dt.date | None
    status: str
    note: str


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    """A measurable target: from a baseline to a target value by a date, up or down."""

    id: int
    directive_id: int
    task_id: int | None
    code: str
    name: str
    unit: str
    baseline: float | None
    baseline_on: dt.date | None
    target: float
    target_on: dt.date
    direction: str
    source: str


@dataclass(frozen=True, slots=True)
class ReportRow:
    """The value of an indicator at the end of a period, with a comment and evidence."""

    id: int
    indicator_id: int
    period_end: dt.date
    value: float
    comment: str
    evidence: str | None
    reported_at: dt.datetime
    reported_by: int | None


class TargetsStore:
    """Reads and idempotent writes of the targets tables, on SQLite and PostgreSQL alike."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def _upsert(
        self, conn: Connection, table: Any, values: dict[str, Any], keys: Sequence[str]
    ) -> int:
        """Insert or update the row with these key columns; its id."""
        insert = (postgresql if self.dialect == "postgresql" else sqlite).insert(table)
        changes = {k: v for k, v in values.items() if k not in (*keys, "created_at")}
        stmt = insert.values(**values).on_conflict_do_update(
            index_elements=list(keys), set_=changes
        )
        conn.execute(stmt)
        where = [table.c[k] == values[k] for k in keys]
        return int(conn.execute(select(table.c.id).where(*where)).scalar_one())

    def save_directive(
        self,
        directive: dict[str, Any],
        tasks: Sequence[dict[str, Any]],
        indicator_rows: Sequence[dict[str, Any]],
        reports: Sequence[dict[str, Any]],
    ) -> int:
        """Write a whole directive in one transaction; rows are matched by their keys, so again
        is the same: tasks by position, indicators by code, reports by indicator and period.

        An indicator names its task by `task_position`; a report its indicator by
        `indicator_code`.
        """
        with self.engine.begin() as conn:
            directive_id = self._upsert(conn, directives, directive, ["code"])
            task_ids = {}
            for task in tasks:
                row = {**task, "directive_id": directive_id}
                task_ids[task["position"]] = self._upsert(
                    conn, directive_tasks, row, ["directive_id", "position"]
                )
            indicator_ids = {}
            for item in indicator_rows:
                row = {k: v for k, v in item.items() if k != "task_position"}
                row["directive_id"] = directive_id
                row["task_id"] = task_ids.get(item.get("task_position"))
                indicator_ids[item["code"]] = self._upsert(
                    conn, indicators, row, ["directive_id", "code"]
                )
            for report in reports:
                row = {k: v for k, v in report.items() if k != "indicator_code"}
                row["indicator_id"] = indicator_ids[report["indicator_code"]]
                self._upsert(conn, progress_reports, row, ["indicator_id", "period_end"])
        return directive_id

    def add_report(self, values: dict[str, Any]) -> int:
        """Record (or correct) one period's value of an indicator."""
        with self.engine.begin() as conn:
            return self._upsert(conn, progress_reports, values, ["indicator_id", "period_end"])

    def directives(self) -> list[DirectiveRow]:
        """Every directive, newest first (undated last)."""
        query = select(*[directives.c[f] for f in DirectiveRow.__slots__]).order_by(
            directives.c.issued_on.desc(), directives.c.id
        )
        with self.engine.connect() as conn:
            return [DirectiveRow(**r._mapping) for r in conn.execute(query)]

    def directive(self, code: str) -> DirectiveRow | None:
        """A directive by its code, or None."""
        return next((d for d in self.directives() if d.code == code), None)

    def tasks(self, directive_id: int) -> list[TaskRow]:
        """A directive's tasks in order."""
        query = (
            select(directive_tasks)
            .where(directive_tasks.c.directive_id == directive_id)
            .order_by(directive_tasks.c.position)
        )
        with self.engine.connect() as conn:
            return [TaskRow(**r._mapping) for r in conn.execute(query)]

    def indicators(self, directive_id: int | None = None) -> list[IndicatorRow]:
        """The indicators of one directive, or of all."""
        query = select(indicators).order_by(indicators.c.directive_id, indicators.c.code)
        if directive_id is not None:
            query = query.where(indicators.c.directive_id == directive_id)
        with self.engine.connect() as conn:
            return [IndicatorRow(**r._mapping) for r in conn.execute(query)]

    def reports(self, indicator_ids: Collection[int]) -> list[ReportRow]:
        """Progress reports of these indicators, oldest period first."""
        query = (
            select(progress_reports)
            .where(progress_reports.c.indicator_id.in_(list(indicator_ids)))
            .order_by(progress_reports.c.indicator_id, progress_reports.c.period_end)
        )
        with self.engine.connect() as conn:
            return [ReportRow(**r._mapping) for r in conn.execute(query)]

    def indicator(self, indicator_id: int) -> IndicatorRow | None:
        """One indicator by id, or None."""
        query = select(indicators).where(indicators.c.id == indicator_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else IndicatorRow(**row._mapping)

    def report(self, report_id: int) -> ReportRow | None:
        """One progress report by id, or None."""
        query = select(progress_reports).where(progress_reports.c.id == report_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else ReportRow(**row._mapping)
