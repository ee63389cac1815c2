"""Several processes opening one store at once (a web server and a worker started together on a
new install, or after an update): one migrates, the others wait for it, and all of them run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from tests.conftest import fresh_database, migrations

PROCESSES = 3
ROUNDS = 3  # the race is lost only now and then: a few new stores each time


def _open_together(data: Path, database_url: str) -> list[tuple[int, str]]:
    """Each process's exit code and the end of its error output, after `baochi sources list`
    run by several at once on the same store."""
    env = {**os.environ, "BAOCHI_DATA": str(data), "BAOCHI_DATABASE_URL": database_url}
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "baochi", "sources", "list"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    errors = [p.communicate(timeout=120)[1] for p in started]
    return [(p.returncode, e[-300:]) for p, e in zip(started, errors, strict=True)]


@pytest.mark.parametrize("revision", [None, "0001"], ids=["new", "from-first-release"])
def test_processes_opening_a_store_together_all_start(tmp_path: Path, revision: str | None) -> None:
    for round_ in range(ROUNDS):
        data = tmp_path / str(round_)
        data.mkdir()
        with fresh_database() as url:
            if revision:
                _migrate(url or f"sqlite:///{data / 'baochi.sqlite3'}", revision)
            assert _open_together(data, url) == [(0, "")] * PROCESSES


def _migrate(url: str, revision: str) -> None:
    """Bring the store to an older schema, as an earlier release left it."""
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(migrations(conn), revision)
    engine.dispose()
