"""Targets fixtures: a store migrated along the targets branch only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from baochi import settings as settings_mod
from baochi.db import Store, migrate, open_engine
from baochi.settings import Settings


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A store migrated along the targets branch only, so other areas' work in progress is apart."""
    engine = open_engine(settings)
    migrate(engine, "targets@head")
    yield Store(engine)
    engine.dispose()


def fresh_store(data: Path) -> Store:
    """Another empty store in its own folder, to import into."""
    settings = settings_mod.load(environ={}, overrides={"data": data})
    engine = open_engine(settings)
    migrate(engine, "targets@head")
    return Store(engine)
