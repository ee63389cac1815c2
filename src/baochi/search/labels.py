"""Field names and values: what `outlet:`, `topic:`, `tone:`, `place:`, `hanoi:`, `story:`,
`kind:`, `platform:` and `date:` accept, with Vietnamese aliases, checked while parsing so a typo
is a clear error.
"""

from __future__ import annotations

import datetime as dt
import re

from baochi.db.row_ids import row_id
from baochi.search.errors import QueryError
from baochi.vi import fold

# Canonical field name by folded spelling; Vietnamese names for analysts who think in them.
FIELDS = {
    "title": "title",
    "tieude": "title",
    "outlet": "outlet",
    "bao": "outlet",
    "topic": "topic",
    "chude": "topic",
    "tone": "tone",
    "sacthai": "tone",
    "place": "place",
    "diadanh": "place",
    "hanoi": "hanoi",
    "story": "story",
    "chuoitin": "story",
    "date": "date",
    "ngay": "date",
    "kind": "kind",
    "loai": "kind",
    "platform": "platform",
    "nentang": "platform",
}
TONES = {
    "negative": "negative",
    "tieu cuc": "negative",
    "neutral": "neutral",
    "trung tinh": "neutral",
    "positive": "positive",
    "tich cuc": "positive",
}
TONE_NAMES = "negative/tiêu cực, neutral/trung tính, positive/tích cực"
KINDS = {
    "article": "article",
    "bai bao": "article",
    "post": "post",
    "bai dang": "post",
    "comment": "comment",
    "binh luan": "comment",
}
KIND_NAMES = "article/bài báo, post/bài đăng, comment/bình luận"
YES_NO = {
    "yes": "1",
    "co": "1",
    "true": "1",
    "1": "1",
    "no": "0",
    "khong": "0",
    "false": "0",
    "0": "0",
}

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DMY = re.compile(r"(?:(\d{1,2})/)?(\d{1,2})/(\d{4})")
_DAYS = re.compile(r"(\d{1,4})d")
_PARTS = re.compile(r"[^\W_]+")


def field_name(name: str) -> str | None:
    """The canonical name of a field as typed ("Tiêu_đề" → "title"), or None if not a field."""
    return FIELDS.get(fold(name).replace("_", ""))


def label_value(field: str, raw: str, position: int) -> str:
    """A label field's value in the form stored, or a QueryError saying what is accepted."""
    text = " ".join(raw.split())
    key = " ".join(_PARTS.findall(fold(text)))
    if field == "tone":
        if key not in TONES:
            raise QueryError("bad_value", position, field=field, value=raw, known=TONE_NAMES)
        return TONES[key]
    if field == "hanoi":
        if key not in YES_NO:
            raise QueryError(
                "bad_value", position, field=field, value=raw, known="yes, no, có, không"
            )
        return YES_NO[key]
    if field == "story":  # the number as typed: its punctuation is no separator ("-1" is not 1)
        if (story := row_id(text)) is None:
            raise QueryError("bad_value", position, field=field, value=raw, known="1, 2, 3…")
        return str(story)
    if field == "kind":
        if key not in KINDS:
            raise QueryError("bad_value", position, field=field, value=raw, known=KIND_NAMES)
        return KINDS[key]
    if field == "topic":
        return key.replace(" ", "_")
    if not key:
        raise QueryError("missing_value", position, field=field)
    if field == "platform":  # stored as the connectors name them: "facebook", "youtube"
        return key.replace(" ", "")
    return text


def date_range(raw: str, position: int, now: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """An inclusive day range: `2017-03-15`, `15/03/2017`, `03/2017`, `2017`, `7d` (the last 7
    days with today), `A..B`, `A..` or `..B`."""
    if ".." not in raw:
        return _period(raw, position, now)
    left, _, right = raw.partition("..")
    if not left and not right:
        raise QueryError("bad_date", position, value=raw)
    start = _period(left, position, now)[0] if left else None
    end = _period(right, position + len(left) + 2, now)[1] if right else None
    if start and end and start > end:
        raise QueryError("reversed_dates", position, value=raw)
    return start, end


def _period(text: str, position: int, now: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of a day, month, year or "last N days"."""
    try:
        if match := _DAYS.fullmatch(text):
            days = int(match.group(1))
            if days < 1:
                raise ValueError(text)
            return now - dt.timedelta(days=days - 1), now
        if match := _ISO.fullmatch(text):
            year_text, month_text, day_text = match.groups()
        elif match := _DMY.fullmatch(text):
            day_text, month_text, year_text = match.groups()
        else:
            raise ValueError(text)
        year = int(year_text)
        month = int(month_text) if month_text else None
        day = int(day_text) if day_text else None
        if month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        if day is None:
            first = dt.date(year, month, 1)
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return first, following - dt.timedelta(days=1)
        return dt.date(year, month, day), dt.date(year, month, day)
    except ValueError:
        raise QueryError("bad_date", position, value=text) from None
