"""The one class that holds the SQL: idempotent upserts of outlets, sources, URLs and documents."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, Select, bindparam, case, delete, func, select, text, union, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from baochi.db.leases import ended_here, takeable
from baochi.db.schema import (
    UTCDateTime,
    document_keys,
    documents,
    fetch_attempts,
    hosts,
    outlets,
    sources,
    urls,
    workers,
)
from baochi.labels import label_name
from baochi.records import (
    AREA_SEPARATOR,
    Collected,
    Document,
    digest,
    source_url,
    split_areas,
)

# A URL in one of these states is not fetched again; "failed" (transient) ones are, a few times.
SETTLED = ("stored", "duplicate", "skipped", "rejected")
COLLECTED = ("stored", "duplicate")  # settled with an article in the store
MAX_URL_ATTEMPTS = 3
CLAIM_ROWS = 5000  # document keys claimed per statement
# PostgreSQL: a batch's keys claimed in their order (the first of two copies wins), each new key
# taking the id its document will have; one statement, its arrays bound, never recompiled.
_CLAIM_KEYS = text(
    "INSERT INTO document_keys (document_id, url_hash, content_hash, fetched_at) "
    "SELECT nextval('documents_id_seq'), u, c, f FROM unnest("
    "CAST(:urls AS varchar[]), CAST(:contents AS varchar[]), CAST(:times AS timestamp[])"
    ") WITH ORDINALITY AS batch(u, c, f, n) ORDER BY n "
    "ON CONFLICT DO NOTHING RETURNING document_id, url_hash, content_hash"
)


def now() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Shares:
    """How the hosts with work are spread over the live workers, as one of them sees it."""

    hosts: int  # hosts with a due source or a live lease
    workers: int  # live workers, this one included
    mine: int  # hosts this worker holds
    fewest: int | None  # hosts held by the least busy other live worker; None when alone

    @property
    def share(self) -> int:
        """Each worker's fair number of hosts, rounded up so every host has one."""
        return -(-self.hosts // self.workers)

    @property
    def room(self) -> int:
        """How many more hosts this worker may claim."""
        return max(0, self.share - self.mine)

    @property
    def surplus(self) -> int:
        """Hosts to hand over: held beyond the share while another worker is short of its own."""
        if self.fewest is None or self.fewest >= self.share:
            return 0
        return max(0, self.mine - self.share)


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A source as the collector and the health page see it."""

    id: int
    outlet_id: int
    outlet: str
    url: str
    kind: str
    section: str
    enabled: bool
    disabled_reason: str
    etag: str
    last_modified: str
    poll_interval: float
    next_poll_at: dt.datetime
    last_polled_at: dt.datetime | None
    last_success_at: dt.datetime | None
    consecutive_failures: int
    last_error: str
    articles_total: int
    last_article_at: dt.datetime | None
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DocumentLabels:
    """What the analysis (or an analyst) says of a document; None where nothing is known."""

    topic: str | None
    tone: str | None
    place: str | None
    hanoi: bool | None
    story_id: int | None
    areas: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """A stored document with its outlet's name."""

    id: int
    url: str
    outlet: str
    title: str
    lead: str
    body: str
    authors: str
    published_at: dt.datetime | None
    fetched_at: dt.datetime
    kind: str = "article"
    platform: str | None = None
    author: str | None = None

    @property
    def origin(self) -> str:
        """Where it is from, as a reader names it: the outlet, or a post's platform and author."""
        if self.kind == "article":
            return self.outlet
        platform = label_name("platform", self.platform)
        return " · ".join(part for part in (platform, self.author or "") if part)

    @property
    def text(self) -> str:
        """The whole article text: the lead, then the body."""
        return f"{self.lead}\n{self.body}" if self.lead else self.body


_SOURCE_COLUMNS = (
    sources.c.id,
    sources.c.outlet_id,
    outlets.c.name.label("outlet"),
    sources.c.url,
    sources.c.kind,
    sources.c.section,
    sources.c.enabled,
    sources.c.disabled_reason,
    sources.c.etag,
    sources.c.last_modified,
    sources.c.poll_interval,
    sources.c.next_poll_at,
    sources.c.last_polled_at,
    sources.c.last_success_at,
    sources.c.consecutive_failures,
    sources.c.last_error,
    sources.c.articles_total,
    sources.c.last_article_at,
    sources.c.created_at,
)
# What a DocumentRow is read from: every shown column, with the outlet's name.
DOCUMENT_COLUMNS = (
    documents.c.id,
    documents.c.url,
    func.coalesce(outlets.c.name, "").label("outlet"),
    documents.c.title,
    documents.c.lead,
    documents.c.body,
    documents.c.authors,
    documents.c.published_at,
    documents.c.fetched_at,
    documents.c.kind,
    documents.c.platform,
    documents.c.author,
)


# What a reader takes in first, where the areas are named: an article's lead, a post's own text.
UP_FRONT = case((documents.c.kind == "article", documents.c.lead), else_=documents.c.body)


def _labels(document: Document) -> dict[str, Any]:
    """The analysis part as document columns (nothing when the document was not analysed)."""
    found = document.analysis
    if found is None:
        return {}
    return {
        "topic": found.topic,
        "tone": found.tone,
        "place": found.place,
        "hanoi": found.hanoi,
        "areas": AREA_SEPARATOR.join(found.areas),
    }


def _social(document: Document) -> dict[str, Any]:
    """The social and reading parts as document columns (nothing for an article)."""
    part, reading = document.social, document.reading
    if part is None:
        return {}
    values = asdict(part)
    if reading is not None:
        values.update(
            sentiment=reading.sentiment,
            toxicity=reading.toxicity,
            offensive=json.dumps([list(span) for span in reading.offensive]),
        )
    return values


def social_address(platform: str, external_id: str) -> str:
    """The address a post or comment is stored under: its platform id, never its link, which a
    listening tool gives every comment of a post too."""
    return f"social:{platform}/{external_id}"


def _address(item: Collected) -> str:
    """The address a document is known by: an article's URL, a post's or comment's own."""
    social = item.document.social
    if social is None:
        return item.document.article.url
    return social_address(social.platform, social.external_id)


def _columns(item: Collected, url_hash: str) -> dict[str, Any]:
    """A collected document as the values of its documents row (without the id)."""
    article = item.document.article
    return {
        "url": article.url,
        "url_hash": url_hash,
        "content_hash": item.content_key,
        "outlet_id": item.outlet_id,
        "source_id": item.source_id,
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "authors": "; ".join(article.authors),
        "language": article.language,
        "encoding": article.encoding,
        "published_at": article.published_at,
        "fetched_at": item.fetched_at,
        **_labels(item.document),
        **_social(item.document),
    }


def _due_hosts(when: dt.datetime) -> Select[tuple[str]]:
    """The hosts of the enabled sources due to be polled at `when`."""
    return select(sources.c.host).where(sources.c.enabled.is_(True), sources.c.next_poll_at <= when)


class Store:
    """Reads and idempotent writes over one engine; the same code serves SQLite and PostgreSQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # The statements of the ingest path, built once: building one costs more than running it.
        upsert = self._insert(urls)
        self._upsert_urls = upsert.on_conflict_do_update(
            index_elements=[urls.c.url_hash],
            set_={
                "status": upsert.excluded.status,
                "reason": upsert.excluded.reason,
                "document_id": func.coalesce(upsert.excluded.document_id, urls.c.document_id),
                "attempts": urls.c.attempts + 1,
                "last_seen_at": upsert.excluded.last_seen_at,
            },
        )
        self._insert_document = (
            self._insert(documents).on_conflict_do_nothing().returning(documents.c.id)
        )
        self._same_document = (
            select(documents.c.id)
            .where(
                (documents.c.url_hash == bindparam("url_hash"))
                | (documents.c.content_hash == bindparam("content_hash"))
            )
            .limit(1)
        )
        latest = bindparam("latest", type_=UTCDateTime)
        self._count_stored = (
            update(sources)
            .where(sources.c.id == bindparam("source_id"))
            .values(
                articles_total=sources.c.articles_total + bindparam("stored"),
                last_article_at=case(
                    (sources.c.last_article_at >= latest, sources.c.last_article_at),
                    else_=latest,
                ),
            )
        )

    def _insert(self, table: Any) -> Any:
        """An INSERT that can take ON CONFLICT clauses in this dialect."""
        return (postgresql if self.dialect == "postgresql" else sqlite).insert(table)

    # -- outlets and sources -------------------------------------------------------------

    def add_outlet(self, name: str, domain: str = "", city_outlet: bool = False) -> int:
        """The outlet's id, created on first sight."""
        with self.engine.begin() as conn:
            return self._outlet(conn, name, domain, city_outlet)

    def _outlet(self, conn: Connection, name: str, domain: str, city_outlet: bool) -> int:
        conn.execute(
            self._insert(outlets)
            .values(name=name, domain=domain, city_outlet=city_outlet, created_at=now())
            .on_conflict_do_nothing()
        )
        return int(conn.execute(select(outlets.c.id).where(outlets.c.name == name)).scalar_one())

    def add_source(
        self, url: str, outlet: str, kind: str = "auto", **options: Any
    ) -> tuple[int, bool]:
        """Register a source (id, created?); adding the same URL twice changes nothing. The
        options are _source's: section, domain, city_outlet, poll_interval."""
        return self.add_sources([{"url": url, "outlet": outlet, "kind": kind, **options}])[0]

    def add_sources(self, rows: Sequence[dict[str, Any]]) -> list[tuple[int, bool]]:
        """Register many sources, each row holding add_source's arguments, in one transaction:
        all are written or, if the write fails part way, none. (id, created?) per row."""
        with self.engine.begin() as conn:
            return [self._source(conn, **row) for row in rows]

    def _source(
        self,
        conn: Connection,
        url: str,
        outlet: str,
        kind: str = "auto",
        section: str = "",
        domain: str = "",
        city_outlet: bool = False,
        poll_interval: float = 900.0,
    ) -> tuple[int, bool]:
        outlet_id = self._outlet(conn, outlet, domain, city_outlet)
        stamp = now()
        url = source_url(url)
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc.lower()}"
        conn.execute(self._insert(hosts).values(host=host).on_conflict_do_nothing())
        row = conn.execute(
            self._insert(sources)
            .values(
                outlet_id=outlet_id,
                url=url,
                url_hash=digest(url),
                host=host,
                kind=kind,
                section=section,
                poll_interval=poll_interval,
                next_poll_at=stamp,
                created_at=stamp,
            )
            .on_conflict_do_nothing()
            .returning(sources.c.id)
        ).first()
        if row is not None:
            return int(row[0]), True
        existing = conn.execute(
            select(sources.c.id).where(sources.c.url_hash == digest(url))
        ).scalar_one()
        return int(existing), False

    def sources(
        self, due_before: dt.datetime | None = None, on_hosts: Sequence[str] | None = None
    ) -> list[SourceRow]:
        """All sources, or the enabled ones due before a time (on given hosts), oldest due first."""
        query = select(*_SOURCE_COLUMNS).join(outlets, outlets.c.id == sources.c.outlet_id)
        if on_hosts is not None:
            query = query.where(sources.c.host.in_(list(on_hosts)))
        if due_before is not None:
            query = query.where(sources.c.enabled.is_(True), sources.c.next_poll_at <= due_before)
            query = query.order_by(sources.c.next_poll_at)
        else:
            query = query.order_by(outlets.c.name, sources.c.url)
        with self.engine.connect() as conn:
            return [SourceRow(**row._mapping) for row in conn.execute(query)]

    def next_due(self) -> dt.datetime | None:
        """When the next enabled source is due; None when there is none."""
        query = select(func.min(sources.c.next_poll_at)).where(sources.c.enabled.is_(True))
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def beat(self, owner: str, when: dt.datetime) -> None:
        """Announce a long-running worker as alive; forget workers silent for a day."""
        with self.engine.begin() as conn:
            conn.execute(delete(workers).where(workers.c.seen_at < when - dt.timedelta(days=1)))
            conn.execute(
                self._insert(workers)
                .values(name=owner, seen_at=when)
                .on_conflict_do_update(index_elements=["name"], set_={"seen_at": when})
            )

    def leave(self, owner: str) -> None:
        """A worker stopping takes itself out of the fair share at once."""
        with self.engine.begin() as conn:
            conn.execute(delete(workers).where(workers.c.name == owner))

    def host_shares(self, owner: str, when: dt.datetime, live_since: dt.datetime) -> Shares:
        """The hosts with work, the live workers (seen since `live_since`) and what each holds."""
        due = _due_hosts(when)
        held = hosts.c.lease_until >= when
        busy = union(due, select(hosts.c.host).where(held)).subquery()
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(busy)).scalar_one()
            seen = conn.execute(select(workers.c.name).where(workers.c.seen_at >= live_since))
            live = {name for name in seen.scalars() if not ended_here(name)}
            counts: dict[str, int] = {
                owner: count
                for owner, count in conn.execute(
                    select(hosts.c.lease_owner, func.count())
                    .where(held)
                    .group_by(hosts.c.lease_owner)
                )
            }
        others = [counts.get(name, 0) for name in live - {owner}]
        return Shares(
            total, len(live | {owner}), counts.get(owner, 0), min(others) if others else None
        )

    def claim_hosts(
        self,
        owner: str,
        when: dt.datetime,
        lease: float,
        limit: int,
        skip: Collection[str] = (),
    ) -> list[str]:
        """Lease hosts that have due sources and no live lease (one whose holder, of this
        machine, has ended is none); another worker skips them.

        On PostgreSQL the candidates are locked with SKIP LOCKED, so concurrent workers never
        wait for each other; SQLite's single writer makes the same statement atomic.
        """
        due = _due_hosts(when).distinct()
        until = when + dt.timedelta(seconds=lease)
        with self.engine.begin() as conn:
            free = (
                select(hosts.c.host)
                .where(
                    hosts.c.host.in_(due),
                    hosts.c.host.not_in(list(skip)),
                    takeable(conn, hosts.c.lease_owner, hosts.c.lease_until, when),
                )
                .order_by(hosts.c.host)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            claimed = conn.execute(
                update(hosts)
                .where(hosts.c.host.in_(free.scalar_subquery()))
                .values(lease_owner=owner, lease_until=until)
                .returning(hosts.c.host)
            )
            return sorted(claimed.scalars())

    def held_hosts(self, when: dt.datetime) -> list[tuple[str, str, dt.datetime]]:
        """Hosts with due sources that a live lease keeps from other workers, as (host, lease
        owner, lease end), soonest free first; an ended process of this machine holds none."""
        due = _due_hosts(when)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(hosts.c.host, hosts.c.lease_owner, hosts.c.lease_until)
                .where(hosts.c.host.in_(due), hosts.c.lease_until >= when)
                .order_by(hosts.c.lease_until, hosts.c.host)
            )
            return [(host, owner, until) for host, owner, until in rows if not ended_here(owner)]

    def renew_hosts(self, owner: str, names: Sequence[str], until: dt.datetime) -> None:
        """Extend this owner's leases while it is still working on the hosts."""
        with self.engine.begin() as conn:
            conn.execute(
                update(hosts)
                .where(hosts.c.host.in_(list(names)), hosts.c.lease_owner == owner)
                .values(lease_until=until)
            )

    def release_hosts(self, owner: str, names: Sequence[str]) -> None:
        """Give the hosts back at once (a dead worker's leases simply expire)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(hosts)
                .where(hosts.c.host.in_(list(names)), hosts.c.lease_owner == owner)
                .values(lease_owner="", lease_until=None)
            )

    def update_source(self, source_id: int, **values: Any) -> None:
        """Persist what a poll learnt about a source (health, validators, next poll)."""
        with self.engine.begin() as conn:
            conn.execute(update(sources).where(sources.c.id == source_id).values(**values))

    def record_attempt(self, **values: Any) -> None:
        """Keep one fetch attempt for the source-health page."""
        with self.engine.begin() as conn:
            conn.execute(fetch_attempts.insert().values(**values))

    def attempts(self, source_id: int, limit: int = 20) -> list[dict[str, Any]]:
        """The latest fetch attempts of a source, newest first."""
        query = (
            select(fetch_attempts)
            .where(fetch_attempts.c.source_id == source_id)
            .order_by(fetch_attempts.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # -- URLs ----------------------------------------------------------------------------

    def settled_urls(self, candidates: Iterable[str]) -> dict[str, dt.datetime | None]:
        """Those of the URLs that need no fetch (stored, duplicate, skipped, or failed too
        often), each with when the store collected its article (None when it led to none)."""
        by_hash = {digest(u): u for u in candidates}
        found: dict[str, dt.datetime | None] = {}
        keys = list(by_hash)
        with self.engine.connect() as conn:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                rows = conn.execute(
                    select(urls.c.url_hash, urls.c.status, urls.c.last_seen_at).where(
                        urls.c.url_hash.in_(chunk),
                        (urls.c.status.in_(SETTLED)) | (urls.c.attempts >= MAX_URL_ATTEMPTS),
                    )
                )
                for key, status, seen in rows:
                    found[by_hash[key]] = seen if status in COLLECTED else None
        return found

    def listed_article(self, source_id: int, at: dt.datetime) -> None:
        """The source listed an article that the store collected at `at` through another
        source: it is as alive as if it had led to it (a section feed behind the home feed)."""
        with self.engine.begin() as conn:
            conn.execute(self._count_stored, {"source_id": source_id, "stored": 0, "latest": at})

    def mark_urls(
        self,
        seen: Sequence[str],
        status: str,
        reason: str = "",
        source_id: int | None = None,
        document_id: int | None = None,
    ) -> None:
        """Remember what became of these URLs; a repeated failure counts one more attempt."""
        stamp = now()
        rows = [
            {
                "url_hash": digest(u),
                "url": u,
                "source_id": source_id,
                "document_id": document_id,
                "status": status,
                "reason": reason,
                "last_seen_at": stamp,
            }
            for u in dict.fromkeys(seen)
        ]
        if not rows:
            return
        with self.engine.begin() as conn:
            self._mark_urls(conn, rows)

    def _mark_urls(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        conn.execute(self._upsert_urls, rows)

    def url_status(self, url: str) -> tuple[str, str] | None:
        """What became of a URL: (status, reason), or None if never met."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(urls.c.status, urls.c.reason).where(urls.c.url_hash == digest(url))
            ).first()
        return None if row is None else (row.status, row.reason)

    # -- documents -----------------------------------------------------------------------

    def save_document(
        self,
        document: Document,
        seen_urls: Sequence[str],
        fetched_at: dt.datetime,
        outlet_id: int | None = None,
        source_id: int | None = None,
    ) -> tuple[str, int]:
        """Store one document; see save_documents."""
        item = Collected(document, tuple(seen_urls), fetched_at, outlet_id, source_id)
        return self.save_documents([item])[0]

    def save_documents(self, items: Sequence[Collected]) -> list[tuple[str, int]]:
        """Store each document once: ("stored", id) the first time, ("duplicate", id) after.

        A duplicate is the same canonical URL (a post's or comment's: its platform id), or the
        same content from the same outlet (another outlet's copy is stored, and its story marks
        it a copy). The batch and every URL that led to it are written in one transaction, so a
        crash never leaves half an article.
        """
        results = []
        stamp = now()
        marks: dict[str, dict[str, Any]] = {}  # by URL hash: the last outcome wins, as one by one
        stored: Counter[int] = Counter()  # new documents per source
        latest: dict[int, dt.datetime] = {}  # per source: the last fetch of a new URL's article
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                saved = [self._save(conn, item) for item in items]
            else:
                saved = self._save_claimed(conn, items)
            for item, (status, doc_id) in zip(items, saved, strict=True):
                results.append((status, doc_id))
                if item.source_id is not None:
                    at = latest.get(item.source_id, item.fetched_at)
                    latest[item.source_id] = max(at, item.fetched_at)
                if status == "stored" and item.source_id is not None:
                    stored[item.source_id] += 1
                for u in [*item.seen_urls, _address(item)]:
                    key = digest(u)
                    marks[key] = {
                        "url_hash": key,
                        "url": u,
                        "source_id": item.source_id,
                        "document_id": doc_id,
                        "status": status,
                        "reason": "",
                        "last_seen_at": stamp,
                    }
            if marks:
                self._mark_urls(conn, list(marks.values()))
            if latest:
                conn.execute(
                    self._count_stored,
                    [
                        {"source_id": k, "stored": stored[k], "latest": at}
                        for k, at in sorted(latest.items())
                    ],
                )
        return results

    def _save_claimed(self, conn: Connection, items: Sequence[Collected]) -> list[tuple[str, int]]:
        """PostgreSQL: claim the batch's keys (and ids) in a few statements, then insert the
        documents that won theirs in one executemany; the partitioned documents table cannot hold
        the unique constraints itself, so document_keys decides what is new."""
        wanted = [(digest(_address(i)), i.content_key) for i in items]
        times = [i.fetched_at.astimezone(dt.UTC).replace(tzinfo=None) for i in items]  # as stored
        claimed: dict[tuple[str, str], int] = {}
        for start in range(0, len(items), CLAIM_ROWS):
            chunk = wanted[start : start + CLAIM_ROWS]
            found = conn.execute(
                _CLAIM_KEYS,
                {
                    "urls": [u for u, _ in chunk],
                    "contents": [c for _, c in chunk],
                    "times": times[start : start + CLAIM_ROWS],
                },
            )
            claimed.update({(u, c): int(d) for d, u, c in found})
        results: list[tuple[str, int]] = []
        new: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # executemany wants one key set
        for item, pair in zip(items, wanted, strict=True):
            doc_id = claimed.pop(pair, None)  # popped: a second copy in the batch is a duplicate
            if doc_id is None:
                results.append(("duplicate", 0))
                continue
            results.append(("stored", doc_id))
            row = {"id": doc_id, **_columns(item, pair[0])}
            new.setdefault(tuple(row), []).append(row)
        for rows in new.values():
            conn.execute(documents.insert(), rows)
        missing = [pair for pair, (_, doc_id) in zip(wanted, results, strict=True) if not doc_id]
        if missing:
            holders = self._key_holders(conn, missing)
            results = [
                (status, doc_id or holders[pair])
                for pair, (status, doc_id) in zip(wanted, results, strict=True)
            ]
        return results

    def _key_holders(
        self, conn: Connection, pairs: Sequence[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        """The document holding each (URL hash, content hash): the same URL, else the same
        content."""
        by_url: dict[str, int] = {}
        by_content: dict[str, int] = {}
        keys = document_keys.c
        for start in range(0, len(pairs), CLAIM_ROWS):
            chunk = pairs[start : start + CLAIM_ROWS]
            rows = conn.execute(
                select(keys.document_id, keys.url_hash, keys.content_hash).where(
                    keys.url_hash.in_([u for u, _ in chunk])
                    | keys.content_hash.in_([c for _, c in chunk])
                )
            )
            for doc_id, url_hash, content_hash in rows:
                by_url[url_hash] = by_content[content_hash] = int(doc_id)
        return {(u, c): by_url[u] if u in by_url else by_content[c] for u, c in pairs}

    def _save(self, conn: Connection, item: Collected) -> tuple[str, int]:
        """SQLite: the documents table's own unique keys say whether the document is new."""
        url_hash = digest(_address(item))
        row = conn.execute(self._insert_document, _columns(item, url_hash)).first()
        if row is None:
            existing = conn.execute(
                self._same_document,
                {"url_hash": url_hash, "content_hash": item.content_key},
            ).scalar_one()
            return "duplicate", int(existing)
        return "stored", int(row[0])

    def documents(
        self,
        since: dt.datetime | None = None,
        limit: int | None = None,
        newest_first: bool = False,
        ids: Sequence[int] | None = None,
    ) -> Iterator[DocumentRow]:
        """Stored documents (fetched at or after `since`, of the `ids` given), streamed in id
        order or newest first."""
        query = select(*DOCUMENT_COLUMNS).outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
        if since is not None:
            query = query.where(documents.c.fetched_at >= since)
        if ids is not None:
            query = query.where(documents.c.id.in_(ids))
        query = query.order_by(documents.c.id.desc() if newest_first else documents.c.id)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            for row in conn.execution_options(yield_per=500).execute(query):
                yield DocumentRow(**row._mapping)

    def labels_of(self, ids: Sequence[int]) -> dict[int, DocumentLabels]:
        """The current labels of these documents by id (corrections included)."""
        cols = documents.c
        query = select(
            cols.id, cols.topic, cols.tone, cols.place, cols.hanoi, cols.story_id, cols.areas
        )
        found = {}
        with self.engine.connect() as conn:
            for start in range(0, len(ids), CLAIM_ROWS):
                chunk = query.where(cols.id.in_(ids[start : start + CLAIM_ROWS]))
                for doc, topic, tone, place, hanoi, story, areas in conn.execute(chunk):
                    found[doc] = DocumentLabels(
                        topic, tone, place, hanoi, story, split_areas(areas)
                    )
        return found

    def unnamed(self, limit: int) -> list[tuple[int, str, str, str]]:
        """(id, main place, title, text up front) of documents stored before their areas were
        named: an article's lead, a post's or comment's own text."""
        query = (
            select(documents.c.id, func.coalesce(documents.c.place, ""), documents.c.title)
            .add_columns(UP_FRONT)
            .where(documents.c.areas.is_(None))
            .order_by(documents.c.id)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(int(r[0]), r[1], r[2], r[3] or "") for r in conn.execute(query)]

    def name_areas(self, named: dict[int, Sequence[str]]) -> None:
        """Store the areas of these documents."""
        if not named:
            return
        statement = (
            update(documents)
            .where(documents.c.id == bindparam("doc"))
            .values(areas=bindparam("areas"))
        )
        rows = [{"doc": doc, "areas": AREA_SEPARATOR.join(areas)} for doc, areas in named.items()]
        with self.engine.begin() as conn:
            conn.execute(statement, rows)

    def counts(self) -> dict[str, int]:
        """Headline counts for the front page and the collect summary."""
        with self.engine.connect() as conn:
            return {
                "documents": conn.execute(select(func.count()).select_from(documents)).scalar_one(),
                "sources": conn.execute(select(func.count()).select_from(sources)).scalar_one(),
                "outlets": conn.execute(select(func.count()).select_from(outlets)).scalar_one(),
            }
