"""Several collector processes on one database: hosts shared out, politeness kept, nothing twice."""

from __future__ import annotations

import os
import subprocess
import sys

from baochi.db import Store, open_engine
from baochi.settings import Settings
from tests.site.server import NewsSite

DELAY = 0.05


def test_three_workers_share_two_hosts_politely_and_store_everything_once(
    site_articles: list[dict], settings: Settings
) -> None:
    env = {
        **os.environ,
        "BAOCHI_DATA": str(settings.data),
        "BAOCHI_DATABASE_URL": settings.database_url,
        "BAOCHI_ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "BAOCHI_HOST_DELAY": str(DELAY),
        "BAOCHI_HOST_CONCURRENCY": "2",
        "BAOCHI_EXTRACT_WORKERS": "0",
    }
    cmd = [sys.executable, "-m", "baochi"]
    with NewsSite(site_articles[:60]) as first, NewsSite(site_articles[60:]) as second:
        for site in (first, second):
            for path in ("/sitemap.xml", "/rss/home.rss", "/rss/thoi-su.rss"):
                subprocess.run(
                    [*cmd, "sources", "add", site.base_url + path, "--outlet", site.base_url],
                    env=env, check=True, capture_output=True,
                )  # fmt: skip
        workers = [
            subprocess.Popen([*cmd, "collect", "--once"], env=env, stdout=subprocess.DEVNULL)
            for _ in range(3)
        ]
        assert [w.wait(timeout=120) for w in workers] == [0, 0, 0]
        store = Store(open_engine(settings))
        urls = [doc.url for doc in store.documents()]
        assert len(urls) == len(set(urls)) == 120
        for site in (first, second):
            assert site.peak_in_flight <= 2
            # Starts are spaced by DELAY at the client; the span absorbs the server's jitter.
            span = site.starts[-1] - site.starts[0]
            assert span >= (len(site.starts) - 1) * DELAY * 0.9, "two workers shared a host"
        assert {s.consecutive_failures for s in store.sources()} == {0}
