"""Several workers on one database share the channels: two processes syncing at once fetch each
due channel once per period, a killed worker's channel is synced by another at once on its
machine, and from another machine once its lease has lapsed, never before; a stopped worker
frees its channel at once."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable

from sqlalchemy import update

from baochi.collect.social.sync import sync, sync_accounts
from baochi.db import Store
from baochi.db.schema_social import social_accounts
from baochi.db.social_store import SocialStore
from baochi.settings import Settings
from tests.social.conftest import START
from tests.social.fake_api import GOOD_TOKEN, Scenario, graph_posts, social_texts

CHANNELS = 6


def _channels(store: Store) -> dict[str, int]:
    """Six pages of the fake Graph API (each answers with the scenario's posts)."""
    social = SocialStore(store.engine)
    return {
        f"page{k}": social.add_account("facebook", "facebook", f"page{k}", f"Trang {k}")[0]
        for k in range(CHANNELS)
    }


def _first_pages(scenario: Scenario, handle: str) -> int:
    """How many times a page's posts were fetched from the start (not a later page of them)."""
    return sum(1 for p in scenario.paths_seen if f"/{handle}/posts" in p and "after=" not in p)


def _workers(
    settings: Settings, count: int, command: tuple[str, ...] = ("social", "sync", "--due")
) -> list[subprocess.Popen]:
    """`baochi social sync --due` processes (or another command), as a worker runs it, on the
    test's database."""
    env = {
        **os.environ,
        "BAOCHI_DATA": str(settings.data),
        "BAOCHI_DATABASE_URL": settings.database_url,
        "BAOCHI_ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "BAOCHI_HOST_DELAY": "0",
        "BAOCHI_FACEBOOK_GRAPH_URL": settings.facebook_graph_url,
        "BAOCHI_FACEBOOK_TOKEN": GOOD_TOKEN,
        "BAOCHI_SOCIAL_PAGE_SIZE": str(settings.social_page_size),
        "BAOCHI_READ_TIMEOUT": "120",  # a stalled platform is waited for, not timed out
        "BAOCHI_TOTAL_TIMEOUT": "120",
    }
    return [
        subprocess.Popen(
            [sys.executable, "-m", "baochi", *command],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(count)
    ]


def _finish(workers: list[subprocess.Popen], timeout: float = 120) -> list[tuple[int, bytes]]:
    """Each worker's exit code and what it wrote to stderr."""
    errors = [w.communicate(timeout=timeout)[1] for w in workers]
    return [(w.returncode, e) for w, e in zip(workers, errors, strict=True)]


def test_two_workers_fetch_each_due_channel_once(
    store: Store, social_settings: Settings, scenario: Scenario
):
    scenario.posts = graph_posts(social_texts(4), START)
    scenario.stall = 0.05  # long enough for the two to overlap
    ids = _channels(store)
    assert _finish(_workers(social_settings, 2)) == [(0, b""), (0, b"")]
    assert {h: _first_pages(scenario, h) for h in ids} == {h: 1 for h in ids}
    accounts = SocialStore(store.engine).accounts()
    assert all(a.last_sync_at and a.next_sync_at and not a.lease_owner for a in accounts)
    assert sum(a.items_total for a in accounts) == 4  # the same four posts, stored once
    assert _finish(_workers(social_settings, 2)) == [(0, b""), (0, b"")]  # nothing due now
    assert {h: _first_pages(scenario, h) for h in ids} == {h: 1 for h in ids}


def test_a_killed_workers_channel_waits_elsewhere_for_its_lease_to_lapse(
    store: Store, social_settings: Settings, scenario: Scenario
):
    scenario.posts = graph_posts(social_texts(2), START)
    scenario.stall = 30.0  # the worker is caught inside its first request
    ids = _channels(store)
    (worker,) = _workers(social_settings, 1)
    waited = 0.0
    while not scenario.paths_seen and waited < 60:
        time.sleep(0.1)
        waited += 0.1
    worker.send_signal(signal.SIGKILL)
    assert _finish([worker]) == [(-signal.SIGKILL, b"")]
    scenario.stall = 0.0
    social = SocialStore(store.engine)
    (held,) = [a for a in social.accounts() if a.lease_owner]
    assert held.last_sync_at is None and held.lease_until is not None
    with store.engine.begin() as conn:  # as if the killed worker ran on another machine
        conn.execute(update(social_accounts).values(lease_owner="x" + held.lease_owner))
    synced = {r.account_id for r in sync(store, social_settings, due_only=True)}
    assert synced == set(ids.values()) - {held.id}  # the dead worker's lease still holds
    later = held.lease_until + dt.timedelta(seconds=1)
    reports = _sync_at(store, social_settings, later)
    assert [r.account_id for r in reports] == [held.id] and not reports[0].error
    assert _first_pages(scenario, held.handle) == 2  # the killed worker's try, then this one


def test_a_killed_workers_channel_is_free_at_once_on_its_machine(store: Store) -> None:
    """Its pid is gone, so nobody needs to wait out its lease (the channel waited 10 minutes);
    a live process's lease holds."""
    social = SocialStore(store.engine)
    ids = list(_channels(store).values())[:2]
    when = dt.datetime.now(dt.UTC)
    with subprocess.Popen([sys.executable, "-c", ""]) as ended:
        pass  # waited for: its pid names no process now
    here = socket.gethostname()
    for owner, account in zip(
        (f"{here}:{ended.pid}:0badf00d", f"{here}:{os.getpid()}:1badf00d"), ids, strict=True
    ):
        claimed = social.claim_account(owner, when, 600, [account])
        assert claimed is not None and claimed.id == account
    claimed = social.claim_account("me", when, 600, ids)
    assert claimed is not None and claimed.id == ids[0]
    assert social.claim_account("me", when, 600, ids, exclude=[ids[0]]) is None


def test_a_stopped_worker_frees_its_channel_at_once(
    store: Store, social_settings: Settings, scenario: Scenario
):
    scenario.posts = graph_posts(social_texts(2), START)
    scenario.stall = 90.0  # the worker is caught inside its first request
    ids = _channels(store)
    (worker,) = _workers(social_settings, 1, ("worker",))
    _wait_for(lambda: bool(scenario.paths_seen))
    worker.send_signal(signal.SIGTERM)  # what systemctl stop sends
    code, errors = _finish([worker], timeout=45)[0]  # well before the platform answers
    assert code == 0, errors.decode()
    scenario.stall = 0.0
    accounts = SocialStore(store.engine).accounts()
    assert not any(a.lease_owner or a.lease_until or a.last_sync_at for a in accounts)
    reports = sync(store, social_settings, due_only=True)  # now, not when a lease lapses
    assert {r.account_id for r in reports} == set(ids.values())
    assert not any(r.error for r in reports)


def _wait_for(done: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _sync_at(store: Store, settings: Settings, when: dt.datetime) -> list:
    """A worker's sync of the due channels with its clock at `when`."""
    return asyncio.run(sync_accounts(store, settings, due_only=True, now=lambda: when))
