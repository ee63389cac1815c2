"""Monthly partitions of the documents table on PostgreSQL, created ahead of time, and retention:
forgetting every document collected before a month, with what refers to it, on either database,
but for those the office's own work holds (HELD_BY).

A month's partition is made only while the default partition holds none of its rows (PostgreSQL
refuses otherwise); such rows, from imports of old articles, stay in the default and are deleted
row by row when their month passes out of retention.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Engine,
    Select,
    column,
    delete,
    func,
    inspect,
    select,
    table,
    text,
    union,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection

from baochi.db.schema import document_keys, documents
from baochi.db.schema_search import search_facets, search_pending

_PARTITION = re.compile(r"^documents_y(\d{4})m(\d{2})$")
_PARTITIONS = text(
    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = 'documents'::regclass"
)
_PARTITIONED = text("SELECT 1 FROM pg_partitioned_table WHERE partrelid = 'documents'::regclass")
# Taken for the transaction, so two processes starting at once do not race to make a month.
_LOCK = text("SELECT pg_advisory_xact_lock(4242001)")
# Documents forgotten per transaction on a plain (SQLite) table: a few seconds of the write lock
# at most, well under the 30 s the web's writes wait for it.
BATCH = 1000
# Between batches: longer than SQLite's busy handler sleeps between tries (100 ms), so a writer
# waiting for the lock takes it before the next batch does.
PAUSE = 0.2
_IN_DEFAULT = text(
    "SELECT 1 FROM documents_default WHERE fetched_at >= :start AND fetched_at < :end LIMIT 1"
)
# The office's own work on a document: an article of a case (its coverage, the department's
# reply, the correction), an analyst's label, a flag. Retention keeps these documents, whatever
# their month: a closed case keeps its record, and the labels stay training data.
HELD_BY = ("case_documents", "label_corrections", "flags")


def month_start(day: dt.date, months: int = 0) -> dt.date:
    """The first day of the month `months` after the one holding `day`."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def partitioned(engine: Engine) -> bool:
    """Whether documents is partitioned here (PostgreSQL after retention_0001)."""
    if engine.dialect.name == "sqlite":
        return False
    with engine.connect() as conn:
        return conn.execute(_PARTITIONED).first() is not None


def partitions(engine: Engine) -> list[dt.date]:
    """The months that have a partition, oldest first."""
    if not partitioned(engine):
        return []
    with engine.connect() as conn:
        names = conn.execute(_PARTITIONS).scalars().all()
    found = [m for n in names if (m := _PARTITION.match(n))]
    return sorted(dt.date(int(m[1]), int(m[2]), 1) for m in found)


def create_ahead(engine: Engine, today: dt.date, months: int) -> list[dt.date]:
    """Make the partitions of this month and the next `months`; the months made now."""
    if not partitioned(engine):
        return []
    made = []
    with engine.begin() as conn:
        conn.execute(_LOCK)
        have = set(_names(conn))
        for ahead in range(months + 1):
            start, end = month_start(today, ahead), month_start(today, ahead + 1)
            name = f"documents_y{start.year:04d}m{start.month:02d}"
            if name in have or conn.execute(_IN_DEFAULT, {"start": start, "end": end}).first():
                continue
            # The name and bounds are made here from dates, never from input.
            conn.execute(
                text(
                    f"CREATE TABLE {name} PARTITION OF documents "
                    f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
                )
            )
            made.append(start)
    return made


def _names(conn: Connection) -> list[str]:
    return list(conn.execute(_PARTITIONS).scalars().all())


@dataclass(frozen=True, slots=True)
class Reference:
    """A column of another table that holds a document's id."""

    table: str
    column: str
    nullable: bool


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What a retention run removed, and how many old documents it kept for the office's work."""

    documents: int
    partitions: list[str]
    held: int = 0


def forget_before(engine: Engine, cutoff: dt.date, batch: int = BATCH) -> Forgotten:
    """Remove every document collected before the month of `cutoff` that the office's work
    does not hold (HELD_BY): rows that refer to one are deleted (or, where the reference may be
    empty, cleared) and the search indexes forget them. On PostgreSQL whole months are dropped
    as tables, in one transaction; a plain table loses `batch` documents per transaction (see
    _forget_batch)."""
    cutoff = month_start(cutoff)
    if partitioned(engine):
        return _drop_months(engine, cutoff)
    with engine.connect() as conn:
        references = _references(conn)
    count = 0
    while True:
        done = _forget_batch(engine, references, _midnight(cutoff), batch)
        count += done
        if done < batch:
            break
        time.sleep(PAUSE)
    with engine.connect() as conn:
        held = conn.execute(
            _count(_old(documents.c.id, documents.c.fetched_at, _midnight(cutoff), False))
        )
    return Forgotten(count, [], int(held.scalar_one()))


