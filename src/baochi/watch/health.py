"""Source health: an outlet that suddenly publishes far less is a collection problem to flag,
so that a quiet outlet is never read as a quiet topic.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from baochi.db.store import SourceRow
from baochi.watch.spikes import DAILY, SpikeRule


@dataclass(frozen=True, slots=True)
class QuietRule:
    """An outlet is quiet when its last window falls under `ratio` of its usual count; outlets
    that usually publish fewer than `min_mean` a window are too sparse to judge."""

    ratio: float = 0.3
    min_mean: float = 5.0
    series: SpikeRule = DAILY


@dataclass(frozen=True, slots=True)
class QuietVerdict:
    """The quiet rule applied to one outlet's series, with the numbers."""

    rule: QuietRule
    count: int
    mean: float
    sd: float
    fired: bool

    @property
    def why(self) -> dict[str, Any]:
        """The numbers that flag the outlet, kept with its alert to write why in any language."""
        return {
            "kind": "health",
            "count": self.count,
            "mean": self.mean,
            "sd": self.sd,
            "days": self.rule.series.baseline,
            "ratio": self.rule.ratio,
        }


def judge_quiet(series: Sequence[int], rule: QuietRule) -> QuietVerdict:
    """Judge the last bucket of an outlet's series (oldest first) against the days before it."""
    expected = rule.series.baseline + 1
    if len(series) != expected:
        raise ValueError(f"expected {expected} buckets, got {len(series)}")
    *history, count = series
    mean = statistics.fmean(history)
    sd = statistics.stdev(history)
    fired = mean >= rule.min_mean and count < rule.ratio * mean
    return QuietVerdict(rule, count, mean, sd, fired)


def source_facts(rows: Sequence[SourceRow]) -> dict[str, Any]:
    """What the collector knows about the outlet's sources, to point at the likely cause: how
    many, those turned off and why, the longest run of failures and its last error, and when
    the last new article came."""
    off = [r for r in rows if not r.enabled]
    worst = max(rows, key=lambda r: r.consecutive_failures, default=None)
    failures = worst.consecutive_failures if worst else 0
    brought = [r.last_article_at for r in rows if r.last_article_at is not None]
    return {
        "count": len(rows),
        "off": len(off),
        "off_reasons": sorted({r.disabled_reason or "không rõ lý do" for r in off}),
        "failures": failures,
        "error": worst.last_error[:160] if worst and failures else "",
        "newest": max(brought).isoformat() if brought else None,
    }
