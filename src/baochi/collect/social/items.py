"""What every connector and importer yields: one post or comment as the platform gave it, and
the typed failures of a platform (expired token, rate limit, refused request)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from baochi.failures import Retry, Skip
from baochi.hanoi_time import HANOI
from baochi.phrase import Phrase

# No post is older than social networks: an earlier Unix time is a wrong number, not a date.
EARLIEST = dt.datetime(2004, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class SocialItem:
    """One post or comment: its platform id, text, time, author, engagement and parent."""

    platform: str
    external_id: str
    kind: str  # "post" or "comment"
    text: str
    published_at: dt.datetime | None
    url: str = ""
    title: str = ""
    author: str = ""
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    views: int | None = None
    parent: str = ""  # platform id of the post (or comment) this one answers
    links: tuple[str, ...] = field(default=())  # web addresses the post shares


@dataclass
class Pull:
    """What one sync of one channel brought: the items, where the next sync starts, the
    requests it took, and the failure that ended it early (the items before it are kept)."""

    items: list[SocialItem]
    cursor: str
    requests: int = 0
    failure: Skip | Retry | None = None


class TokenExpired(Skip):
    """The platform refused the token (expired, revoked, invalid): a person must renew it."""

    def __init__(self, platform: str, detail: str) -> None:
        super().__init__("token_expired", f"{platform}: {detail}")


class RateLimited(Retry):
    """The platform asked us to slow down; `wait` says for how long (seconds)."""

    def __init__(self, platform: str, detail: str, wait: float) -> None:
        super().__init__("rate_limited", f"{platform}: {detail}", wait)


class PlatformError(Skip):
    """Any other refusal of the platform (unknown page, missing permission), with its words."""

    def __init__(self, platform: str, detail: str) -> None:
        super().__init__("platform_error", f"{platform}: {detail}")


def parse_time(value: object) -> dt.datetime | None:
    """A platform timestamp (ISO 8601 with Z or +0000, or digits: see _digits) as aware UTC; a
    time without a zone, written the Vietnamese way as exports do ("29/11/2026 07:51", "07:51
    29/11/2026") or the ISO way as a listening tool's does ("2026-11-29 07:51"), is Hà Nội
    time, as an Excel date cell is."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # JSON's true is no time, though Python counts it an int
        raise ValueError(f"not a time: {value!r}")
    if isinstance(value, int | float) or (isinstance(value, str) and value.strip().isdigit()):
        return _digits(value)
    if not isinstance(value, str):
        raise ValueError(f"not a time: {value!r}")
    written = _DAY_FIRST.fullmatch(value.strip()) or _TIME_FIRST.fullmatch(value.strip())
    if written:
        year, month, day, hour, minute, second = (
            int(written[k] or 0) for k in ("year", "month", "day", "hour", "minute", "second")
        )
        local = dt.datetime(year, month, day, hour, minute, second, tzinfo=HANOI)
        return local.astimezone(dt.UTC)
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":  # +0000 → +00:00
        text = f"{text[:-2]}:{text[-2:]}"
    when = dt.datetime.fromisoformat(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=HANOI)
    return when.astimezone(dt.UTC)


def _digits(value: int | float | str) -> dt.datetime:
    """A number as exports write times: eight digits a day (20261129, Hà Nội time), thirteen
    Unix milliseconds, any other Unix seconds. A Unix time before social networks were (0, a
    count in the wrong column) is refused, said in Vietnamese, since it cannot be a post's."""
    digits = str(value).strip()
    if len(digits) == 8 and digits.isdigit():
        day = dt.datetime.strptime(digits, "%Y%m%d")
        return day.replace(tzinfo=HANOI).astimezone(dt.UTC)
    seconds = float(value)
    if len(digits.lstrip("-").split(".")[0]) == 13:
        seconds /= 1000
    when = dt.datetime.fromtimestamp(seconds, dt.UTC)
    if when < EARLIEST:
        early = (
            "{value!r} đọc theo giờ Unix là ngày {day:%d/%m/%Y}, trước năm {year}: không phải"
            " lúc đăng"
        )
        raise ValueError(Phrase(early, value=value, day=when, year=EARLIEST.year))
    return when


_DATE = r"(?P<day>\d{1,2})[/-](?P<month>\d{1,2})[/-](?P<year>\d{4})"
_CLOCK = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
_DAY_FIRST = re.compile(rf"{_DATE}(?:[ ,T]+{_CLOCK})?")
_TIME_FIRST = re.compile(rf"{_CLOCK}[ ,]+{_DATE}")


def count(value: object) -> int | None:
    """An engagement count (YouTube sends them as strings); None when absent."""
    if value is None or value == "":
        return None
    number = int(str(value).replace(",", "").replace(".", "").strip())
    if number < 0:
        raise ValueError(f"negative count {value!r}")
    return number
