"""The registry's SQL: records in and out by key, their change history, and what monitoring reads.

A record is a dict keyed by field name, references given as the other entity's key (a code, a
domain, a card number); the columns behind them (`body_id`, …) are read off the tables' foreign
keys, so this module needs no entity list of its own.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    Engine,
    String,
    Table,
    case,
    column,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.elements import ColumnClause, ColumnElement
from sqlalchemy.types import TypeEngine

from baochi.db.schema import UTCDateTime, documents, outlets
from baochi.db.schema_registry import (
    REGISTRY_KEYS,
    REGISTRY_TABLES,
    registry_action_members,
    registry_agencies,
    registry_changes,
)
from baochi.db.store import now

Record = dict[str, Any]
# The analysis's labels on documents, read when its migration has added them.
LABELS: dict[str, TypeEngine[Any]] = {"topic": String(40), "tone": String(10), "hanoi": Boolean()}
# Called inside the write's transaction for each change: (connection, entity, key, change, detail).
AuditHook = Callable[[Connection, str, str, str, Mapping[str, Any]], None]
_BOOK = ("id", "retired_at", "created_at", "updated_at")
_ENTITY_OF = {table.name: name for name, table in REGISTRY_TABLES.items()}


class ChangedMeanwhile(Exception):
    """A record saved over a change newer than the one its editor saw; nothing was written."""


@dataclass(frozen=True, slots=True)
class CoverageDocument:
    """A stored document as coverage attribution sees it: where and when it was published."""

    id: int
    url: str
    at: dt.datetime
    title: str
    lead: str
    topic: str | None = None
    tone: str | None = None
    hanoi: bool | None = None


def _refs(table: Table) -> dict[str, tuple[str, str]]:
    """Each reference column: field name → (column, target entity)."""
    return {
        column.name.removesuffix("_id"): (column.name, _ENTITY_OF[fk.column.table.name])
        for column in table.columns
        for fk in column.foreign_keys
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _members(conn: Connection, keys: _Keys) -> dict[int, list[str]]:
    """Each action's member agencies by key, in the order given."""
    members: dict[int, list[str]] = {}
    query = select(registry_action_members).order_by(
        registry_action_members.c.action_id, registry_action_members.c.position
    )
    for row in conn.execute(query):
        members.setdefault(row.action_id, []).append(keys.key("agencies", row.agency_id))
    return members


def _record(entity: str, row: Row[Any], keys: _Keys, members: dict[int, list[str]]) -> Record:
    """A row as a record: references by key, an action with its members."""
    values = dict(row._mapping)
    for field, (name, target) in _refs(REGISTRY_TABLES[entity]).items():
        values[field] = keys.key(target, values.pop(name))
    if entity == "actions":
        values["members"] = members.get(values["id"], [])
    return values


