"""The example registry: loads on a fresh install, once, from sourced data with its doubts kept."""

from __future__ import annotations

import datetime as dt

from baochi.db import Store
from baochi.registry import ENTITIES, RegistryStore, check, load_example, save
from baochi.registry.example import example_sheets
from baochi.registry.validate import Known


def test_loads_on_a_fresh_install_and_again_changes_nothing(
    registry: RegistryStore, store: Store
) -> None:
    counts = load_example(store.engine)
    assert counts["agencies"]["created"] == 22 and counts["actions"]["created"] == 6
    logged = len(registry.changes(limit=10_000))
    again = load_example(store.engine)
    assert all(set(c) == {"kept"} for c in again.values())
    assert len(registry.changes(limit=10_000)) == logged


def test_edits_and_retirements_survive_a_reload(
    example: RegistryStore, example_store: Store
) -> None:
    head = {**example.row("agencies", "phunuthudo")}
    form = {f.name: head[f.name] for f in ENTITIES["agencies"].fields} | {"head_name": "Tên mới"}
    save(example, "agencies", form, "hoa")
    example.retire("domains", "cdnwebhn.tek4tv.vn", "hoa")
    load_example(example_store.engine)
    assert example.row("agencies", "phunuthudo")["head_name"] == "Tên mới"
    assert example.row("domains", "cdnwebhn.tek4tv.vn")["retired_at"] is not None


def test_the_2026_merger_as_the_sources_report_it(example: RegistryStore) -> None:
    merger = example.row("actions", "hn-2026-sap-nhap")
    assert merger["members"] == [
        "hanoimoi",
        "kinhtedothi",
        "phunuthudo",
        "laodongthudo",
        "tuoitrethudo",
        "hanoitv",
    ]
    assert (merger["decision_number"], merger["decision_date"]) == (
        "1115-QĐ/TU",
        dt.date(2026, 1, 30),
    )
    assert merger["announced_on"] == dt.date(2026, 2, 5)
    assert merger["uncertain"] and "Ngày có hiệu lực chưa có trong nguồn" in merger["note"]
    new = example.row("agencies", "hn-bao-ptth")
    assert (new["head_title"], new["head_name"]) == ("Giám đốc", "Vũ Minh Tuấn")
    assert new["uncertain"] and "Quy định 373" in new["note"]
    first = example.row("actions", "hn-2020-sap-nhap-plxh")
    assert first["decision_number"] == "18/QĐ-UBND" and first["decision_date"] == dt.date(
        2020, 1, 2
    )


def test_every_fact_has_a_source_and_doubts_are_visible(example: RegistryStore) -> None:
    for name in ENTITIES:
        for rec in example.rows(name):
            assert rec["source"], (name, rec)
            if rec["uncertain"]:
                assert rec["note"], (name, rec)
    manager = example.row("authorities", "qlnn-hn-so-vhtt")
    assert manager["role"] == "city_manager" and manager["uncertain"]


def test_shipped_files_are_valid_on_their_own() -> None:
    records = check(example_sheets(), Known())
    assert sum(len(r) for r in records.values()) == 90
