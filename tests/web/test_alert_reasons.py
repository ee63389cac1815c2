"""An alert's reason reads in the page's language, written from the numbers the alert keeps, on
the alerts page and the dashboard; in Vietnamese, word for word what was stored and mailed."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from html import unescape

from sqlalchemy import update

from baochi.db import Store
from baochi.db.schema import documents
from baochi.db.watch_store import Alert, WatchStore
from baochi.hanoi_time import minute
from baochi.watch import WatchConfig, check, raise_alert
from baochi.watch.check import SUBJECTS, conflict_alerts
from baochi.watch.wording import reason_of
from baochi.web import i18n
from tests.stories.test_alerts import _conflict
from tests.watch.conftest import NOW, Seed, seed  # noqa: F401  (seed: articles of an outlet)
from tests.watch.test_wording import daily

DAY = dt.timedelta(days=1)
# Where each page shows an alert's reason.
SHOWN = {
    "/alerts": re.compile(r'<div class="small mt-1">(.*?)</div>'),
    "/": re.compile(r'<div class="small text-secondary">(.*?) · \d\d/\d\d/\d{4} \d\d:\d\d</div>'),
}
OLD = "34 bài trong 24 giờ qua, bình thường 6,1 ± 2,0"  # an alert stored before numbers were kept
ENGLISH = {
    "match": "103 new articles match the watchlist «an toàn thực phẩm»",
    "spike": (
        "Last 24 hours: 37 articles, mean of 7 days: 9.4 (standard deviation 1.7); threshold "
        "14.6 = mean + 3.0 × standard deviation"
    ),
    "health": (
        "Last 24 hours: 1 article, mean of 7 days: 10.0 (standard deviation 0.0); under 30% of "
        "the usual: likely a collection fault, not a topic gone quiet; sources: 1 source, 4 "
        "failures in a row, last error: HTTP 503, newest article fetched at "
        f"{minute(NOW - 2 * DAY)}"
    ),
    "conflict": (
        "An official source is contradicted: «14 người bị thương» (hanoimoi.vn, official "
        "source) and «12 người bị thương» (vnexpress.net) (and 1 more conflicting pair)"
    ),
}


def _raise_alerts(store: Store, save: Seed) -> list[Alert]:
    """A check's alerts: a watchlist's new matches and spike, the spike of its articles' topic,
    a quiet outlet; a story's conflicting reports; and an alert stored before numbers were
    kept. Newest first, as the pages list them."""
    watch = WatchStore(store.engine)
    watch.add_watchlist("An toàn thực phẩm", "an toàn thực phẩm", NOW - 10 * DAY)
    food = save(daily("An toàn thực phẩm trường học", [8, 10, 9, 12, 7, 9, 11, 37]))
    with store.engine.begin() as conn:
        conn.execute(update(documents).where(documents.c.id.in_(food)).values(topic="xa_hoi"))
    quiet, _ = store.add_source("https://tin.example.vn/rss", "Báo Im Lặng", kind="feed")
    store.update_source(
        quiet, consecutive_failures=4, last_error="HTTP 503", last_article_at=NOW - 2 * DAY
    )
    save(daily("Tin", [10] * 7 + [1]), "Báo Im Lặng")
    old = Alert(
        kind="spike",
        subject_kind="topic",
        subject_key="giao_duc",
        subject_label="chủ đề Giáo dục",
        reason=OLD,
        dedupe_key="spike:topic:giao_duc:old",
    )
    watch.add_alert(old, NOW - DAY)
    check(store, watch, WatchConfig(), NOW, {})
    pairs = [
        _conflict(1, 7, ("12 người bị thương", "14 người bị thương"), official=True),
        _conflict(2, 7, ("3 người chết", "4 người chết"), official=False),
    ]
    for alert in conflict_alerts(pairs):
        raise_alert(watch, alert, NOW)
    return watch.alerts()


def test_alerts_read_in_english_on_the_alerts_page_and_the_dashboard(
    client_as,
    store: Store,
    seed: Seed,  # noqa: F811
) -> None:
    alerts = _raise_alerts(store, seed)
    kinds = [(a.kind, a.subject_label) for a in alerts]
    assert kinds == [
        ("conflict", "Lật xe khách trên dốc Cun"),
        ("health", "Báo Im Lặng"),
        ("spike", "chủ đề Xã hội"),
        ("spike", "An toàn thực phẩm"),
        ("match", "An toàn thực phẩm"),
        ("spike", "chủ đề Giáo dục"),
    ]
    english = [OLD if a.reason == OLD else ENGLISH[a.kind] for a in alerts]  # OLD: as stored
    client = client_as("analyst")
    client.get("/lang/en")
    for path, shown in SHOWN.items():
        page = client.get(path).text
        assert [unescape(r) for r in shown.findall(page)] == english, path
        assert ">topic Society</a>" in page and ">chủ đề Giáo dục</a>" in page
    client.get("/lang/vi")
    for path, shown in SHOWN.items():
        page = client.get(path).text
        assert [unescape(r) for r in shown.findall(page)] == [a.reason for a in alerts], path
        assert ">chủ đề Xã hội</a>" in page


def test_the_numbers_of_a_reason_are_written_as_the_language_writes_them() -> None:
    why = {"kind": "spike", "span": "1h", "count": 1461, "mean": 1234.56, "sd": 0.04}
    why |= {"threshold": 1237.6, "k": 2.5, "baseline": 12, "min_sd": 1.0, "min_count": 5}
    english = reason_of(why, i18n.counter("en"), partial(i18n.number, lang="en"))
    assert english == (
        "Last hour: 1,461 articles, mean of 12 hours before: 1,234.6 (standard deviation 0.0, "
        "counted as at least 1.0); threshold 1,237.6 = mean + 2.5 × standard deviation"
    )
    vietnamese = reason_of(why, i18n.counter("vi"), partial(i18n.number, lang="vi"))
    assert vietnamese == reason_of(why)  # the page's Vietnamese is the stored one
    assert vietnamese == (
        "1 giờ qua: 1.461 bài, trung bình 12 giờ trước: 1.234,6 (độ lệch chuẩn 0,0, tính tối "
        "thiểu 1,0); ngưỡng 1.237,6 = trung bình + 2,5 × độ lệch chuẩn"
    )
    one = {"kind": "match", "count": 1, "query": "cháy"}
    assert reason_of(one, i18n.counter("en")) == "1 new article matches the watchlist «cháy»"


def test_every_phrase_of_a_reason_and_a_subject_has_english() -> None:
    """Each branch of each kind of reason asks only for phrases the catalogue has, and so does
    each noun a labelled subject is named by."""
    asked = set(SUBJECTS.values())

    def say(text: str, count: float) -> str:
        asked.add(text)
        return text

    spike = {"kind": "spike", "span": "24h", "count": 4, "mean": 1.0, "sd": 0.5, "threshold": 3.5}
    spike |= {"k": 3.0, "baseline": 7, "min_sd": 1.0, "min_count": 5}  # too few to alert
    sources = {"count": 2, "off": 1, "off_reasons": ["không rõ lý do"], "failures": 3}
    sources |= {"error": "HTTP 503", "newest": NOW.isoformat()}
    working = {"count": 1, "off": 0, "off_reasons": [], "failures": 0, "error": "", "newest": None}
    health = {"kind": "health", "count": 1, "mean": 9.0, "sd": 1.0, "days": 7, "ratio": 0.3}
    side = {"span": "3 người", "outlet": "vnexpress.net", "official": False}
    whys = [
        {"kind": "match", "count": 2, "query": "cháy"},
        spike,
        {**spike, "span": "1h", "sd": 2.0, "baseline": 12},
        {**health, "sources": sources},
        {**health, "sources": working},
        {**health, "sources": {**working, "count": 0}},
        {"kind": "conflict", "sides": [side, side], "more": 0},
        {"kind": "conflict", "sides": [{**side, "official": True}, side], "more": 2},
    ]
    for why in whys:
        reason_of(why, say)
    assert sorted(asked - set(i18n.CATALOGUES["en"])) == []