class _Keys:
    """Key ↔ id of every entity within one connection, loaded on first need."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.ids: dict[str, dict[str, int]] = {}
        self.keys: dict[str, dict[int, str]] = {}

    def _load(self, target: str) -> None:
        if target in self.ids:
            return
        table = REGISTRY_TABLES[target]
        query = select(table.c[REGISTRY_KEYS[target]], table.c.id)
        self.ids[target] = {k: i for k, i in self.conn.execute(query)}
        self.keys[target] = {i: k for k, i in self.ids[target].items()}

    def add(self, target: str, key: str, id_: int) -> None:
        self._load(target)
        self.ids[target][key] = id_
        self.keys[target][id_] = key

    def id(self, target: str, key: str) -> int:
        self._load(target)
        return self.ids[target][key]

    def key(self, target: str, id_: int | None) -> str:
        if id_ is None:
            return ""
        self._load(target)
        return self.keys[target][id_]


class RegistryStore:
    """Reads and logged writes of the press registry; the same code serves SQLite and PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._labels: tuple[str, ...] | None = None

    def labels(self) -> tuple[str, ...]:
        """Which of the analysis's labels the documents carry (none before its migration)."""
        if self._labels is None:
            present = {c["name"] for c in inspect(self.engine).get_columns("documents")}
            self._labels = tuple(name for name in LABELS if name in present)
        return self._labels

    # -- reading --------------------------------------------------------------------------

    def _select(self, entity: str, *where: Any, include_retired: bool = False) -> list[Record]:
        table = REGISTRY_TABLES[entity]
        query = select(table).where(*where).order_by(table.c[REGISTRY_KEYS[entity]])
        if not include_retired:
            query = query.where(table.c.retired_at.is_(None))
        with self.engine.connect() as conn:
            keys = _Keys(conn)
            members = _members(conn, keys) if entity == "actions" else {}
            return [_record(entity, row, keys, members) for row in conn.execute(query)]

    def rows(self, entity: str, include_retired: bool = False) -> list[Record]:
        """Every record of an entity, by key; retired ones only when asked."""
        return self._select(entity, include_retired=include_retired)

    def row(self, entity: str, key: str) -> Record | None:
        """One record by its key, retired or not."""
        table = REGISTRY_TABLES[entity]
        found = self._select(entity, table.c[REGISTRY_KEYS[entity]] == key, include_retired=True)
        return found[0] if found else None

    def keys(self, entity: str, title: str | None = None) -> dict[str, str]:
        """Every key of an entity (retired too), with the `title` column's value or the key."""
        table = REGISTRY_TABLES[entity]
        key = table.c[REGISTRY_KEYS[entity]]
        with self.engine.connect() as conn:
            rows = conn.execute(select(key, table.c[title] if title else key))
            return {k: t for k, t in rows}

    def expiring(self, entity: str, until: dt.date) -> list[Record]:
        """Valid licences or press cards whose expiry date falls on or before `until`."""
        table = REGISTRY_TABLES[entity]
        return self._select(
            entity,
            table.c.status == "valid",
            table.c.expires_on.is_not(None),
            table.c.expires_on <= until,
        )

    def changes(
        self,
        entity: str | None = None,
        key: str | None = None,
        agency: str | None = None,
        limit: int = 200,
    ) -> list[Record]:
        """The change history, newest first: of one entry, of all about one agency, or all."""
        query = select(registry_changes, registry_agencies.c.code.label("agency")).outerjoin(
            registry_agencies, registry_agencies.c.id == registry_changes.c.agency_id
        )
        if entity is not None:
            query = query.where(registry_changes.c.entity == entity)
        if key is not None:
            query = query.where(registry_changes.c.key == key)
        if agency is not None:
            query = query.where(registry_agencies.c.code == agency)
        query = query.order_by(registry_changes.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [
                {**row._mapping, "detail": json.loads(row.detail)} for row in conn.execute(query)
            ]

    # -- writing --------------------------------------------------------------------------

    def write(
        self,
        records: Mapping[str, Sequence[Record]],
        actor: str,
        overwrite: bool = True,
        audit: AuditHook | None = None,
        seen: dt.datetime | None = None,
    ) -> dict[str, Counter[str]]:
        """Create or update records by key, all in one transaction, each change logged.

        Entities are written in the order of REGISTRY_TABLES, so references point backwards;
        records already present are left alone unless `overwrite`. With `seen` (the entry's
        `updated_at` as its edit form showed it), a record changed since raises ChangedMeanwhile.
        Returns per entity how many were created, updated, unchanged or kept.
        """
        counts: dict[str, Counter[str]] = {}
        with self.engine.begin() as conn:
            writer = _Writer(conn, _Keys(conn), actor, now(), audit, seen)
            for entity in REGISTRY_TABLES:
                for rec in _parents_first(records.get(entity, ())):
                    outcome = writer.put(entity, rec, overwrite)
                    counts.setdefault(entity, Counter())[outcome] += 1
        return counts

    def retire(self, entity: str, key: str, actor: str, audit: AuditHook | None = None) -> bool:
        """Take an entry off the register (kept, with its history); False if absent or retired."""
        table = REGISTRY_TABLES[entity]
        with self.engine.begin() as conn:
            current = conn.execute(
                select(table).where(table.c[REGISTRY_KEYS[entity]] == key)
            ).first()
            if current is None or current.retired_at is not None:
                return False
            writer = _Writer(conn, _Keys(conn), actor, now(), audit)
            conn.execute(
                update(table).where(table.c.id == current.id).values(retired_at=writer.stamp)
            )
            agency_id = current.id if entity == "agencies" else current._mapping.get("agency_id")
            writer.log(entity, key, agency_id, "retire", {})
        return True

    # -- what monitoring reads ------------------------------------------------------------

    def coverage_documents(
        self, since: dt.datetime, until: dt.datetime, domains: Sequence[str] = ()
    ) -> Iterator[CoverageDocument]:
        """Documents published in [since, until) — or fetched, when undated — optionally only
        those whose URL mentions one of the domains (callers check the host exactly)."""
        at = func.coalesce(documents.c.published_at, documents.c.fetched_at, type_=UTCDateTime)
        labels: list[ColumnClause[Any]] = [column(n, LABELS[n]) for n in self.labels()]
        title: ColumnElement[Any] = documents.c.title
        lead: ColumnElement[Any] = documents.c.lead
        if "hanoi" in self.labels():  # the text only where the label is missing, to guess it
            missing = column("hanoi").is_(None)
            title, lead = case((missing, title), else_=""), case((missing, lead), else_="")
        query = select(
            documents.c.id,
            documents.c.url,
            at.label("at"),
            title.label("title"),
            lead.label("lead"),
            *labels,
        ).where(at >= since, at < until)
        if domains:
            query = query.where(
                or_(*(documents.c.url.like(f"%{_escape(d)}/%", escape="\\") for d in domains))
            )
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=1000).execute(query.order_by(at)):
                yield CoverageDocument(**row._mapping)

    def outlets(self) -> dict[str, list[str]]:
        """The monitoring outlets' names by their domain (without "www."), for linking by domain."""
        found: dict[str, list[str]] = {}
        with self.engine.connect() as conn:
            for name, domain in conn.execute(select(outlets.c.name, outlets.c.domain)):
                if domain:
                    found.setdefault(domain.lower().removeprefix("www."), []).append(name)
        return found


