"""The entity declarations, the tables and the migration agree, field for field."""

from __future__ import annotations

from sqlalchemy import inspect

from baochi.db import Store
from baochi.db.schema_registry import REGISTRY_KEYS, REGISTRY_TABLES
from baochi.registry import ENTITIES

BOOKKEEPING = {"id", "retired_at", "created_at", "updated_at"}


def test_every_field_has_its_column_and_every_column_its_field() -> None:
    assert list(ENTITIES) == list(REGISTRY_TABLES)
    for name, entity in ENTITIES.items():
        table = REGISTRY_TABLES[name]
        assert entity.key == REGISTRY_KEYS[name]
        columns = {c.name.removesuffix("_id") if c.foreign_keys else c.name for c in table.c}
        fields = {f.name for f in entity.fields} - {"members"}
        assert columns - BOOKKEEPING == fields, name
        for field in entity.refs:
            assert field.ref in ENTITIES and list(ENTITIES).index(field.ref) <= list(
                ENTITIES
            ).index(name)


def test_the_migration_creates_the_declared_tables(store: Store) -> None:
    found = inspect(store.engine)
    for table in REGISTRY_TABLES.values():
        assert {c["name"] for c in found.get_columns(table.name)} == {c.name for c in table.c}
