"""The days a report covers, in Hà Nội time: a day, a week, a month, a quarter or any range,
as UTC bounds for the store, and the date line a Vietnamese administrative document carries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from baochi import hanoi_time
from baochi.hanoi_time import HANOI

KINDS = ("day", "week", "month", "quarter", "custom")
KIND_NAMES = {
    "day": "ngày",
    "week": "tuần",
    "month": "tháng",
    "quarter": "quý",
    "custom": "kỳ",
}


class PeriodError(ValueError):
    """A period that cannot be reported on (end before start, unknown kind, too long)."""


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days from `first` to `last` inclusive, in Hà Nội time."""

    first: dt.date
    last: dt.date
    kind: str = "custom"

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(
                f"ngày kết thúc {self.last:%d/%m/%Y} trước ngày bắt đầu {self.first:%d/%m/%Y}"
            )
        if self.kind not in KINDS:
            raise PeriodError(f"loại kỳ báo cáo không rõ: {self.kind!r}")

    @property
    def start(self) -> dt.datetime:
        """00:00 of the first day, Hà Nội time, as an aware datetime in UTC."""
        return midnight(self.first)

    @property
    def end(self) -> dt.datetime:
        """00:00 of the day after the last, the exclusive end."""
        return midnight(self.last + dt.timedelta(days=1))

    @property
    def days(self) -> int:
        """How many days the period covers."""
        return (self.last - self.first).days + 1

    def dates(self) -> list[dt.date]:
        """Every day of the period in order."""
        return [self.first + dt.timedelta(days=i) for i in range(self.days)]

    def label(self) -> str:
        """E.g. "ngày 06/02/2017", "tháng 02/2017", "từ 01/02/2017 đến 15/02/2017"."""
        if self.kind == "day" or self.days == 1:
            return f"ngày {self.first:%d/%m/%Y}"
        if self.kind == "month":
            return f"tháng {self.first:%m/%Y}"
        if self.kind == "quarter":
            return f"quý {(self.first.month - 1) // 3 + 1}/{self.first.year}"
        prefix = "tuần " if self.kind == "week" else ""
        return f"{prefix}từ {self.first:%d/%m/%Y} đến {self.last:%d/%m/%Y}"


def midnight(day: dt.date) -> dt.datetime:
    """00:00 of a day in Hà Nội, in UTC."""
    return dt.datetime.combine(day, dt.time(), HANOI).astimezone(dt.UTC)


def local_day(moment: dt.datetime) -> dt.date:
    """The Hà Nội calendar day of a moment."""
    return moment.astimezone(HANOI).date()


def yesterday(now: dt.datetime) -> dt.date:
    """The day before `now`'s day in Hà Nội: what the morning brief covers."""
    return local_day(now) - dt.timedelta(days=1)


def period_of(kind: str, day: dt.date) -> Period:
    """The day, week (Monday first), month or quarter that contains `day`."""
    if kind == "day":
        return Period(day, day, "day")
    if kind == "week":
        first = day - dt.timedelta(days=day.weekday())
        return Period(first, first + dt.timedelta(days=6), "week")
    if kind == "month":
        first = day.replace(day=1)
    elif kind == "quarter":
        first = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    else:
        raise PeriodError(f"loại kỳ báo cáo không rõ: {kind!r}")
    months = 1 if kind == "month" else 3
    year, month = divmod(first.month - 1 + months, 12)
    following = dt.date(first.year + year, month + 1, 1)
    return Period(first, following - dt.timedelta(days=1), kind)


def previous(kind: str, today: dt.date) -> Period:
    """The last whole week, month or quarter before `today` (what a scheduled report covers)."""
    current = period_of(kind, today)
    return period_of(kind, current.first - dt.timedelta(days=1))


def begun(period: Period, today: dt.date) -> Period:
    """The period, refused when its first day is after `today`: a paper on days ahead would
    report no article and a fall of 100 % against the period before."""
    if period.first > today:
        raise PeriodError(
            f"{period.label()} chưa bắt đầu (hôm nay là {today:%d/%m/%Y}): "
            "chỉ báo cáo được những ngày đã qua hoặc đang diễn ra"
        )
    return period


def issue_day(last: dt.date) -> dt.date:
    """The day a paper on a period ending `last` is dated: the day after, or today while the
    period still runs (a paper is never dated ahead)."""
    return min(last + dt.timedelta(days=1), hanoi_time.today())


def date_line(place: str, day: dt.date) -> str:
    """The administrative date line: "Hà Nội, ngày 07 tháng 02 năm 2017"."""
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day.year}"
