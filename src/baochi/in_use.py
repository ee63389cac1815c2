"""Who runs on a data folder: web servers, workers and collections share it, a restore needs it
alone, so a restore never replaces the database under a running server and nothing starts on the
folder mid-restore.

The lock is the kernel's (`flock`) on a file in the data folder: it goes with the process, so a
killed server leaves nothing to clean up. It sees the processes of this machine only.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from baochi.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]
LOCK_FILE = ".in-use.lock"


class InUse(RuntimeError):
    """The data folder is held in a way that forbids what was asked; the message says why."""


@contextlib.contextmanager
def sharing(data: Path) -> Iterator[None]:
    """Hold the data folder for as long as a web server or worker runs on it."""
    why = f"a restore is putting a backup in place in {data}; start baochi when it has finished"
    with _held(data, fcntl.LOCK_SH, why):
        yield


@contextlib.contextmanager
def alone(data: Path) -> Iterator[None]:
    """Hold the data folder so that nothing else runs on it while the block runs."""
    why = f"baochi is running on {data} (a web server or a worker): stop it, then try again"
    with _held(data, fcntl.LOCK_EX, why):
        yield


@contextlib.contextmanager
def _held(data: Path, mode: int, why: str) -> Iterator[None]:
    data.mkdir(parents=True, exist_ok=True)
    with flocked(data / LOCK_FILE, mode) as got:
        if not got:
            raise InUse(why)
        yield


@contextlib.contextmanager
def flocked(path: Path, mode: int) -> Iterator[bool]:
    """The kernel's lock on `path` (made if missing) in `mode`, held for the block, without
    waiting: False, and nothing held, when another process holds it in a conflicting mode."""
    with path.open("a") as lock:
        try:
            fcntl.flock(lock, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


def on_the_folder(command: Command) -> Command:
    """A command that runs on the data folder (a server, a worker, a collection) for as long as
    it runs; refused with the reason while a restore is putting a backup in place."""

    @functools.wraps(command)
    def held(args: argparse.Namespace, settings: Settings) -> int:
        try:
            with sharing(settings.data):
                return command(args, settings)
        except InUse as exc:
            print(f"baochi: {exc}", file=sys.stderr)
            return 1

    return held
