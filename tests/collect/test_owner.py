"""The extraction pool's worker processes end with the process that owns the pool."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from baochi.settings import Settings

OWNER = textwrap.dedent(
    """
    import os, sys
    from baochi import settings
    from baochi.collect.collector import extraction_pool

    if __name__ == "__main__":
        pool = extraction_pool(settings.load(environ={}, overrides={"data": sys.argv[1]}))
        pids = {pool.submit(os.getpid).result() for _ in range(20)}
        print(" ".join(map(str, sorted(pids))), flush=True)
        sys.stdin.read()
    """
)


def alive(pid: int) -> bool:
    """Whether a process of that id runs (a zombie waiting to be reaped counts as ended)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return status != "Z"


def test_workers_end_when_their_owner_is_killed(settings: Settings, tmp_path: Path) -> None:
    script = tmp_path / "owner.py"
    script.write_text(OWNER)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "BAOCHI_EXTRACT_WORKERS": "2"}
    with subprocess.Popen(
        [sys.executable, str(script), str(settings.data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as owner:
        assert owner.stdout is not None
        workers = [int(p) for p in owner.stdout.readline().split()]
        assert workers and owner.pid not in workers and all(alive(p) for p in workers)
        owner.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 30
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(alive(p) for p in workers), "extraction workers outlived their owner"
