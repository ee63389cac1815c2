"""Who holds a lease (hosts, channels, story placement), and whether that holder has ended."""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.engine import Connection


def worker_name() -> str:
    """Who holds a lease: host, process and a nonce, unique across machines and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def ended_here(owner: str) -> bool:
    """Whether a lease owner (as worker_name writes it) is a process of this machine that has
    ended: a killed one-shot command leaves leases nobody needs to wait out. A running pid (even
    reused by another process) or another machine's owner holds its lease."""
    machine, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if machine != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):  # another user's process; a number that is no pid
        pass
    return False


def takeable(
    conn: Connection, owner: ColumnElement[Any], until: ColumnElement[Any], now: dt.datetime
) -> ColumnElement[bool]:
    """The rows whose lease another worker may take at `now`: none held, lapsed, or held by an
    ended process of this machine (looked up now, in `conn`'s transaction)."""
    holders = conn.execute(select(owner).where(until >= now).distinct()).scalars()
    ended = [holder for holder in holders if ended_here(holder)]
    return until.is_(None) | (until < now) | owner.in_(ended)
