"""The five tasks by name, and the check that a caller asked for tasks that exist."""

from __future__ import annotations

from collections.abc import Iterable

from baochi.analyze import sentiment, tone, topic, toxic, toxicity
from baochi.analyze.task import Task

TASKS: dict[str, Task] = {
    t.name: t for t in (topic.TASK, tone.TASK, toxicity.TASK, toxic.TASK, sentiment.TASK)
}


def select(names: Iterable[str] | None) -> list[Task]:
    """The named tasks in catalogue order; all of them for None."""
    if names is None:
        return list(TASKS.values())
    wanted = list(names)
    unknown = sorted(set(wanted) - set(TASKS))
    if unknown:
        raise ValueError(f"unknown task(s) {', '.join(unknown)}; known: {', '.join(TASKS)}")
    return [t for name, t in TASKS.items() if name in wanted]
