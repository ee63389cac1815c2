"""The spike rule: a window's count against its own baseline, as a pure, explainable function.

In the spirit of the commercial monitors: the last 24 h against the seven days before it, and
for fast channels the last hour against the twelve before it; a spike is a count above the
baseline mean plus k standard deviations, and at least a minimum number of articles.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from baochi.watch.wording import reason_of


@dataclass(frozen=True, slots=True)
class SpikeRule:
    """How a count series is judged: window, history, sensitivity and the floors that keep
    sparse series quiet (a topic at 0–1 a day must not fire on 3)."""

    span: str  # "24h" or "1h": the label of the window and of its bucket
    bucket: dt.timedelta
    baseline: int  # buckets of history before the window
    k: float = 3.0
    min_count: int = 5
    min_sd: float = 1.0

    def with_sensitivity(self, k: float | None = None, min_count: int | None = None) -> SpikeRule:
        """The same rule with another k or minimum count (None keeps the current one)."""
        return replace(
            self,
            k=self.k if k is None else k,
            min_count=self.min_count if min_count is None else min_count,
        )

    def origin(self, now: dt.datetime) -> dt.datetime:
        """Where the series starts: the baseline buckets, then the window ending at `now`."""
        return now - self.bucket * (self.baseline + 1)


DAILY = SpikeRule("24h", dt.timedelta(hours=24), baseline=7)
HOURLY = SpikeRule("1h", dt.timedelta(hours=1), baseline=12)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The rule applied to one series: the numbers, whether it fired, and why in Vietnamese."""

    rule: SpikeRule
    count: int
    mean: float
    sd: float
    threshold: float
    fired: bool

    @property
    def why(self) -> dict[str, Any]:
        """The numbers its reason gives, kept with an alert to write the reason in any language."""
        rule = self.rule
        return {
            "kind": "spike",
            "span": rule.span,
            "count": self.count,
            "mean": self.mean,
            "sd": self.sd,
            "threshold": self.threshold,
            "k": rule.k,
            "baseline": rule.baseline,
            "min_sd": rule.min_sd,
            "min_count": rule.min_count,
        }

    @property
    def reason(self) -> str:
        """E.g. "24 giờ qua: 37 bài, trung bình 7 ngày: 9,4 (độ lệch chuẩn 3,1); ngưỡng 18,7"."""
        return reason_of(self.why)


def judge(series: Sequence[int], rule: SpikeRule) -> Verdict:
    """Judge the last bucket of `series` (oldest first) against the `rule.baseline` before it."""
    if len(series) != rule.baseline + 1:
        raise ValueError(f"{rule.span}: expected {rule.baseline + 1} buckets, got {len(series)}")
    *history, count = series
    mean = statistics.fmean(history)
    sd = statistics.stdev(history) if len(history) > 1 else 0.0
    threshold = mean + rule.k * max(sd, rule.min_sd)
    fired = count >= rule.min_count and count > threshold
    return Verdict(rule, count, mean, sd, threshold, fired)
