"""The history of one agency, as a timeline: restructuring actions it took part in, its licences,
and every edit of its entry, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from baochi.db.registry_store import RegistryStore
from baochi.hanoi_time import HANOI
from baochi.phrase import Joined, Phrase
from baochi.registry.model import ACTIONS, ENTITIES, Record

_MEMBER = {
    "merge": "Sáp nhập vào {target}",
    "convert": "Chuyển đổi thành {target}",
    "dissolve": "Giải thể, dừng hoạt động",
    "transfer": "Chuyển sang cơ quan chủ quản {new_body}",
}
_TARGET = {"merge": "Tiếp nhận {members} (sáp nhập)", "convert": "Hình thành từ {members}"}
_CHANGES = {
    "create": "Tạo mục {entity} {key}",
    "update": "Sửa {entity} {key}",
    "retire": "Đưa khỏi sổ {entity} {key}",
    "restore": "Khôi phục {entity} {key}",
}


@dataclass(frozen=True, slots=True)
class Event:
    """One line of an agency's history; `on` is None when the sources give no date."""

    on: dt.date | None
    kind: str  # action, licence, change
    phrase: Phrase  # what happened, to say in a page's language
    ref: str = ""
    uncertain: bool = False

    @property
    def text(self) -> str:
        """What happened, in Vietnamese."""
        return str(self.phrase)


def _decision(action: Record) -> Joined:
    """What is known of an action's decision: "QĐ 1115-QĐ/TU ngày 30/01/2026 của …"."""
    parts = []
    if action["decision_number"]:
        parts.append(Phrase("QĐ {number}", number=action["decision_number"]))
    if action["decision_date"]:
        parts.append(Phrase("ngày {signed:%d/%m/%Y}", signed=action["decision_date"]))
    if action["decision_issuer"]:
        parts.append(Phrase("của {issuer}", issuer=action["decision_issuer"]))
    return Joined(parts, " ")


def _action_event(
    action: Record, code: str, names: dict[str, str], bodies: dict[str, str]
) -> Event | None:
    kind = action["kind"]
    words: dict[str, Any] = {
        "target": names.get(action["target"], action["target"]),
        "new_body": bodies.get(action["new_body"], action["new_body"]),
        "members": ", ".join(names.get(m, m) for m in action["members"]),
    }
    if code in action["members"]:
        text = Phrase(_MEMBER[kind], **words)
    elif code == action["target"] and kind in _TARGET:
        text = Phrase(_TARGET[kind], **words)
    else:
        return None
    status = action["status"]
    if status != "done":
        label = Phrase(ACTIONS.field("status").choice_label(status))
        text = Phrase("{status}: {text}", status=label, text=text)
    decision = _decision(action)
    if decision.parts:
        text = Phrase("{text} ({decision})", text=text, decision=decision)
    on = action["effective_on"] if status == "done" else action["due_on"]
    return Event(
        on=on or action["completed_on"] or action["decision_date"],
        kind="action",
        phrase=text,
        ref=action["code"],
        uncertain=action["uncertain"],
    )


def agency_history(store: RegistryStore, code: str) -> list[Event]:
    """Everything that happened to the agency `code`, newest first, undated events last."""
    names = store.keys("agencies", "name")
    bodies = store.keys("bodies", "name")
    events = [
        event
        for action in store.rows("actions")
        if (event := _action_event(action, code, names, bodies)) is not None
    ]
    for licence in store.rows("licences"):
        if licence["agency"] != code:
            continue
        number = licence["number"] or licence["code"]
        if licence["issued_on"] or not licence["expires_on"]:
            scope = licence["scope"]
            granted = (
                "Được cấp giấy phép {number}: {scope}" if scope else "Được cấp giấy phép {number}"
            )
            text = Phrase(granted, number=number, scope=scope)
            events.append(
                Event(licence["issued_on"], "licence", text, licence["code"], licence["uncertain"])
            )
        if licence["expires_on"]:
            text = Phrase("Giấy phép {number} hết hạn", number=number)
            events.append(Event(licence["expires_on"], "licence", text, licence["code"]))
    for change in store.changes(agency=code):
        done = Phrase(
            _CHANGES.get(change["change"], "{change} {entity} {key}"),
            change=change["change"],
            entity=Phrase(ENTITIES[change["entity"]].label, lower=True),
            key=change["key"],
        )
        if change["change"] == "update" and change["detail"]:
            done = Phrase("{done}: {fields}", done=done, fields=", ".join(change["detail"]))
        on = change["at"].astimezone(HANOI).date()
        text = Phrase("{done} — {actor}", done=done, actor=change["actor"])
        events.append(Event(on, "change", text, change["key"]))
    return sorted(events, key=lambda e: e.on or dt.date.min, reverse=True)
