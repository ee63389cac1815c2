"""Source health: an outlet that suddenly publishes far less is a collection problem to flag,
so that a quiet outlet is never read as a quiet topic.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from baochi.db.store import SourceRow
from baochi.hanoi_time import minute
from baochi.watch.spikes import DAILY, SpikeRule, vi_number


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
    def reason(self) -> str:
        """Why the outlet is flagged, in Vietnamese, with the numbers."""
        days = self.rule.series.baseline
        return (
            f"24 giờ qua: {vi_number(self.count, 0)} bài, trung bình {days} ngày: "
            f"{vi_number(self.mean)} (độ lệch chuẩn {vi_number(self.sd)}); dưới "
            f"{vi_number(self.rule.ratio * 100, 0)}% mức thường lệ: có thể là lỗi thu thập, "
            "không phải chủ đề lắng xuống"
        )


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


def source_note(rows: Sequence[SourceRow]) -> str:
    """What the collector knows about the outlet's sources, to point at the likely cause."""
    if not rows:
        return "nguồn: chưa có nguồn thu thập nào được đăng ký"
    off = [r for r in rows if not r.enabled]
    failing = [r for r in rows if r.consecutive_failures > 0]
    parts = [f"{len(rows)} nguồn"]
    if off:
        reasons = "; ".join(sorted({r.disabled_reason or "không rõ lý do" for r in off}))
        parts.append(f"{len(off)} đang tắt ({reasons})")
    if failing:
        worst = max(failing, key=lambda r: r.consecutive_failures)
        parts.append(
            f"{worst.consecutive_failures} lần lỗi liên tiếp, lỗi cuối: {worst.last_error[:160]}"
        )
    if not off and not failing:
        parts.append("không ghi nhận lỗi: kiểm tra trang có đổi cấu trúc hoặc chặn bot không")
    brought = [r.last_article_at for r in rows if r.last_article_at is not None]
    if brought:
        parts.append(f"bài mới gần nhất lấy về lúc {minute(max(brought))}")
    return "nguồn: " + ", ".join(parts)
