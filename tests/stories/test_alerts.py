"""Conflicting reports found in a story become alerts, once each, and arrive by mail with both
sides' outlets and links."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from baochi.db import Store
from baochi.db.stories_store import ConflictView
from baochi.db.watch_store import WatchStore
from baochi.stories import assign
from baochi.watch import WatchConfig, check
from baochi.watch.check import conflict_alerts
from baochi.watch.notify import notifiers
from tests.stories.conftest import Corpus, conflict_pair, save
from tests.watch.test_mail import Inbox, smtp  # noqa: F401  (the SMTP server fixture)


def test_a_conflict_is_alerted_once_and_mailed_side_by_side(
    store: Store,
    corpus: Corpus,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    config = WatchConfig(smtp_host="127.0.0.1", smtp_port=port, delivery_backoff=60.0)
    watch = WatchStore(store.engine)
    crash_a, crash_b = conflict_pair(corpus, 54)  # "3 người thương vong" vs "5 người thương vong"
    ids = [
        save(store, crash_a, "vnexpress.net"),
        save(store, crash_b, "hanoimoi.vn", city_outlet=True),  # the city's own paper
    ]
    assign(store.engine, ids)
    now = dt.datetime.now(dt.UTC)
    watch.add_rule(["conflict"], "email", "phong.bao.chi@hanoi.gov.vn", 60, now)

    summary = check(store, watch, config, now, notifiers(config))
    (alert,) = [a for a in summary.alerts if a.kind == "conflict"]
    assert alert.subject_kind == "story" and alert.subject_label in (crash_a.title, crash_b.title)
    assert alert.reason == (
        "Nguồn chính thức bị mâu thuẫn: «5 người thương vong» (hanoimoi.vn, nguồn chính thức)"
        " và «3 người thương vong» (vnexpress.net)"
    )
    sides = alert.payload["documents"]
    assert [(d["id"], d["official"]) for d in sides] == [(ids[1], True), (ids[0], False)]
    assert all(type(d["official"]) is bool for d in sides)
    assert summary.deliveries == {"sent": 1}
    [(to, message)] = inbox.messages
    assert to == ["phong.bao.chi@hanoi.gov.vn"]
    assert message["Subject"].startswith("[baochi] Thông tin trái chiều: ")
    body = message.get_content()
    assert "https://vnexpress.net/tin-" in body and "https://hanoimoi.vn/tin-" in body

    assert check(store, watch, config, now + dt.timedelta(hours=2), {}).alerts == []
    assert check(store, watch, config, now + dt.timedelta(days=2), {}).alerts == []


def _conflict(n: int, story: int, spans: tuple[str, str], official: bool) -> ConflictView:
    """A conflict as the store reads it back, with two outlets' sides."""
    return ConflictView(
        type="number",
        document_id=10 * n,
        outlet="vnexpress.net",
        title="Xe khách lật ở dốc Cun",
        span=spans[0],
        sentence=f"Vụ tai nạn làm {spans[0]}.",
        other_id=10 * n + 1,
        other_outlet="hanoimoi.vn" if official else "dantri.com.vn",
        other_title="Lật xe khách trên dốc Cun",
        other_span=spans[1],
        other_sentence=f"Vụ tai nạn làm {spans[1]}.",
        id=n,
        story_id=story,
        story_title="Lật xe khách trên dốc Cun",
        found_at=dt.datetime(2026, 11, 29, 3, n, tzinfo=dt.UTC),
        url=f"https://vnexpress.net/tin-{n}.html",
        other_url=f"https://hanoimoi.vn/tin-{n}.html",
        official=False,
        other_official=official,
    )


def test_a_story_full_of_conflicting_pairs_is_one_alert_a_day() -> None:
    found = [
        _conflict(1, 7, ("3 người chết", "5 người chết"), official=False),
        _conflict(2, 7, ("12 người bị thương", "14 người bị thương"), official=True),
        _conflict(3, 7, ("3 người chết", "4 người chết"), official=False),
        _conflict(4, 8, ("lúc 9h", "lúc 13h"), official=False),
    ]
    crash, other = conflict_alerts(found)
    assert (crash.subject_key, crash.observed, crash.payload["pairs"]) == ("7", 3, 3)
    assert crash.reason == (  # the official source's side is the one shown
        "Nguồn chính thức bị mâu thuẫn: «14 người bị thương» (hanoimoi.vn, nguồn chính thức)"
        " và «12 người bị thương» (vnexpress.net) (và 2 chỗ trái chiều khác)"
    )
    assert other.reason.endswith("«lúc 13h» (dantri.com.vn)") and other.observed == 1
    next_day = replace(found[0], id=5, found_at=found[0].found_at + dt.timedelta(days=1))
    (later,) = conflict_alerts([next_day])
    assert later.dedupe_key != crash.dedupe_key  # a new day's conflicts are news again
