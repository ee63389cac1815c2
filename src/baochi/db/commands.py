"""Storage subcommands: `baochi partitions` (make next months' document partitions, for a daily
timer) and `baochi retention` (forget documents collected before the kept months)."""

from __future__ import annotations

import argparse
import datetime as dt

from baochi.db import open_store
from baochi.db.retention import create_ahead, forget_before, month_start, partitions
from baochi.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    """Add `partitions` and `retention`."""
    p = sub.add_parser("partitions", help="PostgreSQL: make the coming months' partitions")
    p.add_argument("--ahead", type=int, help="months after this one (default: the setting)")
    p.set_defaults(handler=_partitions)
    r = sub.add_parser("retention", help="forget documents collected before the kept months")
    r.add_argument("--keep-months", type=int, help="this month and the N-1 before it")
    r.add_argument("--yes", action="store_true", help="do it (without: only say what)")
    r.set_defaults(handler=_retention)


def _partitions(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    ahead = settings.partition_months_ahead if args.ahead is None else args.ahead
    made = create_ahead(store.engine, dt.datetime.now(dt.UTC).date(), max(0, ahead))
    months = ", ".join(f"{m:%m/%Y}" for m in partitions(store.engine)) or "none"
    print(f"made {len(made)} partitions; months partitioned: {months}")
    return 0


def _retention(args: argparse.Namespace, settings: Settings) -> int:
    keep = settings.retention_months if args.keep_months is None else args.keep_months
    if keep <= 0:
        print("retention is off (retention_months = 0): nothing forgotten")
        return 0
    cutoff = month_start(dt.datetime.now(dt.UTC).date(), 1 - keep)
    if not args.yes:
        print(f"would forget documents collected before {cutoff:%d/%m/%Y}; add --yes to do it")
        return 0
    done = forget_before(open_store(settings).engine, cutoff)
    print(
        f"forgot {done.documents} documents collected before {cutoff:%d/%m/%Y}; "
        f"dropped {len(done.partitions)} partitions"
    )
    return 0
