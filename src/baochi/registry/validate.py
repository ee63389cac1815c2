"""Rows of a registry file or form → checked records; every bad cell named with its sheet and row.

Nothing is written here: the whole file is checked first (cells, then keys, names and references
across sheets and the database), so an import either writes everything or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from baochi import hanoi_time
from baochi.db.registry_store import RegistryStore
from baochi.db.schema_registry import REGISTRY_TABLES
from baochi.phrase import Joined, Phrase
from baochi.registry.model import (
    ACTION_EFFECT,
    ACTIONS,
    AGENCY_STATUSES,
    BOOL,
    CHOICE,
    DATE,
    DOMAIN,
    EMAIL,
    ENTITIES,
    REFS,
    Entity,
    Field,
    Record,
)
from baochi.tables import TITLE_ROWS, header_index, undefused
from baochi.vi import fold, normalize

CARD_TERM_YEARS = 5
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,79}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_TEXT = 2000  # a free-text note or address: a whole pasted document is none of them
_DOMAIN = re.compile(r"(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_DATE_VN = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
# A numbering column (STT) heads most of the office's tables; it is no field and is left out.
NUMBERING = {"stt", "tt", "so tt", "so thu tu"}
_YES = {"yes", "true", "1", "có", "co", "x", "y"}
_NO = {"", "no", "false", "0", "không", "khong", "n"}
_ORDERED = (
    ("valid_from", "valid_to"),
    ("since", "until"),
    ("issued_on", "expires_on"),
    ("term_start", "term_end"),
    ("decision_date", "announced_on"),
    ("decision_date", "effective_on"),
)
_MONTH = re.compile(r"(0?[1-9]|1[0-2])/(\d{4})")
# Dates of what has been done: none is after today.
DONE_ON = ("completed_on", "done_on")
# What is wrong, in words to say in any language: one problem, or a row's problems.
Problem = Phrase | Joined
# The most problems a refusal lists, the rest counted: a file of 10,000 bad rows (or a workbook
# bomb) would otherwise make a page of megabytes that no one reads to the end.
PROBLEMS_SHOWN = 50
# The most rows one import takes. A register is hundreds of rows, a few thousand at most; a file
# of 100,000 held SQLite's write lock for up to a minute, past the 30 s every other request waits
# for it (a sign-in failed meanwhile with "database is locked").
MAX_ROWS = 20_000
# The kinds of action that move an agency's coverage to another agency.
MERGING = ("merge", "convert")


class RegistryImportError(ValueError):
    """A registry file or form with bad rows; nothing was written. `problems` lists them by row,
    to be said in a page's language; `errors` as the Vietnamese text."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        count = len(problems)
        if count > PROBLEMS_SHOWN:
            more = count - PROBLEMS_SHOWN
            others = Phrase("và {more} lỗi khác", n=more, more=more)
            problems = [*problems[:PROBLEMS_SHOWN], others]
        super().__init__(
            Phrase(
                "{count} lỗi, chưa ghi gì vào sổ đăng ký:\n{errors}",
                n=count,
                count=count,
                errors=Joined(problems, "\n"),
            )
        )
        self.problems = list(problems)
        self.errors = [str(p) for p in problems]


class BadCell(ValueError):
    """A cell that does not read as its field's kind; its argument says why (a Phrase)."""


@dataclass(frozen=True, slots=True)
class Sheet:
    """One entity's rows as read from a file: the header (on row `header_row`) and each row
    below it with its number."""

    entity: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[Any, ...]], ...]
    header_row: int = 1
    title: str = ""  # the sheet's name in the workbook, which errors call it by


def sheet_of(entity: Entity, rows: Sequence[Sequence[Any]], title: str = "") -> Sheet:
    """A file's rows as a Sheet: its header found among the first rows by the entity's column
    names (see header_index), blank rows below it left out."""
    by_name = _columns(entity)
    at = header_index(rows[:TITLE_ROWS], lambda cell: fold(_text(cell)) in by_name)
    body = tuple(
        (n, tuple(undefused(c) for c in r))  # each cell as it was before an export defused it
        for n, r in enumerate(rows[at + 1 :], start=at + 2)
        if any(c not in (None, "") for c in r)
    )
    header = tuple(_text(c) for c in rows[at]) if rows else ()
    return Sheet(entity.name, header, body, at + 1, title)


