"""Editing the register one entry at a time: save a form, retire, restore, find — each logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from baochi.db.registry_store import AuditHook, RegistryStore
from baochi.registry.model import ACTIONS, BOOL, DATE, ENTITIES, Record, entity
from baochi.registry.validate import RegistryImportError, check_form, known, settled_transfer
from baochi.vi import contains


def save(
    store: RegistryStore,
    name: str,
    form: Mapping[str, Any],
    actor: str,
    audit: AuditHook | None = None,
    seen: dt.datetime | None = None,
) -> Record:
    """Create or update one entry from a form; raises RegistryImportError listing its problems,
    or ChangedMeanwhile if `seen` (the version the form showed) is no longer the entry's."""
    rec = check_form(entity(name), form, known(store))
    store.write({name: [rec]}, actor, audit=audit, seen=seen)
    return rec


def already_saved(
    store: RegistryStore, name: str, form: Mapping[str, Any], current: Record
) -> bool:
    """Whether the entry this form makes is `current`, the entry under its key, every field
    alike: a new entry's form sent again (a second click on "save") asks for nothing new."""
    ent = entity(name)
    if current["retired_at"] is not None:
        return False
    try:
        rec = check_form(ent, form, known(store))
    except RegistryImportError:
        return False
    return all(current[f.name] == rec.get(f.name) for f in ent.fields)


def retire(
    store: RegistryStore, name: str, key: str, actor: str, audit: AuditHook | None = None
) -> bool:
    """Take an entry off the register, keeping it and its history; False if there was none;
    RegistryImportError for a completed transfer, which stays (see settled_transfer)."""
    current = store.row("actions", key) if entity(name) is ACTIONS else None
    settled = settled_transfer(current) if current is not None else None
    if settled is not None:
        raise RegistryImportError([settled])
    return store.retire(name, key, actor, audit)


def restore(
    store: RegistryStore, name: str, key: str, actor: str, audit: AuditHook | None = None
) -> bool:
    """Put a retired entry back on the register; False if there was none to restore."""
    rec = store.row(entity(name).name, key)
    if rec is None or rec["retired_at"] is None:
        return False
    fields = {f.name: rec[f.name] for f in ENTITIES[name].fields}
    store.write({name: [fields]}, actor, audit=audit)
    return True


def find(
    store: RegistryStore, name: str, query: str = "", include_retired: bool = False
) -> list[Record]:
    """An entity's entries whose text matches `query` on whole syllables, with or without
    diacritics: "nguyen thanh loi" finds "Nguyễn Thành Lợi"."""
    records = store.rows(entity(name).name, include_retired=include_retired)
    if not query.strip():
        return records
    searched = [f.name for f in ENTITIES[name].fields if f.kind not in (DATE, BOOL)]
    return [r for r in records if contains(" ".join(_words(r, searched)), query)]


def _words(rec: Record, fields: list[str]) -> list[str]:
    words: list[str] = []
    for name in fields:
        value = rec.get(name)
        words.extend(value if isinstance(value, list) else [str(value or "")])
    return words
