"""Targets: directives broken into tasks and indicators, progress reports, computed statuses."""

from baochi.targets.board import (
    Board,
    DirectiveNotFound,
    IndicatorView,
    TaskView,
    board,
    lagging,
    load_example,
    record_progress,
)
from baochi.targets.rows import RowsInvalid
from baochi.targets.status import LABELS, Judgement, judge, target_path, task_status
from baochi.targets.xlsx import export_directive, import_directive

__all__ = [
    "LABELS",
    "Board",
    "DirectiveNotFound",
    "IndicatorView",
    "Judgement",
    "RowsInvalid",
    "TaskView",
    "board",
    "export_directive",
    "import_directive",
    "judge",
    "lagging",
    "load_example",
    "record_progress",
    "target_path",
    "task_status",
]
