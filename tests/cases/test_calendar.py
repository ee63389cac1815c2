"""Holidays and deadlines: the announced days off of past years, the law's rules, the lunar data."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from baochi.cases.calendar import CalendarRangeError, default_calendar, lunar_rows, lunar_table
from baochi.cases.deadlines import due_at, due_on, load_rules

D = dt.date
CAL = default_calendar()


def days_off(first: dt.date, last: dt.date) -> list[dt.date]:
    """The non-working days from first to last, weekends included."""
    span = (last - first).days + 1
    return [d for d in (first + dt.timedelta(n) for n in range(span)) if not CAL.is_working_day(d)]


def run(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(n) for n in range((last - first).days + 1)]


@pytest.mark.parametrize(
    ("window", "announced"),
    [
        # Tết breaks of civil servants as the government announced them.
        ((D(2017, 1, 20), D(2017, 2, 8)), (D(2017, 1, 26), D(2017, 2, 1))),
        ((D(2020, 1, 17), D(2020, 2, 5)), (D(2020, 1, 23), D(2020, 1, 29))),
        ((D(2021, 2, 3), D(2021, 2, 22)), (D(2021, 2, 10), D(2021, 2, 16))),
        ((D(2023, 1, 16), D(2023, 2, 3)), (D(2023, 1, 20), D(2023, 1, 26))),
        ((D(2024, 2, 2), D(2024, 2, 22)), (D(2024, 2, 8), D(2024, 2, 14))),
        ((D(2025, 1, 20), D(2025, 2, 7)), (D(2025, 1, 25), D(2025, 2, 2))),
        ((D(2026, 2, 9), D(2026, 2, 27)), (D(2026, 2, 14), D(2026, 2, 22))),
    ],
)
def test_tet_breaks_match_the_announced_ones(window, announced):
    weekends_outside = [
        d for d in run(*window) if d.weekday() >= 5 and not announced[0] <= d <= announced[1]
    ]
    assert sorted(set(days_off(*window)) - set(weekends_outside)) == run(*announced)


def test_hung_kings_day_on_a_saturday_gives_a_compensatory_day():
    # 10/3 âm lịch 2023 fell on Saturday 29/4 and 30/4 on Sunday: both compensated, back on 4/5.
    assert days_off(D(2023, 4, 28), D(2023, 5, 5)) == run(D(2023, 4, 29), D(2023, 5, 3))


def test_national_day_gets_its_adjacent_day_from_2021():
    assert not CAL.is_working_day(D(2021, 9, 3))  # Thursday 2/9 → Friday
    assert not CAL.is_working_day(D(2022, 9, 1))  # Friday 2/9 → Thursday
    assert not CAL.is_working_day(D(2024, 9, 3))  # Monday 2/9 → Tuesday
    assert not CAL.is_working_day(D(2025, 9, 1))  # Tuesday 2/9 → Monday
    assert CAL.is_working_day(D(2020, 9, 1)) and CAL.is_working_day(D(2020, 9, 3))


def test_announced_swaps_turn_a_saturday_into_a_working_day():
    assert not CAL.is_working_day(D(2024, 4, 29))
    assert CAL.is_working_day(D(2024, 5, 4))  # Saturday worked instead
    assert {h.kind for h in CAL.holidays(2024)} == {"holiday", "observed", "swap"}


def test_vietnam_culture_day_from_2026():
    assert not CAL.is_working_day(D(2026, 11, 24))
    assert CAL.is_working_day(D(2025, 11, 24))


def test_thirty_calendar_days_ending_on_a_holiday_run_to_the_next_working_day():
    rules = load_rules()
    # Received Friday 31/3/2023: day 30 is Sunday 30/4, then 1/5 and the compensatory 2–3/5.
    assert due_on(D(2023, 3, 31), "normal", rules) == D(2023, 5, 4)
    # Received Monday 2/3/2026: day 30 is Wednesday 1/4, a working day.
    assert due_on(D(2026, 3, 2), "normal", rules) == D(2026, 4, 1)


def test_working_days_skip_weekends_and_tet():
    rules = load_rules()
    # Urgent: 5 working days from Thursday 12/2/2026: Friday 13, then Tết (14–22/2), 23–26.
    assert due_on(D(2026, 2, 12), "urgent", rules) == D(2026, 2, 26)
    assert CAL.working_days_between(D(2026, 2, 12), D(2026, 2, 26)) == 5
    assert CAL.working_days_between(D(2026, 2, 26), D(2026, 2, 12)) == -5


def test_deadline_instant_is_midnight_hanoi_after_the_last_day():
    assert due_at(D(2026, 4, 1)) == dt.datetime(2026, 4, 1, 17, 0, tzinfo=dt.UTC)


def test_rules_are_data(tmp_path):
    custom = tmp_path / "rules.json"
    custom.write_text(
        json.dumps(
            {
                "priorities": {"normal": {"label": "x", "days": 10, "unit": "working"}},
                "remind_before_days": [1],
                "escalate_after_days": [0],
            }
        ),
        encoding="utf-8",
    )
    rules = load_rules(custom)
    assert due_on(D(2026, 3, 2), "normal", rules) == D(2026, 3, 16)
    with pytest.raises(ValueError, match="unknown priority"):
        due_on(D(2026, 3, 2), "urgent", rules)


def test_outside_the_data_range_is_a_clear_error():
    with pytest.raises(CalendarRangeError, match=r"lunar\.csv"):
        CAL.is_working_day(D(2060, 1, 1))


def test_lunar_data_matches_the_vietnamese_lunar_calendar():
    pytest.importorskip(
        "lunar_vn", reason="lunar-vn is not installed: the shipped table is unchecked"
    )
    table = lunar_table()
    assert [(y, *table[y]) for y in sorted(table)] == lunar_rows(min(table), max(table))


def test_lunar_data_known_dates():
    table = lunar_table()
    assert table[2024] == (D(2024, 2, 10), D(2024, 4, 18))
    assert table[2025] == (D(2025, 1, 29), D(2025, 4, 7))
    assert min(table) <= 2016 and max(table) >= 2035
