"""The social SQL: channels and their sync state, the parts of posts and comments that change
after they are stored (engagement, parent), the stories they joined, and the reads of the
social pages and the official channels' figures. SQLAlchemy Core only: SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, bindparam, case, func, inspect, or_, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from baochi.db.leases import takeable
from baochi.db.schema import UTCDateTime, appeared_between, documents, outlets
from baochi.db.schema_social import social_accounts, story_social
from baochi.db.schema_stories import stories
from baochi.records import digest

appeared_at = func.coalesce(documents.c.published_at, documents.c.fetched_at, type_=UTCDateTime)
ID_CHUNK = 5000
SOCIAL_KINDS = ("post", "comment")


def _utc(moment: dt.datetime) -> dt.datetime:
    """A time read back from an aggregate, which SQLite gives without its zone."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


REFRESHED = ("reactions", "comments", "shares", "views", "parent_id", "parent_external")


def _unplaced_replies(conn: Connection, joined: Iterable[int]) -> list[tuple[int, int]]:
    """Comments in no story yet that answer documents just joined to one: each with the story
    of the one it answers."""
    reply, answered = documents.alias("reply"), documents.alias("answered")
    ids = sorted(set(joined))
    found: list[tuple[int, int]] = []
    for start in range(0, len(ids), ID_CHUNK):
        query = (
            select(reply.c.id, answered.c.story_id)
            .join(answered, answered.c.id == reply.c.parent_id)
            .where(
                reply.c.parent_id.in_(ids[start : start + ID_CHUNK]),
                reply.c.kind == "comment",
                reply.c.story_id.is_(None),
                answered.c.story_id.is_not(None),
            )
        )
        found += [(int(r), int(s)) for r, s in conn.execute(query)]
    return found


@dataclass(frozen=True, slots=True)
class AccountRow:
    """A channel the office follows or owns."""

    id: int
    platform: str
    connector: str
    handle: str
    name: str
    official: bool
    department: str
    config: dict[str, Any]
    token: str
    cursor: str
    enabled: bool
    last_sync_at: dt.datetime | None
    last_error: str
    items_total: int
    created_at: dt.datetime
    lease_owner: str = ""
    lease_until: dt.datetime | None = None
    next_sync_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class SocialRow:
    """A stored post or comment as the social pages show it."""

    id: int
    kind: str
    platform: str
    account: str
    author: str
    title: str
    text: str
    url: str
    appeared_at: dt.datetime
    reactions: int
    comments: int
    shares: int
    views: int
    parent_id: int | None
    sentiment: str
    toxicity: str
    offensive: list[list[int]]
    story_id: int | None

    @property
    def engagement(self) -> int:
        """Reactions, comments and shares together (views are reach, not engagement)."""
        return self.reactions + self.comments + self.shares


def _account(row: Any) -> AccountRow:
    m = dict(row._mapping)
    m["config"] = json.loads(m["config"] or "{}")
    return AccountRow(**m)


_SOCIAL = (
    documents.c.id,
    documents.c.kind,
    func.coalesce(documents.c.platform, ""),
    func.coalesce(social_accounts.c.name, outlets.c.name, ""),
    func.coalesce(documents.c.author, ""),
    documents.c.title,
    documents.c.body,
    documents.c.url,
    appeared_at,
    func.coalesce(documents.c.reactions, 0),
    func.coalesce(documents.c.comments, 0),
    func.coalesce(documents.c.shares, 0),
    func.coalesce(documents.c.views, 0),
    documents.c.parent_id,
    func.coalesce(documents.c.sentiment, ""),
    func.coalesce(documents.c.toxicity, ""),
    documents.c.offensive,
    documents.c.story_id,
)


def _social(row: Any) -> SocialRow:
    values = list(row)
    values[16] = json.loads(values[16] or "[]")
    return SocialRow(*values)


