"""The restructuring scheme (đề án sắp xếp): completing an action, and progress — done, due, late.

Completing a merger or conversion is what moves coverage: from its effective date the members'
domains count under the target (see lineage). A transfer moves the members to the new governing
body when it is completed (the store applies it, and logs it).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from baochi.db.registry_store import AuditHook, RegistryStore
from baochi.phrase import Phrase
from baochi.registry.entries import save
from baochi.registry.model import ACTIONS, Record


class SchemeError(ValueError):
    """An action that cannot be completed as asked (unknown, already done or cancelled)."""


def complete_action(
    store: RegistryStore,
    code: str,
    actor: str,
    on: dt.date,
    effective_on: dt.date | None = None,
    audit: AuditHook | None = None,
) -> Record:
    """Mark an action done on `on`, effective on `effective_on`, its recorded date, or `on`."""
    rec = store.row("actions", code)
    if rec is None or rec["retired_at"] is not None:
        raise SchemeError(Phrase("không có nhiệm vụ {code!r}", code=code))
    if rec["status"] in ("done", "cancelled"):
        state = Phrase(ACTIONS.field("status").choice_label(rec["status"]), lower=True)
        raise SchemeError(Phrase("nhiệm vụ {code!r} đã {state}", code=code, state=state))
    form = {f.name: rec[f.name] for f in ACTIONS.fields}
    form.update(
        status="done",
        completed_on=on,
        effective_on=effective_on or rec["effective_on"] or on,
    )
    return save(store, "actions", form, actor, audit)


def action_state(rec: Record, today: dt.date) -> str:
    """done, cancelled, late (past its due date) or due, as things stood on `today`: an action
    done later was still open then."""
    if rec["status"] == "cancelled":
        return "cancelled"
    if rec["status"] == "done":
        done_on = rec["completed_on"] or rec["effective_on"] or rec["due_on"]  # best date known
        if done_on is None or done_on <= today:
            return "done"
    return "late" if rec["due_on"] is not None and rec["due_on"] < today else "due"


def milestone_state(rec: Record, today: dt.date) -> str:
    """done (by `today`), late (past its due date), or due."""
    if rec["done_on"] is not None and rec["done_on"] <= today:
        return "done"
    return "late" if rec["due_on"] is not None and rec["due_on"] < today else "due"


def in_plan(rec: Record, today: dt.date) -> bool:
    """Whether an action was part of the plan on `today`: one decided later was not."""
    decided = rec["decision_date"] or rec["announced_on"]
    return decided is None or decided <= today


@dataclass(slots=True)
class SchemeProgress:
    """One scheme's actions and milestones counted by state, with each action's state."""

    scheme: str
    actions: Counter[str] = field(default_factory=Counter)
    milestones: Counter[str] = field(default_factory=Counter)
    items: list[tuple[Record, str]] = field(default_factory=list)

    @property
    def open(self) -> int:
        """Actions neither done nor cancelled."""
        return self.actions["due"] + self.actions["late"]


def progress(store: RegistryStore, today: dt.date) -> tuple[SchemeProgress, list[SchemeProgress]]:
    """The whole plan's progress on `today` (which may be past), then each scheme's, the one
    with the most late actions first."""
    total = SchemeProgress("")
    schemes: dict[str, SchemeProgress] = {}
    by_code = {}
    later = set()
    for rec in store.rows("actions"):
        if not in_plan(rec, today):
            later.add(rec["code"])
            continue
        state = action_state(rec, today)
        one = schemes.setdefault(rec["scheme"], SchemeProgress(rec["scheme"]))
        for counted in (one, total):
            counted.actions[state] += 1
            counted.items.append((rec, state))
        by_code[rec["code"]] = one
    for rec in store.rows("milestones"):
        if rec["action"] in later:
            continue
        state = milestone_state(rec, today)
        total.milestones[state] += 1
        if rec["action"] in by_code:
            by_code[rec["action"]].milestones[state] += 1
    ordered = sorted(schemes.values(), key=lambda s: (-s.actions["late"], -s.open, s.scheme))
    return total, ordered
