"""Who an article counts under: its domain's agency, followed through completed mergers and
conversions from their effective date (midnight, Hà Nội time), through any chain of them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from baochi.db.registry_store import CoverageDocument, RegistryStore
from baochi.hanoi_time import HANOI
from baochi.registry.model import ACTION_EFFECT, AGENCY_STATUSES, Record


def effective_instant(day: dt.date) -> dt.datetime:
    """The moment a decision's effective date begins: midnight in Hà Nội, as aware UTC."""
    return dt.datetime.combine(day, dt.time(), HANOI).astimezone(dt.UTC)


# A URL's network location: what follows "//" (after a scheme, if any) up to "/", "?" or "#".
_NETLOC = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?//([^/?#]*)")


def host_of(url_or_domain: str) -> str:
    """The lower-case host of a URL (or a bare domain), without a leading "www."."""
    found = _NETLOC.match(url_or_domain)
    return _host(found[1] if found else url_or_domain.split("/", 1)[0])


@lru_cache(maxsize=4096)
def _host(netloc: str) -> str:
    """A network location's host, parsed once: a month's coverage has few hosts and many URLs."""
    return (urlsplit(f"//{netloc}").hostname or "").removeprefix("www.")


@dataclass(frozen=True, slots=True)
class Step:
    """One completed merger or conversion: `source` counts under `target` from `effective_on`."""

    action: str
    kind: str
    source: str
    target: str
    effective_on: dt.date
    decision: str
    uncertain: bool

    @property
    def starts(self) -> dt.datetime:
        """The instant from which the source's coverage counts under the target."""
        return effective_instant(self.effective_on)


@dataclass(frozen=True, slots=True)
class Period:
    """A span during which a domain's articles count under one agency; None is open-ended."""

    agency: str
    start: dt.date | None
    end: dt.date | None  # last day, inclusive


# What a completed action will do to an agency from an effective date still ahead.
PENDING_STATUSES = {
    "merged": "Sẽ sáp nhập",
    "converted": "Sẽ chuyển đổi",
    "dissolved": "Sẽ giải thể, dừng hoạt động",
}


@dataclass(frozen=True, slots=True)
class Status:
    """An agency's status as the completed actions leave it; `pending` while their effective
    date is still ahead (the agency works on until then)."""

    status: str
    since: dt.date | None
    action: str
    pending: bool = False

    @property
    def ended(self) -> bool:
        """Whether the agency has stopped being one of its own: merged, converted, dissolved."""
        return self.status != "active" and not self.pending

    @property
    def word(self) -> str:
        """The status in Vietnamese, without its date: "Đã sáp nhập", "Sẽ sáp nhập"."""
        return (PENDING_STATUSES if self.pending else dict(AGENCY_STATUSES))[self.status]

    @property
    def label(self) -> str:
        """The status in Vietnamese, with its date when known."""
        return f"{self.word} từ {self.since:%d/%m/%Y}" if self.since else self.word


