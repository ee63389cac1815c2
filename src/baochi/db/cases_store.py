"""The SQL of the cases area: cases, their departments, coverage, events, files, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, and_, false, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from baochi.db.schema import documents, outlets
from baochi.db.schema_cases import (
    case_attachments,
    case_departments,
    case_documents,
    case_events,
    case_notification_reads,
    case_notifications,
    cases,
)
from baochi.db.schema_stories import stories, story_articles
from baochi.db.schema_watch import alerts
from baochi.db.schema_web import departments
from baochi.db.turns import ATTACHMENTS, CASE_OPENINGS, take_turns

# When a case was opened and assigned: a repeat of its opening comes a moment later.
MOMENTS = frozenset({"opened_at", "assigned_at"})


def department_links(
    responsible: Sequence[int], coordinating: Sequence[int]
) -> list[tuple[int, str]]:
    """(department, role) of a case, each department once in the order given: one named twice
    (a form's repeated field) is linked once, and one both leads and coordinates leads, as a
    merge of two departments of one case keeps the responsible role."""
    lead = list(dict.fromkeys(responsible))
    helping = [d for d in dict.fromkeys(coordinating) if d not in lead]
    return [(d, "responsible") for d in lead] + [(d, "coordinating") for d in helping]


@dataclass(frozen=True, slots=True)
class CaseRow:
    """A case with the departments it concerns."""

    id: int
    title: str
    issue: str
    priority: str
    status: str
    origin: str
    story_id: int | None
    alert_id: int | None
    received_on: dt.date
    due_on: dt.date
    opened_at: dt.datetime
    opened_by: int | None
    assigned_at: dt.datetime | None
    answered_at: dt.datetime | None
    answered_by: int | None
    closed_at: dt.datetime | None
    answer: str
    escalation_level: int
    note: str
    responsible: tuple[int, ...] = field(default=())
    coordinating: tuple[int, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class CaseDocument:
    """An article linked to a case: coverage, a candidate reply, or a confirmed reply/correction."""

    document_id: int
    relation: str
    score: int
    title: str
    url: str
    outlet: str
    published_at: dt.datetime | None
    added_at: dt.datetime
    confirmed: bool  # by an analyst; otherwise the relation is the matcher's guess
    duplicate_of: int | None  # the earlier article of its story it copies


class CasesStore:
    """Reads and writes of the cases tables; the same statements run on SQLite and PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def _insert(self, table: Any) -> Any:
        """An INSERT that can take ON CONFLICT clauses in this dialect."""
        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)

    # -- cases ---------------------------------------------------------------------------

    def repeated(
        self,
        conn: Connection,
        values: dict[str, Any],
        links: Collection[tuple[int, str]],
        document_ids: Collection[int],
        since: dt.datetime,
    ) -> int | None:
        """The case this user opened since then from the very same submission: every value,
        department and article alike. Two cases that share only a headline are two cases."""
        c = cases.c
        same = [c[k].is_not_distinct_from(v) for k, v in values.items() if k not in MOMENTS]
        query = select(c.id).where(*same, c.opened_at >= since).order_by(c.id.desc())
        wanted = (set(links), set(document_ids))
        for case_id in conn.execute(query).scalars().all():
            if self._links_of(conn, case_id) == wanted:
                return int(case_id)
        return None

    @staticmethod
    def _links_of(conn: Connection, case_id: int) -> tuple[set[tuple[int, str]], set[int]]:
        """A case's (department, role) links and its articles."""
        d, a = case_departments.c, case_documents.c
        roles = conn.execute(select(d.department_id, d.role).where(d.case_id == case_id))
        articles = conn.execute(select(a.document_id).where(a.case_id == case_id)).scalars()
        return {(int(i), str(r)) for i, r in roles}, {int(i) for i in articles}

    def add_case(
        self,
        values: dict[str, Any],
        responsible: Sequence[int],
        coordinating: Sequence[int],
        document_ids: Sequence[int],
        event: dict[str, Any],
        repeat_since: dt.datetime,
    ) -> int:
        """Insert a case with its departments, coverage and opening event in one transaction,
        unless the same user opened the same case (all alike) since `repeat_since`: that one's
        id then.
        Openings take turns, so two clicks arriving together cannot both miss the first case."""
        with self.engine.begin() as conn:
            take_turns(conn, CASE_OPENINGS, values["opened_by"])
            links = department_links(responsible, coordinating)
            repeated = self.repeated(conn, values, links, document_ids, repeat_since)
            if repeated is not None:
                return repeated
            case_id = int(
                conn.execute(cases.insert().values(**values).returning(cases.c.id)).scalar_one()
            )
            self._set_departments(conn, case_id, links)
            self._link(conn, case_id, document_ids, "coverage", 0, values["opened_at"])
            conn.execute(case_events.insert().values(case_id=case_id, **event))
        return case_id

    def unknown_departments(self, ids: Collection[int]) -> list[int]:
        """Those of these department ids that no department has, or one merged into another
        has: a case routed there is lost."""
        query = select(departments.c.id).where(
            departments.c.id.in_(list(ids)), departments.c.merged_into.is_(None)
        )
        with self.engine.connect() as conn:
            known = {int(i) for i in conn.execute(query).scalars()}
        return sorted(set(ids) - known)

    @staticmethod
    def _set_departments(
        conn: Connection, case_id: int, links: Collection[tuple[int, str]]
    ) -> None:
        conn.execute(case_departments.delete().where(case_departments.c.case_id == case_id))
        rows = [{"case_id": case_id, "department_id": d, "role": r} for d, r in links]
        if rows:
            conn.execute(case_departments.insert(), rows)

    def update_case(
        self,
        case_id: int,
        expected_status: str,
        values: dict[str, Any],
        event: dict[str, Any],
        departments: tuple[Sequence[int], Sequence[int]] | None = None,
        escalate: bool = False,
    ) -> bool:
        """Apply a transition unless someone changed the case's status meanwhile; `escalate`
        raises the level by one in the statement itself, so two escalations at once make two."""
        if escalate:
            values = {**values, "escalation_level": cases.c.escalation_level + 1}
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(cases)
                .where(cases.c.id == case_id, cases.c.status == expected_status)
                .values(**values)
            ).rowcount
            if not changed:
                return False
            if departments is not None:
                self._set_departments(conn, case_id, department_links(*departments))
            conn.execute(case_events.insert().values(case_id=case_id, **event))
        return True

    def case(self, case_id: int) -> CaseRow | None:
        """One case, or None."""
        found = self.cases(ids=[case_id])
        return found[0] if found else None

    def cases(
        self,
        ids: Collection[int] | None = None,
        department_id: int | None = None,
        statuses: Collection[str] | None = None,
        due_before: dt.date | None = None,
        story_id: int | None = None,
    ) -> list[CaseRow]:
        """Cases by id, department (any role), status, last day or story; soonest due first."""
        query = select(cases)
        if ids is not None:
            query = query.where(cases.c.id.in_(list(ids)))
        if department_id is not None:
            query = query.where(
                cases.c.id.in_(
                    select(case_departments.c.case_id).where(
                        case_departments.c.department_id == department_id
                    )
                )
            )
        if statuses is not None:
            query = query.where(cases.c.status.in_(list(statuses)))
        if due_before is not None:
            query = query.where(cases.c.due_on < due_before)
        if story_id is not None:
            query = query.where(cases.c.story_id == story_id)
        # The departments of the same cases, by the same conditions: no list of ids to bind.
        linked = select(case_departments).where(
            case_departments.c.case_id.in_(query.with_only_columns(cases.c.id))
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(cases.c.due_on, cases.c.id)).mappings().all()
            depts: dict[int, dict[str, list[int]]] = {}
            if rows:
                for link in conn.execute(linked.order_by(case_departments.c.department_id)):
                    roles = depts.setdefault(link.case_id, {"responsible": [], "coordinating": []})
                    roles[link.role].append(link.department_id)
        return [
            CaseRow(
                **row,
                responsible=tuple(depts.get(row["id"], {}).get("responsible", ())),
                coordinating=tuple(depts.get(row["id"], {}).get("coordinating", ())),
            )
            for row in rows
        ]

    def document_cases(self, document_id: int) -> list[tuple[CaseRow, str]]:
        """The cases an article is linked to, each with how: coverage, candidate, reply or
        correction; soonest due first."""
        query = select(case_documents.c.case_id, case_documents.c.relation).where(
            case_documents.c.document_id == document_id
        )
        with self.engine.connect() as conn:
            links: dict[int, str] = {row.case_id: row.relation for row in conn.execute(query)}
        return [(case, links[case.id]) for case in self.cases(ids=links)] if links else []

    def events(self, case_id: int) -> list[dict[str, Any]]:
        """What happened to a case, oldest first."""
        query = (
            select(case_events).where(case_events.c.case_id == case_id).order_by(case_events.c.id)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    # -- coverage and replies ------------------------------------------------------------

    def _link(
        self,
        conn: Connection,
        case_id: int,
        document_ids: Iterable[int],
        relation: str,
        score: int,
        at: dt.datetime,
    ) -> int:
        rows = [
            {
                "case_id": case_id,
                "document_id": d,
                "relation": relation,
                "score": score,
                "added_at": at,
            }
            for d in dict.fromkeys(document_ids)
        ]
        if not rows:
            return 0
        # RETURNING counts the rows really written on both backends (rowcount may be -1).
        stmt = self._insert(case_documents).on_conflict_do_nothing()
        stmt = stmt.returning(case_documents.c.document_id)
        return sum(len(conn.execute(stmt.values(**row)).all()) for row in rows)

    def link_documents(
        self, case_id: int, scored: Sequence[tuple[int, str, int]], at: dt.datetime
    ) -> int:
        """Link (document, relation, score) to a case; a link already there is kept as it is."""
        with self.engine.begin() as conn:
            return sum(self._link(conn, case_id, [d], rel, score, at) for d, rel, score in scored)

    def set_relation(
        self, case_id: int, document_id: int, relation: str, user_id: int | None, at: dt.datetime
    ) -> None:
        """Confirm a linked (or new) document as a reply or correction."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(case_documents)
                .where(
                    case_documents.c.case_id == case_id,
                    case_documents.c.document_id == document_id,
                )
                .values(relation=relation, confirmed_by=user_id)
            ).rowcount
            if not done:
                conn.execute(
                    case_documents.insert().values(
                        case_id=case_id,
                        document_id=document_id,
                        relation=relation,
                        added_at=at,
                        confirmed_by=user_id,
                    )
                )

    def case_documents(self, case_id: int) -> list[CaseDocument]:
        """The articles of a case, oldest publication first."""
        query = (
            select(
                case_documents.c.document_id,
                case_documents.c.relation,
                case_documents.c.score,
                documents.c.title,
                documents.c.url,
                func.coalesce(outlets.c.name, "").label("outlet"),
                documents.c.published_at,
                case_documents.c.added_at,
                case_documents.c.confirmed_by.is_not(None).label("confirmed"),
                story_articles.c.duplicate_of,
            )
            .join(documents, documents.c.id == case_documents.c.document_id)
            .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
            .outerjoin(story_articles, story_articles.c.document_id == documents.c.id)
            .where(case_documents.c.case_id == case_id)
            .order_by(documents.c.published_at, documents.c.id)
        )
        with self.engine.connect() as conn:
            return [CaseDocument(**r._mapping) for r in conn.execute(query)]

    def documents_text(self, document_ids: Collection[int]) -> list[dict[str, Any]]:
        """Title, text and publication time of documents, to look for replies among them."""
        query = select(
            documents.c.id,
            documents.c.title,
            documents.c.lead,
            documents.c.body,
            documents.c.published_at,
            documents.c.fetched_at,
            documents.c.story_id,
        ).where(documents.c.id.in_(list(document_ids)))
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def unknown_origin(self, story_id: int | None, alert_id: int | None) -> str | None:
        """ "story" or "alert" when the one given to a case does not exist, else None: a case
        must not follow a story or come from an alert that is not there."""
        with self.engine.connect() as conn:
            for name, table, row_id in (("story", stories, story_id), ("alert", alerts, alert_id)):
                found = select(table.c.id).where(table.c.id == row_id)
                if row_id is not None and conn.execute(found).first() is None:
                    return name
        return None

    def story_title(self, story_id: int) -> str:
        """A story's title, or "" when there is no such story."""
        with self.engine.connect() as conn:
            found = conn.execute(select(stories.c.title).where(stories.c.id == story_id)).first()
        return str(found[0]) if found else ""

    def story_documents(self, story_id: int) -> list[int]:
        """The story's articles, oldest first."""
        query = select(documents.c.id).where(documents.c.story_id == story_id)
        with self.engine.connect() as conn:
            return [int(row[0]) for row in conn.execute(query.order_by(documents.c.id))]

    def unlinked_story_documents(self, case_id: int, story_id: int) -> list[int]:
        """The story's articles not yet linked to the case, oldest first."""
        linked = select(case_documents.c.document_id).where(case_documents.c.case_id == case_id)
        query = (
            select(documents.c.id)
            .where(documents.c.story_id == story_id, documents.c.id.not_in(linked))
            .order_by(documents.c.id)
        )
        with self.engine.connect() as conn:
            return [int(row[0]) for row in conn.execute(query)]

    # -- attachments ---------------------------------------------------------------------

    def add_attachment(self, **values: Any) -> tuple[int, bool]:
        """Record a stored file: (its id, True); or, when the case has a file with the same
        contents, (that file's id, False). One user's uploads take turns, so two copies sent
        together are recorded once."""
        c = case_attachments.c
        twin = select(c.id).where(c.case_id == values["case_id"], c.sha256 == values["sha256"])
        with self.engine.begin() as conn:
            take_turns(conn, ATTACHMENTS, values["uploaded_by"])
            if (found := conn.execute(twin.limit(1)).scalar()) is not None:
                return int(found), False
            statement = case_attachments.insert().values(**values)
            return int(conn.execute(statement.returning(c.id)).scalar_one()), True

    def attachments(self, case_id: int) -> list[dict[str, Any]]:
        """The files of a case, oldest first."""
        query = (
            select(case_attachments)
            .where(case_attachments.c.case_id == case_id)
            .order_by(case_attachments.c.id)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def attachment(self, attachment_id: int) -> dict[str, Any] | None:
        """One file's record, or None."""
        query = select(case_attachments).where(case_attachments.c.id == attachment_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return None if row is None else dict(row._mapping)

    # -- notifications -------------------------------------------------------------------

    def sent_keys(self, case_ids: Collection[int]) -> dict[int, set[str]]:
        """The notification keys already written, per case."""
        sent: dict[int, set[str]] = {}
        ids = list(case_ids)
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 500):
                query = select(case_notifications.c.case_id, case_notifications.c.key).where(
                    case_notifications.c.case_id.in_(ids[start : start + 500])
                )
                for case_id, key in conn.execute(query):
                    sent.setdefault(case_id, set()).add(key)
        return sent

    def add_notifications(
        self, rows: Sequence[dict[str, Any]], levels: dict[int, int]
    ) -> set[tuple[int, str]]:
        """Write new notifications once each and raise the cases' escalation levels (never lower
        them); the (case, key) of those this call wrote, not another run at the same moment."""
        written: set[tuple[int, str]] = set()
        with self.engine.begin() as conn:
            for row in rows:
                stmt = self._insert(case_notifications).values(**row).on_conflict_do_nothing()
                if conn.execute(stmt.returning(case_notifications.c.id)).first() is not None:
                    written.add((row["case_id"], row["key"]))
            for case_id, level in levels.items():
                conn.execute(
                    update(cases)
                    .where(cases.c.id == case_id, cases.c.escalation_level < level)
                    .values(escalation_level=level)
                )
        return written

    def notifications(
        self,
        department_id: int | None = None,
        audience: str | None = None,
        pending_only: bool = False,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        """Notifications, newest first, for a department, the office, or those not yet delivered."""
        query = select(case_notifications)
        if department_id is not None:
            query = query.where(case_notifications.c.department_id == department_id)
        if audience is not None:
            query = query.where(case_notifications.c.audience == audience)
        if pending_only:
            query = query.where(case_notifications.c.delivered_at.is_(None))
        query = query.order_by(case_notifications.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def mark_delivered(self, ids: Collection[int], at: dt.datetime) -> None:
        """Note that the notifier has sent these notifications."""
        with self.engine.begin() as conn:
            conn.execute(
                update(case_notifications)
                .where(
                    and_(
                        case_notifications.c.id.in_(list(ids)),
                        case_notifications.c.delivered_at.is_(None),
                    )
                )
                .values(delivered_at=at)
            )

    # -- each user's notification list -----------------------------------------------------

    @staticmethod
    def _audience(department_id: int | None, office: bool) -> Any:
        """The notifications meant for a department's officers, or for the office."""
        mine = []
        if department_id is not None:
            mine.append(
                and_(
                    case_notifications.c.audience == "department",
                    case_notifications.c.department_id == department_id,
                )
            )
        if office:
            mine.append(case_notifications.c.audience == "office")
        return or_(*mine) if mine else false()

    def inbox(
        self,
        user_id: int,
        department_id: int | None,
        office: bool,
        limit: int = 100,
        offset: int = 0,
        unread_only: bool = False,
    ) -> list[dict[str, Any]]:
        """A user's notifications (or only those unread), newest first, with the case title and
        when the user read each."""
        reads = case_notification_reads
        audience = (
            self._unread(user_id, department_id, office)
            if unread_only
            else self._audience(department_id, office)
        )
        query = (
            select(case_notifications, cases.c.title, cases.c.status, reads.c.read_at)
            .join(cases, cases.c.id == case_notifications.c.case_id)
            .outerjoin(
                reads,
                and_(
                    reads.c.notification_id == case_notifications.c.id, reads.c.user_id == user_id
                ),
            )
            .where(audience)
            .order_by(case_notifications.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def _unread(self, user_id: int, department_id: int | None, office: bool) -> Any:
        read = select(case_notification_reads.c.notification_id).where(
            case_notification_reads.c.user_id == user_id
        )
        return and_(self._audience(department_id, office), case_notifications.c.id.not_in(read))

    def unread_count(self, user_id: int, department_id: int | None, office: bool) -> int:
        """How many of a user's notifications they have not read."""
        query = select(func.count()).where(self._unread(user_id, department_id, office))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def mark_read(
        self,
        user_id: int,
        department_id: int | None,
        office: bool,
        at: dt.datetime,
        ids: Collection[int] | None = None,
    ) -> int:
        """Mark some (or all) of a user's unread notifications read; ids not theirs are ignored."""
        query = select(case_notifications.c.id).where(self._unread(user_id, department_id, office))
        if ids is not None:
            query = query.where(case_notifications.c.id.in_(list(ids)))
        with self.engine.begin() as conn:
            found = [row[0] for row in conn.execute(query)]
            if found:
                conn.execute(
                    case_notification_reads.insert(),
                    [{"notification_id": n, "user_id": user_id, "read_at": at} for n in found],
                )
        return len(found)
