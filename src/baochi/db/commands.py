"""Storage subcommands: `baochi partitions` (make next months' document partitions, for a daily
timer), `baochi retention` (forget documents collected before the kept months), `baochi backup`
and `baochi restore`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from baochi.db import open_store
from baochi.db.backup import BackupError, restore, rotate, shown_url
from baochi.db.retention import create_ahead, forget_before, month_start, partitions
from baochi.in_use import InUse
from baochi.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    """Add `partitions`, `retention`, `backup` and `restore`."""
    p = sub.add_parser("partitions", help="PostgreSQL: make the coming months' partitions")
    p.add_argument("--ahead", type=int, help="months after this one (default: the setting)")
    p.set_defaults(handler=_partitions)
    r = sub.add_parser("retention", help="forget documents collected before the kept months")
    r.add_argument("--keep-months", type=int, help="this month and the N-1 before it")
    r.add_argument("--yes", action="store_true", help="do it (without: only say what)")
    r.set_defaults(handler=_retention)
    b = sub.add_parser("backup", help="copy the database and the data folder's files, live")
    b.add_argument("into", type=Path, nargs="?", help="folder of the backups (default: backup_dir)")
    b.add_argument("--keep", type=int, help="then remove all but the N newest backups there")
    b.set_defaults(handler=_backup)
    s = sub.add_parser("restore", help="put a backup back (what it replaces is backed up first)")
    s.add_argument("folder", type=Path, help="one backup folder, as `baochi backup` printed it")
    s.add_argument("--yes", action="store_true", help="do it (without: only say what)")
    s.set_defaults(handler=_restore)


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
        f"dropped {len(done.partitions)} partitions; kept {done.held} that a case, an "
        "analyst's label or a flag holds"
    )
    return 0


def _backup(args: argparse.Namespace, settings: Settings) -> int:
    into = args.into or (Path(settings.backup_dir) if settings.backup_dir else None)
    if into is None:
        print("baochi: say where to (baochi backup FOLDER) or set backup_dir", file=sys.stderr)
        return 2
    keep = args.keep or (settings.backup_keep if args.into is None else 0)
    now = dt.datetime.now(dt.UTC)
    try:
        made, removed = rotate(settings, into, keep or None, now)
        print(made.folder)
        for name in made.skipped:
            print(f"skipped {name}: not a file (a dangling link, a FIFO?)", file=sys.stderr)
        for folder in removed:
            print(f"removed {folder}", file=sys.stderr)
    except BackupError as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    return 0


def _restore(args: argparse.Namespace, settings: Settings) -> int:
    if not args.yes:
        print(
            f"would replace the database {shown_url(settings)} and the data folder's files "
            f"with {args.folder}, after backing up what is there (on PostgreSQL the database "
            "must be new and empty); stop the web server and the workers, then add --yes"
        )
        return 0
    try:
        done = restore(settings, args.folder, dt.datetime.now(dt.UTC))
    except (BackupError, InUse) as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    aside = (
        f"; the damaged database it replaced could not be backed up: its files are kept "
        f"beside it as {done.set_aside}"
        if done.set_aside
        else ""
    )
    kept = f"; what it replaced is in {done.previous}" if done.previous else ""
    print(f"restored {done.restored} ({done.files} files){aside}{kept}")
    open_store(settings)  # an older backup's schema brought up to date
    return 0
