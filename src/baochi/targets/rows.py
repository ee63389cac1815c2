"""A directive as plain rows, checked and typed the same way from the shipped JSON or a workbook.

Every problem is reported with its sheet, row and field, and nothing is written while any remains.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from baochi.numbers import read_number
from baochi.phrase import Phrase, phrase_of
from baochi.targets.status import TASK_STATUSES
from baochi.vi import fold, normalize

# Which way an indicator should move, by its name in a workbook.
DIRECTIONS = {"increase": "Tăng", "decrease": "Giảm"}


@dataclass
class DirectiveRows:
    """The four parts of a directive, ready for TargetsStore.save_directive."""

    directive: dict[str, Any]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)


# Where a problem is and what: its sheet (a Phrase for the file as a whole), its row (0 for the
# sheet, or the file, as a whole) and its message, said in a page's language; a message naming a
# field has it as its part `field`, so a workbook's import can name the column instead.
Problem = tuple[str | Phrase, int, Phrase]


class RowsInvalid(ValueError):
    """The rows have problems; `problems` lists each as (sheet, row, message)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = [f"{sheet} dòng {row}: {message}" for sheet, row, message in problems[:20]]
        super().__init__("dữ liệu không hợp lệ:\n" + "\n".join(lines))


# The most tasks a directive numbers: a number past it is a slip (1e20 typed for 10), and would
# not fit the database's column.
MAX_POSITION = 9999


def clean(value: Any) -> str:
    """A cell's text as registry and social imports keep it: NFC, without invisible or control
    characters (a code "CQBC-2020\u200b" is CQBC-2020), exotic spaces made plain, trimmed."""
    return "" if value is None else normalize(str(value)).strip()


