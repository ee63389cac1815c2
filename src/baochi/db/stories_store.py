"""The stories' SQL: documents read for linking, assignments and conflicts written idempotently,
stories summarised from their articles, and the reads the story pages need.

Statements are SQLAlchemy Core only, so the same code runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from sqlalchemy import (
    Engine,
    Integer,
    String,
    column,
    delete,
    func,
    inspect,
    select,
    table,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from baochi.db.leases import ended_here
from baochi.db.schema import UTCDateTime, appeared_between, documents, outlets
from baochi.db.schema_stories import stories, story_articles, story_conflicts, story_placer
from baochi.records import digest

ID_CHUNK = 5000  # ids per IN list, well under every backend's limit on bound parameters
# When an article appeared: its publication time, or when we fetched it if it has none.
appeared_at = func.coalesce(documents.c.published_at, documents.c.fetched_at, type_=UTCDateTime)
# Labels the analysis may have written on documents (search branch); used when present.
LABELS = ("tone", "topic", "place")
# documents.story_id, which schema.py does not declare (the search branch adds it).
labelled = table("documents", column("id", Integer), column("story_id", Integer))


@dataclass(frozen=True, slots=True)
class StoryDocument:
    """A stored document as the story stage reads it."""

    id: int
    title: str
    text: str
    appeared_at: dt.datetime
    outlet: str
    story_id: int | None = None
    duplicate_of: int | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Where one document went: its story, the earlier copy, and its closest member's cosine."""

    document_id: int
    story_id: int
    duplicate_of: int | None
    similarity: float | None


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    """Two phrases of two documents of a story that cannot both be true."""

    story_id: int
    document_id: int
    other_id: int
    type: str
    span: str
    other_span: str
    sentence: str = ""
    other_sentence: str = ""


@dataclass(frozen=True, slots=True)
class StoryRow:
    """A story as the lists show it."""

    id: int
    title: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    articles: int
    copies: int
    outlets: int
    conflicts: int
    summary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RisingStory:
    """A story told today, with its articles of the day and of the day before, to compare."""

    story: StoryRow
    recent: int  # articles that appeared in the window asked for
    before: int  # articles that appeared in as long a window just before it

    @property
    def new(self) -> bool:
        """Whether every article of the story appeared in the window: it began there."""
        return self.recent >= self.story.articles


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """An article of a story, with the earlier copy it repeats (None for an original)."""

    document_id: int
    title: str
    url: str
    outlet: str
    appeared_at: dt.datetime
    duplicate_of: int | None
    areas: str | None = None  # documents.areas
    topic: str | None = None  # the labels as search shows them: an analyst's correction wins
    tone: str | None = None
    place: str | None = None


@dataclass(frozen=True, slots=True)
class ConflictView:
    """A conflict with both sides' outlets and titles, to show side by side."""

    type: str
    document_id: int
    outlet: str
    title: str
    span: str
    sentence: str
    other_id: int
    other_outlet: str
    other_title: str
    other_span: str
    other_sentence: str
    id: int
    story_id: int
    story_title: str
    found_at: dt.datetime
    url: str
    other_url: str
    official: bool  # the outlet is the city's own (its portal, its papers): an official source
    other_official: bool

    def facing(self, document_id: int) -> ConflictView:
        """The conflict with this article as its first side, as the article's page reads it."""
        if self.document_id == document_id:
            return self
        return replace(
            self,
            document_id=self.other_id,
            outlet=self.other_outlet,
            title=self.other_title,
            span=self.other_span,
            sentence=self.other_sentence,
            url=self.other_url,
            official=self.other_official,
            other_id=self.document_id,
            other_outlet=self.outlet,
            other_title=self.title,
            other_span=self.span,
            other_sentence=self.sentence,
            other_url=self.url,
            other_official=self.official,
        )

    def sides(self) -> list[dict[str, object]]:
        """Both articles with their phrase and sentence, as plain data for alerts and the API."""
        return [
            {"id": i, "title": t, "url": u, "outlet": o, "official": f, "span": s, "sentence": n}
            for i, t, u, o, f, s, n in (
                (
                    self.document_id,
                    self.title,
                    self.url,
                    self.outlet,
                    self.official,
                    self.span,
                    self.sentence,
                ),
                (
                    self.other_id,
                    self.other_title,
                    self.other_url,
                    self.other_outlet,
                    self.other_official,
                    self.other_span,
                    self.other_sentence,
                ),
            )
        ]


