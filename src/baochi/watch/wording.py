"""An alert's reason written from the numbers it keeps: in Vietnamese as it is stored, mailed and
printed, or in a page's language through the same phrases, looked up in its catalogue.

A check keeps what the reason says in the alert's `payload["why"]`, and a labelled subject's noun
and name in `payload["subject"]`; an alert raised before they were kept shows its stored text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from baochi.db.watch_store import Alert
from baochi.hanoi_time import minute
from baochi.numbers import vi_number
from baochi.phrase import Say, as_written

# A number with so many decimals.
Write = Callable[[float, int], str]
Why = Mapping[str, Any]

# What a spike's window is called, and its baseline's buckets.
WINDOWS = {"24h": "24 giờ qua", "1h": "1 giờ qua"}
UNITS = {"24h": "ngày", "1h": "giờ trước"}


def reason_of(why: Why, say: Say = as_written, write: Write = vi_number) -> str:
    """The reason an alert's numbers give: in Vietnamese, or in a page's language with its `_n`
    as `say` and its number writer as `write`."""
    return _REASONS[why["kind"]](why, say, write)


def alert_reason(alert: Alert, say: Say = as_written, write: Write = vi_number) -> str:
    """An alert's reason as a page shows it: from its numbers, else its stored text."""
    why = alert.payload.get("why")
    return reason_of(why, say, write) if why else alert.reason


def alert_subject(alert: Alert, say: Say = as_written) -> str:
    """What an alert is about: a labelled subject by its noun and name in the language ("topic
    Society"), any other as stored."""
    subject = alert.payload.get("subject")
    if not subject:
        return alert.subject_label
    return f"{say(subject['noun'], 1)} {say(subject['name'], 1)}"


def _match(why: Why, say: Say, write: Write) -> str:
    count = why["count"]
    return say("{count} bài mới khớp danh sách theo dõi «{query}»", count).format(
        count=write(count, 0), query=why["query"]
    )


def _spike(why: Why, say: Say, write: Write) -> str:
    """E.g. "24 giờ qua: 37 bài, trung bình 7 ngày: 9,4 (độ lệch chuẩn 3,1); ngưỡng 18,7 = …";
    a count above the threshold but under the minimum says why it raised nothing."""
    span: str = why["span"]
    count, baseline = why["count"], why["baseline"]
    floored = why["sd"] < why["min_sd"]
    sd = say("độ lệch chuẩn {sd}, tính tối thiểu {min_sd}" if floored else "độ lệch chuẩn {sd}", 1)
    items = why.get("items", "bài")  # what is counted: articles, or a channel's posts
    text = say(
        "{window}: {count} {items}, trung bình {baseline} {unit}: {mean} ({sd}); "
        "ngưỡng {threshold} = trung bình + {k} × độ lệch chuẩn",
        count,
    ).format(
        window=say(WINDOWS.get(span, span), 1),
        count=write(count, 0),
        items=say(items, count),
        baseline=write(baseline, 0),
        unit=say(UNITS.get(span, "khoảng"), baseline),
        mean=write(why["mean"], 1),
        sd=sd.format(sd=write(why["sd"], 1), min_sd=write(why["min_sd"], 1)),
        threshold=write(why["threshold"], 1),
        k=write(why["k"], 1),
    )
    least = why["min_count"]
    if why["threshold"] < count < least:
        text += "; " + say("chưa đủ {least} {items} nên không cảnh báo", least).format(
            least=write(least, 0), items=say(items, least)
        )
    return text


def _health(why: Why, say: Say, write: Write) -> str:
    """A quiet outlet's numbers, then what the collector knows of its sources."""
    count = why["count"]
    text = say(
        "24 giờ qua: {count} bài, trung bình {days} ngày: {mean} (độ lệch chuẩn {sd}); dưới "
        "{percent}% mức thường lệ: có thể là lỗi thu thập, không phải chủ đề lắng xuống",
        count,
    ).format(
        count=write(count, 0),
        days=write(why["days"], 0),
        mean=write(why["mean"], 1),
        sd=write(why["sd"], 1),
        percent=write(why["ratio"] * 100, 0),
    )
    return f"{text}; {_sources(why['sources'], say, write)}"


def _sources(facts: Why, say: Say, write: Write) -> str:
    """The outlet's sources: how many, those off and why, the worst failing, the last article."""
    if not facts["count"]:
        return say("nguồn: chưa có nguồn thu thập nào được đăng ký", 1)
    parts = [say("{count} nguồn", facts["count"]).format(count=write(facts["count"], 0))]
    off, failures = facts["off"], facts["failures"]
    if off:
        reasons = "; ".join(say(r, 1) for r in facts["off_reasons"])
        parts.append(
            say("{count} đang tắt ({reasons})", off).format(count=write(off, 0), reasons=reasons)
        )
    if failures:
        parts.append(
            say("{count} lần lỗi liên tiếp, lỗi cuối: {error}", failures).format(
                count=write(failures, 0), error=facts["error"]
            )
        )
    if not off and not failures:
        parts.append(
            say("không ghi nhận lỗi: kiểm tra trang có đổi cấu trúc hoặc chặn bot không", 1)
        )
    if facts["newest"]:
        newest = minute(dt.datetime.fromisoformat(facts["newest"]))
        parts.append(say("bài mới gần nhất lấy về lúc {at}", 1).format(at=newest))
    return say("nguồn: {parts}", 1).format(parts=", ".join(parts))


def _conflict(why: Why, say: Say, write: Write) -> str:
    """Both phrases with their outlets, an official source's side first and named as such."""
    sides = why["sides"]
    official = any(side["official"] for side in sides)
    lead = "Nguồn chính thức bị mâu thuẫn" if official else "Thông tin trái chiều"
    ours, theirs = (_side(side, say) for side in sides)
    text = say("{lead}: {ours} và {theirs}", 1).format(lead=say(lead, 1), ours=ours, theirs=theirs)
    more = why["more"]
    if more:
        text += f" ({say('và {more} chỗ trái chiều khác', more).format(more=write(more, 0))})"
    return text


def _side(side: Why, say: Say) -> str:
    outlet = side["outlet"]
    if side["official"]:
        outlet = say("{outlet}, nguồn chính thức", 1).format(outlet=outlet)
    return f"«{side['span']}» ({outlet})"


_REASONS: dict[str, Callable[[Why, Say, Write], str]] = {
    "match": _match,
    "spike": _spike,
    "health": _health,
    "conflict": _conflict,
}