@dataclass(slots=True)
class Known:
    """What the register already holds: each entity's keys and, where unique, its names; each
    body's parent, and the actions on the register, by code."""

    keys: dict[str, set[str]] = field(default_factory=dict)
    titles: dict[str, dict[str, str]] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    actions: dict[str, Record] = field(default_factory=dict)


def known(store: RegistryStore) -> Known:
    """What the register holds, for checking references and unique names."""
    result = Known()
    for entity in ENTITIES.values():
        result.keys[entity.name] = set(store.keys(entity.name))
        if entity.unique_title:
            titles = store.keys(entity.name, entity.title)
            result.titles[entity.name] = {fold(t): k for k, t in titles.items()}
    bodies = store.rows("bodies", include_retired=True)
    result.parents = {rec["code"]: rec["parent"] for rec in bodies}
    result.actions = {rec["code"]: rec for rec in store.rows("actions")}
    return result


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, list | tuple | dict | set):  # sent as JSON: its Python repr is no text
        raise BadCell(Phrase("cần một giá trị, không phải danh sách hay bảng"))
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, dt.datetime | dt.date):
        cell = cell.isoformat()
    return normalize(str(cell)).strip()


def read_date(cell: Any) -> dt.date | None:
    """A day as the office writes it (dd/mm/yyyy) or as forms send it (yyyy-mm-dd); BadCell
    saying so in words when it is none."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = _text(cell)
    if not text:
        return None
    match = _DATE_VN.fullmatch(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadCell(
            Phrase("ngày {text!r} không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)", text=text)
        ) from None


def _bool(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    text = fold(_text(cell))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise BadCell(Phrase("{text!r} không phải có/không", text=_text(cell)))


def _choice(cell: Any, spec: Field) -> str:
    text = _text(cell)
    wanted = fold(text)
    for code, label in spec.choices:
        if wanted in (fold(code), fold(label)):
            return code
    codes = ", ".join(code for code, _ in spec.choices)
    raise BadCell(Phrase("{text!r} không phải một trong: {codes}", text=text, codes=codes))


def _refs(cell: Any) -> list[str]:
    items = cell if isinstance(cell, list | tuple) else re.split(r"[;,\n]", _text(cell))
    return list(dict.fromkeys(t for t in (_text(i) for i in items) if t))


def _domain(cell: Any) -> str:
    text = _text(cell).lower().removeprefix("www.")
    if text and not _DOMAIN.fullmatch(text):
        raise BadCell(
            Phrase("{text!r} không phải tên miền (ví dụ: hanoimoi.vn, không có http://)", text=text)
        )
    return text


def _value(cell: Any, spec: Field) -> Any:
    """The typed value of one cell, or BadCell saying what is wrong with it."""
    if spec.kind == DATE:
        return read_date(cell)
    if spec.kind == BOOL:
        return spec.default if _text(cell) == "" and not isinstance(cell, bool) else _bool(cell)
    if spec.kind == REFS:
        return _refs(cell)
    if spec.kind == DOMAIN:
        return _domain(cell)
    text = _text(cell)
    if not text:
        return spec.default if spec.default is not None else ""
    if spec.kind == CHOICE:
        return _choice(text, spec)
    if spec.kind == EMAIL and not _EMAIL.fullmatch(text):
        raise BadCell(Phrase("{text!r} không phải địa chỉ thư điện tử", text=text))
    return text


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _label(entity: Entity, field: str) -> Phrase:
    """A field as a message names it: "Ngày cấp"."""
    return Phrase(entity.field(field).label)


def _named(spec: Field) -> Phrase:
    """A field as the workbook's header row and the forms name it: "Ngày cấp"."""
    return Phrase(spec.label)


