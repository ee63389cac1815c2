"""Statutory deadlines from rules kept as data: days per priority, calendar or working days.

The office changes data/deadline_rules.json (or passes its own file), never the code: 30 days for
an issue raised in the press (Press Law 2016) by default, shorter ones for urgent issues.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from baochi.cases.calendar import WorkCalendar, default_calendar
from baochi.hanoi_time import HANOI

RULES_FILE = Path(__file__).with_name("data") / "deadline_rules.json"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """How long a case of one priority may take."""

    priority: str
    label: str
    days: int
    unit: str  # calendar, working


@dataclass(frozen=True, slots=True)
class DeadlineRules:
    """Every priority's rule, when reminders go out before the deadline and escalations after it."""

    basis: str
    priorities: dict[str, DeadlineRule]
    remind_before_days: tuple[int, ...]
    escalate_after_days: tuple[int, ...]

    def rule(self, priority: str) -> DeadlineRule:
        """The rule of a priority; an unknown priority is an error the user must see."""
        try:
            return self.priorities[priority]
        except KeyError:
            known = ", ".join(self.priorities)
            raise ValueError(f"unknown priority {priority!r}: expected one of {known}") from None


def load_rules(path: Path = RULES_FILE) -> DeadlineRules:
    """Read and check a rules file."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    priorities = {}
    for key, item in raw["priorities"].items():
        rule = DeadlineRule(key, str(item["label"]), int(item["days"]), str(item["unit"]))
        if rule.unit not in ("calendar", "working") or rule.days <= 0:
            raise ValueError(f"{path}: priority {key!r} needs days > 0 and unit calendar|working")
        priorities[key] = rule
    return DeadlineRules(
        basis=str(raw.get("basis", "")),
        priorities=priorities,
        remind_before_days=tuple(sorted({int(d) for d in raw["remind_before_days"]}, reverse=True)),
        escalate_after_days=tuple(sorted({int(d) for d in raw["escalate_after_days"]})),
    )


def configured_rules(rules_file: str) -> DeadlineRules:
    """The rules file named by the setting case_rules_file, else the shipped rules."""
    return load_rules(Path(rules_file)) if rules_file else load_rules()


def local_day(moment: dt.datetime) -> dt.date:
    """The Hà Nội calendar day of an instant."""
    return moment.astimezone(HANOI).date()


def due_on(
    received_on: dt.date,
    priority: str,
    rules: DeadlineRules,
    calendar: WorkCalendar | None = None,
) -> dt.date:
    """The last day to answer an issue received on `received_on` with the given priority."""
    rule = rules.rule(priority)
    return (calendar or default_calendar()).add_days(received_on, rule.days, rule.unit)


def due_at(last_day: dt.date) -> dt.datetime:
    """The instant a case becomes overdue: midnight in Hà Nội at the end of its last day."""
    return dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), HANOI).astimezone(
        dt.UTC
    )


def days_left(last_day: dt.date, now: dt.datetime) -> int:
    """Calendar days from today (Hà Nội) to the last day: 0 on the day, negative when overdue."""
    return (last_day - local_day(now)).days
