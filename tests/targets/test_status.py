"""The status rule, case by case, as written in baochi.targets.status."""

from __future__ import annotations

import datetime as dt

import pytest

from baochi.db.targets_store import IndicatorRow, ReportRow, TaskRow
from baochi.targets.status import judge, target_path, task_status

D = dt.date
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NEW_YEAR, JUNE_END = D(2026, 1, 1), D(2026, 6, 30)


def indicator(baseline=0.0, target=100.0, direction="increase", baseline_on=NEW_YEAR):
    return IndicatorRow(
        id=1, directive_id=1, task_id=None, code="X", name="Tỷ lệ", unit="%",
        baseline=baseline, baseline_on=baseline_on if baseline is not None else None,
        target=target, target_on=D(2026, 12, 31), direction=direction, source="",
    )  # fmt: skip


def report(value: float, period_end: dt.date = JUNE_END) -> ReportRow:
    return ReportRow(1, 1, period_end, value, "", None, STAMP, None)


MIDYEAR = D(2026, 7, 2)  # half of the year from 1/1 to 31/12 has passed


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, "achieved"),
        (45.0, "on_track"),  # gap 5 points
        (40.0, "on_track"),  # gap 10 points: the edge is on track
        (30.0, "at_risk"),  # gap 20 points
        (25.0, "at_risk"),  # gap 25 points: the edge is at risk
        (10.0, "lagging"),  # gap 40 points
    ],
)
def test_path_gap_decides_between_on_track_at_risk_and_lagging(value, expected):
    judgement = judge(indicator(), [report(value)], MIDYEAR)
    assert judgement.status == expected
    if expected != "achieved":
        assert judgement.expected_share == pytest.approx(0.5, abs=0.01)


def test_falling_indicators_are_judged_the_other_way():
    falling = indicator(baseline=18.0, target=8.0, direction="decrease")
    assert judge(falling, [report(13.0)], MIDYEAR).status == "on_track"
    assert judge(falling, [report(17.0)], MIDYEAR).status == "lagging"
    assert judge(falling, [report(8.0)], MIDYEAR).status == "achieved"
    assert judge(falling, [report(7.0)], MIDYEAR).status == "achieved"


def test_past_the_target_date_unmet_is_overdue_and_met_is_achieved():
    after = D(2027, 1, 1)
    assert judge(indicator(), [report(99.0)], after).status == "overdue"
    assert judge(indicator(), [report(100.0)], after).status == "achieved"
    assert judge(indicator(), [], after).status == "overdue"


def test_the_latest_report_counts_whatever_the_order():
    reports = [report(90.0, D(2026, 6, 30)), report(20.0, D(2026, 3, 31))]
    assert judge(indicator(), reports, MIDYEAR).latest == 90.0


def test_a_past_day_is_judged_on_what_was_reported_by_then():
    reports = [report(20.0, D(2026, 3, 31)), report(100.0, D(2026, 9, 30))]
    assert judge(indicator(), reports, D(2026, 10, 1)).status == "achieved"
    in_july = judge(indicator(), reports, MIDYEAR)  # September's figure was not known yet
    assert (in_july.latest, in_july.status) == (20.0, "lagging")
    assert judge(indicator(), reports, D(2026, 2, 1)).latest == 0.0  # the baseline alone


def test_without_reports_the_baseline_is_the_latest_value():
    assert judge(indicator(), [], D(2026, 1, 20)).status == "on_track"  # early: little expected
    assert judge(indicator(), [], MIDYEAR).status == "lagging"


def test_without_a_baseline_the_first_report_stands_in():
    no_base = indicator(baseline=None)
    assert judge(no_base, [], MIDYEAR).status == "lagging"
    early, late = report(40.0, D(2026, 1, 1)), report(70.0, D(2026, 6, 30))
    assert judge(no_base, [early, late], MIDYEAR).status == "on_track"


def test_task_status():
    task = TaskRow(1, 1, 1, "Nhiệm vụ", "Sở A", "", D(2026, 12, 31), "in_progress", "")
    assert task_status(task, ["on_track", "lagging", "achieved"], MIDYEAR) == "lagging"
    assert task_status(task, ["achieved", "achieved"], MIDYEAR) == "achieved"
    assert task_status(task, [], MIDYEAR) == "on_track"
    assert task_status(task, [], D(2027, 1, 1)) == "overdue"
    not_started = TaskRow(1, 1, 1, "Nhiệm vụ", "Sở A", "", None, "not_started", "")
    assert task_status(not_started, [], MIDYEAR) == "at_risk"
    done = TaskRow(1, 1, 1, "Nhiệm vụ", "Sở A", "", D(2020, 1, 1), "done", "")
    assert task_status(done, [], MIDYEAR) == "achieved"


def test_chart_series():
    series = target_path(indicator(), [report(30.0)])
    assert series == {
        "path": [("2026-01-01", 0.0), ("2026-12-31", 100.0)],
        "actual": [("2026-06-30", 30.0)],
    }


@pytest.mark.parametrize(
    ("direction", "level", "value", "expected"),
    [
        ("increase", 100.0, 20.0, "lagging"),  # a share to keep at 100 %, fallen to 20 %
        ("decrease", 0.0, 50.0, "lagging"),  # a count to keep at none, risen to 50
        ("increase", 90.0, 95.0, "achieved"),  # above the level to keep: on its right side
        ("decrease", 10.0, 10.0, "achieved"),
    ],
)
def test_an_indicator_kept_at_a_level_is_lagging_on_the_wrong_side_of_it(
    direction: str, level: float, value: float, expected: str
) -> None:
    keep = indicator(baseline=level, target=level, direction=direction)
    assert judge(keep, [report(value)], MIDYEAR).status == expected
    assert judge(keep, [], MIDYEAR).status == "on_track"  # at the level, as the baseline is