def _rules(entity: Entity, rec: Record) -> list[Phrase]:
    """Checks across the fields of one record."""
    problems = []
    for start, end in _ORDERED:
        if rec.get(start) and rec.get(end) and rec[end] < rec[start]:
            problems.append(
                Phrase(
                    "{then} ({end:%d/%m/%Y}) trước {first} ({start:%d/%m/%Y})",
                    then=_label(entity, end),
                    end=rec[end],
                    first=_label(entity, start),
                    start=rec[start],
                )
            )
    today = hanoi_time.today()
    for name in DONE_ON:
        if rec.get(name) and rec[name] > today:
            problems.append(
                Phrase(
                    "{field} ({day:%d/%m/%Y}) chưa tới: hôm nay là {today:%d/%m/%Y}",
                    field=_label(entity, name),
                    day=rec[name],
                    today=today,
                )
            )
    key = rec.get(entity.key, "")
    if entity.key != "domain" and key and not _KEY.fullmatch(key):
        problems.append(
            Phrase("mã {key!r} chỉ gồm chữ không dấu, số, '.', '_', '-' (tối đa 80 ký tự)", key=key)
        )
    if entity.name == "bodies" and rec["parent"] and rec["parent"] == rec["code"]:
        problems.append(Phrase("cơ quan không thể trực thuộc chính nó"))
    if entity.name == "cards" and rec["expires_on"] is None and rec["issued_on"]:
        rec["expires_on"] = _add_years(rec["issued_on"], CARD_TERM_YEARS) - dt.timedelta(days=1)
    if entity.name == "actions":
        problems.extend(_action_rules(rec))
    as_of = rec.get("head_as_of")
    if as_of and not _month(as_of, today):
        problems.append(
            Phrase(
                "{field}: {as_of!r} không phải tháng/năm đã qua, ví dụ {today:%m/%Y}",
                field=_label(entity, "head_as_of"),
                as_of=as_of,
                today=today,
            )
        )
    return problems


def _month(text: str, today: dt.date) -> bool:
    """Whether `text` is a month and year ("6/2025", "06/2025") not after this month."""
    found = _MONTH.fullmatch(text)
    return found is not None and (int(found[2]), int(found[1])) <= (today.year, today.month)


def _action_rules(rec: Record) -> list[Phrase]:
    problems = []
    kind = rec["kind"]
    if kind in ("merge", "convert") and not rec["target"]:
        named = Phrase(ACTIONS.field("kind").choice_label(kind), lower=True)
        problems.append(Phrase("hình thức {kind} cần cơ quan sau sắp xếp (target)", kind=named))
    if rec["target"] and rec["target"] in rec["members"]:
        problems.append(
            Phrase(
                "cơ quan {target!r} vừa là cơ quan được sắp xếp vừa là cơ quan sau sắp xếp",
                target=rec["target"],
            )
        )
    if kind == "convert" and len(rec["members"]) != 1:
        problems.append(Phrase("chuyển đổi áp dụng cho đúng một cơ quan"))
    if kind == "transfer" and not rec["new_body"]:
        problems.append(Phrase("chuyển cơ quan chủ quản cần cơ quan chủ quản mới (new_body)"))
    if rec["status"] == "done" and kind in ("merge", "convert") and rec["effective_on"] is None:
        problems.append(Phrase("nhiệm vụ đã hoàn thành cần ngày có hiệu lực (effective_on)"))
    return problems


def _width(entity: str, field: str) -> int:
    """The most characters a field's column holds: its declared width (PostgreSQL refuses more,
    SQLite would keep them), or MAX_TEXT for free text."""
    column = REGISTRY_TABLES[entity].c.get(field)
    length = getattr(column.type, "length", None) if column is not None else None
    return int(length) if length else MAX_TEXT


def check_row(entity: Entity, cells: Mapping[str, Any]) -> tuple[Record, list[Phrase]]:
    """One record from its cells by field name, and what is wrong with it (empty when fine)."""
    rec: Record = {}
    problems = []
    for spec in entity.fields:
        try:
            value = _value(cells.get(spec.name), spec)
        except BadCell as exc:
            problems.append(Phrase("{field}: {problem}", field=_named(spec), problem=exc.args[0]))
            rec[spec.name] = _value(None, spec)  # empty, so the row's other rules still run
            continue
        if spec.required and _empty(value):
            problems.append(Phrase("thiếu {field}", field=_named(spec)))
        width = _width(entity.name, spec.name)
        if isinstance(value, str) and len(value) > width:
            too_long = Phrase("dài {length} ký tự, quá {width}", length=len(value), width=width)
            problems.append(Phrase("{field}: {problem}", field=_named(spec), problem=too_long))
        rec[spec.name] = value
    return rec, problems + _rules(entity, rec)


