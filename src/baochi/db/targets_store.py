"""The SQL of the targets area: directives with their tasks, indicators and progress reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

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


# What a saved report replaces when it is saved over whatever is there (as the API does).
ANY: Literal["any"] = "any"
# Fields a row's import does not compare: when it was written, not what it says.
STAMPS = ("created_at", "reported_at", "reported_by")


class ReportChanged(Exception):
    """The period's report is not the one the user saw: someone saved it meanwhile."""


class StillReported(ValueError):
    """Indicators an import would remove though progress was reported on them: {code: reports}."""

    def __init__(self, reported: dict[str, int]) -> None:
        self.reported = reported
        super().__init__(", ".join(f"{code} ({n})" for code, n in reported.items()))


@dataclass
class Changes:
    """What a directive's import did, by part ("directive", "tasks", "indicators", "reports"):
    the keys it added, changed and removed, and each report's value and comment it replaced."""

    added: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    replaced: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, dict[str, int]]:
        """How many of each part were added, changed and removed."""
        return {
            kind: {part: len(keys) for part, keys in getattr(self, kind).items()}
            for kind in ("added", "changed", "removed")
        }


ImportHook = Callable[[Connection, Changes], None]


class TargetsStore:
    """Reads and idempotent writes of the targets tables, on SQLite and PostgreSQL alike."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _put(
        self,
        conn: Connection,
        table: Any,
        row: dict[str, Any],
        old: Any,
        changes: Changes,
        place: tuple[str, str],
    ) -> int:
        """Insert the row, or update `old` (its row as read) where they differ; its id. The
        change is noted under `place`, the part and the row's key."""
        part, key = place
        if old is None:
            changes.added.setdefault(part, []).append(key)
            made = conn.execute(insert(table).values(**row)).inserted_primary_key
            assert made is not None
            return int(made[0])
        if any(getattr(old, k) != v for k, v in row.items() if k not in STAMPS):
            changes.changed.setdefault(part, []).append(key)
            fields = {k: v for k, v in row.items() if k != "created_at"}
            conn.execute(update(table).where(table.c.id == old.id).values(**fields))
        return int(old.id)

    def save_directive(
        self,
        directive: dict[str, Any],
        tasks: Sequence[dict[str, Any]],
        indicator_rows: Sequence[dict[str, Any]],
        reports: Sequence[dict[str, Any]],
        audit: ImportHook | None = None,
    ) -> tuple[int, Changes]:
        """Bring a directive to these rows in one transaction, so again is the same: tasks
        matched by position, indicators by code, reports by indicator and period; tasks and
        indicators not among them removed, StillReported when progress was reported on one.
        Reports not among them stay: a file exported before a report was made loses none.

        An indicator names its task by `task_position`; a report its indicator by
        `indicator_code`. `audit` writes what changed, in the same transaction.
        """
        changes = Changes()
        with self.engine.begin() as conn:
            old = conn.execute(select(directives).where(directives.c.code == directive["code"]))
            directive_id = self._put(
                conn, directives, directive, old.first(), changes, ("directive", directive["code"])
            )
            had_tasks = {t.position: t for t in self._tasks(conn, directive_id)}
            had = {i.code: i for i in self._indicators(conn, directive_id)}
            gone = [i for code, i in had.items() if code not in {r["code"] for r in indicator_rows}]
            reported = self._report_counts(conn, [i.id for i in gone])
            if reported:
                raise StillReported({i.code: reported[i.id] for i in gone if i.id in reported})
            task_ids = {}
            for task in tasks:
                place = ("tasks", str(task["position"]))
                row = {**task, "directive_id": directive_id}
                old_task = had_tasks.get(task["position"])
                task_ids[task["position"]] = self._put(
                    conn, directive_tasks, row, old_task, changes, place
                )
            indicator_ids = {}
            for item in indicator_rows:
                row = {k: v for k, v in item.items() if k != "task_position"}
                row["directive_id"] = directive_id
                row["task_id"] = task_ids.get(item.get("task_position"))
                place = ("indicators", item["code"])
                indicator_ids[item["code"]] = self._put(
                    conn, indicators, row, had.get(item["code"]), changes, place
                )
            self._put_reports(conn, reports, indicator_ids, changes)
            self._remove(conn, indicators, gone, changes, "indicators", lambda i: i.code)
            left = [t for p, t in had_tasks.items() if p not in task_ids]
            self._remove(conn, directive_tasks, left, changes, "tasks", lambda t: str(t.position))
            if audit is not None:
                audit(conn, changes)
        return directive_id, changes

    def _put_reports(
        self,
        conn: Connection,
        reports: Sequence[dict[str, Any]],
        indicator_ids: dict[str, int],
        changes: Changes,
    ) -> None:
        """Write the reports that are new or say something else, noting what each replaced."""
        query = select(progress_reports).where(
            progress_reports.c.indicator_id.in_(list(indicator_ids.values()))
        )
        had = {(r.indicator_id, r.period_end): ReportRow(**r._mapping) for r in conn.execute(query)}
        for report in reports:
            row = {k: v for k, v in report.items() if k != "indicator_code"}
            row["indicator_id"] = indicator_ids[report["indicator_code"]]
            old = had.get((row["indicator_id"], row["period_end"]))
            key = f"{report['indicator_code']} {row['period_end'].isoformat()}"
            self._put(conn, progress_reports, row, old, changes, ("reports", key))
            if old is not None and (old.value, old.comment) != (row["value"], row["comment"]):
                changes.replaced.append({"report": key, "value": old.value, "comment": old.comment})

    @staticmethod
    def _remove(
        conn: Connection,
        table: Any,
        rows: Sequence[Any],
        changes: Changes,
        part: str,
        key: Callable[[Any], str],
    ) -> None:
        """Delete these rows of a table, noting each as removed."""
        if rows:
            conn.execute(delete(table).where(table.c.id.in_([r.id for r in rows])))
            changes.removed[part] = [key(r) for r in rows]

    @staticmethod
    def _report_counts(conn: Connection, indicator_ids: Sequence[int]) -> dict[int, int]:
        """How many progress reports each of these indicators has, those with any."""
        query = (
            select(progress_reports.c.indicator_id, func.count())
            .where(progress_reports.c.indicator_id.in_(list(indicator_ids)))
            .group_by(progress_reports.c.indicator_id)
        )
        return {int(i): int(n) for i, n in conn.execute(query)}

    def add_report(
        self, values: dict[str, Any], seen: dt.datetime | Literal["any"] | None = ANY
    ) -> tuple[int, ReportRow | None]:
        """Record (or correct) one period's value of an indicator; its id and the report it
        replaced. Evidence left out keeps the report's own. `seen` is when the report the user
        saw for that period was saved (None: there was none); ReportChanged when it no longer
        is, even by a save at the same moment. ANY saves over whatever is there."""
        table = progress_reports
        try:
            with self.engine.begin() as conn:
                query = select(table).where(
                    table.c.indicator_id == values["indicator_id"],
                    table.c.period_end == values["period_end"],
                )
                found = conn.execute(query).first()
                before = None if found is None else ReportRow(**found._mapping)
                if seen != ANY and seen != (before and before.reported_at):
                    raise ReportChanged
                if before is None:
                    made = conn.execute(insert(table).values(**values)).inserted_primary_key
                    assert made is not None
                    return int(made[0]), None
                still = (table.c.id == before.id, table.c.reported_at == before.reported_at)
                if conn.execute(update(table).where(*still).values(**values)).rowcount != 1:
                    raise ReportChanged
                return before.id, before
        except IntegrityError as exc:  # a report of that period made at the same moment
            raise ReportChanged from exc

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
        with self.engine.connect() as conn:
            return self._tasks(conn, directive_id)

    @staticmethod
    def _tasks(conn: Connection, directive_id: int) -> list[TaskRow]:
        query = (
            select(directive_tasks)
            .where(directive_tasks.c.directive_id == directive_id)
            .order_by(directive_tasks.c.position)
        )
        return [TaskRow(**r._mapping) for r in conn.execute(query)]

    def indicators(self, directive_id: int | None = None) -> list[IndicatorRow]:
        """The indicators of one directive, or of all."""
        with self.engine.connect() as conn:
            return self._indicators(conn, directive_id)

    @staticmethod
    def _indicators(conn: Connection, directive_id: int | None) -> list[IndicatorRow]:
        query = select(indicators).order_by(indicators.c.directive_id, indicators.c.code)
        if directive_id is not None:
            query = query.where(indicators.c.directive_id == directive_id)
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
