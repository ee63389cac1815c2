"""Spikes of the fast channels: posts and comments per followed channel and per platform, the
last hour against the twelve before it (and the last day against the week), raised as alerts
like the press ones, with the numbers that made them fire."""

from __future__ import annotations

import datetime as dt

from baochi.db.social_store import SocialStore
from baochi.db.watch_store import Alert, WatchStore
from baochi.labels import label_name
from baochi.watch.config import WatchConfig
from baochi.watch.spikes import judge

NOUNS = {"channel": "kênh mạng xã hội", "platform": "mạng xã hội"}
ITEMS = "bài đăng, bình luận"  # what a channel's spike counts


def social_alerts(watch: WatchStore, config: WatchConfig, now: dt.datetime) -> list[Alert]:
    """Spike alerts of every channel and platform with posts or comments in the period."""
    from baochi.watch.check import cooled, spike_alert  # the check calls this module

    social = SocialStore(watch.engine)
    if not social.available():
        return []
    names = {str(a.id): a.name for a in social.accounts()}
    found = []
    for rule in (config.hourly(), config.daily()):
        origin = rule.origin(now)
        groups = {
            "channel": social.ids_since(origin, by="account_id"),
            "platform": social.ids_since(origin, by="platform"),
        }
        for subject, grouped in groups.items():
            for key, ids in sorted(grouped.items()):
                series = watch.id_counts(ids, origin, rule.bucket, rule.baseline + 1)
                verdict = judge(series, rule)
                if not verdict.fired or not cooled(watch, "spike", subject, key, rule, now):
                    continue
                name = names.get(key, key) if subject == "channel" else label_name(subject, key)
                noun = NOUNS[subject]
                found.append(
                    spike_alert(verdict, series, subject, key, name, now, noun=noun, items=ITEMS)
                )
    return found