_READ = (
    documents.c.id,
    documents.c.title,
    documents.c.lead,
    documents.c.body,
    appeared_at.label("appeared_at"),
    func.coalesce(outlets.c.name, "").label("outlet"),
)


def _document(row: Any) -> StoryDocument:
    text = f"{row.lead}\n{row.body}" if row.lead else row.body
    mapping = row._mapping
    return StoryDocument(
        row.id,
        row.title,
        text,
        row.appeared_at,
        row.outlet,
        mapping.get("story_id"),
        mapping.get("duplicate_of"),
    )


class StoryStore:
    """Reads and writes of the stories tables over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._columns: set[str] | None = None

    def _insert(self, table: Any) -> Any:
        """An INSERT that can take ON CONFLICT clauses in this dialect."""
        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)

    def _document_columns(self) -> set[str]:
        if self._columns is None:
            self._columns = {c["name"] for c in inspect(self.engine).get_columns("documents")}
        return self._columns

    def available(self) -> bool:
        """True once the stories migration has run on this database."""
        return inspect(self.engine).has_table(stories.name)

    # -- reading documents to link -------------------------------------------------------

    def documents(self, ids: Sequence[int], unplaced: bool = True) -> list[StoryDocument]:
        """The documents with these ids (only those not yet in a story, unless told otherwise),
        in arrival order."""
        found: list[StoryDocument] = []
        with self.engine.connect() as conn:
            for start in range(0, len(ids), ID_CHUNK):
                chunk = list(ids[start : start + ID_CHUNK])
                query = (
                    select(*_READ)
                    .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
                    .where(documents.c.id.in_(chunk))
                )
                if unplaced:
                    query = query.outerjoin(
                        story_articles, story_articles.c.document_id == documents.c.id
                    ).where(story_articles.c.document_id.is_(None))
                found.extend(_document(row) for row in conn.execute(query))
        return sorted(found, key=lambda d: (d.appeared_at, d.id))

    def history(
        self, since: dt.datetime, until: dt.datetime | None = None, limit: int | None = None
    ) -> Iterator[StoryDocument]:
        """Documents that appeared in [since, until), oldest first, with their story if any;
        with a limit, only the newest `limit` of them."""
        query = (
            select(*_READ, story_articles.c.story_id, story_articles.c.duplicate_of)
            .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
            .outerjoin(story_articles, story_articles.c.document_id == documents.c.id)
            .where(appeared_at >= since)
        )
        if until is not None:
            query = query.where(appeared_at < until)
        if limit is not None:
            newest = query.order_by(appeared_at.desc(), documents.c.id.desc()).limit(limit)
            with self.engine.connect() as conn:
                rows = [_document(row) for row in conn.execute(newest)]
            yield from reversed(rows)
            return
        query = query.order_by(appeared_at, documents.c.id)
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=500).execute(query):
                yield _document(row)

    def latest_appearance(self) -> dt.datetime | None:
        """When the most recent document already in a story appeared."""
        query = select(func.max(appeared_at)).select_from(
            story_articles.join(documents, documents.c.id == story_articles.c.document_id)
        )
        with self.engine.connect() as conn:
            value = conn.execute(query).scalar()
        return None if value is None else value.replace(tzinfo=dt.UTC)

    def unplaced(self, limit: int) -> list[int]:
        """Ids of stored documents in no story yet, oldest id first."""
        query = (
            select(documents.c.id)
            .outerjoin(story_articles, story_articles.c.document_id == documents.c.id)
            .where(story_articles.c.document_id.is_(None))
            .order_by(documents.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [int(i) for i in conn.execute(query).scalars()]

    # -- the placer lease ------------------------------------------------------------------

    def claim_placer(self, owner: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Take or extend the placer lease unless another owner holds a live one (a killed
        process of this machine holds none)."""
        p = story_placer.c
        with self.engine.begin() as conn:
            holder = conn.execute(select(p.owner).where(p.id == 1)).scalar() or ""
            free = (p.owner == owner) | (p.lease_until.is_(None)) | (p.lease_until < now)
            if holder and ended_here(holder):
                free |= p.owner == holder
            claimed = conn.execute(
                update(story_placer)
                .where(p.id == 1, free)
                .values(owner=owner, lease_until=until)
                .returning(p.id)
            ).first()
        return claimed is not None

    def release_placer(self, owner: str) -> None:
        """Give the lease back at once (a dead placer's lease simply expires)."""
        p = story_placer.c
        with self.engine.begin() as conn:
            conn.execute(
                update(story_placer)
                .where(p.id == 1, p.owner == owner)
                .values(owner="", lease_until=None)
            )

    def generation(self) -> int:
        """How many batches of placements were ever written, by any process."""
        with self.engine.connect() as conn:
            found = conn.execute(select(story_placer.c.generation)).scalar()
        return int(found or 0)

    # -- writing -------------------------------------------------------------------------

    def save(
        self,
        assignments: Sequence[Assignment],
        conflicts: Sequence[ConflictRecord],
        titles: Mapping[int, str],
        now: dt.datetime,
        rules: int,
    ) -> int:
        """Write a batch of assignments and conflicts (found by conflict rules of version
        `rules`) and refresh the stories they touch, in one transaction; writing the same batch
        again changes nothing. The new generation."""
        touched = sorted({a.story_id for a in assignments} | {c.story_id for c in conflicts})
        with self.engine.begin() as conn:
            generation = conn.execute(
                update(story_placer)
                .where(story_placer.c.id == 1)
                .values(generation=story_placer.c.generation + 1)
                .returning(story_placer.c.generation)
            ).scalar_one()
            for story_id in touched:  # placeholders first: articles reference their story
                conn.execute(
                    self._insert(stories)
                    .values(
                        id=story_id,
                        title=titles.get(story_id, ""),
                        first_seen=now,
                        last_seen=now,
                        articles=0,
                        updated_at=now,
                    )
                    .on_conflict_do_nothing()
                )
            if assignments:
                conn.execute(
                    self._insert(story_articles).on_conflict_do_nothing(),
                    [
                        {
                            "document_id": a.document_id,
                            "story_id": a.story_id,
                            "duplicate_of": a.duplicate_of,
                            "similarity": a.similarity,
                            "added_at": now,
                        }
                        for a in assignments
                    ],
                )
                self._label_documents(conn, assignments)
            self._insert_conflicts(conn, conflicts, rules, {}, now)
            for story_id in touched:
                self._summarise(conn, story_id, titles.get(story_id), now)
        return int(generation)

    def _insert_conflicts(
        self,
        conn: Connection,
        conflicts: Sequence[ConflictRecord],
        rules: int,
        first_found: Mapping[tuple[int, int], dt.datetime],
        now: dt.datetime,
    ) -> None:
        """Insert conflicts unless already stored, found when their pair was first flagged."""
        if not conflicts:
            return
        conn.execute(
            self._insert(story_conflicts).on_conflict_do_nothing(),
            [
                {
                    **asdict(c),
                    "fingerprint": _fingerprint(c),
                    "found_at": first_found.get((c.document_id, c.other_id), now),
                    "rules": rules,
                }
                for c in conflicts
            ],
        )

    def stale_conflicts(self, rules: int, limit: int) -> list[tuple[int, int, int]]:
        """Pairs of articles (story, later, earlier) with a conflict that older rules than
        `rules` found, oldest first."""
        c = story_conflicts.c
        query = (
            select(c.story_id, c.document_id, c.other_id)
            .where(c.rules < rules)
            .group_by(c.story_id, c.document_id, c.other_id)
            .order_by(func.min(c.id))
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(int(s), int(d), int(o)) for s, d, o in conn.execute(query)]

    def replace_conflicts(
        self,
        pairs: Sequence[tuple[int, int, int]],
        conflicts: Sequence[ConflictRecord],
        rules: int,
        now: dt.datetime,
    ) -> None:
        """Put the conflicts that rules `rules` find in these pairs in place of the older
        rules' ones, in one transaction, and recount the stories touched. A conflict found again
        keeps its row; a new one takes when its pair was first flagged, so the alerts do not
        announce either again."""
        c = story_conflicts.c
        kept = {_fingerprint(record) for record in conflicts}
        first_found: dict[tuple[int, int], dt.datetime] = {}
        with self.engine.begin() as conn:
            for _, later, earlier in pairs:
                older = (c.document_id == later) & (c.other_id == earlier) & (c.rules < rules)
                found = conn.execute(select(func.min(c.found_at)).where(older)).scalar()
                if found is not None:
                    first_found[(later, earlier)] = found
                conn.execute(delete(story_conflicts).where(older, c.fingerprint.not_in(kept)))
                conn.execute(update(story_conflicts).where(older).values(rules=rules))
            self._insert_conflicts(conn, conflicts, rules, first_found, now)
            for story_id in sorted({story for story, _, _ in pairs}):
                self._summarise(conn, story_id, None, now)

    def _label_documents(self, conn: Connection, assignments: Sequence[Assignment]) -> None:
        """Copy the story id onto documents.story_id when the schema has it (search facets)."""
        if "story_id" not in self._document_columns():
            return
        by_story: dict[int, list[int]] = {}
        for a in assignments:
            by_story.setdefault(a.story_id, []).append(a.document_id)
        for story_id, ids in by_story.items():
            conn.execute(update(labelled).where(labelled.c.id.in_(ids)).values(story_id=story_id))

    def resummarise(self, conn: Connection, story_id: int) -> None:
        """Recount a story's labels after one of its articles was relabelled by an analyst, in
        the transaction that relabelled it."""
        self._summarise(conn, story_id, None, dt.datetime.now(dt.UTC))

    def _summarise(
        self, conn: Connection, story_id: int, title: str | None, now: dt.datetime
    ) -> None:
        """Recount a story from its articles: times, articles, copies, outlets, labels."""
        # Bare names: no other table of the query has these columns.
        labels = [column(name, String) for name in LABELS if name in self._document_columns()]
        rows = conn.execute(
            select(appeared_at, outlets.c.name, story_articles.c.duplicate_of, *labels)
            .select_from(story_articles)
            .join(documents, documents.c.id == story_articles.c.document_id)
            .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
            .where(story_articles.c.story_id == story_id)
        ).all()
        if not rows:
            return
        counters: dict[str, Counter[str]] = {"outlets": Counter()}
        counters.update({name: Counter() for name in LABELS})
        for row in rows:
            mapping = row._mapping
            if row.name:
                counters["outlets"][row.name] += 1
            for name in LABELS:
                if mapping.get(name):
                    counters[name][str(mapping[name])] += 1
        summary: dict[str, Any] = {k: dict(v) for k, v in counters.items() if k != "topic"}
        summary["topic"] = counters["topic"].most_common(1)[0][0] if counters["topic"] else ""
        conflicts = conn.execute(
            select(func.count())
            .select_from(story_conflicts)
            .where(story_conflicts.c.story_id == story_id)
        ).scalar_one()
        values: dict[str, Any] = {
            "first_seen": min(r[0] for r in rows).replace(tzinfo=dt.UTC),
            "last_seen": max(r[0] for r in rows).replace(tzinfo=dt.UTC),
            "articles": len(rows),
            "copies": sum(r.duplicate_of is not None for r in rows),
            "outlets": len(counters["outlets"]),
            "conflicts": conflicts,
            "summary": json.dumps(summary, ensure_ascii=False, sort_keys=True),
            "updated_at": now,
        }
        if title:
            values["title"] = title
        conn.execute(update(stories).where(stories.c.id == story_id).values(**values))

    # -- reading stories -----------------------------------------------------------------

    def stories(
        self,
        since: dt.datetime | None = None,
        limit: int = 50,
        min_outlets: int = 1,
        conflicted: bool = False,
        offset: int = 0,
        largest: bool = False,
    ) -> list[StoryRow]:
        """Stories seen since `since`, the latest first (the most articles first if `largest`),
        from `offset` on; those told by at least `min_outlets` outlets, and only those with
        conflicting reports if `conflicted`."""
        order = [stories.c.last_seen.desc(), stories.c.id.desc()]
        if largest:
            order.insert(0, stories.c.articles.desc())
        query = select(stories).order_by(*order)
        if since is not None:
            query = query.where(stories.c.last_seen >= since)
        if min_outlets > 1:
            query = query.where(stories.c.outlets >= min_outlets)
        if conflicted:
            query = query.where(stories.c.conflicts > 0)
        with self.engine.connect() as conn:
            return [_story(row) for row in conn.execute(query.limit(limit).offset(offset))]

    def rising(self, since: dt.datetime, limit: int, min_outlets: int) -> list[RisingStory]:
        """The stories with most articles that appeared since `since`, among those that at least
        `min_outlets` outlets told in that time; each with that number of articles and the
        number in as long a time just before."""
        recent = func.count().label("recent")
        # The story links of the day's documents looked up by key, not every link scanned.
        appeared = select(documents.c.id).where(appeared_between(since))
        told = (
            select(story_articles.c.story_id, recent)
            .join(documents, documents.c.id == story_articles.c.document_id)
            .where(story_articles.c.document_id.in_(appeared))
            .group_by(story_articles.c.story_id)
            .having(func.count(func.distinct(documents.c.outlet_id)) >= min_outlets)
            .subquery()
        )
        query = (
            select(stories, told.c.recent)
            .join(told, told.c.story_id == stories.c.id)
            .order_by(told.c.recent.desc(), stories.c.last_seen.desc(), stories.c.id.desc())
            .limit(limit)
        )
        start = since - (dt.datetime.now(dt.UTC) - since)
        with self.engine.connect() as conn:
            found = [(_story(row), int(row.recent)) for row in conn.execute(query)]
            earlier = (
                select(story_articles.c.story_id, func.count())
                .join(documents, documents.c.id == story_articles.c.document_id)
                .where(story_articles.c.story_id.in_([s.id for s, _ in found]))
                .where(appeared_between(start, since))
                .group_by(story_articles.c.story_id)
            )
            before = {int(i): int(n) for i, n in conn.execute(earlier)} if found else {}
        return [RisingStory(s, n, before.get(s.id, 0)) for s, n in found]

    def story(self, story_id: int) -> StoryRow | None:
        """One story, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(select(stories).where(stories.c.id == story_id)).first()
        return None if row is None else _story(row)

    def _articles(self, where: Any) -> list[StoryArticle]:
        query = (
            select(
                documents.c.id.label("document_id"),
                documents.c.title,
                documents.c.url,
                func.coalesce(outlets.c.name, "").label("outlet"),
                appeared_at.label("appeared_at"),
                story_articles.c.duplicate_of,
                documents.c.areas,
                documents.c.topic,
                documents.c.tone,
                documents.c.place,
            )
            .select_from(story_articles)
            .join(documents, documents.c.id == story_articles.c.document_id)
            .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
            .where(where)
            .order_by(appeared_at, documents.c.id)
        )
        with self.engine.connect() as conn:
            return [StoryArticle(**row._mapping) for row in conn.execute(query)]

    def articles(self, story_id: int) -> list[StoryArticle]:
        """A story's articles in arrival order; copies point at the article they repeat."""
        return self._articles(story_articles.c.story_id == story_id)

    def article(self, document_id: int) -> StoryArticle | None:
        """One placed article, or None before the linker has reached it."""
        found = self._articles(story_articles.c.document_id == document_id)
        return found[0] if found else None

    def copies_of(self, document_id: int) -> list[StoryArticle]:
        """The later articles that repeat one, in arrival order: in its story, or in a story of
        their own when they came after that story had closed."""
        return self._articles(story_articles.c.duplicate_of == document_id)

    def conflicts(self, story_id: int) -> list[ConflictView]:
        """A story's conflicting phrases with both sides' outlets and titles."""
        return self._conflicts(story_conflicts.c.story_id == story_id)

    def story_of(self, document_id: int) -> int | None:
        """The story an article is in, or None before the linker has placed it."""
        query = select(story_articles.c.story_id).where(story_articles.c.document_id == document_id)
        with self.engine.connect() as conn:
            found: int | None = conn.execute(query).scalar()
            return found

    def document_conflicts(self, story_id: int, document_id: int) -> list[ConflictView]:
        """The conflicts of a story that one of its articles is a side of."""
        c = story_conflicts.c
        mine = (c.document_id == document_id) | (c.other_id == document_id)
        return self._conflicts((c.story_id == story_id) & mine)

    def conflicts_found(self, since: dt.datetime, until: dt.datetime) -> list[ConflictView]:
        """Conflicts found in a time window, oldest first: what the alerts announce."""
        found = story_conflicts.c.found_at
        return self._conflicts((found > since) & (found <= until))

    def _conflicts(self, where: Any) -> list[ConflictView]:
        mine, theirs = aliased(documents), aliased(documents)
        my_outlet, their_outlet = aliased(outlets), aliased(outlets)
        c = story_conflicts.c
        query = (
            select(
                c.type,
                c.document_id,
                func.coalesce(my_outlet.c.name, ""),
                mine.c.title,
                c.span,
                c.sentence,
                c.other_id,
                func.coalesce(their_outlet.c.name, ""),
                theirs.c.title,
                c.other_span,
                c.other_sentence,
                c.id,
                c.story_id,
                stories.c.title,
                c.found_at,
                mine.c.url,
                theirs.c.url,
                func.coalesce(my_outlet.c.city_outlet, False),
                func.coalesce(their_outlet.c.city_outlet, False),
            )
            .select_from(story_conflicts)
            .join(stories, stories.c.id == c.story_id)
            .join(mine, mine.c.id == c.document_id)
            .join(theirs, theirs.c.id == c.other_id)
            .outerjoin(my_outlet, my_outlet.c.id == mine.c.outlet_id)
            .outerjoin(their_outlet, their_outlet.c.id == theirs.c.outlet_id)
            .where(where)
            .order_by(c.id)
        )
        with self.engine.connect() as conn:
            return [ConflictView(*tuple(row)) for row in conn.execute(query)]


def _fingerprint(c: ConflictRecord) -> str:
    """What makes a conflict the same one when it is written again."""
    return digest(f"{c.document_id}|{c.other_id}|{c.type}|{c.span}|{c.other_span}")


def _story(row: Any) -> StoryRow:
    m = row._mapping
    return StoryRow(
        m["id"],
        m["title"],
        m["first_seen"],
        m["last_seen"],
        m["articles"],
        m["copies"],
        m["outlets"],
        m["conflicts"],
        json.loads(m["summary"] or "{}"),
    )
