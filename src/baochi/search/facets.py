"""Document labels as numpy columns in memory ("doc values"), and on them the label filters
(`outlet:`, `topic:`, `tone:`, `place:`, `hanoi:`, `story:`, `date:`) as boolean masks and the
facet counts by outlet, topic, tone, place and day: milliseconds for 100,000 matches, where a row
lookup per match would take a second. Each process keeps one copy per engine and, before every
query, reads only the search_facets rows whose version is newer than the last one it saw.
`kind:` and `platform:` (and their facets) come from two more columns, filled from the documents
table for the ids a refresh brings (a document's kind and platform never change). The districts,
wards and communes a document names up front are many to a document: (document, area) pairs,
which `place:` matches besides the main place, and which the area facet counts.

What an analyst types for a label is matched as readers match words: without diacritics, on
whole syllables, an equal value first (`place:"ha noi"` is "Hà Nội") and otherwise a containing
one (`place:hcm` is "TP.HCM", `outlet:vnexpress` is the outlet on vnexpress.net).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Connection, Engine, select, text

from baochi.db.schema import documents, outlets
from baochi.db.schema_search import search_facets
from baochi.labels import label_name
from baochi.records import split_areas
from baochi.search.tree import And, Dates, Everything, Label, Node, Not, Or, index_of
from baochi.vi import contains, fold

EPOCH = dt.date(1970, 1, 1)
TOP = 20
STRING_FIELDS = ("topic", "tone", "place")
SOCIAL_KINDS = ("post", "comment")
KINDS = ("article", *SOCIAL_KINDS)  # the codes of the kind column
_ARRAYS = (
    "present",
    "day",
    "outlet",
    "topic",
    "tone",
    "place",
    "hanoi",
    "story",
    "kind",
    "platform",
)
_CHUNK = 5000  # ids per statement when reading the kinds of new documents
_GROW = 1.25
_SYLLABLE = re.compile(r"[^\W_]+")


@dataclass
class Codes:
    """Strings of one label field as small integers; 0 means unlabelled."""

    values: list[str] = field(default_factory=lambda: [""])
    index: dict[str, int] = field(default_factory=dict)

    def code(self, value: str | None) -> int:
        if value is None:
            return 0
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


class Pairs:
    """A label with many values to a document, as (document, value code) pairs appended as
    documents are named; a renamed or deleted document's earlier pairs are marked dead."""

    def __init__(self) -> None:
        self.codes = Codes()
        self.size = 0
        self.doc = np.zeros(0, dtype=np.int64)
        self.value = np.zeros(0, dtype=np.int32)
        self.alive = np.zeros(0, dtype=bool)
        self.spans: dict[int, tuple[int, int]] = {}  # document → its live pairs' slice

    def update(self, named: list[tuple[int, tuple[str, ...]]]) -> None:
        """Set the values of these documents (none for a deleted one)."""
        docs: list[int] = []
        values: list[int] = []
        for doc, names in named:
            start, end = self.spans.pop(doc, (0, 0))
            self.alive[start:end] = False
            if names:
                self.spans[doc] = (self.size + len(docs), self.size + len(docs) + len(names))
                docs.extend([doc] * len(names))
                values.extend(self.codes.code(name) for name in names)
        top = self.size + len(docs)
        if top > len(self.doc):
            size = max(int(top * _GROW) + 1, 1024)
            self.doc, self.value, self.alive = (
                np.concatenate([old[: self.size], np.zeros(size - self.size, dtype=old.dtype)])
                for old in (self.doc, self.value, self.alive)
            )
        self.doc[self.size : top] = docs
        self.value[self.size : top] = values
        self.alive[self.size : top] = True
        self.size = top

    def docs(self, codes: list[int]) -> np.ndarray:
        """The documents having any of the value codes, ascending."""
        live = self.alive[: self.size] & np.isin(self.value[: self.size], codes)
        return np.unique(self.doc[: self.size][live])

    def counts(self, chosen: np.ndarray) -> np.ndarray:
        """Documents per value code among those where `chosen` (indexed by document) is True."""
        doc = self.doc[: self.size]
        live = self.alive[: self.size] & chosen[doc]
        return np.bincount(self.value[: self.size][live], minlength=len(self.codes.values))


