"""What the registry pages show: cells of an entry (labels, links to referenced entries), and the
gathered views of an agency (lineage, domains, coverage, history) and of a restructuring action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from baochi.db.registry_store import RegistryStore
from baochi.hanoi_time import HANOI
from baochi.labels import TONES as TONE_NAMES
from baochi.labels import label_name
from baochi.registry.activity import Tally
from baochi.registry.history import Event, agency_history
from baochi.registry.lineage import Lineage, Period, Status, Step
from baochi.registry.model import BOOL, CHOICE, DATE, ENTITIES, REF, REFS, Entity, Record
from baochi.registry.scheme import milestone_state

# The columns a list shows after the key and the title.
COLUMNS = {
    "bodies": ("level", "type", "parent"),
    "authorities": ("body", "role", "valid_from", "valid_to"),
    "agencies": ("short_name", "body", "head_name"),
    "domains": ("agency", "role"),
    "publications": ("agency", "type", "domain"),
    "licences": ("agency", "expires_on", "status"),  # the number is the title column
    "rounds": ("issuer", "term_start", "term_end"),
    "cards": ("agency", "round", "expires_on", "status"),
    "actions": ("kind", "scheme", "due_on", "status"),
    "milestones": ("action", "due_on", "done_on"),
}
ACTIVITY_DAYS = 30
TONES = {code: name.lower() for code, name in TONE_NAMES.items()}  # inside a sentence
_BLOCKS = "▁▂▃▄▅▆▇█"


@dataclass(frozen=True, slots=True)
class Cell:
    """One value as shown: text, and a link when it names another entry; a choice's name or
    yes/no is the interface's word, `translated` into the page's language."""

    text: str
    href: str = ""
    translated: bool = False


def href(entity: str, key: str) -> str:
    """The page of an entry."""
    return f"/registry/{entity}/{key}"


def titles(store: RegistryStore) -> dict[str, dict[str, str]]:
    """Every entity's entries' titles by key, to name references."""
    return {
        name: store.keys(name, None if e.title == e.key else e.title)
        for name, e in ENTITIES.items()
    }


def cells(entity: Entity, rec: Record, field: str, names: dict[str, dict[str, str]]) -> list[Cell]:
    """A field of a record as cells: one per referenced entry, else one."""
    spec = entity.field(field)
    value = rec.get(field)
    if spec.kind in (REF, REFS):
        keys: list[str] = (value or []) if spec.kind == REFS else [value] if value else []
        return [Cell(names[spec.ref].get(k, k), href(spec.ref, k)) for k in keys]
    if value is None or value == "":
        return []
    if spec.kind == CHOICE:
        return [Cell(spec.choice_label(value), translated=True)]
    if spec.kind == BOOL:
        return [Cell("có" if value else "không", translated=True)]
    if spec.kind == DATE:
        return [Cell(f"{value:%d/%m/%Y}")]
    return [Cell(str(value))]


def sources(text: str) -> list[Cell]:
    """A source field as cells, its web addresses as links."""
    parts = [p.strip() for p in text.split("; ") if p.strip()]
    return [Cell(p, p if p.startswith(("http://", "https://")) else "") for p in parts]


def spark(per_day: Mapping[dt.date, int], days: Sequence[dt.date]) -> str:
    """Articles per day as a line of block characters, scaled to the busiest day."""
    top = max((per_day.get(d, 0) for d in days), default=0)
    if not top:
        return "·" * len(days)
    return "".join(
        _BLOCKS[round(per_day.get(d, 0) / top * 7)] if per_day.get(d) else "·" for d in days
    )


def labels(tally: Tally) -> str:
    """A tally's main topics and its tone mix in one line, empty before the analysis labels."""
    topics = ", ".join(f"{label_name('topic', t)} {n}" for t, n in tally.topics.most_common(3))
    tones = ", ".join(f"{TONES.get(t, t)} {tally.tones[t]}" for t in TONES if tally.tones[t])
    return " · ".join(part for part in (topics, tones) if part)


def form_value(entity: Entity, rec: Record | None, field: str) -> Any:
    """A field's value as an edit form shows it (dates as yyyy-mm-dd for date inputs)."""
    spec = entity.field(field)
    value = rec.get(field) if rec else spec.default
    if spec.kind == DATE:  # a date as stored, or as typed when the form comes back refused
        return value.isoformat() if isinstance(value, dt.date) else value or ""
    if spec.kind == REFS:
        return value or []
    return "" if value is None else value


@dataclass(frozen=True, slots=True)
class AgencyView:
    """An agency with everything its page shows."""

    status: Status
    tree: list[tuple[int, Step]]
    successors: list[Step]
    periods: dict[str, list[Period]]
    publications: list[Record]
    licences: list[Record]
    cards: int
    activity: Tally
    history: list[Event]


def agency_view(store: RegistryStore, code: str, now: dt.datetime) -> AgencyView:
    """Lineage, the domains whose coverage counts here and when, publications, licences, the last
    month's coverage and the history of the agency `code`."""
    lineage = Lineage.load(store)
    since = now - dt.timedelta(days=ACTIVITY_DAYS)
    tally = Tally("agencies", code, lineage.agencies[code]["name"])
    for doc in lineage.coverage(store, code, since, now):
        tally.add(doc)
    return AgencyView(
        status=lineage.status(code, now.astimezone(HANOI).date()),
        tree=lineage.tree(code),
        successors=lineage.successors(code),
        periods={d: lineage.periods(d) for d in lineage.domains_of(code, inherited=True)},
        publications=[p for p in store.rows("publications") if p["agency"] == code],
        licences=[lic for lic in store.rows("licences") if lic["agency"] == code],
        cards=sum(1 for c in store.rows("cards") if c["agency"] == code),
        activity=tally,
        history=agency_history(store, code),
    )


def milestones(store: RegistryStore, action: str, today: dt.date) -> list[tuple[Record, str]]:
    """An action's milestones with their state (done, due, late), by due date."""
    found = [m for m in store.rows("milestones") if m["action"] == action]
    found.sort(key=lambda m: (m["due_on"] or m["done_on"] or dt.date.max, m["code"]))
    return [(m, milestone_state(m, today)) for m in found]