def _columns(entity: Entity) -> dict[str, str]:
    """Each folded column heading the entity takes (its fields' names and labels): the field."""
    by_name = {}
    for spec in entity.fields:
        by_name[fold(spec.name)] = spec.name
        by_name[fold(spec.label)] = spec.name
    return by_name


def _header(entity: Entity, header: Sequence[str]) -> tuple[list[str | None], list[Phrase]]:
    """Each column's field name (None for a blank or numbering column), and the problems with
    the header."""
    by_name = _columns(entity)
    names: list[str | None] = []
    problems = []
    for cell in header:
        text = _text(cell)
        name = by_name.get(fold(text)) if text else None
        if name is None and fold(text) in NUMBERING:
            names.append(None)
            continue
        if text and name is None:
            listed = Phrase(entity.plural, n=2)  # the list, as `_` names it
            problems.append(
                Phrase("cột {text!r} không thuộc danh mục {entity}", text=text, entity=listed)
            )
        if name is not None and name in names:
            problems.append(Phrase("cột {text!r} lặp lại", text=text))
        names.append(name)
    missing = [_named(f) for f in entity.fields if f.required and f.name not in names]
    if missing:
        columns = Joined(missing, ", ")
        problems.append(Phrase("thiếu cột {columns}", n=len(missing), columns=columns))
    if problems:
        columns = Joined((Phrase(f.label) for f in entity.fields), ", ")
        problems.append(Phrase("các cột: {columns}", columns=columns))
    return names, problems


# What a bad row's message says before its problems: where it is.
ROW = "{sheet}, dòng {row}: {problem}"
HEADER = "{sheet}, dòng {row} (tiêu đề): {problem}"


def _sheet_named(entity: str, title: str) -> Phrase | str:
    """A sheet as the user's workbook shows it: its tab's title, or (a CSV file, a tab named by
    the entity's code) the entity's Vietnamese name, as the exported workbook names its tabs."""
    if title and title.strip() != entity:
        return title
    return Phrase(ENTITIES[entity].label, n=1)


def check(sheets: Sequence[Sheet], known: Known) -> dict[str, list[Record]]:
    """Every sheet's records, checked whole; raises RegistryImportError listing each bad row, in
    the order of the sheets (by entity) and rows."""
    rows = sum(len(sheet.rows) for sheet in sheets)
    if rows > MAX_ROWS:
        too_many = "tệp có {rows} dòng, quá {limit} dòng một lần nhập: hãy chia thành nhiều tệp"
        raise RegistryImportError([Phrase(too_many, n=rows, rows=rows, limit=MAX_ROWS)])
    errors: list[tuple[str, int, str, Problem]] = []
    records: dict[str, list[Record]] = {}
    numbers: dict[str, list[int]] = {}
    rejected: list[tuple[str, int, Record]] = []  # their references are checked all the same
    for sheet in sheets:
        entity = ENTITIES[sheet.entity]
        names, problems = _header(entity, sheet.header)
        if problems:
            errors.append((entity.name, sheet.header_row, HEADER, Joined(problems)))
            continue
        for number, cells in sheet.rows:
            if len(cells) > len(names):
                # in a CSV the cells are shifted, each under another column's name: nothing else
                # is said of the row, as it would be said of the wrong cells; in a workbook (a
                # sheet with a title) a cell stands right of the table
                extra = len(cells) - len(names)
                message = (
                    Phrase(
                        "nhiều hơn dòng tiêu đề {extra} ô: có ô nằm bên phải cột cuối của bảng",
                        n=extra,
                        extra=extra,
                    )
                    if sheet.title
                    else Phrase(
                        "nhiều hơn dòng tiêu đề {extra} ô: có thể nội dung có dấu phẩy hay dấu "
                        "chấm phẩy mà không được đặt trong ngoặc kép",
                        n=extra,
                        extra=extra,
                    )
                )
                errors.append((entity.name, number, ROW, message))
                continue
            by_field = {n: c for n, c in zip(names, cells, strict=False) if n is not None}
            rec, problems = check_row(entity, by_field)
            if problems:
                errors.append((entity.name, number, ROW, Joined(problems)))
                rejected.append((entity.name, number, rec))
            else:
                records.setdefault(entity.name, []).append(rec)
                numbers.setdefault(entity.name, []).append(number)
    found = _cross_check(records, numbers, rejected, known)
    errors.extend((n, row, ROW, problem) for n, row, problem in found)
    if errors:
        order = list(ENTITIES)
        errors.sort(key=lambda e: (order.index(e[0]), e[1]))
        called = {sheet.entity: sheet.title for sheet in sheets}
        raise RegistryImportError(
            [
                Phrase(
                    where, sheet=_sheet_named(name, called.get(name, "")), row=row, problem=problem
                )
                for name, row, where, problem in errors
            ]
        )
    return records


