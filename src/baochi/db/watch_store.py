"""The signals' SQL: watchlists, count series per window, alerts, and their digests and deliveries.

Counts are made in SQL by bucketing each document's time (publication, else fetch) from an
origin in fixed widths, so the same query serves SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Integer,
    cast,
    column,
    delete,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnClause, ColumnElement

from baochi.db.leases import takeable
from baochi.db.schema import IS_ARTICLE, UTCDateTime, documents, outlets
from baochi.db.schema_watch import alert_rules, alerts, deliveries, digests, watchlists
from baochi.records import split_areas

# When an article appeared: its publication time, or when we fetched it if it has none.
appeared_at = func.coalesce(documents.c.published_at, documents.c.fetched_at, type_=UTCDateTime)
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# The analysis labels a spike can be counted on, and their column in `documents`.
LABELS = {"topic": "topic", "place": "place", "story": "story_id", "area": "areas"}
ID_CHUNK = 5000  # ids per IN list, well under every backend's limit on bound parameters


@dataclass(frozen=True, slots=True)
class WatchlistRow:
    """A saved query and whom it belongs to."""

    id: int
    name: str
    query: str
    owner_user_id: int | None
    department_id: int | None
    enabled: bool
    spike_k: float | None
    watermark: int
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class RuleRow:
    """Who is told which kinds of alert, by which channel, at most once per digest interval."""

    id: int
    watchlist_id: int | None
    kinds: str
    channel: str
    target: str
    digest_minutes: float
    enabled: bool
    created_at: dt.datetime
    department_id: int | None = None

    def wants(self, alert: Alert) -> bool:
        """Whether an alert falls under this rule: its kind; its watchlist, if the rule has one;
        and an alert about a department goes only to that department's rules, and back."""
        if alert.kind not in self.kinds.split(","):
            return False
        if self.department_id is not None or alert.subject_kind == "department":
            return alert.subject_kind == "department" and alert.subject_key == str(
                self.department_id
            )
        return self.watchlist_id is None or self.watchlist_id == alert.watchlist_id


@dataclass(frozen=True, slots=True)
class Alert:
    """Something that happened and why, with the numbers; id 0 until stored."""

    kind: str  # match, spike, health, conflict
    subject_kind: str  # watchlist, outlet, topic, place, story
    subject_key: str
    subject_label: str
    reason: str
    dedupe_key: str
    watchlist_id: int | None = None
    span: str = ""
    observed: int = 0
    baseline_mean: float | None = None
    baseline_sd: float | None = None
    threshold: float | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)
    id: int = 0
    created_at: dt.datetime | None = None
    read_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestRow:
    """One message to one target, with its delivery state."""

    id: int
    rule_id: int
    channel: str
    target: str
    status: str
    attempts: int
    last_error: str
    next_attempt_at: dt.datetime
    created_at: dt.datetime
    sent_at: dt.datetime | None


_DIGEST_COLUMNS = (
    digests.c.id,
    digests.c.rule_id,
    alert_rules.c.channel,
    alert_rules.c.target,
    digests.c.status,
    digests.c.attempts,
    digests.c.last_error,
    digests.c.next_attempt_at,
    digests.c.created_at,
    digests.c.sent_at,
)


