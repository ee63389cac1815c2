"""The spike rule as a pure function: synthetic series, then real series from the 2017 corpus."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections import Counter

import pytest

from baochi.numbers import vi_number
from baochi.vi import fold
from baochi.vi.matching import syllable_pattern
from baochi.watch import DAILY, HOURLY, QuietRule, judge, judge_quiet
from tests.conftest import CORPUS, needs_corpus


def test_vietnamese_numbers() -> None:
    assert vi_number(9.4) == "9,4"
    assert vi_number(1234.56, 2) == "1.234,56"
    assert vi_number(37, 0) == "37"


def test_the_reason_gives_the_numbers() -> None:
    verdict = judge([8, 10, 9, 12, 7, 9, 11, 37], DAILY)
    assert verdict.fired
    assert (verdict.count, round(verdict.mean, 1), round(verdict.sd, 1)) == (37, 9.4, 1.7)
    assert verdict.reason == (
        "24 giờ qua: 37 bài, trung bình 7 ngày: 9,4 (độ lệch chuẩn 1,7); "
        "ngưỡng 14,6 = trung bình + 3,0 × độ lệch chuẩn"
    )


@pytest.mark.parametrize(
    ("series", "fired"),
    [
        ([8, 10, 9, 12, 7, 9, 11, 14], False),  # a busy day, within the usual spread
        ([8, 10, 9, 12, 7, 9, 11, 15], True),  # past mean + 3 sd
        ([0, 0, 0, 0, 0, 0, 0, 4], False),  # a sparse topic: under the minimum of 5
        ([0, 1, 0, 0, 1, 0, 0, 5], True),  # 5 where there is usually none
        ([0, 3, 0, 0, 0, 3, 0, 5], False),  # sd floor keeps a noisy sparse series quiet
        ([50, 90, 40, 95, 45, 85, 60, 110], False),  # a volatile broad topic
        ([20, 20, 20, 20, 20, 20, 20, 24], True),  # flat series: the floor of 1 sd decides
        ([20, 20, 20, 20, 20, 20, 20, 0], False),  # falling is not a spike (health says why)
    ],
)
def test_daily_rule_on_synthetic_series(series: list[int], fired: bool) -> None:
    assert judge(series, DAILY).fired is fired


def test_sensitivity_and_hourly_rule() -> None:
    series = [8, 10, 9, 12, 7, 9, 11, 14]
    assert judge(series, DAILY.with_sensitivity(k=2.0)).fired
    assert not judge(series, DAILY.with_sensitivity(k=2.0, min_count=20)).fired
    hourly = judge([1, 0, 2, 1, 0, 1, 1, 2, 0, 1, 1, 0, 9], HOURLY)
    assert hourly.fired and hourly.reason.startswith("1 giờ qua: 9 bài, trung bình 12 giờ trước:")
    below = judge([0] * 7 + [4], DAILY)
    assert not below.fired and below.reason.endswith("chưa đủ 5 bài nên không cảnh báo")
    with pytest.raises(ValueError, match="expected 8 buckets"):
        judge([1, 2, 3], DAILY)
    now = dt.datetime(2026, 11, 30, 1, tzinfo=dt.UTC)
    assert HOURLY.origin(now) == now - dt.timedelta(hours=13)


def test_quiet_rule() -> None:
    rule = QuietRule()
    assert judge_quiet([40, 42, 38, 45, 41, 39, 44, 3], rule).fired
    assert not judge_quiet([40, 42, 38, 45, 41, 39, 44, 25], rule).fired  # a slow Sunday
    assert not judge_quiet([1, 0, 2, 1, 0, 1, 1, 0], rule).fired  # too small to judge


# Terms counted per day in titles and leads of the corpus, May–July 2017, and the days a burst
# was reported in the press; steady terms may fire on a real local burst, a handful of times
# in 67 days at most.
BURSTS = {
    "mã độc": ("2017-05-13", "2017-05-16"),  # WannaCry, 12/5/2017
    "áp thấp nhiệt đới": ("2017-06-09", "2017-06-12"),  # became storm no. 1
    "thi THPT quốc gia": ("2017-06-20", "2017-06-24"),  # the exam, 22–25/6
}
QUIET = {"Hà Nội": 0, "bất động sản": 0, "TP.HCM": 3, "chứng khoán": 3}
FIRST, LAST = dt.date(2017, 5, 5), dt.date(2017, 7, 14)


@pytest.fixture(scope="module")
def daily_counts() -> dict[str, Counter[dt.date]]:
    needs_corpus()
    patterns = {term: syllable_pattern(term) for term in (*BURSTS, *QUIET)}
    counts: dict[str, Counter[dt.date]] = {term: Counter() for term in patterns}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            raw = json.loads(line)
            day = dt.date.fromisoformat(raw["published_estimate"])
            if not FIRST <= day <= LAST:
                continue
            text = fold(raw["title"] + "\n" + raw["text"].partition("\n")[0])
            for term, pattern in patterns.items():
                if pattern is not None and pattern.search(text):
                    counts[term][day] += 1
    return counts


def _fired_days(counts: Counter[dt.date]) -> list[str]:
    days = [FIRST + dt.timedelta(n) for n in range((LAST - FIRST).days + 1)]
    return [
        day.isoformat()
        for i, day in enumerate(days[7:], 7)
        if judge([counts[d] for d in days[i - 7 : i + 1]], DAILY).fired
    ]


@pytest.mark.parametrize("term", BURSTS)
def test_known_bursts_fire_on_their_days(term: str, daily_counts: dict) -> None:
    first, last = BURSTS[term]
    fired = _fired_days(daily_counts[term])
    assert any(first <= day <= last for day in fired), fired
    assert len(fired) <= 6, fired


@pytest.mark.parametrize("term", QUIET)
def test_steady_series_stay_quiet(term: str, daily_counts: dict) -> None:
    assert sum(daily_counts[term].values()) > 40  # steady, not empty
    assert len(_fired_days(daily_counts[term])) <= QUIET[term]