class _Checker:
    """Collects problems while reading fields."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def text(self, sheet: str, row: int, item: dict[str, Any], name: str, required: bool) -> str:
        value = item.get(name)
        text = clean(value)
        if required and not text:
            self.problems.append((sheet, row, Phrase("thiếu «{field}»", field=name)))
        return text

    def date(self, sheet: str, row: int, item: dict[str, Any], name: str, required: bool) -> Any:
        value = item.get(name)
        if value in (None, ""):
            if required:
                self.problems.append((sheet, row, Phrase("thiếu ngày «{field}»", field=name)))
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = clean(value)
        for parse in (dt.date.fromisoformat, lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date()):
            try:
                return parse(text)
            except ValueError:
                continue
        not_a_day = Phrase(
            "«{field}» không phải ngày (dd/mm/yyyy): {text!r}", field=name, text=text
        )
        self.problems.append((sheet, row, not_a_day))
        return None

    def number(self, sheet: str, row: int, item: dict[str, Any], name: str, required: bool) -> Any:
        value = item.get(name)
        if value in (None, ""):
            if required:
                self.problems.append((sheet, row, Phrase("thiếu số «{field}»", field=name)))
            return None
        try:
            number = read_number(value) if isinstance(value, str) else float(value)
            if not math.isfinite(number):
                raise ValueError(Phrase("«{text}» không phải là số", text=value))
        except (TypeError, ValueError) as exc:
            self.problems.append(
                (sheet, row, Phrase("«{field}»: {why}", field=name, why=phrase_of(exc)))
            )
            return None
        return number

    def choice(
        self, sheet: str, row: int, item: dict[str, Any], name: str, allowed: Mapping[str, str]
    ) -> str:
        """The code of a choice written by its name (any case, with or without diacritics), as
        a workbook shows it, or by its code, as the shipped JSON does; the first when empty."""
        value = clean(item.get(name) or "")
        codes = {fold(label): code for code, label in allowed.items()} | {c: c for c in allowed}
        code = codes.get(fold(value)) if value else next(iter(allowed))
        if code is None:
            names = ", ".join(allowed.values())  # what the workbook takes, on an English page too
            not_one = Phrase(
                "«{field}» phải là một trong {names}: {value!r}",
                field=name,
                names=names,
                value=value,
            )
            self.problems.append((sheet, row, not_one))
            return value
        return code


def check_rows(
    directive: dict[str, Any],
    tasks: list[dict[str, Any]],
    indicators: list[dict[str, Any]],
    reports: list[dict[str, Any]],
    lines: Mapping[str, Sequence[int]] | None = None,
) -> DirectiveRows:
    """Typed rows, or RowsInvalid listing every problem; `lines` holds each part's row numbers
    in its sheet (counted from 2, under one header row, when not given)."""
    c = _Checker()
    given = lines or {}

    def numbered(part: str, items: list[dict[str, Any]]) -> Iterator[tuple[int, dict[str, Any]]]:
        return zip(given.get(part, range(2, 2 + len(items))), items, strict=True)

    first_row = given.get("directive", (2,))[0]
    out = DirectiveRows(
        {
            "code": c.text("directive", first_row, directive, "code", True),
            "issued_on": c.date("directive", first_row, directive, "issued_on", False),
            "issuer": c.text("directive", first_row, directive, "issuer", False),
            "title": c.text("directive", first_row, directive, "title", True),
            "summary": c.text("directive", first_row, directive, "summary", False),
            "source": c.text("directive", first_row, directive, "source", False),
        }
    )
    positions: set[int] = set()
    for n, item in numbered("tasks", tasks):
        position = c.number("tasks", n, item, "position", True)
        if position is not None and not 1 <= position <= MAX_POSITION:
            out_of_range = Phrase(
                "«{field}» phải từ 1 đến {most}: {value}",
                field="position",
                most=MAX_POSITION,
                value=f"{position:g}",
            )
            c.problems.append(("tasks", n, out_of_range))
            position = None
        elif position is not None and (position != int(position) or int(position) in positions):
            twice = Phrase("«{field}» phải là số nguyên không trùng", field="position")
            c.problems.append(("tasks", n, twice))
        positions.add(int(position or 0))
        out.tasks.append(
            {
                "position": int(position or 0),
                "title": c.text("tasks", n, item, "title", True),
                "lead_unit": c.text("tasks", n, item, "lead_unit", False),
                "coordinating_units": c.text("tasks", n, item, "coordinating_units", False),
                "due_on": c.date("tasks", n, item, "due_on", False),
                "status": c.choice("tasks", n, item, "status", TASK_STATUSES),
                "note": c.text("tasks", n, item, "note", False),
            }
        )
    codes: set[str] = set()
    for n, item in numbered("indicators", indicators):
        code = c.text("indicators", n, item, "code", True)
        if code in codes:
            c.problems.append(("indicators", n, Phrase("mã chỉ tiêu {code!r} bị trùng", code=code)))
        codes.add(code)
        task = c.number("indicators", n, item, "task_position", False)
        if task is not None and int(task) not in positions:
            no_task = Phrase("không có nhiệm vụ số {number}", number=int(task))
            c.problems.append(("indicators", n, no_task))
        out.indicators.append(
            {
                "code": code,
                "task_position": None if task is None else int(task),
                "name": c.text("indicators", n, item, "name", True),
                "unit": c.text("indicators", n, item, "unit", False),
                "baseline": c.number("indicators", n, item, "baseline", False),
                "baseline_on": c.date("indicators", n, item, "baseline_on", False),
                "target": c.number("indicators", n, item, "target", True),
                "target_on": c.date("indicators", n, item, "target_on", True),
                "direction": c.choice("indicators", n, item, "direction", DIRECTIONS),
                "source": c.text("indicators", n, item, "source", False),
            }
        )
    reported: dict[tuple[str, dt.date], int] = {}
    for n, item in numbered("reports", reports):
        code = c.text("reports", n, item, "indicator_code", True)
        if code and code not in codes:
            c.problems.append(("reports", n, Phrase("không có chỉ tiêu mã {code!r}", code=code)))
        period_end = c.date("reports", n, item, "period_end", True)
        if code and period_end is not None and (code, period_end) in reported:
            twice = Phrase(
                "chỉ tiêu {code!r} đã có báo cáo kỳ {day} ở dòng {first}",
                code=code,
                day=period_end.strftime("%d/%m/%Y"),
                first=reported[code, period_end],
            )
            c.problems.append(("reports", n, twice))
        elif code and period_end is not None:
            reported[code, period_end] = n
        out.reports.append(
            {
                "indicator_code": code,
                "period_end": period_end,
                "value": c.number("reports", n, item, "value", True),
                "comment": c.text("reports", n, item, "comment", False),
            }
        )
    if c.problems:
        raise RowsInvalid(c.problems)
    return out