class Columns:
    """Label columns indexed by document id; `present` is False for ids never seen or deleted."""

    def __init__(self) -> None:
        self.version = 0
        self.size = 0
        self.areas = Pairs()
        self.codes = {name: Codes() for name in STRING_FIELDS} | {"area": self.areas.codes}
        self.lock = threading.Lock()
        self.present = np.zeros(0, dtype=bool)
        self.day = np.zeros(0, dtype=np.int32)
        self.outlet = np.zeros(0, dtype=np.int32)
        self.topic = np.zeros(0, dtype=np.int32)
        self.tone = np.zeros(0, dtype=np.int32)
        self.place = np.zeros(0, dtype=np.int32)
        self.hanoi = np.zeros(0, dtype=np.int8)  # -1 unknown, 0 no, 1 yes
        self.story = np.zeros(0, dtype=np.int64)  # 0 none
        self.kind = np.zeros(0, dtype=np.int8)  # 0 article, 1 post, 2 comment
        self.platform = np.zeros(0, dtype=np.int32)  # a code of `platforms`; 0 none
        self.platforms = Codes()

    def _grow(self, top: int) -> None:
        if top < self.size:
            return
        size = max(int(top * _GROW) + 1, 1024)
        for name in _ARRAYS:
            old = getattr(self, name)
            new = np.zeros(size, dtype=old.dtype)
            new[: len(old)] = old
            setattr(self, name, new)
        self.hanoi[self.size :] = -1
        self.size = size

    def refresh(self, engine: Engine) -> None:
        """Apply every search_facets change from the last refresh on (each row holds one
        document's latest state, so their order and a second reading do not matter).

        SQLite stamps rows with a counter bumped under its one writer: the next refresh starts
        above the highest stamp seen. PostgreSQL stamps them with the writing transaction's id,
        and transactions commit out of order: the next refresh starts at the oldest transaction
        still running when this one looked, which may yet commit rows stamped below the highest.
        """
        f = search_facets.c
        query = select(
            f.doc_id, f.day, f.outlet_id, f.topic, f.tone, f.place, f.hanoi, f.story_id
        ).add_columns(f.gone, f.version, f.areas)
        first = not self.version
        if not first:
            query = query.where(f.version >= self.version)
        with self.lock, engine.connect() as conn:
            horizon = None
            if engine.dialect.name != "sqlite":
                horizon = conn.execute(_OLDEST_RUNNING).scalar_one()
            rows = conn.execute(query).cursor.fetchall()
            if horizon is not None:
                self.version = int(horizon)
            if not rows:
                return
            cols = list(zip(*rows, strict=True))
            ids = np.array(cols[0], dtype=np.int64)
            self._grow(int(ids.max()))
            self.present[ids] = ~np.array(cols[8], dtype=bool)
            self.day[ids] = np.array(cols[1], dtype=np.int32)
            self.outlet[ids] = np.array([v or 0 for v in cols[2]], dtype=np.int32)
            for name, values in zip(STRING_FIELDS, cols[3:6], strict=True):
                codes = self.codes[name]
                getattr(self, name)[ids] = np.array([codes.code(v) for v in values], np.int32)
            self.hanoi[ids] = np.array([-1 if v is None else int(v) for v in cols[6]], np.int8)
            self.story[ids] = np.array([v or 0 for v in cols[7]], dtype=np.int64)
            self._read_social(conn, None if first else ids)
            spans = self.areas.spans
            self.areas.update(
                [
                    (doc, () if gone else split_areas(areas))
                    for doc, gone, areas in zip(cols[0], cols[8], cols[10], strict=True)
                    if areas or doc in spans
                ]
            )
            if horizon is None:
                self.version = int(max(cols[9])) + 1

    def _read_social(self, conn: Connection, ids: np.ndarray | None) -> None:
        """Kind and platform of the posts and comments among the ids (None: of all of them)."""
        query = (
            select(documents.c.id, documents.c.kind, documents.c.platform)
            .where(documents.c.kind.in_(SOCIAL_KINDS))
            .order_by(documents.c.id)
        )
        chunks = (
            [query]
            if ids is None
            else [
                query.where(documents.c.id.in_(ids[k : k + _CHUNK].tolist()))
                for k in range(0, len(ids), _CHUNK)
            ]
        )
        for chunk in chunks:
            for doc_id, kind, platform in conn.execute(chunk):
                self.kind[doc_id] = KINDS.index(kind)
                self.platform[doc_id] = self.platforms.code(platform or None)

    def ids(self) -> np.ndarray:
        """Every present document id, ascending."""
        return np.flatnonzero(self.present)

    def keep(self, ids: np.ndarray) -> np.ndarray:
        """The ids (from a text index) of documents that are present."""
        ids = ids[ids < self.size]
        return ids[self.present[ids]]


