"""How the reports name labels and write numbers: Vietnamese names of topics and tones,
counts with dots for thousands, shares with a decimal comma, changes with their sign."""

from __future__ import annotations

from baochi.labels import TONES, TOPICS
from baochi.numbers import vi_number

__all__ = ["TONES", "TOPICS", "UNLABELLED", "change", "count", "mean", "share", "topic_name"]

UNLABELLED = "Chưa phân loại"


def topic_name(key: str | None) -> str:
    """A topic as the office names it; an unknown key is shown as it is."""
    return TOPICS.get(key or "", key or UNLABELLED)


def count(value: float) -> str:
    """12.345"""
    return vi_number(value, 0)


def mean(value: float) -> str:
    """An average, "2,3": rounded to a whole it would not match the change written beside it
    (2 against 7 reads +250 %, where the mean 1,7 gives +308,3 %)."""
    return vi_number(value, 1)


PERCENT = "\u00a0%"  # a no-break space: "18,8 %" never breaks before its sign in a column


def share(part: float, whole: float) -> str:
    """ "12,5 %" of the whole, or "—" when there is no whole."""
    return f"{vi_number(100 * part / whole)}{PERCENT}" if whole else "—"


def change(now: float, usual: float) -> str:
    """ "+25,0 %" against the usual, or "mới" when there was nothing before."""
    if not usual:
        return "mới" if now else "—"
    delta = 100 * (now - usual) / usual
    return ("+" if delta >= 0 else "−") + f"{vi_number(abs(delta))}{PERCENT}"
