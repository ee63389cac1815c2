"""The example registry shipped with baochi: Hà Nội's press agencies and their restructuring,
from public reports, each fact with its source and uncertain points flagged (see data/README.md)."""

from __future__ import annotations

from collections import Counter
from importlib import resources

from sqlalchemy import Engine

from baochi.db.registry_store import RegistryStore
from baochi.registry.files import import_sheets, read_csv
from baochi.registry.model import ENTITIES
from baochi.registry.validate import Sheet

ACTOR = "example"


def example_sheets() -> list[Sheet]:
    """The shipped data files, one sheet per entity that has one."""
    folder = resources.files("baochi.registry").joinpath("data")
    return [
        read_csv(folder.joinpath(f"{name}.csv").read_bytes(), name)
        for name in ENTITIES
        if folder.joinpath(f"{name}.csv").is_file()
    ]


def load_example(engine: Engine) -> dict[str, Counter[str]]:
    """Add the example registry to a migrated database; entries already there are left as they
    are (edits and retirements survive), so calling it again changes nothing."""
    return import_sheets(RegistryStore(engine), example_sheets(), ACTOR, overwrite=False)
