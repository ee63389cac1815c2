"""Digests: a rule's waiting alerts grouped into one message at most once per interval, so a busy
day makes one mail an hour instead of five hundred; rendered in Vietnamese, then sent by one worker.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from time import monotonic

from baochi.db.leases import worker_name
from baochi.db.watch_store import Alert, RuleRow, WatchStore
from baochi.hanoi_time import minute
from baochi.watch.config import WatchConfig
from baochi.watch.links import alert_href
from baochi.watch.notify import Message, Notifier, attempt

KIND_LABELS = {
    "match": "Bài mới",
    "spike": "Đột biến",
    "health": "Nguồn thu thập",
    "conflict": "Thông tin trái chiều",
    "case": "Hồ sơ",
}
SUBJECT_CHARS = 150
DOCUMENTS_SHOWN = 5
# How long a worker's claim on the digests of one pass holds: far longer than sending them takes
# (notify_timeout bounds each); a worker that died on another machine delays a digest by this
# much, one that died on this machine not at all.
CLAIM = dt.timedelta(minutes=15)


def group(watch: WatchStore, rules: Sequence[RuleRow], now: dt.datetime) -> list[int]:
    """Make one digest per rule whose alerts wait and whose last digest is an interval old."""
    waiting = watch.undigested()
    made = []
    for rule in rules:
        ids = waiting.get(rule.id)
        if not ids:
            continue
        last = watch.last_digest_at(rule.id)
        if last is not None and now - last < dt.timedelta(minutes=rule.digest_minutes):
            continue
        if (digest_id := watch.make_digest(rule.id, ids, now)) is not None:
            made.append(digest_id)
    return made


def deliver_due(
    watch: WatchStore,
    config: WatchConfig,
    channels: Mapping[str, Notifier],
    now: dt.datetime,
) -> Counter[str]:
    """Try once every pending digest that is due and that no other live worker holds; count the
    outcomes (sent, pending, failed).

    Each digest is claimed before it is sent, so of several workers one sends it. Delivery is
    still at least once, not exactly once: a worker killed after the server accepted the message
    and before the outcome was written leaves a claim that lapses, and the digest goes again
    (neither SMTP nor a webhook can tell that it already arrived).
    """
    owner = worker_name()
    tried: list[int] = []
    outcomes: Counter[str] = Counter()
    started = monotonic()
    # Each claim is stamped with `now` moved on by the time the pass has taken: a pass through
    # a backlog to a slow server can outlast CLAIM, and a claim stamped with the pass's start
    # would have lapsed when made, free for another worker to send again.
    while digest := watch.claim_digest(
        owner, now + dt.timedelta(seconds=monotonic() - started), CLAIM, exclude=tried
    ):
        tried.append(digest.id)
        alerts = watch.digest_alerts(digest.id)
        message = render(
            digest.id, alerts, digest.created_at, config.digest_max_items, config.public_url
        )
        outcomes[attempt(watch, config, channels, digest, message, now)] += 1
    return outcomes


def title(alert: Alert) -> str:
    """An alert's headline: its kind and subject, e.g. "Đột biến: an toàn thực phẩm"."""
    return f"{KIND_LABELS.get(alert.kind, alert.kind)}: {alert.subject_label}"


def render(
    digest_id: int,
    alerts: Sequence[Alert],
    made_at: dt.datetime,
    max_items: int,
    public_url: str = "",
) -> Message:
    """The digest as a mail subject and text, and as the webhook's JSON; a retry sends the same.
    With the address baochi is opened at, each alert links to the page where it is read."""
    site = public_url.rstrip("/")
    shown, omitted = alerts[:max_items], max(len(alerts) - max_items, 0)
    if len(alerts) == 1:
        subject = f"[baochi] {title(alerts[0])}"
    else:
        subject = f"[baochi] {len(alerts)} cảnh báo: " + "; ".join(title(a) for a in alerts)
    if len(subject) > SUBJECT_CHARS:
        subject = subject[: SUBJECT_CHARS - 1].rstrip() + "…"
    lines = [f"baochi: {len(alerts)} cảnh báo lúc {minute(made_at)} (giờ Hà Nội)", ""]
    for number, alert in enumerate(shown, 1):
        lines.append(f"{number}. {title(alert)}")
        lines.append(f"   {alert.reason}")
        if site and (href := alert_href(alert)):
            lines.append(f"   Xem trong baochi: {site}{href}")
        listed = alert.payload.get("documents", [])[:DOCUMENTS_SHOWN]
        for doc in listed:
            outlet = f" ({doc['outlet']})" if doc.get("outlet") else ""
            lines.append(f"   - {doc['title']}{outlet}")
            lines.append(f"     {doc['url']}")
        if alert.kind == "match" and alert.observed > len(listed):  # the rest in the app
            lines.append(f"   - … và {alert.observed - len(listed)} bài khác")
        lines.append("")
    if omitted:
        where = f": {site}/alerts" if site else ": xem trong ứng dụng"
        lines.append(f"… và {omitted} cảnh báo khác{where}.")
    data = {
        "digest_id": digest_id,
        "generated_at": made_at.isoformat(),
        "count": len(alerts),
        "omitted": omitted,
        "alerts": [as_json(a) for a in shown],
    }
    return Message(subject, "\n".join(lines).rstrip() + "\n", data)


def as_json(alert: Alert) -> dict[str, object]:
    """An alert in the webhook and export shape."""
    return {
        "id": alert.id,
        "kind": alert.kind,
        "subject": {
            "kind": alert.subject_kind,
            "key": alert.subject_key,
            "label": alert.subject_label,
        },
        "watchlist_id": alert.watchlist_id,
        "span": alert.span,
        "observed": alert.observed,
        "baseline_mean": alert.baseline_mean,
        "baseline_sd": alert.baseline_sd,
        "threshold": alert.threshold,
        "reason": alert.reason,
        "created_at": alert.created_at.isoformat() if alert.created_at else None,
        "payload": dict(alert.payload),
    }
