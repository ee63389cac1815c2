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


# The most problems a refusal shows, the rest counted, as the registry's imports do: 50,000 bad
# rows would otherwise make a page of megabytes that no one reads to the end.
PROBLEMS_SHOWN = 50


class RowsInvalid(ValueError):
    """The rows have problems; `problems` lists each as (sheet, row, message), `shown` the first
    PROBLEMS_SHOWN of them and `more` how many are left out."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        self.shown = self.problems[:PROBLEMS_SHOWN]
        self.more = len(self.problems) - len(self.shown)
        lines = [f"{sheet} dòng {row}: {message}" for sheet, row, message in self.shown]
        if self.more:
            lines.append(str(self.others()))
        super().__init__("dữ liệu không hợp lệ:\n" + "\n".join(lines))

    def others(self) -> Phrase:
        """The count of problems not shown, said after those shown."""
        return Phrase("… và {more} lỗi khác", n=self.more, more=self.more)


# The first period a report may close: an earlier day is a slip (0001-01-01 from an empty date
# picker), and no directive followed here is that old.
FIRST_PERIOD = dt.date(2000, 1, 1)
# The largest value an indicator takes: past it a number is a slip (1e26 for 26), and would make
# the chart's scale of every other value nothing.
MAX_VALUE = 1e15
# A period still to come, refused wherever a report comes from (said in English by en.json).
FUTURE_PERIOD = "Ngày cuối kỳ không được sau hôm nay: không báo cáo trước cho một kỳ chưa kết thúc."


def _day(day: dt.date) -> str:
    """dd/mm/yyyy, the year in four digits even before 1000 (strftime writes year 1 as "1")."""
    return f"{day.day:02}/{day.month:02}/{day.year:04}"


def period_problem(period_end: dt.date, today: dt.date) -> Phrase | None:
    """Why a report cannot close on this day (after today, or before FIRST_PERIOD), or None."""
    if period_end > today:
        return Phrase(FUTURE_PERIOD)
    if period_end < FIRST_PERIOD:
        return Phrase(
            "«{field}» không được trước {first}: {day}",
            field="period_end",
            first=_day(FIRST_PERIOD),
            day=_day(period_end),
        )
    return None


def value_problem(unit: str, value: float, name: str) -> Phrase | None:
    """Why an indicator measured in `unit` cannot take this value as its field `name` (a share
    outside 0–100 %, a negative count or a number past MAX_VALUE), or None."""
    shown = f"{value:g}"
    if unit.strip() == "%" and not 0 <= value <= 100:
        return Phrase("«{field}» là tỷ lệ %, phải từ 0 đến 100: {value}", field=name, value=shown)
    if not 0 <= value <= MAX_VALUE:
        return Phrase(
            "«{field}» phải từ 0 đến {most}: {value}",
            field=name,
            most=f"{MAX_VALUE:g}",
            value=shown,
        )
    return None


def path_problems(indicator: Mapping[str, Any]) -> list[Phrase]:
    """Why an indicator's path cannot be followed: a value out of its unit's range, a target on
    the wrong side of the baseline for its direction, a deadline not after the baseline's day."""
    unit, baseline, target = indicator["unit"], indicator["baseline"], indicator["target"]
    found = [
        problem
        for name in ("baseline", "target")
        if indicator[name] is not None
        and (problem := value_problem(unit, indicator[name], name)) is not None
    ]
    if baseline is not None and target is not None:
        rising = indicator["direction"] == "increase"
        if (target < baseline) if rising else (target > baseline):
            wrong_side = (
                "«{field}» của chỉ tiêu tăng không được thấp hơn giá trị nền {baseline}: {value}"
                if rising
                else "«{field}» của chỉ tiêu giảm không được cao hơn giá trị nền {baseline}:"
                " {value}"
            )
            found.append(
                Phrase(wrong_side, field="target", baseline=f"{baseline:g}", value=f"{target:g}")
            )
    start, end = indicator["baseline_on"], indicator["target_on"]
    if start is not None and end is not None and end <= start:
        too_soon = Phrase("«{field}» phải sau ngày nền {day}", field="target_on", day=_day(start))
        found.append(too_soon)
    return found


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
    today: dt.date,
    lines: Mapping[str, Sequence[int]] | None = None,
) -> DirectiveRows:
    """Typed rows, or RowsInvalid listing every problem; `lines` holds each part's row numbers
    in its sheet (counted from 2, under one header row, when not given). Values, paths and
    periods are held to the rules the progress form and the API keep (`today` ends periods)."""
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
        else:  # only a valid number is taken: 1.5 is not task 1, which a later row may be
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
        c.problems += [("indicators", n, p) for p in path_problems(out.indicators[-1])]
    units = {i["code"]: i["unit"] for i in out.indicators}
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
        value = c.number("reports", n, item, "value", True)
        if period_end is not None and (early_or_late := period_problem(period_end, today)):
            c.problems.append(("reports", n, early_or_late))
        wrong = None if value is None else value_problem(units.get(code, ""), value, "value")
        if wrong is not None:
            c.problems.append(("reports", n, wrong))
        out.reports.append(
            {
                "indicator_code": code,
                "period_end": period_end,
                "value": value,
                "comment": c.text("reports", n, item, "comment", False),
            }
        )
    if c.problems:
        raise RowsInvalid(c.problems)
    return out
