"""Hà Nội time, in which the office reads every date and hour (UTC+7 all year): one zone for
the collector's dates, the deadlines, the reports and the pages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> dt.date:
    """Today in Hà Nội, the office's day (a server's clock on UTC is a day behind until 7:00)."""
    return dt.datetime.now(HANOI).date()


def minute(moment: dt.datetime) -> str:
    """A moment as the office reads it: dd/mm/yyyy HH:MM in Hà Nội time."""
    return moment.astimezone(HANOI).strftime("%d/%m/%Y %H:%M")
