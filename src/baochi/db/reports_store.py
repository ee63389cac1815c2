"""The reports' SQL: the labelled documents of a period (light rows for counting, texts for the
stories chosen), story titles, and the drafts of briefs and reports.

Counting is done in Python over light rows, the same on SQLite and PostgreSQL; a quarter of
3,000 articles a day is under 300,000 small rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Engine, Select, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from baochi.db.schema import UTCDateTime, documents, outlets
from baochi.db.schema_reports import report_drafts
from baochi.db.schema_stories import stories
from baochi.db.schema_web import users
from baochi.db.turns import DRAFTS, take_turns

T = TypeVar("T")
ID_CHUNK = 5000
appeared_at = func.coalesce(documents.c.published_at, documents.c.fetched_at, type_=UTCDateTime)


@dataclass(frozen=True, slots=True)
class Row:
    """One document as the counts see it."""

    id: int
    url: str
    appeared_at: dt.datetime
    outlet_id: int | None
    outlet: str
    topic: str | None
    tone: str | None
    place: str | None
    hanoi: bool | None
    story_id: int | None
    areas: str | None  # documents.areas: NULL until named


@dataclass(frozen=True, slots=True)
class Text:
    """One document as a summary and its links need it."""

    id: int
    title: str
    url: str
    outlet: str
    lead: str
    body: str

    @property
    def text(self) -> str:
        """Lead, then body."""
        return f"{self.lead}\n{self.body}" if self.lead else self.body


@dataclass(frozen=True, slots=True)
class DraftRow:
    """A stored draft with its paper as JSON text."""

    id: int
    kind: str
    first_day: dt.date
    last_day: dt.date
    scope: str
    title: str
    paper: str
    status: str
    schedule_key: str | None
    created_by: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    sent_at: dt.datetime | None
    sent_to: str
    send_error: str
    sending_since: dt.datetime | None
    issued_at: dt.datetime | None  # published to the leaders in the app

    @property
    def published(self) -> bool:
        """Whether leaders can read it: issued in the app or mailed. It is no longer edited."""
        return self.status == "sent" or self.issued_at is not None


@dataclass(frozen=True, slots=True)
class DraftListed:
    """A draft as the list shows it: no paper, and the name of who made it."""

    id: int
    kind: str
    first_day: dt.date
    last_day: dt.date
    scope: str
    title: str
    status: str
    schedule_key: str | None  # set when the schedule made it
    author: str  # "" when the schedule made it
    updated_at: dt.datetime
    sent_at: dt.datetime | None
    send_error: str
    issued_at: dt.datetime | None


def _published() -> ColumnElement[bool]:
    """Drafts the leaders read: issued in the app, or mailed."""
    c = report_drafts.c
    return or_(c.status == "sent", c.issued_at.is_not(None))


class ReportsStore:
    """Reads for the reports and the drafts table, over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def rows(self, start: dt.datetime, end: dt.datetime, hanoi_only: bool) -> Iterator[Row]:
        """Documents that appeared in [start, end), oldest first (about Hà Nội only if asked)."""
        query = (
            select(
                documents.c.id,
                documents.c.url,
                appeared_at.label("appeared_at"),
                documents.c.outlet_id,
                func.coalesce(outlets.c.name, "").label("outlet"),
                documents.c.topic,
                documents.c.tone,
                documents.c.place,
                documents.c.hanoi,
                documents.c.story_id,
                documents.c.areas,
            )
            .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
            .where(appeared_at >= start, appeared_at < end)
            .order_by(appeared_at, documents.c.id)
        )
        if hanoi_only:
            query = query.where(documents.c.hanoi.is_(True))
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=2000).execute(query):
                yield Row(*tuple(row))

    def any_between(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether any document appeared in [start, end): one row read, the cursor closed."""
        query = select(documents.c.id).where(appeared_at >= start, appeared_at < end).limit(1)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def leads(self, ids: Collection[int]) -> dict[int, tuple[str, str]]:
        """Title and lead of these documents by id: what a reader takes in first."""
        query = select(documents.c.id, documents.c.title, documents.c.lead)
        return self._by_id(query, documents.c.id, ids, lambda row: (row[1], row[2] or ""))

    def texts(self, ids: Collection[int]) -> dict[int, Text]:
        """Titles, links and texts of these documents by id."""
        query = select(
            documents.c.id,
            documents.c.title,
            documents.c.url,
            func.coalesce(outlets.c.name, ""),
            documents.c.lead,
            documents.c.body,
        ).outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
        return self._by_id(query, documents.c.id, ids, lambda row: Text(*row))

    def story_titles(self, ids: Collection[int]) -> dict[int, tuple[str, int]]:
        """Title and conflict count of each story by id."""
        query = select(stories.c.id, stories.c.title, stories.c.conflicts)
        return self._by_id(query, stories.c.id, ids, lambda row: (row[1], row[2]))

    def _by_id(
        self,
        query: Select[Any],
        key: ColumnElement[int],
        ids: Collection[int],
        make: Callable[[Any], T],
    ) -> dict[int, T]:
        """What `make` gives of each row of `query` whose `key` is one of `ids` (the row's first
        column), asked a chunk of ids at a time."""
        found: dict[int, T] = {}
        wanted = sorted(ids)
        with self.engine.connect() as conn:
            for begin in range(0, len(wanted), ID_CHUNK):
                chunk = query.where(key.in_(wanted[begin : begin + ID_CHUNK]))
                found.update({row[0]: make(row) for row in conn.execute(chunk)})
        return found

    # -- drafts ----------------------------------------------------------------------------

    def repeated_draft(
        self, conn: Connection, values: dict[str, Any], since: dt.datetime
    ) -> int | None:
        """The same user's unsent draft of the very same paper, made since then."""
        c = report_drafts.c
        same = select(c.id).where(
            c.created_by == values["created_by"],
            c.created_at >= since,
            c.status == "draft",
            c.issued_at.is_(None),
            c.kind == values["kind"],
            c.paper == values["paper"],
        )
        found: int | None = conn.execute(same.limit(1)).scalar()
        return found

    def add_draft(self, values: dict[str, Any], repeat_since: dt.datetime) -> int:
        """Store a new draft; its id. The same user's unsent draft of the very same paper, made
        since `repeat_since`, is returned instead: a second click, or the browser sending the
        form again. Makings of one user take turns, so two arriving together make one."""
        with self.engine.begin() as conn:
            take_turns(conn, DRAFTS, values["created_by"])
            if (repeated := self.repeated_draft(conn, values, repeat_since)) is not None:
                return repeated
            return int(
                conn.execute(
                    report_drafts.insert().values(**values).returning(report_drafts.c.id)
                ).scalar_one()
            )

    def claim(self, values: dict[str, Any]) -> int | None:
        """Store a scheduled draft unless one with its schedule key exists; its id, or None."""
        insert = (postgresql if self.dialect == "postgresql" else sqlite).insert(report_drafts)
        with self.engine.begin() as conn:
            row = conn.execute(
                insert.values(**values).on_conflict_do_nothing().returning(report_drafts.c.id)
            ).first()
        return None if row is None else int(row[0])

    def claim_send(
        self, draft_id: int, now: dt.datetime, stale: dt.datetime, again: bool = False
    ) -> bool:
        """Mark a draft as being sent, unless a send began after `stale` or, unless `again`, it
        was sent already (another worker's schedule sent it after this one listed it); whether
        it was."""
        c = report_drafts.c
        free = [or_(c.sending_since.is_(None), c.sending_since < stale)]
        if not again:
            free.append(c.status != "sent")
        with self.engine.begin() as conn:
            claimed = conn.execute(
                update(report_drafts).where(c.id == draft_id, *free).values(sending_since=now)
            )
        return claimed.rowcount == 1

    def draft(self, draft_id: int) -> DraftRow | None:
        """One draft, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(report_drafts).where(report_drafts.c.id == draft_id)).first()
        return None if row is None else DraftRow(**row._mapping)

    def drafts(
        self,
        limit: int = 50,
        offset: int = 0,
        kind: str = "",
        status: str = "",
        day: dt.date | None = None,
    ) -> list[DraftListed]:
        """Drafts newest first, without their papers: of one kind ("brief", or "report" for the
        periodic ones), one status ("draft"; "issued", the ones leaders read, issued or mailed;
        "sent"), covering one day, when asked."""
        c = report_drafts.c
        author = func.coalesce(func.nullif(users.c.display_name, ""), users.c.username, "")
        query = (
            select(
                c.id,
                c.kind,
                c.first_day,
                c.last_day,
                c.scope,
                c.title,
                c.status,
                c.schedule_key,
                author.label("author"),
                c.updated_at,
                c.sent_at,
                c.send_error,
                c.issued_at,
            )
            .select_from(report_drafts.outerjoin(users, users.c.id == c.created_by))
            .order_by(c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if kind:
            query = query.where(c.kind == "brief" if kind == "brief" else c.kind != "brief")
        if status == "sent":
            query = query.where(c.status == "sent")
        elif status == "issued":
            query = query.where(_published())
        elif status:
            query = query.where(~_published())
        if day is not None:
            query = query.where(c.first_day <= day, c.last_day >= day)
        with self.engine.connect() as conn:
            return [DraftListed(**row._mapping) for row in conn.execute(query)]

    def scheduled(self, keys: Collection[str]) -> set[str]:
        """Those of the schedule's keys already claimed by a draft."""
        c = report_drafts.c
        with self.engine.connect() as conn:
            found = conn.execute(select(c.schedule_key).where(c.schedule_key.in_(list(keys))))
            return {row[0] for row in found}

    def unsent_scheduled(self) -> list[DraftRow]:
        """Scheduled drafts not sent yet (a failed send is retried from here)."""
        query = select(report_drafts).where(
            report_drafts.c.schedule_key.is_not(None), report_drafts.c.status != "sent"
        )
        with self.engine.connect() as conn:
            return [DraftRow(**row._mapping) for row in conn.execute(query.order_by("id"))]

    def update_draft(self, draft_id: int, values: dict[str, Any]) -> None:
        """Change a draft's columns."""
        with self.engine.begin() as conn:
            conn.execute(
                update(report_drafts).where(report_drafts.c.id == draft_id).values(**values)
            )

    def issue(self, draft_id: int, now: dt.datetime) -> bool:
        """Publish a draft to the leaders in the app, unless it was issued or sent already;
        whether it was."""
        c = report_drafts.c
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(report_drafts)
                .where(c.id == draft_id, ~_published())
                .values(issued_at=now, updated_at=now)
            )
        return changed.rowcount == 1

    def edit_draft(self, draft_id: int, values: dict[str, Any], seen: dt.datetime) -> bool:
        """Change a draft's columns if it is neither sent nor issued and as last updated at
        `seen` (nobody saved, sent or issued it since the editor read it); whether it changed."""
        c = report_drafts.c
        unchanged = (c.id == draft_id, ~_published(), c.updated_at == seen)
        with self.engine.begin() as conn:
            return (
                conn.execute(update(report_drafts).where(*unchanged).values(**values)).rowcount == 1
            )
