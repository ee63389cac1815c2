"""Targets fixtures: a store migrated along the targets branch only; a workbook gone wrong."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from baochi import settings as settings_mod
from baochi import targets
from baochi.db import Store, migrate, open_engine
from baochi.settings import Settings

TODAY = dt.date(2026, 11, 28)  # the day the example's statuses are computed on


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


def wrong_workbook(engine: Engine) -> bytes:
    """The example directive's workbook with every kind of problem a row can have, as edited by
    hand: a task's progress in other words, a title left out, a day that is none, a number
    given twice; an indicator of a task that is not there, a target in words, a code given
    twice, its target and deadline left out; a report of an indicator that is not there."""
    book = load_workbook(io.BytesIO(targets.export_directive(engine, "1559-TB/TU", TODAY)))
    tasks, indicators = book["Nhiệm vụ"], book["Chỉ tiêu"]
    tasks["F2"], tasks["B3"], tasks["E4"], tasks["A6"] = "Xong rồi", None, "31/13/2020", 4
    indicators["B2"], indicators["G2"] = 99, "một trăm"
    indicators["A3"], indicators["G3"], indicators["H3"] = "CQBC-2020", None, None
    book["Báo cáo"].append(["KHONG-CO", "31/12/2021", 5, ""])
    return _saved(book)


def unsheeted(content: bytes) -> bytes:
    """A workbook with its reports' sheet gone and a task column headed by Hoa's own note."""
    book = load_workbook(io.BytesIO(content))
    del book["Báo cáo"]
    book["Nhiệm vụ"]["I1"] = "Ghi chu cua Hoa"
    return _saved(book)


def _saved(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
