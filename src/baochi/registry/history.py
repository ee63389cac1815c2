"""The history of one agency, as a timeline: restructuring actions it took part in, its licences,
and every edit of its entry, newest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from baochi.db.registry_store import RegistryStore
from baochi.hanoi_time import HANOI
from baochi.registry.model import ACTIONS, ENTITIES, Record

_MEMBER = {
    "merge": "Sáp nhập vào {target}",
    "convert": "Chuyển đổi thành {target}",
    "dissolve": "Giải thể, dừng hoạt động",
    "transfer": "Chuyển sang cơ quan chủ quản {new_body}",
}
_TARGET = {"merge": "Tiếp nhận {members} (sáp nhập)", "convert": "Hình thành từ {members}"}
_CHANGES = {
    "create": "Tạo mục",
    "update": "Sửa",
    "retire": "Đưa khỏi sổ",
    "restore": "Khôi phục",
}


@dataclass(frozen=True, slots=True)
class Event:
    """One line of an agency's history; `on` is None when the sources give no date."""

    on: dt.date | None
    kind: str  # action, licence, change
    text: str
    ref: str = ""
    uncertain: bool = False


def _decision(action: Record) -> str:
    parts = [f"QĐ {action['decision_number']}"] if action["decision_number"] else []
    if action["decision_date"]:
        parts.append(f"ngày {action['decision_date']:%d/%m/%Y}")
    if action["decision_issuer"]:
        parts.append(f"của {action['decision_issuer']}")
    return " ".join(parts)


def _action_event(
    action: Record, code: str, names: dict[str, str], bodies: dict[str, str]
) -> Event | None:
    kind = action["kind"]
    words = {
        "target": names.get(action["target"], action["target"]),
        "new_body": bodies.get(action["new_body"], action["new_body"]),
        "members": ", ".join(names.get(m, m) for m in action["members"]),
    }
    if code in action["members"]:
        text = _MEMBER[kind].format(**words)
    elif code == action["target"] and kind in _TARGET:
        text = _TARGET[kind].format(**words)
    else:
        return None
    status = action["status"]
    if status != "done":
        label = ACTIONS.field("status").choice_label(status)
        text = f"{label}: {text}"
    decision = _decision(action)
    on = action["effective_on"] if status == "done" else action["due_on"]
    return Event(
        on=on or action["completed_on"] or action["decision_date"],
        kind="action",
        text=f"{text} ({decision})" if decision else text,
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
            text = f"Được cấp giấy phép {number}: {licence['scope']}".rstrip(": ")
            events.append(
                Event(licence["issued_on"], "licence", text, licence["code"], licence["uncertain"])
            )
        if licence["expires_on"]:
            text = f"Giấy phép {number} hết hạn"
            events.append(Event(licence["expires_on"], "licence", text, licence["code"]))
    for change in store.changes(agency=code):
        fields = ", ".join(change["detail"]) if change["change"] == "update" else ""
        label = ENTITIES[change["entity"]].label.lower()
        what = f"{_CHANGES.get(change['change'], change['change'])} {label}"
        text = f"{what} {change['key']}" + (f": {fields}" if fields else "")
        on = change["at"].astimezone(HANOI).date()
        events.append(Event(on, "change", f"{text} — {change['actor']}", change["key"]))
    return sorted(events, key=lambda e: e.on or dt.date.min, reverse=True)