@dataclass(slots=True)
class _Writer:
    """One write transaction: who writes, when, and the keys it has seen."""

    conn: Connection
    keys: _Keys
    actor: str
    stamp: dt.datetime
    audit: AuditHook | None
    seen: dt.datetime | None = None  # the version an edit form showed, if it must still be so

    def _columns(self, entity: str, rec: Record) -> Record:
        table = REGISTRY_TABLES[entity]
        refs = _refs(table)
        values: Record = {}
        for field, value in rec.items():
            if field in refs:
                name, target = refs[field]
                values[name] = self.keys.id(target, value) if value else None
            elif field in table.c and field not in _BOOK:
                values[field] = value
        return values

    def put(self, entity: str, rec: Record, overwrite: bool) -> str:
        """Insert or update one record: created, updated, unchanged or kept."""
        table, key = REGISTRY_TABLES[entity], rec[REGISTRY_KEYS[entity]]
        values = self._columns(entity, rec)
        query = select(table).where(table.c[REGISTRY_KEYS[entity]] == key)
        if self.seen is not None:  # held until the update (PostgreSQL), so no save slips between
            query = query.with_for_update()
        current = self.conn.execute(query).first()
        if current is not None and self.seen is not None and current.updated_at != self.seen:
            raise ChangedMeanwhile(entity, key)
        if current is None:
            new_id = self.conn.execute(
                table.insert()
                .values(**values, created_at=self.stamp, updated_at=self.stamp)
                .returning(table.c.id)
            ).scalar_one()
            self.keys.add(entity, key, new_id)
            self._set_members(entity, new_id, rec)
            detail = {f: _plain(v) for f, v in rec.items() if v not in (None, "", [], False)}
            agency_id = new_id if entity == "agencies" else values.get("agency_id")
            self.log(entity, key, agency_id, "create", detail)
            self._apply_transfer(entity, None, rec)
            return "created"
        if not overwrite:
            return "kept"
        members = _members(self.conn, self.keys) if entity == "actions" else {}
        old = _record(entity, current, self.keys, members)
        diff = {
            f: [_plain(old.get(f)), _plain(v)] for f, v in rec.items() if f in old and old[f] != v
        }
        if not diff and current.retired_at is None:
            return "unchanged"
        self.conn.execute(
            update(table)
            .where(table.c.id == current.id)
            .values(**values, updated_at=self.stamp, retired_at=None)
        )
        if "members" in diff:
            self.conn.execute(
                registry_action_members.delete().where(
                    registry_action_members.c.action_id == current.id
                )
            )
            self._set_members(entity, current.id, rec)
        agency_id = current.id if entity == "agencies" else values.get("agency_id")
        self.log(entity, key, agency_id, "update" if diff else "restore", diff)
        self._apply_transfer(entity, old, rec)
        return "updated"

    def _set_members(self, entity: str, action_id: int, rec: Record) -> None:
        if entity != "actions" or not rec.get("members"):
            return
        self.conn.execute(
            registry_action_members.insert(),
            [
                {"action_id": action_id, "agency_id": self.keys.id("agencies", code), "position": i}
                for i, code in enumerate(rec["members"])
            ],
        )

    def _apply_transfer(self, entity: str, old: Record | None, rec: Record) -> None:
        """A transfer that becomes done moves its agencies to the new governing body."""
        if entity != "actions" or rec.get("kind") != "transfer" or rec.get("status") != "done":
            return
        if old is not None and old["status"] == "done":
            return
        new_body = self.keys.id("bodies", rec["new_body"])
        for code in rec["members"]:
            agency_id = self.keys.id("agencies", code)
            before = self.conn.execute(
                select(registry_agencies.c.body_id).where(registry_agencies.c.id == agency_id)
            ).scalar_one()
            if before == new_body:
                continue
            self.conn.execute(
                update(registry_agencies)
                .where(registry_agencies.c.id == agency_id)
                .values(body_id=new_body, updated_at=self.stamp)
            )
            body = [self.keys.key("bodies", before), rec["new_body"]]
            self.log("agencies", code, agency_id, "update", {"body": body, "action": rec["code"]})

    def log(
        self, entity: str, key: str, agency_id: int | None, change: str, detail: Mapping[str, Any]
    ) -> None:
        """Record a change in the registry's history, and in the caller's audit trail if given."""
        self.conn.execute(
            registry_changes.insert().values(
                at=self.stamp,
                actor=self.actor,
                entity=entity,
                key=key,
                agency_id=agency_id,
                change=change,
                detail=json.dumps(detail, ensure_ascii=False, default=str),
            )
        )
        if self.audit is not None:
            self.audit(self.conn, entity, key, change, detail)


def _escape(text: str) -> str:
    """Text taken literally inside a LIKE pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _parents_first(recs: Sequence[Record]) -> list[Record]:
    """Records with a `parent` in the same batch come after it (bodies under bodies)."""
    if not recs or "parent" not in recs[0]:
        return list(recs)
    pending = {rec["code"]: rec for rec in recs}
    ordered: list[Record] = []
    while pending:
        ready = [r for r in pending.values() if r["parent"] not in pending]
        if not ready:  # validation refuses cycles within a file; this guards callers that skip it
            raise ValueError(f"parent cycle among {', '.join(sorted(pending))}")
        for rec in ready:
            ordered.append(pending.pop(rec["code"]))
    return ordered
