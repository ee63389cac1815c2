"""A burst on a followed channel, as the alerts page shows it: the channel and its platform named
in the page's language, as a topic's spike is ("social channel Kênh X", "topic Society")."""

from __future__ import annotations

import datetime as dt
from html import unescape

from baochi.collect.social.items import SocialItem
from baochi.db import Store
from baochi.db.social_store import SocialStore
from baochi.db.watch_store import WatchStore
from baochi.settings import Settings
from baochi.social.ingest import ingest
from baochi.watch.check import check
from baochi.watch.config import WatchConfig
from tests.social.conftest import needs_social_data
from tests.social.fake_api import social_texts
from tests.web import conftest as web_fixtures

app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes
closed_engine = web_fixtures.closed_engine


def _burst(store: Store, settings: Settings, now: dt.datetime) -> None:
    """One comment an hour on a YouTube channel for twelve hours, then twelve in the last hour."""
    needs_social_data()
    account, _ = SocialStore(store.engine).add_account("youtube", "youtube", "UCx", "Kênh X")
    texts = social_texts(24)
    quiet = [
        SocialItem("youtube", f"q{h}", "comment", texts[h], now - dt.timedelta(hours=12 - h))
        for h in range(12)
    ]
    burst = [
        SocialItem("youtube", f"b{k}", "comment", texts[12 + k], now - dt.timedelta(minutes=k))
        for k in range(12)
    ]
    ingest(store, quiet, settings, account, now=now - dt.timedelta(hours=12, minutes=20))
    ingest(store, burst, settings, account, now=now)


def test_a_social_spike_names_its_channel_in_the_pages_language(
    store: Store, settings: Settings, client_as
) -> None:
    now = dt.datetime.now(dt.UTC).replace(minute=30, second=0, microsecond=0)
    _burst(store, settings, now)
    alerts = check(store, WatchStore(store.engine), WatchConfig(), now, {}).alerts
    labels = {a.subject_label for a in alerts if a.subject_kind in ("channel", "platform")}
    assert labels == {"kênh mạng xã hội Kênh X", "mạng xã hội YouTube"}  # stored and mailed so
    client = client_as("analyst")
    client.get("/lang/en?next=/alerts")
    page = unescape(client.get("/alerts").text)
    assert ">social channel Kênh X<" in page and ">social network YouTube<" in page
    assert "Last hour: 12 posts and comments, mean of 12 hours before" in page  # not "articles"
    assert ">kênh mạng xã hội" not in page and ">mạng xã hội" not in page  # a case's title keeps it
    client.get("/lang/vi?next=/alerts")
    page = unescape(client.get("/alerts").text)
    assert ">kênh mạng xã hội Kênh X<" in page and ">mạng xã hội YouTube<" in page
    assert "1 giờ qua: 12 bài đăng, bình luận, trung bình 12 giờ trước" in page
