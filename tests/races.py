"""Requests that arrive together, raced as a double click or a proxy's retry races them: each
looks for the row the other is about to write, and is held up before it writes its own."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


def held_after_looking(
    monkeypatch: pytest.MonkeyPatch, owner: type, name: str, seconds: float = 0.2
) -> None:
    """Hold up every call of `owner.name` (a look for an earlier twin) after it has looked."""
    looked = getattr(owner, name)

    def slow_look(self: Any, *args: Any) -> Any:
        found = looked(self, *args)
        time.sleep(seconds)
        return found

    monkeypatch.setattr(owner, name, slow_look)


def at_once(count: int, call: Callable[[int], T]) -> list[T]:
    """call(0) … call(count - 1), released together on threads; their results in that order
    (an exception in one is raised here)."""
    together = threading.Barrier(count)

    def run(k: int) -> T:
        together.wait()
        return call(k)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))