class WatchStore:
    """Reads and idempotent writes of the signals, over the same engine as the main store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._columns: set[str] | None = None

    def _insert(self, table: Any) -> Any:
        """An INSERT that can take ON CONFLICT clauses in this dialect."""
        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)

    # -- watchlists and rules --------------------------------------------------------------

    def add_watchlist(
        self,
        name: str,
        query: str,
        now: dt.datetime,
        owner_user_id: int | None = None,
        department_id: int | None = None,
        spike_k: float | None = None,
    ) -> tuple[int, bool]:
        """(id, created?); new matches start after the documents already stored."""
        with self.engine.begin() as conn:
            start = conn.execute(select(func.coalesce(func.max(documents.c.id), 0))).scalar_one()
            row = conn.execute(
                self._insert(watchlists)
                .values(
                    name=name,
                    query=query,
                    owner_user_id=owner_user_id,
                    department_id=department_id,
                    spike_k=spike_k,
                    watermark=start,
                    created_at=now,
                )
                .on_conflict_do_nothing()
                .returning(watchlists.c.id)
            ).first()
            if row is not None:
                return int(row[0]), True
            found = conn.execute(select(watchlists.c.id).where(watchlists.c.name == name))
            return int(found.scalar_one()), False

    def change_watchlist(self, watchlist_id: int, **values: Any) -> dict[str, Any] | None:
        """Set a watchlist's name, query or `enabled`; what they were, or None when there is no
        such watchlist. A new query reports, as a new watchlist does, only documents stored
        after it (not every older match of it as news)."""
        with self.engine.begin() as conn:
            before = conn.execute(
                select(watchlists.c.name, watchlists.c.query, watchlists.c.enabled).where(
                    watchlists.c.id == watchlist_id
                )
            ).first()
            if before is None:
                return None
            if values.get("query", before.query) != before.query:
                latest = select(func.coalesce(func.max(documents.c.id), 0))
                values["watermark"] = conn.execute(latest).scalar_one()
            conn.execute(update(watchlists).where(watchlists.c.id == watchlist_id).values(**values))
        return dict(before._mapping)

    def watchlists(self, enabled_only: bool = False) -> list[WatchlistRow]:
        """Every watchlist by name."""
        query = select(watchlists).order_by(watchlists.c.name)
        if enabled_only:
            query = query.where(watchlists.c.enabled.is_(True))
        with self.engine.connect() as conn:
            return [WatchlistRow(**row._mapping) for row in conn.execute(query)]

    def set_watermarks(self, document_ids: Mapping[int, int]) -> None:
        """Remember the last document already reported for each watchlist (by id); a watermark
        never moves back (a query changed meanwhile starts after the newest document)."""
        w = watchlists.c
        with self.engine.begin() as conn:
            for watchlist_id, document_id in document_ids.items():
                conn.execute(
                    update(watchlists)
                    .where(w.id == watchlist_id, w.watermark < document_id)
                    .values(watermark=document_id)
                )

    def add_rule(
        self,
        kinds: Iterable[str],
        channel: str,
        target: str,
        digest_minutes: float,
        now: dt.datetime,
        watchlist_id: int | None = None,
        department_id: int | None = None,
    ) -> int:
        """Subscribe a target to some kinds of alert (of one watchlist or department, or all)."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    alert_rules.insert()
                    .values(
                        watchlist_id=watchlist_id,
                        department_id=department_id,
                        kinds=",".join(kinds),
                        channel=channel,
                        target=target,
                        digest_minutes=digest_minutes,
                        created_at=now,
                    )
                    .returning(alert_rules.c.id)
                ).scalar_one()
            )

    def rules(self) -> list[RuleRow]:
        """The enabled rules."""
        query = select(alert_rules).where(alert_rules.c.enabled.is_(True))
        with self.engine.connect() as conn:
            return [RuleRow(**row._mapping) for row in conn.execute(query.order_by("id"))]

    # -- count series ----------------------------------------------------------------------

    def _bucket(self, origin: dt.datetime, width: dt.timedelta) -> ColumnElement[int]:
        """Which bucket of `width` seconds after `origin` a document falls in (0, 1, …)."""
        if self.dialect == "sqlite":
            seconds: ColumnElement[int] = cast(func.strftime("%s", appeared_at), Integer)
        else:
            seconds = cast(func.extract("epoch", appeared_at), BigInteger)
        start = int((origin - EPOCH).total_seconds())
        return (seconds - start) // int(width.total_seconds())

    def id_counts(
        self, ids: Sequence[int], origin: dt.datetime, width: dt.timedelta, buckets: int
    ) -> list[int]:
        """How many of these documents fall in each bucket of `width` from `origin`."""
        bucket = self._bucket(origin, width).label("bucket")
        counts = [0] * buckets
        with self.engine.connect() as conn:
            for start in range(0, len(ids), ID_CHUNK):
                query = (
                    select(bucket, func.count())
                    .where(
                        documents.c.id.in_(ids[start : start + ID_CHUNK]),
                        appeared_at >= origin,
                        appeared_at < origin + width * buckets,
                    )
                    .group_by(bucket)
                )
                for index, count in conn.execute(query):
                    counts[int(index)] += count
        return counts

    def outlet_counts(
        self, origin: dt.datetime, width: dt.timedelta, buckets: int
    ) -> dict[tuple[int, str], list[int]]:
        """Documents per outlet (id, name) per bucket, for outlets with any in the period."""
        bucket = self._bucket(origin, width).label("bucket")
        query = (
            select(outlets.c.id, outlets.c.name, bucket, func.count())
            .join(outlets, outlets.c.id == documents.c.outlet_id)
            .where(appeared_at >= origin, appeared_at < origin + width * buckets)
            .group_by(outlets.c.id, outlets.c.name, bucket)
        )
        series: dict[tuple[int, str], list[int]] = {}
        with self.engine.connect() as conn:
            for outlet_id, name, index, count in conn.execute(query):
                series.setdefault((outlet_id, name), [0] * buckets)[int(index)] = count
        return series

    def label_counts(
        self, label: str, origin: dt.datetime, width: dt.timedelta, buckets: int
    ) -> dict[str, list[int]]:
        """Articles per value of a label (topic, place, story, or the city's own districts and
        wards: areas of the articles about Hà Nội) per bucket, posts and comments left to the
        social area's own spikes; {} while the documents carry no such label (the analysis
        migration has not run)."""
        name = LABELS[label]
        if name not in self._document_columns():
            return {}
        if label == "area":
            return self._area_counts(origin, width, buckets)
        value: ColumnClause[Any] = column(name)
        bucket = self._bucket(origin, width).label("bucket")
        query = (
            select(value, bucket, func.count())
            .select_from(documents)
            .where(
                IS_ARTICLE,
                value.is_not(None),
                appeared_at >= origin,
                appeared_at < origin + width * buckets,
            )
            .group_by(value, bucket)
        )
        series: dict[str, list[int]] = {}
        with self.engine.connect() as conn:
            for key, index, count in conn.execute(query):
                series.setdefault(str(key), [0] * buckets)[int(index)] = count
        return series

    def _area_counts(
        self, origin: dt.datetime, width: dt.timedelta, buckets: int
    ) -> dict[str, list[int]]:
        """Articles about Hà Nội per district or ward they name per bucket (areas are many to
        a document, kept '|'-joined, so they are counted here rather than grouped in SQL)."""
        bucket = self._bucket(origin, width).label("bucket")
        query = select(documents.c.areas, bucket).where(
            IS_ARTICLE,
            documents.c.hanoi.is_(True),
            documents.c.areas != "",
            appeared_at >= origin,
            appeared_at < origin + width * buckets,
        )
        series: dict[str, list[int]] = {}
        with self.engine.connect() as conn:
            for areas, index in conn.execute(query):
                for area in split_areas(areas):
                    series.setdefault(area, [0] * buckets)[int(index)] += 1
        return series

    def _document_columns(self) -> set[str]:
        if self._columns is None:
            self._columns = {c["name"] for c in inspect(self.engine).get_columns("documents")}
        return self._columns

    def collecting_since(self) -> dt.datetime | None:
        """When the first stored document was fetched: before it, counts of zero mean nothing
        was collected, not that nothing was published."""
        with self.engine.connect() as conn:  # min() keeps the column's type: an aware moment
            first: dt.datetime | None = conn.execute(
                select(func.min(documents.c.fetched_at))
            ).scalar_one()
        return first

    def last_document_id(self) -> int:
        """The highest document id stored so far (0 if none)."""
        with self.engine.connect() as conn:
            return int(
                conn.execute(select(func.coalesce(func.max(documents.c.id), 0))).scalar_one()
            )

    # -- alerts ----------------------------------------------------------------------------

    def add_alert(
        self, alert: Alert, now: dt.datetime, rule_ids: Iterable[int] = ()
    ) -> Alert | None:
        """Store an alert and owe it to each rule of `rule_ids`, in one transaction, so no alert is
        stored that its rules were never owed; None if one with the same dedupe key exists."""
        values = {
            f.name: getattr(alert, f.name)
            for f in fields(alert)
            if f.name not in ("id", "created_at", "read_at", "payload")
        }
        payload = json.dumps(dict(alert.payload), ensure_ascii=False)
        with self.engine.begin() as conn:
            row = conn.execute(
                self._insert(alerts)
                .values(**values, payload=payload, created_at=now)
                .on_conflict_do_nothing()
                .returning(alerts.c.id)
            ).first()
            if row is None:
                return None
            _route(conn, int(row[0]), rule_ids, now)
        return replace(alert, id=int(row[0]), created_at=now)

    def last_alert_at(self, kind: str, subject_kind: str, subject_key: str, span: str) -> Any:
        """When this subject last raised this kind of alert over this span, or None."""
        query = select(func.max(alerts.c.created_at)).where(
            alerts.c.kind == kind,
            alerts.c.subject_kind == subject_kind,
            alerts.c.subject_key == subject_key,
            alerts.c.span == span,
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def alerts(
        self,
        limit: int = 50,
        owner_user_id: int | None = None,
        department_id: int | None = None,
        kinds: Sequence[str] = (),
        offset: int = 0,
    ) -> list[Alert]:
        """The latest alerts, newest first, from `offset` on; with an owner, only those of the
        owner's watchlists."""
        query = select(alerts).order_by(alerts.c.id.desc()).limit(limit).offset(offset)
        if kinds:
            query = query.where(alerts.c.kind.in_(kinds))
        if owner_user_id is not None or department_id is not None:
            query = query.join(watchlists, watchlists.c.id == alerts.c.watchlist_id).where(
                or_(
                    watchlists.c.owner_user_id == owner_user_id,
                    watchlists.c.department_id == department_id,
                )
            )
        with self.engine.connect() as conn:
            return [_alert(row._mapping) for row in conn.execute(query)]

    def mark_read(self, alert_id: int, now: dt.datetime) -> None:
        """An alert seen in the app."""
        with self.engine.begin() as conn:
            conn.execute(update(alerts).where(alerts.c.id == alert_id).values(read_at=now))

    # -- deliveries and digests ------------------------------------------------------------

    def undigested(self) -> dict[int, list[int]]:
        """Delivery ids not yet in a digest, by rule."""
        query = (
            select(deliveries.c.rule_id, deliveries.c.id)
            .where(deliveries.c.digest_id.is_(None))
            .order_by(deliveries.c.id)
        )
        waiting: dict[int, list[int]] = {}
        with self.engine.connect() as conn:
            for rule_id, delivery_id in conn.execute(query):
                waiting.setdefault(rule_id, []).append(delivery_id)
        return waiting

    def last_digest_at(self, rule_id: int) -> Any:
        """When the rule's latest digest was made, or None."""
        query = select(func.max(digests.c.created_at)).where(digests.c.rule_id == rule_id)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def make_digest(
        self, rule_id: int, delivery_ids: Sequence[int], now: dt.datetime
    ) -> int | None:
        """Group deliveries into one pending message, due now; None when another worker grouped
        them first (an empty digest would go out as an empty mail)."""
        with self.engine.begin() as conn:
            digest_id = int(
                conn.execute(
                    digests.insert()
                    .values(rule_id=rule_id, status="pending", next_attempt_at=now, created_at=now)
                    .returning(digests.c.id)
                ).scalar_one()
            )
            grouped = conn.execute(
                update(deliveries)
                .where(deliveries.c.id.in_(delivery_ids), deliveries.c.digest_id.is_(None))
                .values(digest_id=digest_id)
            )
            if grouped.rowcount == 0:
                conn.execute(delete(digests).where(digests.c.id == digest_id))
                return None
        return digest_id

    def digests(self, statuses: Sequence[str] = ()) -> list[DigestRow]:
        """Digests in some states (all if none given), oldest first."""
        query = select(*_DIGEST_COLUMNS).join(alert_rules, alert_rules.c.id == digests.c.rule_id)
        if statuses:
            query = query.where(digests.c.status.in_(statuses))
        with self.engine.connect() as conn:
            return [DigestRow(**r._mapping) for r in conn.execute(query.order_by(digests.c.id))]

    def claim_digest(
        self, owner: str, now: dt.datetime, lease: dt.timedelta, exclude: Sequence[int] = ()
    ) -> DigestRow | None:
        """Lease the oldest pending digest due by `now` that no live worker holds (a killed
        process of this machine holds none), not one of `exclude`; another worker then skips it
        until its attempt is recorded or the lease ends.

        On PostgreSQL the candidate is locked with SKIP LOCKED, so concurrent workers never
        wait for each other; SQLite's single writer makes the same statement atomic.
        """
        d = digests.c
        with self.engine.begin() as conn:
            free = (
                select(d.id)
                .where(
                    d.status == "pending",
                    d.next_attempt_at <= now,
                    d.id.not_in(list(exclude)),
                    takeable(conn, d.lease_owner, d.lease_until, now),
                )
                .order_by(d.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            claimed = conn.execute(
                update(digests)
                .where(d.id.in_(free.scalar_subquery()))
                .values(lease_owner=owner, lease_until=now + lease)
                .returning(d.id)
            ).scalar()
            if claimed is None:
                return None
            query = select(*_DIGEST_COLUMNS).join(alert_rules, alert_rules.c.id == d.rule_id)
            row = conn.execute(query.where(d.id == claimed)).one()
        return DigestRow(**row._mapping)

    def digest_alerts(self, digest_id: int) -> list[Alert]:
        """The alerts grouped in a digest, oldest first."""
        query = (
            select(alerts)
            .join(deliveries, deliveries.c.alert_id == alerts.c.id)
            .where(deliveries.c.digest_id == digest_id)
            .order_by(alerts.c.id)
        )
        with self.engine.connect() as conn:
            return [_alert(row._mapping) for row in conn.execute(query)]

    def record_attempt(
        self,
        digest_id: int,
        status: str,
        error: str,
        now: dt.datetime,
        next_attempt_at: dt.datetime,
    ) -> None:
        """Write one attempt's outcome on the digest and on each of its deliveries, and give the
        digest's claim back: sent, it is done; failed, the next due worker may retry it."""
        sent_at = now if status == "sent" else None
        with self.engine.begin() as conn:
            conn.execute(
                update(digests)
                .where(digests.c.id == digest_id)
                .values(
                    status=status,
                    attempts=digests.c.attempts + 1,
                    last_error=error,
                    next_attempt_at=next_attempt_at,
                    sent_at=sent_at,
                    lease_owner="",
                    lease_until=None,
                )
            )
            conn.execute(
                update(deliveries)
                .where(deliveries.c.digest_id == digest_id)
                .values(status=status, attempts=deliveries.c.attempts + 1, last_error=error)
            )

    def delivery_counts(self) -> dict[str, int]:
        """How many deliveries are pending, sent and failed, for the health page."""
        query = select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        with self.engine.connect() as conn:
            return {status: int(n) for status, n in conn.execute(query)}


def _route(conn: Connection, alert_id: int, rule_ids: Iterable[int], now: dt.datetime) -> None:
    """Owe the alert to each rule once."""
    rows = [
        {"alert_id": alert_id, "rule_id": r, "status": "pending", "created_at": now}
        for r in rule_ids
    ]
    if rows:
        conn.execute(deliveries.insert(), rows)


def _alert(row: Mapping[Any, Any]) -> Alert:
    values = dict(row)
    values["payload"] = json.loads(values["payload"] or "{}")
    return Alert(**values)
