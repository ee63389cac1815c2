"""Conflicting reports found in a story become alerts, once each, and arrive by mail with both
sides' outlets and links."""

from __future__ import annotations

import datetime as dt

from baochi.db import Store
from baochi.db.watch_store import WatchStore
from baochi.stories import assign
from baochi.watch import WatchConfig, check
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
