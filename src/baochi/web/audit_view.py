"""The audit log as an administrator reads it: each action named in Vietnamese, and only what
changed ("status: Đã giao → Đang xử lý"), not two JSON records side by side; the codes it knows
(a case's status and departments, a user's role, a label, a registry entry's choices) by the names
the pages give them, in the page's language (what is stored stays as it was written).

Areas name their own actions with a module-level `AUDIT_LABELS` dict, gathered when the app loads
them; an action nobody named shows its code. Objects ("case:3" → "Hồ sơ #3") and fields ("status"
→ "Trạng thái") read by name too, their codes kept in a title. The Excel export keeps the full
records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from baochi.cases.workflow import COORDINATING, RESPONSIBLE, STATUS_LABELS
from baochi.labels import label_name
from baochi.phrase import Phrase
from baochi.registry.model import ENTITIES
from baochi.vi import fold
from baochi.web.auth import ROLES
from baochi.web.i18n import DEFAULT, counter, figure, translator
from baochi.web.routes.sources import KINDS
from baochi.web.templating import day, local, templates

LABELS = {
    "user.add": "Thêm người dùng",
    "user.change": "Đổi tên hiển thị, vai trò, phòng ban hoặc trạng thái",
    "user.password": "Đổi mật khẩu",
    "user.password_reset": "Đặt lại mật khẩu",
    "token.add": "Tạo mã truy cập API",
    "token.revoke": "Thu hồi mã truy cập API",
    "department.add": "Thêm phòng ban",
    "department.edit": "Đổi tên phòng ban",
    "department.merge": "Gộp phòng ban",
    "backup.start": "Sao lưu ngay",
    "source.add": "Thêm nguồn tin",
    "source.enable": "Bật nguồn tin",
    "source.disable": "Tắt nguồn tin",
    "source.poll": "Thu thập ngay",
    "label.correct": "Sửa nhãn",
    "flag.add": "Gắn cờ",
    "flag.resolve": "Gỡ cờ (đã xử lý)",
    "watchlist.add": "Thêm danh sách theo dõi",
    "watchlist.edit": "Sửa danh sách theo dõi",
}
# What an audited object is, by the kind before its colon ("case:3" → "Hồ sơ #3"): one object,
# so each its own phrase, not the list's name (English says "Case #3", not "Cases #3"); a
# registry entry by its entity's own label ("licences:gp-1" → "Giấy phép gp-1").
ENTITY_NAMES = {
    "case": "Hồ sơ {key}",
    "watchlist": "Danh sách theo dõi {key}",
    "document": "Bài báo {key}",
    "user": "Người dùng {key}",
    "department": "Phòng ban {key}",
    "source": "Nguồn tin {key}",
    "token": "Mã truy cập API {key}",
    "backup": "Sao lưu {key}",
    "report": "Báo cáo {key}",
    "file": "Tệp {key}",
    "indicator": "Chỉ tiêu {key}",
}
# Who did it, when not a person: the command line, or baochi itself.
ACTORS = {"cli": "Dòng lệnh", "system": "Hệ thống"}
# The fields audited records keep, as the pages name them; a registry entry's by its entity's.
FIELD_NAMES = {
    "status": "Trạng thái",
    RESPONSIBLE: "Đơn vị chủ trì",
    COORDINATING: "Đơn vị phối hợp",
    "answer": "Trả lời",
    "escalation_level": "Số lần báo cáo vượt cấp",
    "name": "Tên",
    "query": "Câu tìm kiếm",
    "username": "Tên đăng nhập",
    "role": "Vai trò",
    "department": "Phòng ban",
    "tokens_revoked": "Mã truy cập API đã thu hồi",
    "replaces": "Thay cho",
    "days": "Số ngày hiệu lực",
    "url": "Địa chỉ",
    "outlet": "Báo",
    "kind": "Loại",
    "section": "Chuyên mục",
    "code": "Mã",
    "merged_into": "Gộp vào",
    "note": "Ghi chú",
    "flags": "Cờ",
    "title": "Tiêu đề",
    "issued_at": "Phát hành lúc",
    "topic": "Chủ đề",
    "tone": "Sắc thái",
    "place": "Địa điểm",
    "enabled": "Đang bật",
    "active": "Tình trạng",
    "display_name": "Tên hiển thị",
    "reason": "Lý do",
    "next_poll_at": "Lần thu thập tới",
    "users": "Người dùng chuyển sang",
    "cases": "Hồ sơ chuyển sang",
    "watchlists": "Danh sách theo dõi chuyển sang",
    "rules": "Quy tắc cảnh báo chuyển sang",
}
LONGEST = 160  # characters of a value shown; the export has all of it
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# What people read for a value of a field (a code, or one item of a list): the value if unknown.
Naming = Callable[[str, Any], Any]


def _as_written(field: str, value: Any) -> Any:
    return value


def naming(
    action: str, departments: Mapping[int, str], entity: str = "", lang: str = DEFAULT
) -> Naming:
    """How an action's codes read in the language `lang`: a case's status and departments (by
    id), a user's role, a corrected label, a registry entry's choices (its `entity` is
    "licences:gp-1"). A department's name is its own, in every language."""
    area = action.split(".", 1)[0]
    kind = ENTITIES.get(entity.split(":", 1)[0]) if area == "registry" else None
    coded = {f.name: f for f in kind.fields if f.choices} if kind else {}
    translate = translator(lang)

    def word(name: Any) -> Any:
        return translate(name) if isinstance(name, str) else name

    def named(field: str, value: Any) -> Any:
        if field in coded and isinstance(value, str):
            return word(coded[field].choice_label(value))
        if area == "case" and field == "status":
            return word(STATUS_LABELS.get(value, value))
        if area == "case" and field in (RESPONSIBLE, COORDINATING):
            return departments.get(value, value)
        if area == "user" and field == "role":
            return word(ROLES.get(value, value))
        if area == "user" and field == "active" and isinstance(value, bool):
            return word("Hoạt động" if value else "Đã khoá")
        if area == "source" and field == "kind":
            return word(KINDS.get(value, value))
        if action == "label.correct" and isinstance(value, str):
            return word(label_name(field, value))
        return value

    fields = {f.name: f.label for f in kind.fields} if kind else {}
    one = counter(lang)  # a field holds one value: "Department", not "Departments"

    def field_name(name: str) -> str:
        return one(fields.get(name) or FIELD_NAMES.get(name, name), 1)

    return Names(named, field_name)


