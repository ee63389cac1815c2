"""What a task is: its labels, where its data comes from, how it is measured and trained.

A task has one or more heads (trainable classifiers); all heads share one training and
evaluation core, so a task module only declares data, labels, figures and parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from baochi.analyze.corpora import Corpus
from baochi.analyze.linear import ModelParams
from baochi.analyze.metrics import Headline


@dataclass(frozen=True)
class Reference:
    """A published result to quote beside ours, measured the same way."""

    value: float
    source: str


@dataclass(frozen=True)
class Head:
    """One classifier: its labels, its data, its headline figure and training parameters."""

    name: str
    labels: tuple[str, ...]
    headline: Headline
    load: Callable[[Path, bool], Corpus]  # (data folder, with unlabelled texts) -> corpus
    params: ModelParams
    quick: ModelParams  # a cheaper configuration for the quality gate in the test suite
    reference: Reference | None = None


@dataclass(frozen=True)
class Task:
    """A named task applied to articles or to posts; its first head carries the task's name."""

    name: str
    applies_to: Literal["articles", "posts"]
    heads: tuple[Head, ...]


def no_data(path: object) -> dict[str, Any]:
    """The result of a head whose data is not in the folder: `baochi train DIR` trains every task
    whose data is present, and says which it left out."""
    return {"skipped": f"no data: {path} not found"}


def place(results: dict[str, Any], task: Task, index: int, head: Head, result: dict) -> None:
    """Put a head's result where it belongs: the first head's is the task's, the others' sit
    inside it by name."""
    if index == 0:
        results[task.name] = result
    else:
        results.setdefault(task.name, {})[head.name] = result