def _cross_check(
    records: dict[str, list[Record]],
    numbers: dict[str, list[int]],
    rejected: list[tuple[str, int, Record]],
    known: Known,
) -> list[tuple[str, int, Problem]]:
    """Keys and unique names once each, and every reference to something that exists; a row
    with other faults has its references checked too, so one pass lists all there is to fix."""
    errors: list[tuple[str, int, Problem]] = []
    keys = {name: set(known.keys.get(name, ())) for name in ENTITIES}
    for name, _, rec in rejected:  # a row to mend is not missing for the rows that name it
        if rec.get(ENTITIES[name].key):
            keys[name].add(rec[ENTITIES[name].key])
    for name, recs in records.items():
        entity = ENTITIES[name]
        first: dict[str, int] = {}
        titles = dict(known.titles.get(name, {}))
        for rec, number in zip(recs, numbers[name], strict=True):
            key = rec[entity.key]
            if key in first:
                repeated = Phrase("mã {key!r} trùng với dòng {row}", key=key, row=first[key])
                errors.append((name, number, repeated))
            first.setdefault(key, number)
            keys[name].add(key)
            if entity.unique_title:
                folded = fold(rec[entity.title])
                owner = titles.setdefault(folded, key)
                if owner != key:
                    title = rec[entity.title]
                    taken = Phrase(
                        "tên {title!r} đã dùng cho mã {owner!r}", title=title, owner=owner
                    )
                    errors.append((name, number, taken))
    checked = [
        (name, row, rec)
        for name, recs in records.items()
        for rec, row in zip(recs, numbers[name], strict=True)
    ]
    for name, number, rec in checked + rejected:
        missing = [
            Phrase(
                "{field} {code!r} không có trong danh mục {ref}",
                field=_named(spec),
                code=code,
                ref=Phrase(ENTITIES[spec.ref].plural, n=2),  # the list, as `_` names it
            )
            for spec in ENTITIES[name].refs
            if spec.name in rec  # a cell that did not read has its own error already
            for code in (rec[spec.name] if spec.kind == REFS else [rec[spec.name]])
            if code and code not in keys[spec.ref]
        ]
        if missing:
            errors.append((name, number, Joined(missing)))
    errors.extend(_cycles(records.get("bodies", []), numbers.get("bodies", []), known.parents))
    errors.extend(
        _restructuring(records.get("actions", []), numbers.get("actions", []), known.actions)
    )
    return errors


def _cycles(
    bodies: list[Record], numbers: list[int], stored: Mapping[str, str]
) -> list[tuple[str, int, Problem]]:
    """Bodies that would be, through their parents (as written here, else as stored), under
    themselves."""
    parent = {**stored, **{rec["code"]: rec["parent"] for rec in bodies}}
    errors: list[tuple[str, int, Problem]] = []
    for rec, number in zip(bodies, numbers, strict=True):
        seen, code = {rec["code"]}, rec["parent"]
        while code in parent and code not in seen:
            seen.add(code)
            code = parent[code]
        if code == rec["code"]:
            itself = Phrase("{code!r} trực thuộc chính nó qua cấp trên", code=rec["code"])
            errors.append(("bodies", number, itself))
    return errors