@dataclass(frozen=True, slots=True)
class Names:
    """An action's naming: its values (called as a Naming) and its fields' names (`field`)."""

    value: Naming
    field: Callable[[str], str]

    def __call__(self, name: str, value: Any) -> Any:
        return self.value(name, value)


def entity_name(entity: str, lang: str = DEFAULT) -> str:
    """An audited object as people read it ("case:3" → "Hồ sơ #3", "Case #3" in English); an
    object of a kind nobody named as it was written."""
    kind, _, key = entity.partition(":")
    shown = "#" + key if key.isdigit() else key
    if kind in ENTITY_NAMES and key:
        return Phrase(ENTITY_NAMES[kind], key=shown).said(counter(lang))
    if kind in ENTITIES and key:
        return f"{counter(lang)(ENTITIES[kind].label, 1)} {shown}"  # one of them
    return entity


def entity_code(typed: str, lang: str = DEFAULT) -> str:
    """The object a typed filter means, as the log stores it: "Hồ sơ #3", "Case 3" or "case:3"
    → "case:3", "Cơ quan báo chí hanoimoi" → "agencies:hanoimoi"; what it cannot read, as
    typed."""
    if ":" in typed:
        return typed
    said = counter(lang)
    kinds = [(kind, name.split(" {")[0]) for kind, name in ENTITY_NAMES.items()]
    kinds += [(kind, entity.label) for kind, entity in ENTITIES.items()]
    names = kinds + [(kind, said(name, 1)) for kind, name in kinds]  # Vietnamese or the page's
    words = typed.split()
    for kind, name in sorted(names, key=lambda item: -len(item[1])):
        size = len(name.split())
        if len(words) > size and _same(" ".join(words[:size]), name):
            key = " ".join(words[size:]).lstrip("#").strip()
            return f"{kind}:{key}" if key else typed
    return typed


def _same(typed: str, name: str) -> bool:
    """A name typed whatever its case and diacritics."""
    return fold(typed).lower() == fold(name).lower()


def actor_name(username: str, lang: str = DEFAULT) -> str:
    """Who did it: a person by their username, the command line or baochi itself by name."""
    return translator(lang)(ACTORS[username]) if username in ACTORS else username


templates.env.filters["audit_entity"] = entity_name
templates.env.filters["audit_actor"] = actor_name


@dataclass(frozen=True, slots=True)
class Change:
    """One field of an audited record: its value before and after ("" when it had none), and
    the field's name as people read it (`label`, its code when none is known)."""

    field: str
    before: str
    after: str
    label: str = dataclasses.field(default="", compare=False)


def changes(
    before: str | None, after: str | None, named: Naming = _as_written, lang: str = DEFAULT
) -> list[Change]:
    """The fields whose values read differently in two audited records (JSON), in the order
    they were written, codes `named`, yes/no and figures in the language `lang`; a record added
    or removed shows each field it has a value for."""
    old, new = _record(before), _record(after)
    shown = []
    for name in dict.fromkeys([*old, *new]):
        read = partial(named, name)
        was, now = _shown(old.get(name), read, lang), _shown(new.get(name), read, lang)
        label = named.field(name) if isinstance(named, Names) else name
        shown.append(Change(name, was, now, label))
    return [c for c in shown if c.before != c.after]


def _record(text: str | None) -> dict[str, Any]:
    """An audited record; anything else (plain text, a list) as one field."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {"": text}
    return value if isinstance(value, dict) else {"": value}


def _shown(value: Any, named: Callable[[Any], Any], lang: str) -> str:
    """A value as one short line of text, its codes named; yes/no, dates and figures as the
    pages write them in the language `lang`."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        value = ", ".join(str(named(item)) for item in value)
    else:
        value = named(value)
    if isinstance(value, bool):
        return translator(lang)("có" if value else "không")
    if isinstance(value, float):
        return figure(value, lang)
    if isinstance(value, str) and ISO_DAY.match(value):
        value = _moment(value)
    text = " ".join(str(value).split())
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"


def _moment(text: str) -> str:
    """An ISO day or time as the pages write it (`day`, `local`); anything else as written."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    return day(text) if len(text) == 10 else local(moment)
