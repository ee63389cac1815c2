"""What a fresh install needs before its first page: sources, example registry and directive."""

from __future__ import annotations

import logging

from sqlalchemy.exc import IntegrityError

from baochi.collect.sources import add_sources, default_sources
from baochi.db import Store
from baochi.db.registry_store import RegistryStore
from baochi.registry import load_example as load_registry
from baochi.settings import Settings
from baochi.targets import load_example as load_directive

log = logging.getLogger(__name__)


def first_run(store: Store, settings: Settings) -> None:
    """Load the shipped data once; an office's own edits are never overwritten. Two servers
    starting at once may both find the store empty: the second's load meets the first's rows
    and is given up (each load is one transaction), not a crash."""
    if not store.sources():
        added, _ = add_sources(store, default_sources(), settings)
        log.info("first run: %d default sources added", added)
    try:
        if not RegistryStore(store.engine).keys("agencies"):
            load_registry(store.engine)
            log.info("first run: example press registry loaded (Hà Nội, sourced, uncertain marked)")
        load_directive(store.engine)  # Notice 1559-TB/TU; a no-op once it is there
    except IntegrityError:
        log.info("first run: the shipped data was loaded by another process starting with this one")
