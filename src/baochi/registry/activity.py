"""Activity of each agency and publication from monitoring: articles per day, topics, tone, share
about Hà Nội, and those gone quiet. Articles count under agencies through the lineage.

Topics and tone come from the analysis's labels on documents once they are there; until then
only the Hà Nội share is known, from the headline and lead."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from baochi.db.registry_store import CoverageDocument, RegistryStore
from baochi.hanoi_time import HANOI
from baochi.registry.lineage import Lineage, host_of
from baochi.registry.model import Record
from baochi.vi import contains

DEFAULT_QUIET_DAYS = 3
_HANOI_NAMES = ("Hà Nội", "Hanoi")


def about_hanoi(title: str, lead: str) -> bool:
    """Whether the headline or lead names Hà Nội: the proxy for documents not yet labelled."""
    text = f"{title}\n{lead}"
    return any(contains(text, name) for name in _HANOI_NAMES)


@dataclass(slots=True)
class Tally:
    """Articles counted for one agency or publication over a window."""

    entity: str  # agencies or publications
    key: str
    name: str
    per_day: Counter[dt.date] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    tones: Counter[str] = field(default_factory=Counter)
    about_hanoi: int = 0
    last_at: dt.datetime | None = None

    @property
    def articles(self) -> int:
        """All articles in the window."""
        return sum(self.per_day.values())

    @property
    def hanoi_share(self) -> float | None:
        """Share of the articles about Hà Nội, None without articles."""
        return self.about_hanoi / self.articles if self.articles else None

    def add(self, doc: CoverageDocument) -> None:
        """Count one article: its day in Hà Nội, its labels, whether it is about Hà Nội."""
        self.per_day[doc.at.astimezone(HANOI).date()] += 1
        if doc.topic:
            self.topics[doc.topic] += 1
        if doc.tone:
            self.tones[doc.tone] += 1
        hanoi = doc.hanoi if doc.hanoi is not None else about_hanoi(doc.title, doc.lead)
        self.about_hanoi += hanoi
        if self.last_at is None or doc.at > self.last_at:
            self.last_at = doc.at


@dataclass(frozen=True, slots=True)
class Activity:
    """Who published what in [since, until): by agency (through lineage) and by publication."""

    since: dt.datetime
    until: dt.datetime
    agencies: dict[str, Tally]
    publications: dict[str, Tally]
    unregistered: Counter[str]

    def quiet(self, days: int = DEFAULT_QUIET_DAYS) -> list[Tally]:
        """Active agencies and publications with no article in the last `days` of the window
        (oldest last article first; none at all in the window first of all)."""
        cutoff = self.until - dt.timedelta(days=days)
        silent = [
            t
            for t in (*self.agencies.values(), *self.publications.values())
            if t.last_at is None or t.last_at < cutoff
        ]
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        return sorted(silent, key=lambda t: (t.last_at or oldest, t.name))


def _watched_agencies(lineage: Lineage, today: dt.date) -> dict[str, Tally]:
    """Agencies active on `today` that can receive coverage: they or their predecessors have a
    domain."""
    return {
        code: Tally("agencies", code, rec["name"])
        for code, rec in lineage.agencies.items()
        if rec["retired_at"] is None
        and not lineage.status(code, today).ended
        and lineage.domains_of(code, inherited=True)
    }


def _watched_publications(publications: list[Record]) -> dict[str, Tally]:
    return {
        rec["domain"]: Tally("publications", rec["code"], rec["name"])
        for rec in publications
        if rec["status"] == "active" and rec["domain"]
    }


def activity(store: RegistryStore, since: dt.datetime, until: dt.datetime) -> Activity:
    """Count every document published in [since, until) under its agency and its publication."""
    lineage = Lineage.load(store)
    agencies = _watched_agencies(lineage, until.astimezone(HANOI).date())
    by_domain = _watched_publications(store.rows("publications"))
    unregistered: Counter[str] = Counter()
    for doc in store.coverage_documents(since, until):
        agency = lineage.attribute(doc.url, doc.at)
        if agency is None:
            unregistered[host_of(doc.url)] += 1
            continue
        if agency not in agencies:  # dissolved or retired, yet still publishing
            agencies[agency] = Tally("agencies", agency, lineage.agencies[agency]["name"])
        agencies[agency].add(doc)
        publication = by_domain.get(host_of(doc.url))
        if publication is not None:
            publication.add(doc)
    publications = {t.key: t for t in by_domain.values()}
    return Activity(since, until, agencies, publications, unregistered)
