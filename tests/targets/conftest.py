"""Targets fixtures: a store migrated along the targets branch only; a workbook gone wrong."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine

from baochi import settings as settings_mod
from baochi import targets
from baochi.db import Store, migrate, open_engine
from baochi.settings import Settings
from baochi.targets.xlsx import SHEETS

TODAY = dt.date(2026, 11, 28)  # the day the example's statuses are computed on


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A store migrated along the targets branch and the web's only (an import writes to its audit
    log), so other areas' work in progress is apart."""
    engine = open_engine(settings)
    migrate_targets(engine)
    yield Store(engine)
    engine.dispose()


def fresh_store(data: Path) -> Store:
    """Another empty store in its own folder, to import into."""
    settings = settings_mod.load(environ={}, overrides={"data": data})
    engine = open_engine(settings)
    migrate_targets(engine)
    return Store(engine)


def migrate_targets(engine: Engine) -> None:
    """The targets tables, and the audit log an import writes to."""
    for branch in ("targets@head", "web@head"):
        migrate(engine, branch)


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


def directive_book(
    code: str,
    tasks: list[list[Any]],
    indicators: list[list[Any]],
    reports: list[list[Any]],
) -> bytes:
    """A directive's workbook typed from scratch, its sheets and headers as the export writes
    them; each row's cells in the order of its sheet's columns."""
    book = Workbook()
    book.remove(book.active)
    rows = {"directive": [[code, None, "Thành ủy", f"Văn bản {code}"]]}
    rows |= {"tasks": tasks, "indicators": indicators, "reports": reports}
    for part, (title, columns) in SHEETS.items():
        sheet = book.create_sheet(title)
        sheet.append([label for _, label in columns])
        for row in rows[part]:
            sheet.append(row)
    return _saved(book)


def oversized_book() -> bytes:
    """8 MB of sheet XML, a fraction of that zipped: far more than a directive's tasks and
    reports ever are."""
    book = Workbook()
    book.active.title = "Nhiệm vụ"
    for n in range(1, 701):
        book.active.append([n, f"{n} " + "nhiệm vụ " * 600])
    return _saved(book)
