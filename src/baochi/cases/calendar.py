"""Vietnamese public holidays and working days, so statutory deadlines skip the days offices close.

The rules follow the Labour Code (2012 Art. 115, 2019 Art. 112) as the government has applied
them to civil servants: lunar dates come from data/lunar.csv (computed with the Vietnamese
calendar, UTC+7) and each year's announced day swaps from data/day_swaps.csv.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).with_name("data")
ONE_DAY = dt.timedelta(days=1)
SATURDAY, SUNDAY = 5, 6

# 2 September gets a second day from 2021; the government joins it to the nearer weekend.
NATIONAL_DAY_SECOND = {0: 1, 1: -1, 2: -1, 3: 1, 4: -1, 5: -1, 6: 1}


class CalendarRangeError(ValueError):
    """A date outside the years whose lunar holidays are in data/lunar.csv."""


@dataclass(frozen=True, slots=True)
class Holiday:
    """One day off: its date, its Vietnamese name, and why (holiday, compensatory, swap)."""

    day: dt.date
    name: str
    kind: str  # holiday, observed, swap


def lunar_table(path: Path = DATA / "lunar.csv") -> dict[int, tuple[dt.date, dt.date]]:
    """Year → (Tết day 1, Giỗ Tổ Hùng Vương) in the Gregorian calendar."""
    with path.open(encoding="utf-8", newline="") as f:
        return {
            int(row["year"]): (
                dt.date.fromisoformat(row["tet"]),
                dt.date.fromisoformat(row["hung_kings"]),
            )
            for row in csv.DictReader(f)
        }


def day_swaps(path: Path = DATA / "day_swaps.csv") -> list[tuple[dt.date, dt.date, str]]:
    """Announced swaps: (weekday given off, weekend day worked instead, the decision)."""
    with path.open(encoding="utf-8", newline="") as f:
        return [
            (
                dt.date.fromisoformat(row["day_off"]),
                dt.date.fromisoformat(row["day_worked"]),
                row["basis"],
            )
            for row in csv.DictReader(f)
        ]


def statutory_holidays(year: int, tet: dt.date, hung_kings: dt.date) -> list[Holiday]:
    """The holidays the law names for a year, before weekends are compensated."""
    days = [
        Holiday(dt.date(year, 1, 1), "Tết Dương lịch", "holiday"),
        Holiday(tet - 2 * ONE_DAY, "Tết Nguyên đán (29 Tết)", "holiday"),
        Holiday(tet - ONE_DAY, "Tết Nguyên đán (giao thừa)", "holiday"),
        *(
            Holiday(tet + n * ONE_DAY, f"Tết Nguyên đán (mùng {n + 1})", "holiday")
            for n in range(3)
        ),
        Holiday(hung_kings, "Giỗ Tổ Hùng Vương (10/3 âm lịch)", "holiday"),
        Holiday(dt.date(year, 4, 30), "Ngày Chiến thắng", "holiday"),
        Holiday(dt.date(year, 5, 1), "Ngày Quốc tế Lao động", "holiday"),
        Holiday(dt.date(year, 9, 2), "Quốc khánh", "holiday"),
    ]
    if year >= 2021:
        second = dt.date(year, 9, 2) + NATIONAL_DAY_SECOND[dt.date(year, 9, 2).weekday()] * ONE_DAY
        days.append(Holiday(second, "Quốc khánh (ngày liền kề)", "holiday"))
    if year >= 2026:
        days.append(Holiday(dt.date(year, 11, 24), "Ngày Văn hóa Việt Nam", "holiday"))
    return sorted(days, key=lambda h: h.day)


def with_compensation(holidays: list[Holiday]) -> list[Holiday]:
    """Add a compensatory day (nghỉ bù) on the next working day for each holiday on a weekend."""
    taken = {h.day for h in holidays}
    result = list(holidays)
    for holiday in holidays:
        if holiday.day.weekday() < SATURDAY:
            continue
        day = holiday.day + ONE_DAY
        while day.weekday() >= SATURDAY or day in taken:
            day += ONE_DAY
        taken.add(day)
        result.append(Holiday(day, f"Nghỉ bù {holiday.name}", "observed"))
    return sorted(result, key=lambda h: h.day)


class WorkCalendar:
    """Which days a public office works: Monday to Friday, less holidays, plus swapped Saturdays."""

    def __init__(
        self,
        lunar: dict[int, tuple[dt.date, dt.date]],
        swaps: list[tuple[dt.date, dt.date, str]],
    ) -> None:
        self.first_year, self.last_year = min(lunar), max(lunar)
        self.days_off: dict[dt.date, Holiday] = {}
        for year, (tet, hung_kings) in lunar.items():
            for holiday in with_compensation(statutory_holidays(year, tet, hung_kings)):
                self.days_off.setdefault(holiday.day, holiday)
        self.days_worked: set[dt.date] = set()
        for day_off, day_worked, basis in swaps:
            self.days_off[day_off] = Holiday(day_off, f"Nghỉ hoán đổi ({basis})", "swap")
            self.days_worked.add(day_worked)

    def holidays(self, year: int) -> list[Holiday]:
        """The days off of a year other than ordinary weekends, in date order."""
        self._check(dt.date(year, 1, 1))
        return sorted(
            (h for h in self.days_off.values() if h.day.year == year), key=lambda h: h.day
        )

    def is_working_day(self, day: dt.date) -> bool:
        """True when public offices are open that day."""
        self._check(day)
        if day in self.days_worked:
            return True
        return day.weekday() < SATURDAY and day not in self.days_off

    def next_working_day(self, day: dt.date) -> dt.date:
        """The day itself if offices are open, else the next day they are."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def add_days(self, start: dt.date, days: int, unit: str) -> dt.date:
        """The last day of a period of `days` counted from the day after `start`.

        Calendar days: a period ending on a day off ends on the next working day (Civil Code
        2015, Art. 148). Working days: only days offices are open are counted.
        """
        if unit == "calendar":
            return self.next_working_day(start + days * ONE_DAY)
        if unit != "working":
            raise ValueError(f"unknown day unit {unit!r}: expected 'calendar' or 'working'")
        day, counted = start, 0
        while counted < days:
            day += ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative when end is earlier)."""
        sign = 1 if end >= start else -1
        low, high = sorted((start, end))
        count, day = 0, low + ONE_DAY
        while day <= high:
            count += self.is_working_day(day)
            day += ONE_DAY
        return sign * count

    def _check(self, day: dt.date) -> None:
        if not self.first_year <= day.year <= self.last_year:
            raise CalendarRangeError(
                f"no holiday data for {day.year}: data/lunar.csv covers "
                f"{self.first_year}–{self.last_year}; extend it with `baochi cases lunar-table`"
            )


@functools.cache
def default_calendar() -> WorkCalendar:
    """The calendar built from the shipped data files, read once."""
    return WorkCalendar(lunar_table(), day_swaps())


def lunar_rows(first: int, last: int) -> list[tuple[int, dt.date, dt.date]]:
    """Recompute data/lunar.csv rows with the lunar-vn package (needed only to extend the data)."""
    import lunar_vn  # an optional tool, not a run-time dependency

    return [
        (
            year,
            lunar_vn.convert_lunar_to_solar(1, 1, year, 0),
            lunar_vn.convert_lunar_to_solar(10, 3, year, 0),
        )
        for year in range(first, last + 1)
    ]
