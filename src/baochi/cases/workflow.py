"""The case workflow as data: which action moves a case from which state, and who may take it.

Pure functions over a case's status and the acting user, so the web layer, the CLI and tests
apply one rule; the confinement of officers to their department lives here too.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from baochi.phrase import Phrase

NEW, ASSIGNED, IN_PROGRESS, ANSWERED, CLOSED = (
    "new",
    "assigned",
    "in_progress",
    "answered",
    "closed",
)
STATUSES = (NEW, ASSIGNED, IN_PROGRESS, ANSWERED, CLOSED)
OPEN_STATUSES = frozenset({NEW, ASSIGNED, IN_PROGRESS})
STATUS_LABELS = {
    NEW: "Mới",
    ASSIGNED: "Đã giao",
    IN_PROGRESS: "Đang xử lý",
    ANSWERED: "Đã trả lời",
    CLOSED: "Đã đóng",
}

OFFICE_ROLES = frozenset({"admin", "analyst"})
READ_ALL_ROLES = OFFICE_ROLES | {"leader"}
OFFICER = "officer"
RESPONSIBLE, COORDINATING = "responsible", "coordinating"


class CaseError(Exception):
    """An action that cannot be taken on a case, with a message the user can read: its text, or
    a Phrase when it has dynamic parts (baochi.phrase)."""


class CaseNotFound(CaseError):
    """No such case, or one the user may not see (the two are not told apart)."""


class Forbidden(CaseError):
    """The user may see the case but not take this action."""


class IllegalTransition(CaseError):
    """The action does not apply to the case in its current state."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: the role decides what, the department confines an officer."""

    role: str
    department_id: int | None = None
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    """An action: the states it applies to, the state it leads to, who takes it."""

    action: str
    sources: frozenset[str]
    target: str | None  # None keeps the status (escalation)
    by_office: bool
    by_department: bool
    needs_note: bool
    label: str


TRANSITIONS = {
    t.action: t
    for t in (
        Transition("assign", frozenset({NEW, ASSIGNED, IN_PROGRESS}), ASSIGNED, True, False, False,
                   "Giao cho đơn vị"),
        Transition("start", frozenset({ASSIGNED}), IN_PROGRESS, False, True, False,
                   "Nhận xử lý"),
        Transition("answer", frozenset({ASSIGNED, IN_PROGRESS}), ANSWERED, True, True, False,
                   "Trả lời"),
        Transition("return", frozenset({ANSWERED}), IN_PROGRESS, True, False, True,
                   "Trả lại để làm lại"),
        Transition("close", frozenset({ANSWERED}), CLOSED, True, False, False, "Đóng"),
        Transition("withdraw", OPEN_STATUSES, CLOSED, True, False, True,
                   "Rút (không cần trả lời)"),
        Transition("escalate", OPEN_STATUSES, None, True, False, False, "Báo cáo vượt cấp"),
    )
}  # fmt: skip


# What the case history calls each event.
EVENT_LABELS = {"open": "Mở hồ sơ"} | {a: t.label for a, t in TRANSITIONS.items()}


def can_see(actor: Actor, departments: Collection[int]) -> bool:
    """Office and leaders see every case; an officer only those of their own department."""
    if actor.role in READ_ALL_ROLES:
        return True
    return (
        actor.role == OFFICER
        and actor.department_id is not None
        and actor.department_id in departments
    )


def check(
    status: str,
    action: str,
    actor: Actor,
    responsible: Collection[int],
    coordinating: Collection[int] = (),
    note: str = "",
) -> str:
    """The status after `action`, or an error saying why it is refused."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise IllegalTransition(Phrase("không có thao tác {action!r}", action=action))
    if not can_see(actor, {*responsible, *coordinating}):
        raise CaseNotFound("không tìm thấy hồ sơ")
    in_department = actor.role == OFFICER and actor.department_id in responsible
    allowed = (transition.by_office and actor.role in OFFICE_ROLES) or (
        transition.by_department and in_department
    )
    named = Phrase(transition.label)
    if not allowed:
        raise Forbidden(Phrase("bạn không được «{action}» hồ sơ này", action=named))
    if status not in transition.sources:
        label = Phrase(STATUS_LABELS.get(status, status))
        raise IllegalTransition(
            Phrase("không thể «{action}» hồ sơ ở trạng thái «{status}»", action=named, status=label)
        )
    if transition.needs_note and not note.strip():
        raise CaseError(Phrase("«{action}» cần ghi rõ lý do", action=named))
    return transition.target or status


def actions_for(
    status: str, actor: Actor, responsible: Collection[int], coordinating: Collection[int] = ()
) -> list[Transition]:
    """The actions this user may take now, for the buttons of the case page."""
    allowed = []
    for transition in TRANSITIONS.values():
        try:
            check(status, transition.action, actor, responsible, coordinating, note="-")
        except CaseError:
            continue
        allowed.append(transition)
    return allowed