def _held() -> CompoundSelect:
    """The ids of the documents the office's work holds."""
    return union(*(select(column("document_id")).select_from(table(name)) for name in HELD_BY))


def _old(
    ids: ColumnElement, fetched_at: ColumnElement, before: dt.datetime, doomed: bool
) -> Select:
    """The ids of documents collected before `before` that retention forgets (`doomed`), or
    that it keeps because the office's work holds them."""
    held = ids.in_(_held())
    return select(ids).where(fetched_at < before, ~held if doomed else held)


def _count(query: Select) -> Select:
    return select(func.count()).select_from(query.subquery())


def _forget_batch(
    engine: Engine, references: list[Reference], before: dt.datetime, batch: int
) -> int:
    """Forget up to `batch` documents in one transaction, what refers to them and their search
    entries (the delete triggers') with them: SQLite's one write lock is held for a short while
    only, so the web's writes wait less than busy_timeout, and a run cut short leaves whole
    batches gone, for the next run to finish. How many were forgotten."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":  # the write lock before the first read, waited for
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        doomed = _old(documents.c.id, documents.c.fetched_at, before, True)
        ids = list(conn.execute(doomed.order_by(documents.c.id).limit(batch)).scalars())
        _clear_references(conn, references, ids)
        conn.execute(delete(documents).where(documents.c.id.in_(ids)))
    return len(ids)


def _drop_months(engine: Engine, cutoff: dt.date) -> Forgotten:
    """PostgreSQL, in one transaction: whole months dropped as tables, but for a month holding
    a document the office's work holds, whose other rows are deleted as the default
    partition's are; the search tables told of both."""
    before = _midnight(cutoff)
    keys = document_keys.c
    doomed = _old(keys.document_id, keys.fetched_at, before, True)
    with engine.begin() as conn:
        count = conn.execute(_count(doomed)).scalar_one()
        held = conn.execute(_count(_old(keys.document_id, keys.fetched_at, before, False)))
        kept = int(held.scalar_one())
        _clear_references(conn, _references(conn), doomed)
        conn.execute(_LOCK)
        conn.execute(
            update(search_facets)
            .where(search_facets.c.doc_id.in_(doomed))
            .values(gone=True, version=text("pg_current_xact_id()::text::bigint"))
        )
        pending = pg_insert(search_pending).from_select(["doc_id"], doomed)
        conn.execute(pending.on_conflict_do_nothing())
        dropped = []
        for name in _names(conn):
            found = _PARTITION.match(name)
            if found and month_start(dt.date(int(found[1]), int(found[2]), 1), 1) <= cutoff:
                month = table(name, column("id"))  # a name from the catalog
                if conn.execute(select(month.c.id).where(month.c.id.in_(_held())).limit(1)).first():
                    continue
                conn.execute(text(f"DROP TABLE {name}"))
                dropped.append(name)
        old = documents.c.fetched_at < before  # so only the old months are scanned
        conn.execute(delete(documents).where(old, documents.c.id.in_(doomed)))
        conn.execute(delete(document_keys).where(keys.document_id.in_(doomed)))
    return Forgotten(int(count), dropped, kept)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _references(conn: Connection) -> list[Reference]:
    """Every foreign key to a document, wherever an area declared it."""
    found = inspect(conn)
    references = []
    for table_name in found.get_table_names():
        if table_name in ("documents", "document_keys") or table_name.startswith("documents_"):
            continue
        nullable = {c["name"]: c["nullable"] for c in found.get_columns(table_name)}
        for fk in found.get_foreign_keys(table_name):
            if fk["referred_table"] in ("documents", "document_keys"):
                name = fk["constrained_columns"][0]
                references.append(Reference(table_name, name, nullable[name]))
    return references


def _clear_references(
    conn: Connection, references: list[Reference], doomed: Select | list[int]
) -> None:
    """Each reference to a doomed document cleared if it may be empty, else its row deleted."""
    for ref in references:
        referring = table(ref.table, column(ref.column))
        target = referring.c[ref.column].in_(doomed)
        if ref.nullable:
            conn.execute(update(referring).where(target).values({ref.column: None}))
        else:
            conn.execute(delete(referring).where(target))
