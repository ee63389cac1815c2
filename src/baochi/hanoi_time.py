"""Hà Nội time, in which the office reads every date and hour (UTC+7 all year): one zone for
the collector's dates, the deadlines, the reports and the pages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
