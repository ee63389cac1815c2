"""An alert keeps the numbers of its reason, and they write the Vietnamese it stored, word for word;
an alert raised before it kept them shows its stored text."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import update

from baochi.db import Store
from baochi.db.schema import documents
from baochi.db.store import SourceRow
from baochi.db.watch_store import Alert, WatchStore
from baochi.hanoi_time import minute
from baochi.watch import WatchConfig, check
from baochi.watch.health import QuietRule, judge_quiet, source_facts
from baochi.watch.wording import alert_reason, alert_subject, reason_of
from tests.watch.conftest import NOW, Seed

DAY = dt.timedelta(days=1)
# A registered source of a quiet outlet, enabled and without failures.
WORKING = SourceRow(
    id=1,
    outlet_id=1,
    outlet="Báo Im Lặng",
    url="https://tin.example.vn/rss",
    kind="feed",
    section="",
    enabled=True,
    disabled_reason="",
    etag="",
    last_modified="",
    poll_interval=900.0,
    next_poll_at=NOW,
    last_polled_at=None,
    last_success_at=None,
    consecutive_failures=0,
    last_error="",
    articles_total=0,
    last_article_at=None,
    created_at=NOW - 30 * DAY,
)


def daily(title: str, per_day: list[int]) -> list[tuple[str, dt.datetime]]:
    """Articles a day, oldest first; the last day's fall in the last 24 hours."""
    return [
        (f"{title} {back}-{i}", NOW - back * DAY - dt.timedelta(hours=2, minutes=i))
        for back, count in enumerate(reversed(per_day))
        for i in range(count)
    ]


def test_a_check_keeps_the_numbers_that_write_its_stored_reasons(
    store: Store, watch: WatchStore, seed: Seed, config: WatchConfig
) -> None:
    """A watchlist's new matches and spike, a topic's spike and a quiet outlet: each alert read
    back writes from its numbers the very reason it stored."""
    watch.add_watchlist("An toàn thực phẩm", "an toàn thực phẩm", NOW - 10 * DAY)
    ids = seed(daily("An toàn thực phẩm trường học", [8, 10, 9, 12, 7, 9, 11, 37]))
    with store.engine.begin() as conn:
        conn.execute(update(documents).where(documents.c.id.in_(ids)).values(topic="xa_hoi"))
    seed(daily("Tin", [10] * 7 + [1]), "Báo Im Lặng")
    check(store, watch, config, NOW, {})
    stored = watch.alerts()
    kinds = sorted((a.kind, a.subject_kind) for a in stored)
    assert kinds == [
        ("health", "outlet"),
        ("match", "watchlist"),
        ("spike", "topic"),
        ("spike", "watchlist"),
    ]
    for alert in stored:
        assert reason_of(alert.payload["why"]) == alert_reason(alert) == alert.reason
    topic = next(a for a in stored if a.subject_kind == "topic")
    assert topic.subject_label == alert_subject(topic) == "chủ đề Xã hội"
    assert topic.payload["subject"] == {"noun": "chủ đề", "name": "Xã hội"}
    match = next(a for a in stored if a.kind == "match")
    assert match.reason == "103 bài mới khớp danh sách theo dõi «an toàn thực phẩm»"


def test_a_quiet_outlet_says_what_its_sources_show_as_it_always_did() -> None:
    quiet = judge_quiet([30, 30, 30, 30, 30, 30, 30, 1], QuietRule())
    lead = (
        "24 giờ qua: 1 bài, trung bình 7 ngày: 30,0 (độ lệch chuẩn 0,0); dưới 30% mức thường "
        "lệ: có thể là lỗi thu thập, không phải chủ đề lắng xuống; "
    )
    brought = NOW - 2 * DAY
    sources = {
        "nguồn: chưa có nguồn thu thập nào được đăng ký": [],
        "nguồn: 1 nguồn, không ghi nhận lỗi: kiểm tra trang có đổi cấu trúc hoặc chặn bot "
        f"không, bài mới gần nhất lấy về lúc {minute(brought)}": [
            replace(WORKING, last_article_at=brought)
        ],
        "nguồn: 3 nguồn, 2 đang tắt (không rõ lý do; trùng nguồn), 4 lần lỗi liên tiếp, lỗi "
        "cuối: HTTP 503": [
            replace(WORKING, enabled=False),
            replace(WORKING, enabled=False, disabled_reason="trùng nguồn", consecutive_failures=1),
            replace(WORKING, consecutive_failures=4, last_error="HTTP 503"),
        ],
    }
    for note, rows in sources.items():
        assert reason_of({**quiet.why, "sources": source_facts(rows)}) == lead + note


def test_an_alert_without_its_numbers_shows_what_it_stored() -> None:
    """Alerts raised before the numbers were kept, or by another area (a case's notice)."""
    old = Alert(
        kind="spike",
        subject_kind="topic",
        subject_key="xa_hoi",
        subject_label="chủ đề Xã hội",
        reason="34 bài trong 24 giờ qua, bình thường 6,1 ± 2,0",
        dedupe_key="spike:topic:xa_hoi:1",
    )
    english = {"chủ đề": "topic", "Xã hội": "Society"}

    def say(text: str, count: float) -> str:
        return english.get(text, text)

    assert alert_reason(old, say, lambda value, digits: "?") == old.reason
    assert alert_subject(old, say) == "chủ đề Xã hội"
    named = replace(old, payload={"subject": {"noun": "chủ đề", "name": "Xã hội"}})
    assert alert_subject(named, say) == "topic Society"
