"""Several collector processes on one database: hosts shared out, politeness kept, nothing twice."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import text

from baochi.db import Store, open_engine, open_store
from baochi.settings import Settings
from tests.site.server import NewsSite

DELAY = 0.05


def test_three_workers_share_two_hosts_politely_and_store_everything_once(
    site_articles: list[dict], settings: Settings
) -> None:
    env = _env(settings, BAOCHI_HOST_DELAY=str(DELAY), BAOCHI_HOST_CONCURRENCY="2")
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


def test_a_busy_worker_hands_a_host_to_an_idle_one(
    site_articles: list[dict], settings: Settings, tmp_path: Path
) -> None:
    env = _env(
        settings,
        BAOCHI_HOST_DELAY="0.05",
        BAOCHI_HOST_CONCURRENCY="1",
        BAOCHI_READ_TIMEOUT="90",  # the first article of each host waits for the second worker
    )
    cmd = [sys.executable, "-m", "baochi"]
    store = Store(open_engine(settings))
    logs = [tmp_path / "busy.log", tmp_path / "idle.log"]
    with NewsSite(site_articles[:60]) as first, NewsSite(site_articles[60:]) as second:
        for site in (first, second):
            subprocess.run(
                [*cmd, "sources", "add", site.base_url + "/sitemap.xml", "--outlet", site.base_url],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
        for site in (first, second):
            site.articles_open.clear()
        with _worker(env, logs[0]) as busy:
            _wait(lambda: _one_owner(store), busy)  # alone, it leases both hosts
            with _worker(env, logs[1]) as idle:
                _wait(lambda: _count(store, "workers") == 2, busy, idle)
                for site in (first, second):
                    site.articles_open.set()
                _wait(lambda: _count(store, "documents") >= 120, busy, idle)
                _wait(lambda: all("collected" in log.read_text() for log in logs), busy, idle)
        urls = [doc.url for doc in store.documents()]
        assert len(urls) == len(set(urls)) == 120
        assert "handing 1 host(s) over" in logs[0].read_text()
        stored = re.findall(r"source\(s\): (\d+) new", logs[1].read_text())
        assert sum(map(int, stored)) > 0, "the idle worker finished the host handed to it"
        assert first.hits["/sitemap.xml"] + second.hits["/sitemap.xml"] == 3  # read again once
        for site in (first, second):
            assert site.peak_in_flight <= 1  # never two workers on a host at once
    assert {s.consecutive_failures for s in store.sources()} == {0}


def test_a_stopped_worker_gives_its_hosts_back_at_once(
    site_articles: list[dict], settings: Settings, tmp_path: Path
) -> None:
    env = _env(settings)
    store = open_store(settings)
    with NewsSite(site_articles[:20]) as site:
        store.add_source(site.base_url + "/sitemap.xml", "Báo Thử nghiệm", kind="sitemap")
        site.articles_open.clear()  # the worker is mid-host when it is stopped
        try:
            with _worker(env, tmp_path / "worker.log") as worker:
                _wait(lambda: _one_owner(store) and site.in_flight > 0, worker)
                worker.send_signal(signal.SIGTERM)  # what systemctl stop sends
                assert worker.wait(timeout=30) == 0
        finally:
            site.articles_open.set()
    with store.engine.connect() as conn:
        leases = conn.execute(text("SELECT lease_owner, lease_until FROM hosts")).all()
    assert [tuple(lease) for lease in leases] == [("", None)]
    assert _count(store, "workers") == 0


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a collector process on the test's store, the test sites allowed."""
    return {
        **os.environ,
        "BAOCHI_DATA": str(settings.data),
        "BAOCHI_DATABASE_URL": settings.database_url,
        "BAOCHI_ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "BAOCHI_EXTRACT_WORKERS": "0",
        **extra,
    }


@contextlib.contextmanager
def _worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A `baochi worker` logging to `log`, stopped as Ctrl-C does (killed if it will not stop)."""
    with log.open("w") as out:
        worker = subprocess.Popen([sys.executable, "-m", "baochi", "worker"], env=env, stderr=out)
        try:
            yield worker
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _one_owner(store: Store) -> bool:
    """Whether every host is leased, all by the same worker."""
    with store.engine.connect() as conn:
        owners = list(conn.execute(text("SELECT lease_owner FROM hosts")).scalars())
    return all(owners) and len(set(owners)) == 1


def _count(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _wait(done: Callable[[], bool], *workers: subprocess.Popen, seconds: float = 90) -> None:
    """Until `done`, failing at once if a worker died."""
    deadline = time.monotonic() + seconds
    while not done():
        assert all(w.poll() is None for w in workers), "a worker died"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)
