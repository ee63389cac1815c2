"""Notice 1559-TB/TU loaded as the worked example, with its tasks, units and computed statuses."""

from __future__ import annotations

import datetime as dt

from baochi import targets
from baochi.db import Store
from baochi.db.targets_store import TargetsStore

TODAY = dt.date(2026, 11, 28)


def test_the_example_loads_once_with_its_tasks_and_units(store: Store) -> None:
    first = targets.load_example(store.engine)
    assert targets.load_example(store.engine) == first
    targets_store = TargetsStore(store.engine)
    assert [d.code for d in targets_store.directives()] == ["1559-TB/TU"]
    tasks = targets_store.tasks(first)
    assert len(tasks) == 10
    assert all(t.lead_unit == "Sở Thông tin và Truyền thông" for t in tasks)
    by_position = {t.position: t for t in tasks}
    assert by_position[4].coordinating_units == "Sở Nội vụ; các sở chuyên ngành"
    assert by_position[6].coordinating_units == "Sở Văn hóa và Thể thao"
    assert by_position[8].coordinating_units == "các sở, ngành"
    assert by_position[10].coordinating_units == "Sở Tài chính; các đơn vị liên quan"
    assert "vườn ươm" in by_position[9].title
    assert "100% thủ tục hành chính" in by_position[4].title


def test_the_example_has_computed_statuses(store: Store) -> None:
    targets.load_example(store.engine)
    board = targets.board(store.engine, "1559-TB/TU", TODAY)
    statuses = {view.task.position: view.status for view in board.tasks}
    assert statuses[1] == "achieved"  # 8 press agencies left at the end of 2020, as reported
    assert statuses[4] == "overdue"  # 100% online procedures by 2020: no report shows it
    assert statuses[2] == "on_track"  # ongoing, in progress, no deadline
    indicator = board.tasks[3].indicators[0]
    assert indicator.indicator.code == "TTHC-3-4" and indicator.judgement.label == "Quá hạn"
    assert indicator.chart() == {"path": [("2020-12-31", 100.0)], "actual": []}
    behind = targets.lagging(store.engine, TODAY)
    assert [(d.code, v.task.position) for d, v in behind] == [("1559-TB/TU", 4)]
