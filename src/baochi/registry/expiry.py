"""Warnings ahead of time: licences and press cards that expire soon, or have expired unnoticed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from baochi.db.registry_store import RegistryStore
from baochi.phrase import Say, as_written

DEFAULT_DAYS = 90
# The farthest ahead a warning looks: ten years, past any licence's or card's term (millions of
# days would run past the calendar's last year).
MAX_DAYS = 3660


@dataclass(frozen=True, slots=True)
class Expiry:
    """A valid licence or press card and how many days it has left (negative: already past)."""

    entity: str
    key: str
    what: str
    agency: str  # its key
    expires_on: dt.date
    days_left: int
    agency_name: str = ""  # as people read it, in the message

    @property
    def overdue(self) -> bool:
        """Past its expiry date but still recorded as valid: someone must renew or close it."""
        return self.days_left < 0

    def message(self, say: Say = as_written) -> str:
        """One line for a list or an e-mail, in Vietnamese, or in the page's language with its
        `_n` as `say` (each phrase with the count it goes with)."""
        kind = say("Giấy phép" if self.entity == "licences" else "Thẻ nhà báo", 1)
        when, agency = f"{self.expires_on:%d/%m/%Y}", self.agency_name or self.agency
        if self.overdue:
            return (
                f"{kind} {self.what} ({agency}) {say('đã hết hạn từ', 1)} {when}, "
                f"{say('chưa cập nhật', 1)}"
            )
        left = self.days_left
        return (
            f"{kind} {self.what} ({agency}) {say('hết hạn', 1)} {when}, {say('còn', 1)} {left} "
            f"{say('ngày', left)}"
        )


def expiring(store: RegistryStore, today: dt.date, days: int = DEFAULT_DAYS) -> list[Expiry]:
    """Valid licences and press cards expiring within `days` of `today` (or already past), soonest
    first."""
    until = today + dt.timedelta(days=days)
    names = store.keys("agencies", "name")
    found = [
        Expiry(
            "licences",
            rec["code"],
            rec["number"] or rec["code"],
            rec["agency"],
            rec["expires_on"],
            (rec["expires_on"] - today).days,
            names.get(rec["agency"], ""),
        )
        for rec in store.expiring("licences", until)
    ]
    found.extend(
        Expiry(
            "cards",
            rec["number"],
            f"{rec['number']} – {rec['holder']}",
            rec["agency"],
            rec["expires_on"],
            (rec["expires_on"] - today).days,
            names.get(rec["agency"], ""),
        )
        for rec in store.expiring("cards", until)
    )
    return sorted(found, key=lambda e: (e.expires_on, e.entity, e.key))