class SocialStore:
    """Channels, engagement updates, posts' stories, and the social reads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def _insert(self, table: Any) -> Any:
        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)

    def available(self) -> bool:
        """Whether the social migration has run on this database (an area may run alone)."""
        return inspect(self.engine).has_table("story_social")

    # -- channels ------------------------------------------------------------------------

    def add_account(
        self,
        platform: str,
        connector: str,
        handle: str,
        name: str,
        official: bool = False,
        department: str = "",
        config: Mapping[str, Any] | None = None,
        token: str = "",
    ) -> tuple[int, bool]:
        """Register a channel (id, created?); the same platform and handle again updates it."""
        if token and not token.startswith("enc:"):
            raise ValueError("a channel's token is stored encrypted only ('enc:…')")
        values = {
            "platform": platform,
            "connector": connector,
            "handle": handle,
            "name": name,
            "official": official,
            "department": department,
            "config": json.dumps(dict(config or {}), ensure_ascii=False, sort_keys=True),
        }
        if token:
            values["token"] = token
        with self.engine.begin() as conn:
            existing = conn.execute(
                select(social_accounts.c.id).where(
                    social_accounts.c.platform == platform, social_accounts.c.handle == handle
                )
            ).scalar()
            if existing is not None:
                conn.execute(
                    update(social_accounts).where(social_accounts.c.id == existing).values(**values)
                )
                return int(existing), False
            new = conn.execute(
                social_accounts.insert().values(**values, created_at=dt.datetime.now(dt.UTC))
            ).inserted_primary_key
            assert new is not None
            return int(new[0]), True

    def accounts(
        self, enabled_only: bool = False, official: bool | None = None
    ) -> list[AccountRow]:
        """The channels by name (the enabled ones, the official ones)."""
        query = select(social_accounts).order_by(social_accounts.c.name, social_accounts.c.id)
        if enabled_only:
            query = query.where(social_accounts.c.enabled.is_(True))
        if official is not None:
            query = query.where(social_accounts.c.official.is_(official))
        with self.engine.connect() as conn:
            return [_account(row) for row in conn.execute(query)]

    def account(self, account_id: int) -> AccountRow | None:
        """One channel, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(social_accounts).where(social_accounts.c.id == account_id)
            ).first()
        return None if row is None else _account(row)

    def claim_account(
        self,
        owner: str,
        when: dt.datetime,
        lease: float,
        account_ids: Sequence[int] | None = None,
        due_only: bool = True,
        exclude: Sequence[int] = (),
    ) -> AccountRow | None:
        """Lease one channel that no live lease holds (a killed process of this machine holds
        none): an enabled one, or one of `account_ids`; due by `when` if `due_only`; not one of
        `exclude` (those this sync has done). Another worker then skips it.

        On PostgreSQL the candidate is locked with SKIP LOCKED, so concurrent workers never
        wait for each other; SQLite's single writer makes the same statement atomic.
        """
        a = social_accounts.c
        until = when + dt.timedelta(seconds=lease)
        with self.engine.begin() as conn:
            free = (
                select(a.id)
                .where(
                    a.enabled.is_(True) if account_ids is None else a.id.in_(list(account_ids)),
                    a.connector != "import",
                    a.id.not_in(list(exclude)),
                    takeable(conn, a.lease_owner, a.lease_until, when),
                )
                .order_by(a.next_sync_at.is_not(None), a.next_sync_at, a.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if due_only:
                free = free.where(a.next_sync_at.is_(None) | (a.next_sync_at <= when))
            row = conn.execute(
                update(social_accounts)
                .where(a.id.in_(free.scalar_subquery()))
                .values(lease_owner=owner, lease_until=until)
                .returning(*social_accounts.c)
            ).first()
        return None if row is None else _account(row)

    def release_account(self, account_id: int, owner: str) -> None:
        """Give a channel's lease back unsynced (a stopping worker): due as it was, its cursor
        kept, free for the next worker at once instead of when the lease ends."""
        a = social_accounts.c
        with self.engine.begin() as conn:
            conn.execute(
                update(social_accounts)
                .where(a.id == account_id, a.lease_owner == owner)
                .values(lease_owner="", lease_until=None)
            )

    def count_imported(self, account_id: int, stored: int) -> None:
        """Add items brought in from a file to the channel's count (a sync counts its own)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(social_accounts)
                .where(social_accounts.c.id == account_id)
                .values(items_total=social_accounts.c.items_total + stored)
            )

    def record_sync(
        self,
        account_id: int,
        cursor: str,
        error: str,
        stored: int,
        when: dt.datetime,
        next_at: dt.datetime | None = None,
    ) -> None:
        """Where the next sync starts, the last error ("" when fine), the count so far, and
        when the channel is next due; its lease is given back."""
        with self.engine.begin() as conn:
            conn.execute(
                update(social_accounts)
                .where(social_accounts.c.id == account_id)
                .values(
                    cursor=cursor,
                    last_error=error,
                    last_sync_at=when,
                    items_total=social_accounts.c.items_total + stored,
                    next_sync_at=next_at,
                    lease_owner="",
                    lease_until=None,
                )
            )

    # -- posts and comments --------------------------------------------------------------

    def ids_by_external(self, platform: str, externals: Iterable[str]) -> dict[str, int]:
        """Stored document ids of platform ids (to link comments to their post)."""
        c = documents.c
        rows = self._keyed(platform, c.external_id, externals, (c.external_id, c.id))
        return {str(e): int(i) for e, i in rows}

    def waiting_for(self, platform: str, externals: Iterable[str]) -> dict[int, str]:
        """Stored comments still waiting for one of these posts (or comments) to answer: their
        document id → the platform id of the one they answer."""
        c = documents.c
        shown = (c.id, c.parent_external)
        rows = self._keyed(platform, c.parent_external, externals, shown, c.parent_id.is_(None))
        return {int(i): str(e) for i, e in rows}

    def _keyed(
        self,
        platform: str,
        key: ColumnElement[Any],
        values: Iterable[str],
        shown: tuple[ColumnElement[Any], ...],
        *where: ColumnElement[bool],
    ) -> list[Any]:
        """`shown` of a platform's documents whose `key` is one of `values`, ID_CHUNK at a time."""
        wanted = sorted(set(values))
        rows: list[Any] = []
        with self.engine.connect() as conn:
            for start in range(0, len(wanted), ID_CHUNK):
                chunk = key.in_(wanted[start : start + ID_CHUNK])
                query = select(*shown).where(documents.c.platform == platform, chunk, *where)
                rows += conn.execute(query).all()
        return rows

    def refresh(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Write the newest engagement counts and parents of stored items (by document id); a
        None keeps what is there. One statement for the whole batch."""
        if not rows:
            return
        kept = {
            name: func.coalesce(
                bindparam(f"new_{name}", type_=documents.c[name].type), documents.c[name]
            )
            for name in REFRESHED
        }
        statement = update(documents).where(documents.c.id == bindparam("doc_id")).values(**kept)
        with self.engine.begin() as conn:
            conn.execute(
                statement,
                [{"doc_id": r["id"], **{f"new_{n}": r.get(n) for n in REFRESHED}} for r in rows],
            )

    def items(
        self,
        ids: Sequence[int] | None = None,
        account_id: int | None = None,
        story_id: int | None = None,
        kind: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int = 200,
        order: str = "newest",
        toxicity: Sequence[str] | None = None,
        sentiment: str | None = None,
        offset: int = 0,
    ) -> list[SocialRow]:
        """Posts and comments, filtered, newest first (or by engagement, "engagement"), from
        `offset` on."""
        query = (
            select(*_SOCIAL)
            .outerjoin(social_accounts, social_accounts.c.id == documents.c.account_id)
            .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
            .where(documents.c.kind.in_(SOCIAL_KINDS))
        )
        if ids is not None:
            query = query.where(documents.c.id.in_(list(ids)))
        if account_id is not None:
            query = query.where(documents.c.account_id == account_id)
        if story_id is not None:
            joined = select(story_social.c.document_id).where(story_social.c.story_id == story_id)
            query = query.where(documents.c.id.in_(joined))
        if kind is not None:
            query = query.where(documents.c.kind == kind)
        if toxicity is not None:
            query = query.where(documents.c.toxicity.in_(list(toxicity)))
        if sentiment is not None:
            query = query.where(documents.c.sentiment == sentiment)
        if since is not None:
            query = query.where(appeared_at >= since)
        if until is not None:
            query = query.where(appeared_at < until)
        if order == "engagement":
            score = (
                func.coalesce(documents.c.reactions, 0)
                + func.coalesce(documents.c.comments, 0)
                + func.coalesce(documents.c.shares, 0)
            )
            query = query.order_by(score.desc(), documents.c.id.desc())
        else:
            query = query.order_by(appeared_at.desc(), documents.c.id.desc())
        with self.engine.connect() as conn:
            return [_social(row) for row in conn.execute(query.limit(limit).offset(offset))]

    def article_stories(self, urls: Iterable[str]) -> dict[str, tuple[int, int | None]]:
        """Stored articles by URL: (document id, story id) — what a shared link points at."""
        by_hash = {digest(u): u for u in urls}
        found: dict[str, tuple[int, int | None]] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(documents.c.url_hash, documents.c.id, documents.c.story_id).where(
                    documents.c.url_hash.in_(list(by_hash)), documents.c.kind == "article"
                )
            )
            for url_hash, doc_id, story_id in rows:
                found[by_hash[url_hash]] = (int(doc_id), story_id)
        return found

    def join_stories(self, joins: Sequence[tuple[int, int, str, float | None]]) -> None:
        """Put posts and comments in stories: (document, story, via, similarity); repeatable.
        The comments below them in no story follow, however deep the thread: a reply stored
        while the comment it answers waited for its post would otherwise wait for a sync."""
        stamp = dt.datetime.now(dt.UTC)
        with self.engine.begin() as conn:
            while joins:
                conn.execute(
                    self._insert(story_social).on_conflict_do_nothing(),
                    [
                        {"document_id": d, "story_id": s, "via": via, "similarity": sim,
                         "added_at": stamp}
                        for d, s, via, sim in joins
                    ],
                )  # fmt: skip
                conn.execute(
                    update(documents)
                    .where(documents.c.id == bindparam("doc"), documents.c.story_id.is_(None))
                    .values(story_id=bindparam("story")),
                    [{"doc": d, "story": s} for d, s, _, _ in joins],
                )
                joins = [
                    (r, s, "parent", None)
                    for r, s in _unplaced_replies(conn, (d for d, *_ in joins))
                ]

    def story_of(self, document_ids: Iterable[int]) -> dict[int, int]:
        """The story each of these documents is in (articles' and posts' alike)."""
        ids = list(set(document_ids))
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(documents.c.id, documents.c.story_id).where(
                    documents.c.id.in_(ids), documents.c.story_id.is_not(None)
                )
            )
            return {int(i): int(s) for i, s in rows}

    def recent_articles(
        self, since: dt.datetime, until: dt.datetime, limit: int = 20_000
    ) -> list[tuple[int, int, str]]:
        """(document id, story id, title + lead) of articles placed in stories in a period."""
        query = (
            select(documents.c.id, documents.c.story_id, documents.c.title, documents.c.lead)
            .where(
                documents.c.kind == "article",
                documents.c.story_id.is_not(None),
                appeared_at >= since,
                appeared_at < until,
            )
            .order_by(documents.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(int(i), int(s), f"{t}\n{lead}") for i, s, t, lead in conn.execute(query)]

    def ids_since(self, since: dt.datetime, by: str = "account_id") -> dict[str, list[int]]:
        """Ids of posts and comments since a time, grouped by channel or platform."""
        key = documents.c.account_id if by == "account_id" else documents.c.platform
        query = select(key, documents.c.id).where(
            documents.c.kind.in_(SOCIAL_KINDS), appeared_at >= since, key.is_not(None)
        )
        grouped: dict[str, list[int]] = {}
        with self.engine.connect() as conn:
            for value, doc_id in conn.execute(query):
                grouped.setdefault(str(value), []).append(int(doc_id))
        return grouped

    def negative_story_starts(
        self, since: dt.datetime, until: dt.datetime, also: Collection[int] = ()
    ) -> dict[int, tuple[dt.datetime, str, bool]]:
        """Stories with negative press coverage in a period that are about Hà Nội or among
        `also`: first negative article time, the story's title, and whether a negative article
        of it is about Hà Nội. Dated and undated articles are read apart, so that each part is
        one range of ix_documents_tone (an OR of the two reads every article of the period)."""
        about = (documents.c.kind == "article", documents.c.tone == "negative")
        columns = (documents.c.story_id, appeared_at.label("at"), documents.c.hanoi)
        dated = select(*columns).where(
            *about, documents.c.published_at >= since, documents.c.published_at < until
        )
        undated = select(*columns).where(
            *about,
            documents.c.published_at.is_(None),
            documents.c.fetched_at >= since,
            documents.c.fetched_at < until,
        )
        negative = union_all(dated, undated).subquery()
        about_hanoi = func.max(case((negative.c.hanoi.is_(True), 1), else_=0))
        kept = (
            select(
                negative.c.story_id,
                func.min(negative.c.at).label("first"),
                about_hanoi.label("hanoi"),
            )
            .where(negative.c.story_id.is_not(None))
            .group_by(negative.c.story_id)
            .having(or_(about_hanoi == 1, negative.c.story_id.in_(list(also))))
            .subquery()
        )
        query = select(kept.c.story_id, kept.c.first, stories.c.title, kept.c.hanoi).join(
            stories, stories.c.id == kept.c.story_id
        )
        with self.engine.connect() as conn:
            return {int(s): (_utc(first), t, bool(h)) for s, first, t, h in conn.execute(query)}

    def official_posts(self, since: dt.datetime) -> dict[int, list[tuple[dt.datetime, int]]]:
        """Each story's posts by an official channel since a time, oldest first: (time, id)."""
        query = (
            select(story_social.c.story_id, appeared_at, documents.c.id)
            .join(documents, documents.c.id == story_social.c.document_id)
            .join(social_accounts, social_accounts.c.id == documents.c.account_id)
            .where(
                social_accounts.c.official.is_(True),
                documents.c.kind == "post",
                appeared_between(since),
            )
            .order_by(appeared_at, documents.c.id)
        )
        found: dict[int, list[tuple[dt.datetime, int]]] = {}
        with self.engine.connect() as conn:
            for story_id, when, doc_id in conn.execute(query):
                found.setdefault(int(story_id), []).append((_utc(when), int(doc_id)))
        return found