class Lineage:
    """Agencies, their domains and the completed actions between them, held in memory."""

    def __init__(
        self, agencies: list[Record], domains: list[Record], actions: list[Record]
    ) -> None:
        self.agencies = {a["code"]: a for a in agencies}
        self.domains = {d["domain"]: d["agency"] for d in domains}
        self._owners: dict[str, str | None] = {}  # by host, found once
        done = [a for a in actions if a["status"] == "done"]
        self.steps = sorted(
            (
                Step(
                    action=a["code"],
                    kind=a["kind"],
                    source=member,
                    target=a["target"],
                    effective_on=a["effective_on"],
                    decision=a["decision_number"],
                    uncertain=a["uncertain"],
                )
                for a in done
                if a["kind"] in ("merge", "convert") and a["effective_on"] is not None
                for member in a["members"]
            ),
            key=lambda s: s.effective_on,
        )
        self._ends = {
            member: Status(ACTION_EFFECT[a["kind"]], a["effective_on"], a["code"])
            for a in sorted(done, key=lambda a: a["effective_on"] or dt.date.max, reverse=True)
            if a["kind"] in ACTION_EFFECT
            for member in a["members"]
        }

    @classmethod
    def load(cls, store: RegistryStore) -> Lineage:
        """The lineage as the register holds it now (retired agencies kept: history needs them)."""
        return cls(
            store.rows("agencies", include_retired=True),
            store.rows("domains"),
            store.rows("actions"),
        )

    def status(self, agency: str, today: dt.date) -> Status:
        """Active, or what the earliest completed action did (or will do) to it and from when,
        as it stands on `today`."""
        end = self._ends.get(agency)
        if end is None:
            return Status("active", None, "")
        pending = end.since is not None and end.since > today
        return Status(end.status, end.since, end.action, pending)

    def owner(self, url_or_domain: str) -> str | None:
        """The agency that published on this host: the longest registered domain it ends with."""
        host = host_of(url_or_domain)
        if host not in self._owners:
            labels = host.split(".")
            suffixes = (".".join(labels[i:]) for i in range(len(labels) - 1))
            self._owners[host] = next(
                (self.domains[d] for d in suffixes if d in self.domains), None
            )
        return self._owners[host]

    def successor(self, agency: str, at: dt.datetime) -> str:
        """The agency that `agency`'s coverage counts under at instant `at`."""
        seen = {agency}
        while True:
            step = next((s for s in self.steps if s.source == agency and s.starts <= at), None)
            if step is None or step.target in seen:
                return agency
            agency = step.target
            seen.add(agency)

    def attribute(self, url: str, at: dt.datetime) -> str | None:
        """The agency an article at this URL, published at `at`, counts under; None if unknown."""
        owner = self.owner(url)
        return None if owner is None else self.successor(owner, at)

    def predecessors(self, agency: str) -> list[Step]:
        """The completed steps into `agency`, direct ones only, in date order."""
        return [s for s in self.steps if s.target == agency]

    def tree(self, agency: str) -> list[tuple[int, Step]]:
        """Every step into `agency`, however indirect, as (depth, step) in reading order; an
        agency met again (a cycle the register should have refused) is not gone into twice."""
        lines: list[tuple[int, Step]] = []
        seen = {agency}
        todo = [(0, step) for step in reversed(self.predecessors(agency))]
        while todo:
            depth, step = todo.pop()
            lines.append((depth, step))
            if step.source not in seen:
                seen.add(step.source)
                todo.extend((depth + 1, s) for s in reversed(self.predecessors(step.source)))
        return lines

    def successors(self, agency: str) -> list[Step]:
        """The chain of completed steps out of `agency`, in date order."""
        chain: list[Step] = []
        while True:
            step = next((s for s in self.steps if s.source == agency), None)
            if step is None or step in chain:
                return chain
            chain.append(step)
            agency = step.target

    def ancestry(self, agency: str) -> set[str]:
        """`agency` and every agency merged or converted into it, however indirectly."""
        found, todo = {agency}, [agency]
        while todo:
            for step in self.predecessors(todo.pop()):
                if step.source not in found:
                    found.add(step.source)
                    todo.append(step.source)
        return found

    def domains_of(self, agency: str, inherited: bool = False) -> list[str]:
        """The agency's own domains; with `inherited`, also those of its predecessors."""
        owners = self.ancestry(agency) if inherited else {agency}
        return sorted(d for d, a in self.domains.items() if a in owners)

    def periods(self, domain: str) -> list[Period]:
        """Whom a domain's articles count under, period by period."""
        agency = self.owner(domain)
        if agency is None:
            return []
        periods, start = [], None
        for step in self.successors(agency):
            periods.append(Period(agency, start, step.effective_on - dt.timedelta(days=1)))
            agency, start = step.target, step.effective_on
        periods.append(Period(agency, start, None))
        return periods

    def coverage(
        self, store: RegistryStore, agency: str, since: dt.datetime, until: dt.datetime
    ) -> list[CoverageDocument]:
        """The documents published in [since, until) that count under `agency`."""
        domains = self.domains_of(agency, inherited=True)
        if not domains:
            return []
        return [
            doc
            for doc in store.coverage_documents(since, until, domains)
            if self.attribute(doc.url, doc.at) == agency
        ]
