"""The parsed query: a small tree, its canonical one-line form, and its backend-neutral split.

The parser builds it; `describe` shows an analyst how the query was understood (and lets tests
compare trees without positions); `plan` gives each full-text index (folded, exact diacritics) the
conjunction it can run and rank by itself, and leaves labels, dates, NOT-only parts and text
mixed with labels under OR to the label columns. SQLite renders a Plan with FTS5; PostgreSQL will
with tsquery.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

# Fields filtering on a document's labels (as opposed to the text and the title).
LABEL_FIELDS = ("outlet", "topic", "tone", "place", "hanoi", "story", "kind", "platform")


@dataclass(frozen=True, slots=True)
class Words:
    """Syllables (lower-case NFC, as typed) found next to each other, in order."""

    syllables: tuple[str, ...]
    exact: bool = False
    title_only: bool = False
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Label:
    """A document's label equals a value: outlet, topic, tone, place, hanoi, story, kind (article,
    post, comment) or platform (facebook, youtube…)."""

    name: str
    value: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Dates:
    """Publication day (Hà Nội time) within an inclusive range; None is an open end."""

    start: dt.date | None
    end: dt.date | None
    position: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class And:
    """Every part matches."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """At least one part matches."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The part does not match."""

    item: Node


@dataclass(frozen=True, slots=True)
class Everything:
    """The empty query: every document, for browsing by filters and facets."""


Node = Words | Label | Dates | And | Or | Not | Everything


def conjoin(items: list[Node]) -> Node:
    """One node for a list that must all match, flattening nested ANDs."""
    flat = _flat(items, And)
    return flat[0] if len(flat) == 1 else And(flat)


def disjoin(items: list[Node]) -> Node:
    """One node for a list of alternatives, flattening nested ORs."""
    flat = _flat(items, Or)
    return flat[0] if len(flat) == 1 else Or(flat)


def _flat(items: list[Node], kind: type[And | Or]) -> tuple[Node, ...]:
    """The items with nested nodes of the same kind spliced in, each once: `a OR a` is `a`, and
    a repeated term would be scored and searched for again in every matching text."""
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, kind) else (item,))
    return tuple(dict.fromkeys(flat))


def words_of(node: Node) -> list[Words]:
    """The text leaves that must be present for the node to match (not under a NOT), each once:
    a snippet looks for every one of them in the whole text."""
    if isinstance(node, Words):
        return [node]
    if isinstance(node, And | Or):
        return list(dict.fromkeys(w for item in node.items for w in words_of(item)))
    return []


def loosen(node: Node, matching: bool = True) -> Node:
    """The node with every text subtree taken as matching (under a NOT, as not matching): the
    label and date conditions a document must meet to be able to match at all."""
    if index_of(node) is not None:
        return Everything() if matching else Not(Everything())
    if isinstance(node, Not):
        return Not(loosen(node.item, not matching))
    if isinstance(node, And | Or):
        return type(node)(tuple(loosen(i, matching) for i in node.items))
    return node


def describe(node: Node) -> str:
    """The canonical form: `(AND "ha noi" (OR ngap "ung ngap") (NOT title:"du bao"))`."""
    if isinstance(node, Words):
        text = " ".join(node.syllables)
        quoted = f'"{text}"' if len(node.syllables) > 1 else text
        return ("title:" if node.title_only else "") + ("=" if node.exact else "") + quoted
    if isinstance(node, Label):
        return f'{node.name}:"{node.value}"'
    if isinstance(node, Dates):
        start = node.start.isoformat() if node.start else ""
        end = node.end.isoformat() if node.end else ""
        return f"date:{start}..{end}"
    if isinstance(node, Not):
        return f"(NOT {describe(node.item)})"
    if isinstance(node, And | Or):
        name = "AND" if isinstance(node, And) else "OR"
        return f"({name} " + " ".join(describe(i) for i in node.items) + ")"
    return "*"


IndexName = Literal["folded", "exact"]


@dataclass(frozen=True, slots=True)
class Plan:
    """Text conjunctions per index (each has a positive part, so an index can run it alone) and
    the other conjuncts; `ranked_by` is the index whose relevance orders the results."""

    text: dict[IndexName, Node] = field(default_factory=dict)
    rest: tuple[Node, ...] = ()

    @property
    def ranked_by(self) -> IndexName | None:
        """The folded index when it takes part (it sees every word), else the exact one."""
        if "folded" in self.text:
            return "folded"
        return "exact" if "exact" in self.text else None


def index_of(node: Node) -> IndexName | None:
    """The one text index that can evaluate this subtree by itself, or None.

    A full-text index cannot answer labels or dates, cannot mix two indexes, and cannot answer a
    NOT that has nothing positive beside it ("NOT a", "a OR NOT b").
    """
    if isinstance(node, Words):
        return "exact" if node.exact else "folded"
    if isinstance(node, Or):
        if any(isinstance(item, Not) for item in node.items):
            return None
        return _same([index_of(item) for item in node.items])
    if isinstance(node, And):
        if all(isinstance(i, Not) for i in node.items):
            return None
        return _same([index_of(i.item if isinstance(i, Not) else i) for i in node.items])
    return None


def _same(indexes: list[IndexName | None]) -> IndexName | None:
    """The index all parts agree on, if they do."""
    first = indexes[0]
    return first if first is not None and all(i == first for i in indexes) else None


def plan(node: Node) -> Plan:
    """Split the top-level conjunction between the text indexes and the column conditions."""
    if isinstance(node, Everything):
        return Plan()
    conjuncts = node.items if isinstance(node, And) else (node,)
    positive: dict[IndexName, list[Node]] = {"folded": [], "exact": []}
    negative: dict[IndexName, list[Node]] = {"folded": [], "exact": []}
    rest: list[Node] = []
    for item in conjuncts:
        index = index_of(item)
        if index is not None:
            positive[index].append(item)
        elif isinstance(item, Not) and (inner := index_of(item.item)) is not None:
            negative[inner].append(item)
        else:
            rest.append(item)
    text: dict[IndexName, Node] = {}
    for name in ("folded", "exact"):
        if positive[name]:
            parts = positive[name] + negative[name]
            text[name] = parts[0] if len(parts) == 1 else And(tuple(parts))
        else:
            rest.extend(negative[name])
    return Plan(text, tuple(rest))