def _restructuring(
    actions: list[Record], numbers: list[int], stored: Mapping[str, Record]
) -> list[tuple[str, int, Problem]]:
    """Actions that would undo a completed transfer, end an agency that another completed action
    has ended already, or close a loop of mergers, which no lineage can follow."""
    current = {**stored, **{rec["code"]: rec for rec in actions}}
    done = [rec for rec in current.values() if rec["status"] == "done"]
    errors: list[tuple[str, int, Problem]] = []
    for rec, number in zip(actions, numbers, strict=True):
        before = stored.get(rec["code"])
        problems = [
            *_undone_transfer(rec, before),
            *_ended_before(rec, done),
            *_loop(rec, done),
        ]
        if problems:
            errors.append(("actions", number, Joined(problems)))
    return errors


def settled_transfer(rec: Record) -> Phrase | None:
    """Why an action cannot be undone, retired or given other agencies or another body: it is a
    completed transfer, whose agencies have moved to their new body (the store moves them
    forward only). None for any other action."""
    if rec["kind"] != "transfer" or rec["status"] != "done":
        return None
    return Phrase(
        "nhiệm vụ chuyển cơ quan chủ quản {code!r} đã hoàn thành, các cơ quan đã sang cơ quan "
        "chủ quản mới: không hủy, sửa hay đưa ra khỏi sổ được; để chuyển lại, hãy ghi một "
        "nhiệm vụ chuyển mới",
        code=rec["code"],
    )


def _undone_transfer(rec: Record, before: Record | None) -> list[Phrase]:
    """A completed transfer given another status, other agencies or another body."""
    if before is None or all(
        rec[f] == before[f] for f in ("kind", "status", "members", "new_body")
    ):
        return []
    settled = settled_transfer(before)
    return [] if settled is None else [settled]


def _ended_before(rec: Record, done: list[Record]) -> list[Phrase]:
    """Members of an action that merges, converts or dissolves them, already so ended by
    another completed action."""
    if rec["status"] == "cancelled" or rec["kind"] not in ACTION_EFFECT:
        return []
    return [
        Phrase(
            "cơ quan {agency!r} {state} theo nhiệm vụ {action!r}",
            agency=member,
            state=Phrase(dict(AGENCY_STATUSES)[ACTION_EFFECT[other["kind"]]], lower=True),
            action=other["code"],
        )
        for member in rec["members"]
        for other in done
        if other["code"] != rec["code"]
        and other["kind"] in ACTION_EFFECT
        and member in other["members"]
    ]


def _loop(rec: Record, done: list[Record]) -> list[Phrase]:
    """The loop an action's merger would close with the completed ones: a → b → a."""
    if rec["status"] == "cancelled" or rec["kind"] not in MERGING or not rec["target"]:
        return []
    into: dict[str, list[str]] = {}
    for other in done:
        if other["code"] != rec["code"] and other["kind"] in MERGING and other["target"]:
            for member in other["members"]:
                into.setdefault(member, []).append(other["target"])
    path = _path(into, rec["target"], set(rec["members"]) - {rec["target"]})
    if path is None:
        return []
    chain = " → ".join([path[-1], *path])
    return [Phrase("các nhiệm vụ sắp xếp khép thành vòng: {chain}", chain=chain)]


def _path(into: Mapping[str, list[str]], start: str, ends: set[str]) -> list[str] | None:
    """The agencies from `start` to one of `ends`, each merged into the next; None if none."""
    came: dict[str, str] = {start: ""}
    todo = [start]
    while todo:
        code = todo.pop()
        if code in ends:
            path = [code]
            while came[path[-1]]:
                path.append(came[path[-1]])
            return path[::-1]
        for target in into.get(code, ()):
            if target not in came:
                came[target] = code
                todo.append(target)
    return None


def check_form(entity: Entity, form: Mapping[str, Any], known: Known) -> Record:
    """One record entered in a form or built by code; raises RegistryImportError if it is bad."""
    rec, problems = check_row(entity, form)
    if problems:
        raise RegistryImportError(problems)
    errors = _cross_check({entity.name: [rec]}, {entity.name: [0]}, [], known)
    if errors:
        raise RegistryImportError([message for _, _, message in errors])
    return rec
