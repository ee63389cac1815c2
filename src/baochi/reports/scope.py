"""What a report is about: the articles about Hà Nội (the default), every article, or the
matches of one watchlist; and the rows of a period within that scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from baochi.db import Store
from baochi.db.reports_store import ReportsStore, Row
from baochi.db.watch_store import WatchStore
from baochi.phrase import Phrase
from baochi.reports.period import local_day
from baochi.search import QueryError
from baochi.search.errors import MESSAGES
from baochi.watch.matching import recent_matches

EPSILON = dt.timedelta(microseconds=1)  # the end is excluded: its last day is the one before


class ScopeError(ValueError):
    """A scope that names no known watchlist or cannot be searched here; its argument, a Phrase,
    says why."""


@dataclass(frozen=True, slots=True)
class Scope:
    """`key` as stored on drafts ("hanoi", "all", "watchlist:3"), and how the report names it."""

    key: str
    label: str
    query: str = ""

    def rows(self, store: Store, start: dt.datetime, end: dt.datetime) -> Iterator[Row]:
        """The scope's documents that appeared in [start, end), oldest first."""
        reports = ReportsStore(store.engine)
        if not self.query:
            yield from reports.rows(start, end, hanoi_only=self.key == "hanoi")
            return
        # the query bounded by the search's own date field, so that a past period is read
        # without paging through everything published since
        days = f"date:{local_day(start).isoformat()}..{local_day(end - EPSILON).isoformat()}"
        try:
            matched = {
                d.id for d in recent_matches(store, f"({self.query}) AND {days}", start).documents
            }
        except (QueryError, NotImplementedError) as exc:
            why = Phrase(
                "không tìm được theo danh sách «{name}»: {reason}",
                name=self.label,
                reason=_query_mistake(exc) if isinstance(exc, QueryError) else str(exc),
            )
            raise ScopeError(why) from exc
        yield from (row for row in reports.rows(start, end, False) if row.id in matched)


HANOI = Scope("hanoi", "Hà Nội")
EVERYTHING = Scope("all", "mọi địa bàn")


def resolve(store: Store, key: str) -> Scope:
    """The scope named by a key: "hanoi", "all", or "watchlist:ID" / "watchlist:NAME"."""
    if key in ("", HANOI.key):
        return HANOI
    if key == EVERYTHING.key:
        return EVERYTHING
    kind, _, name = key.partition(":")
    if kind != "watchlist" or not name:
        raise ScopeError(
            Phrase("phạm vi không rõ: {key!r} (hanoi, all hoặc watchlist:TÊN)", key=key)
        )
    for watchlist in WatchStore(store.engine).watchlists():
        if str(watchlist.id) == name or watchlist.name == name:
            return Scope(f"watchlist:{watchlist.id}", watchlist.name, watchlist.query)
    raise ScopeError(Phrase("không có danh sách theo dõi {name!r}", name=name))


def _query_mistake(error: QueryError) -> Phrase:
    """What is wrong with a watchlist's query in search's own words, said in either language
    (the catalogue holds search's English for them)."""
    details: dict[str, Any] = dict(error.details)  # its parts: the field, value, limit…
    return Phrase(MESSAGES[error.code][0], **details)
