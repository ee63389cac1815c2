"""The days a report covers, in Hà Nội time: a day, a week, a month, a quarter or any range,
as UTC bounds for the store, and the date line a Vietnamese administrative document carries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from baochi import hanoi_time
from baochi.hanoi_time import HANOI
from baochi.phrase import Phrase

KINDS = ("day", "week", "month", "quarter", "custom")
KIND_NAMES = {
    "day": "ngày",
    "week": "tuần",
    "month": "tháng",
    "quarter": "quý",
    "custom": "kỳ",
}


# The years a period may fall in. Near the calendar's ends (years 1 and 9999) the days a paper
# compares with, or the day after its last, do not exist; a year before 1900 is a typing slip.
FIRST_YEAR, LAST_YEAR = 1900, 9998


class PeriodError(ValueError):
    """A period that cannot be reported on (end before start, unknown kind, days to come, a year
    off the calendar); its argument says why, a Phrase when raised here."""


@dataclass(frozen=True, slots=True)
class Period:
    """Whole days from `first` to `last` inclusive, in Hà Nội time."""

    first: dt.date
    last: dt.date
    kind: str = "custom"

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise PeriodError(
                Phrase(
                    "ngày kết thúc {last:%d/%m/%Y} trước ngày bắt đầu {first:%d/%m/%Y}",
                    last=self.last,
                    first=self.first,
                )
            )
        if self.kind not in KINDS:
            raise PeriodError(Phrase("loại kỳ báo cáo không rõ: {kind!r}", kind=self.kind))

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
        return str(self.named())

    def named(self) -> Phrase:
        """The label as a phrase, to say in a page's language."""
        first, last = self.first, self.last
        if self.kind == "day" or self.days == 1:
            return Phrase("ngày {day:%d/%m/%Y}", day=first)
        if self.kind == "month":
            return Phrase("tháng {month:%m/%Y}", month=first)
        if self.kind == "quarter":
            quarter = (first.month - 1) // 3 + 1
            return Phrase("quý {quarter}/{year}", quarter=quarter, year=first.year)
        if self.kind == "week":
            return Phrase("tuần từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}", first=first, last=last)
        return Phrase("từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}", first=first, last=last)


def midnight(day: dt.date) -> dt.datetime:
    """00:00 of a day in Hà Nội, in UTC."""
    return dt.datetime.combine(day, dt.time(), HANOI).astimezone(dt.UTC)


def local_day(moment: dt.datetime) -> dt.date:
    """The Hà Nội calendar day of a moment."""
    return moment.astimezone(HANOI).date()


def yesterday(now: dt.datetime) -> dt.date:
    """The day before `now`'s day in Hà Nội: what the morning brief covers."""
    return local_day(now) - dt.timedelta(days=1)


def on_calendar(day: dt.date) -> None:
    """Refuse a day whose year is not one a period may fall in."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise PeriodError(
            Phrase(
                "năm {year} nằm ngoài các năm báo cáo được (từ {first} đến {last})",
                year=day.year,
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )


def period_of(kind: str, day: dt.date) -> Period:
    """The day, week (Monday first), month or quarter that contains `day`."""
    on_calendar(day)
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
        raise PeriodError(Phrase("loại kỳ báo cáo không rõ: {kind!r}", kind=kind))
    months = 1 if kind == "month" else 3
    year, month = divmod(first.month - 1 + months, 12)
    following = dt.date(first.year + year, month + 1, 1)
    return Period(first, following - dt.timedelta(days=1), kind)


def previous(kind: str, today: dt.date) -> Period:
    """The last whole week, month or quarter before `today` (what a scheduled report covers)."""
    current = period_of(kind, today)
    return period_of(kind, current.first - dt.timedelta(days=1))


def begun(period: Period, today: dt.date) -> Period:
    """The period, refused when its first day is after `today`, or a chosen one's last day: a
    paper on days ahead would report no article and a fall of 100 % against the period before,
    or be titled for days that have not come; or when it falls off the calendar."""
    on_calendar(period.first)
    on_calendar(period.last)
    if period.kind == "custom" and period.last > today >= period.first:
        raise PeriodError(
            Phrase(
                "ngày cuối {last:%d/%m/%Y} chưa đến (hôm nay là {today:%d/%m/%Y}): kỳ tùy chọn "
                "kết thúc muộn nhất hôm nay",
                last=period.last,
                today=today,
            )
        )
    if period.first > today:
        raise PeriodError(
            Phrase(
                "{period} chưa bắt đầu (hôm nay là {today:%d/%m/%Y}): chỉ báo cáo được những "
                "ngày đã qua hoặc đang diễn ra",
                period=period.named(),
                today=today,
            )
        )
    return period


def issue_day(last: dt.date) -> dt.date:
    """The day a paper on a period ending `last` is dated: the day after, or today while the
    period still runs (a paper is never dated ahead)."""
    return min(last + dt.timedelta(days=1), hanoi_time.today())


def date_line(place: str, day: dt.date) -> str:
    """The administrative date line: "Hà Nội, ngày 07 tháng 02 năm 2017"."""
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day.year}"