_OLDEST_RUNNING = text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")

_CACHE: weakref.WeakKeyDictionary[Engine, Columns] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def columns(engine: Engine) -> Columns:
    """This process's up-to-date label columns for the engine's database."""
    with _CACHE_LOCK:
        found = _CACHE.get(engine)
        if found is None:
            found = _CACHE[engine] = Columns()
    found.refresh(engine)
    return found


@dataclass(frozen=True, slots=True)
class Facet:
    """One value of a facet: what to show, how many matched, and the query term selecting it."""

    value: str
    count: int
    term: str


def key(text: str) -> str:
    """Folded syllables joined by spaces: the form label values are compared in."""
    return " ".join(_SYLLABLE.findall(fold(text)))


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01, as search_facets stores a day."""
    return (day - EPOCH).days


class Labels:
    """Label values as stored for one query: outlet names, topic and place codes."""

    def __init__(self, engine: Engine, cols: Columns) -> None:
        self.cols = cols
        with engine.connect() as conn:
            rows = conn.execute(select(outlets.c.id, outlets.c.name, outlets.c.domain)).all()
        self.outlet_names = {int(r.id): r.name for r in rows}
        self.outlet_domains = {int(r.id): r.domain for r in rows}

    def outlet_ids(self, value: str) -> list[int]:
        """Outlets named `value`, else those whose name or domain contains it."""
        wanted = key(value)
        equal = [i for i, name in self.outlet_names.items() if key(name) == wanted]
        if equal:
            return equal
        return [
            i
            for i, name in self.outlet_names.items()
            if contains(name, value) or contains(self.outlet_domains[i], value)
        ]

    def codes(self, field: str, value: str) -> list[int]:
        """Codes of the stored topic, place or area values matching `value` (topics only if
        equal)."""
        values = self.cols.codes[field].values
        wanted = key(value)
        equal = [code for code, v in enumerate(values) if code and key(v) == wanted]
        if equal or field == "topic":
            return equal
        return [code for code, v in enumerate(values) if code and contains(v, value)]


def mask(
    node: Node, ids: np.ndarray, labels: Labels, text: Callable[[Node], np.ndarray]
) -> np.ndarray:
    """Which of `ids` satisfy the node; `text` gives the sorted ids a text subtree matches."""
    cols = labels.cols
    if isinstance(node, Everything):
        return np.ones(len(ids), dtype=bool)
    if index_of(node) is not None:
        return np.isin(ids, text(node), assume_unique=True)
    if isinstance(node, Dates):
        days = cols.day[ids]
        inside = np.ones(len(ids), dtype=bool)
        if node.start:
            inside &= days >= day_number(node.start)
        if node.end:
            inside &= days <= day_number(node.end)
        return inside
    if isinstance(node, Label):
        return _label(node, ids, labels)
    if isinstance(node, Not):
        return ~mask(node.item, ids, labels, text)
    if isinstance(node, And):
        result = mask(node.items[0], ids, labels, text)
        for item in node.items[1:]:
            result &= mask(item, ids, labels, text)
        return result
    if isinstance(node, Or):
        result = mask(node.items[0], ids, labels, text)
        for item in node.items[1:]:
            result |= mask(item, ids, labels, text)
        return result
    raise ValueError(f"cannot evaluate {node!r}")


def _label(node: Label, ids: np.ndarray, labels: Labels) -> np.ndarray:
    cols = labels.cols
    if node.name == "outlet":
        return np.isin(cols.outlet[ids], labels.outlet_ids(node.value))
    if node.name == "topic":
        return np.isin(cols.topic[ids], labels.codes("topic", node.value))
    if node.name == "place":
        named = cols.areas.docs(labels.codes("area", node.value))
        main = np.isin(cols.place[ids], labels.codes("place", node.value))
        return main | np.isin(ids, named, assume_unique=True)
    if node.name == "tone":
        return cols.tone[ids] == cols.codes["tone"].index.get(node.value, -1)
    if node.name == "hanoi":
        return cols.hanoi[ids] == int(node.value)
    if node.name == "platform":
        names = cols.platforms.values
        wanted = [k for k, name in enumerate(names) if key(name).replace(" ", "") == node.value]
        return np.isin(cols.platform[ids], wanted)
    if node.name == "kind":
        return cols.kind[ids] == KINDS.index(node.value)
    return cols.story[ids] == int(node.value)


def counts(ids: np.ndarray, labels: Labels, top: int = TOP) -> dict[str, list[Facet]]:
    """Facets of the matched ids: the `top` commonest outlets, topics, tones and places, and
    every day that has a match, oldest first."""
    cols = labels.cols
    found: dict[str, list[Facet]] = {}
    outlet = np.bincount(cols.outlet[ids])
    found["outlet"] = [
        Facet(labels.outlet_names.get(code, str(code)), n, _term("outlet", name))
        for code, n in _top(outlet, top)
        if (name := labels.outlet_names.get(code, ""))
    ]
    for name in STRING_FIELDS:
        values = cols.codes[name].values
        per_code = np.bincount(getattr(cols, name)[ids], minlength=len(values))
        found[name] = [
            Facet(values[code], n, _term(name, values[code])) for code, n in _top(per_code, top)
        ]
    chosen = np.zeros(cols.size, dtype=bool)
    chosen[ids] = True
    areas = cols.codes["area"].values
    found["area"] = [
        Facet(areas[code], n, _term("place", areas[code]))
        for code, n in _top(cols.areas.counts(chosen), top)
    ]
    found.update(_social_counts(ids, labels))
    found["day"] = []
    if len(ids):
        days = cols.day[ids]
        first = int(days.min())
        per_day = np.bincount(days - first)
        present = np.flatnonzero(per_day)
        names = np.datetime_as_string((present + first).astype("datetime64[D]")).tolist()
        sizes = per_day[present].tolist()
        found["day"] = [Facet(day, n, f"date:{day}") for day, n in zip(names, sizes, strict=True)]
    return found


def _social_counts(ids: np.ndarray, labels: Labels) -> dict[str, list[Facet]]:
    """Facets by kind (articles, posts, comments) and by platform, largest first."""
    cols = labels.cols
    per_kind = np.bincount(cols.kind[ids], minlength=len(KINDS))
    found = [(int(n), k) for k, n in zip(KINDS, per_kind, strict=True) if n]
    kinds = sorted(found, key=lambda pair: -pair[0])
    names = cols.platforms.values
    per_platform = np.bincount(cols.platform[ids], minlength=len(names))
    return {
        "kind": [Facet(k, n, _term("kind", k)) for n, k in kinds],
        "platform": sorted(
            (
                Facet(names[code], n, _term("platform", names[code]))
                for code, n in _top(per_platform, len(names))
            ),
            key=lambda facet: (-facet.count, facet.value),
        ),
    }


def _top(per_code: np.ndarray, top: int) -> list[tuple[int, int]]:
    """(code, count) of the largest counts, largest first; code 0 (unlabelled) left out."""
    if len(per_code) < 2:
        return []
    order = np.argsort(-per_code[1:], kind="stable")[:top] + 1
    return [(int(c), int(per_code[c])) for c in order if per_code[c]]


# Labels stored as codes: a facet's term names them as people read and type them.
NAMED = ("topic", "tone", "kind")


def _term(field: str, value: str) -> str:
    """The query term that selects one facet value, a coded label by its Vietnamese name
    (`tone:"tiêu cực"`, not `tone:"negative"`), which the query language takes as the code."""
    shown = label_name(field, value).lower() if field in NAMED else value
    return f'{field}:"{shown.replace(chr(34), " ")}"'
