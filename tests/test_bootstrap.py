"""A fresh install's first run loads the shipped data once and never overwrites the office's."""

import threading

import pytest

from baochi.bootstrap import first_run
from baochi.db import Store, open_store
from baochi.db.registry_store import RegistryStore
from baochi.db.targets_store import TargetsStore
from baochi.settings import Settings


def test_first_run_loads_sources_registry_and_directive_once(store: Store, settings: Settings):
    first_run(store, settings)
    agencies = RegistryStore(store.engine).keys("agencies")
    assert len(store.sources()) == 74
    assert len(agencies) >= 20
    assert TargetsStore(store.engine).directive("1559-TB/TU") is not None
    first_run(store, settings)  # a second start adds nothing
    assert len(store.sources()) == 74
    assert RegistryStore(store.engine).keys("agencies") == agencies


def test_two_servers_starting_at_once_on_a_new_database(settings: Settings):
    """Two web servers started together on an empty PostgreSQL database: one migrates while the
    other waits, and the shipped data is loaded once; neither crashes (one did, with a
    UniqueViolation, until its service restarted)."""
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("on SQLite one process serves the store")
    ready, failed = threading.Barrier(2), []

    def start() -> None:
        ready.wait()
        try:
            first_run(open_store(settings), settings)
        except Exception as exc:
            failed.append(exc)

    threads = [threading.Thread(target=start, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)  # without the lock the two could wait on each other for ever
    assert not any(thread.is_alive() for thread in threads) and failed == []
    store = open_store(settings)
    assert len(store.sources()) == 74
    assert RegistryStore(store.engine).keys("agencies")
    assert TargetsStore(store.engine).directive("1559-TB/TU") is not None
