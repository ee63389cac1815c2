"""`baochi targets …`: load the example directive, list, show statuses, import and export XLSX."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from baochi import hanoi_time
from baochi.db import open_store
from baochi.db.targets_store import TargetsStore
from baochi.settings import Settings
from baochi.targets.board import DirectiveNotFound, board, lagging, load_example
from baochi.targets.rows import RowsInvalid
from baochi.targets.status import LABELS
from baochi.targets.xlsx import COUNTED, export_directive, import_directive


def register(sub: argparse._SubParsersAction) -> None:
    """Add `targets` and its actions."""
    targets = sub.add_parser("targets", help="directives, tasks, indicators and their progress")
    tsub = targets.add_subparsers(dest="targets_command", required=True, metavar="ACTION")

    p = tsub.add_parser("load-example", help="load Notice 1559-TB/TU (safe to repeat)")
    p.set_defaults(handler=_load_example)
    p = tsub.add_parser("list", help="directives")
    p.set_defaults(handler=_list)
    p = tsub.add_parser("status", help="a directive's tasks with computed statuses")
    p.add_argument("code", nargs="?", help="directive code; without it, the lagging list")
    p.add_argument("--today", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today)")
    p.set_defaults(handler=_status)
    p = tsub.add_parser("import", help="create or update a directive from an .xlsx file")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=_import)
    p = tsub.add_parser("export", help="write a directive to an .xlsx file")
    p.add_argument("code")
    p.add_argument("file", type=Path)
    p.add_argument("--today", type=dt.date.fromisoformat)
    p.set_defaults(handler=_export)


def _today(value: dt.date | None) -> dt.date:
    return value or hanoi_time.today()


def _load_example(args: argparse.Namespace, settings: Settings) -> int:
    directive_id = load_example(open_store(settings).engine)
    print(f"Thông báo 1559-TB/TU đã có (id {directive_id})")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    for d in TargetsStore(open_store(settings).engine).directives():
        issued = d.issued_on.strftime("%d/%m/%Y") if d.issued_on else "—"
        print(f"{d.code:20} {issued:10}  {d.issuer[:24]:24}  {d.title[:80]}")
    return 0


def _status(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_store(settings).engine
    today = _today(args.today)
    if args.code is None:
        for directive, view in lagging(engine, today):
            print(f"{LABELS[view.status]:16} {directive.code:14} {view.task.title[:90]}")
        return 0
    try:
        shown = board(engine, args.code, today)
    except DirectiveNotFound as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    for view in shown.tasks:
        print(f"{view.task.position:3}. {LABELS[view.status]:16} {view.task.title[:90]}")
        print(
            f"     chủ trì: {view.task.lead_unit}; phối hợp: {view.task.coordinating_units or '—'}"
        )
        for i in view.indicators:
            print(f"     • {i.indicator.name[:70]}: {i.judgement.label}")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        directive_id, changes = import_directive(
            open_store(settings).engine, args.file.read_bytes()
        )
    except RowsInvalid as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    print(f"đã nhập văn bản (id {directive_id})")
    for part, label in COUNTED:
        removed = changes.removed.get(part, [])
        print(
            f"  {label}: thêm {len(changes.added.get(part, []))},"
            f" sửa {len(changes.changed.get(part, []))}, xoá {len(removed)}"
            + (f" ({', '.join(removed)})" if removed else "")
        )
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    try:
        content = export_directive(open_store(settings).engine, args.code, _today(args.today))
    except DirectiveNotFound as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    args.file.write_bytes(content)
    print(f"đã ghi {args.file}")
    return 0
