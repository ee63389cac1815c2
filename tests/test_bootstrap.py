"""A fresh install's first run loads the shipped data once and never overwrites the office's."""

from baochi.bootstrap import first_run
from baochi.db import Store
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
