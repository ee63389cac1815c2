"""Registry subcommands: `baochi registry import|export|load-example|list|lineage|expiring|…`."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from baochi import hanoi_time
from baochi.db import open_store
from baochi.db.registry_store import RegistryStore
from baochi.hanoi_time import HANOI
from baochi.registry.activity import DEFAULT_QUIET_DAYS, activity
from baochi.registry.entries import find
from baochi.registry.example import load_example
from baochi.registry.expiry import DEFAULT_DAYS, MAX_DAYS, expiring
from baochi.registry.files import export_csv, export_xlsx, import_file, write_csv
from baochi.registry.lineage import Lineage, Step
from baochi.registry.model import ENTITIES, Record
from baochi.registry.scheme import SchemeError, complete_action, progress
from baochi.registry.validate import RegistryImportError
from baochi.settings import Settings
from baochi.vi import contains

ACTOR = "cli"


def register(sub: argparse._SubParsersAction) -> None:
    """Add `baochi registry …`."""
    registry = sub.add_parser("registry", help="the press registry: agencies, licences, scheme")
    rsub = registry.add_subparsers(dest="registry_command", required=True, metavar="ACTION")
    imp = rsub.add_parser("import", help="import a CSV (one entity) or XLSX (sheet per entity)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--entity", choices=list(ENTITIES), help="entity of a CSV file")
    imp.set_defaults(handler=_opened(_import))
    exp = rsub.add_parser("export", help="export the register as XLSX or CSV")
    exp.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    exp.add_argument("--output", type=Path, help="file (xlsx) or folder (csv)")
    exp.add_argument("--entity", choices=list(ENTITIES), help="one entity as CSV to stdout")
    exp.set_defaults(handler=_opened(_export))
    rsub.add_parser("load-example", help="add the Hà Nội example registry").set_defaults(
        handler=_opened(_load_example)
    )
    lst = rsub.add_parser("list", help="list one entity's entries")
    lst.add_argument("entity", nargs="?", choices=list(ENTITIES), default="agencies")
    lst.add_argument("--search", default="", help="words, with or without diacritics")
    lst.add_argument("--all", action="store_true", help="include retired entries")
    lst.add_argument("--format", choices=("table", "json"), default="table")
    lst.set_defaults(handler=_opened(_list))
    lin = rsub.add_parser("lineage", help="an agency's predecessors, successors and domains")
    lin.add_argument("agency", help="agency code or name")
    lin.set_defaults(handler=_opened(_lineage))
    exq = rsub.add_parser("expiring", help="licences and press cards expiring soon")
    exq.add_argument("--days", type=_days, default=DEFAULT_DAYS, help=f"0 to {MAX_DAYS}")
    exq.set_defaults(handler=_opened(_expiring))
    done = rsub.add_parser("complete", help="mark a restructuring action done (applies it)")
    done.add_argument("action", help="action code")
    done.add_argument("--on", type=dt.date.fromisoformat, help="completion date (today)")
    done.add_argument("--effective", type=dt.date.fromisoformat, help="effective date")
    done.set_defaults(handler=_opened(_complete))
    rsub.add_parser("progress", help="the scheme's actions: done, due, late").set_defaults(
        handler=_opened(_progress)
    )
    act = rsub.add_parser("activity", help="articles per agency, Hà Nội share, quiet ones")
    act.add_argument("--days", type=int, default=30, help="window ending now")
    act.add_argument("--quiet-days", type=int, default=DEFAULT_QUIET_DAYS)
    act.set_defaults(handler=_opened(_activity))


Handler = Callable[[argparse.Namespace, RegistryStore], int]


def _days(text: str) -> int:
    """A number of days ahead, refused past MAX_DAYS."""
    days = int(text)
    if not 0 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"from 0 to {MAX_DAYS} days")
    return days


def _opened(handler: Handler) -> Callable[[argparse.Namespace, Settings], int]:
    """The handler, given the migrated registry of the configured database, closed after."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace, settings: Settings) -> int:
        engine = open_store(settings).engine
        try:
            return handler(args, RegistryStore(engine))
        finally:
            engine.dispose()

    return run


def _counts(counts: dict[str, Counter[str]]) -> str:
    return "\n".join(
        f"{ENTITIES[name].plural}: " + ", ".join(f"{n} {k}" for k, n in sorted(c.items()))
        for name, c in counts.items()
    )


def _import(args: argparse.Namespace, store: RegistryStore) -> int:
    try:
        counts = import_file(store, args.file, ACTOR, args.entity)
    except RegistryImportError as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"baochi: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    print(_counts(counts) or "nothing to import")
    return 0


def _export(args: argparse.Namespace, store: RegistryStore) -> int:
    if args.entity and args.output is None:
        write_csv(ENTITIES[args.entity], store.rows(args.entity), sys.stdout)
        return 0
    name = f"so-dang-ky-bao-chi-{hanoi_time.today().isoformat()}"
    if args.format == "xlsx":
        print(export_xlsx(store, args.output or Path(f"{name}.xlsx")))
    else:
        for path in export_csv(store, args.output or Path(name)):
            print(path)
    return 0


def _load_example(args: argparse.Namespace, store: RegistryStore) -> int:
    print(_counts(load_example(store.engine)))
    return 0


def _summary(name: str, rec: Record, lineage: Lineage) -> str:
    entity = ENTITIES[name]
    parts = [str(rec[entity.key]), str(rec[entity.title])]
    if name == "agencies":
        parts.append(lineage.status(rec["code"], hanoi_time.today()).label)
    elif "status" in rec:
        parts.append(entity.field("status").choice_label(rec["status"]))
    if rec["uncertain"]:
        parts.append("(chưa chắc chắn)")
    if rec["retired_at"] is not None:
        parts.append("(đã đưa khỏi sổ)")
    return "  ".join(parts)


def _list(args: argparse.Namespace, store: RegistryStore) -> int:
    rows = find(store, args.entity, args.search, include_retired=args.all)
    if args.format == "json":
        fields = [f.name for f in ENTITIES[args.entity].fields]
        for rec in rows:
            print(json.dumps({f: rec[f] for f in fields}, ensure_ascii=False, default=str))
        return 0
    lineage = Lineage.load(store)
    for rec in rows:
        print(_summary(args.entity, rec, lineage))
    return 0


def _step(step: Step, lineage: Lineage, name_of: str) -> str:
    uncertain = " (chưa chắc chắn)" if step.uncertain else ""
    decision = f", QĐ {step.decision}" if step.decision else ""
    name = lineage.agencies[name_of]["name"]
    return f"{name} [{name_of}] từ {step.effective_on:%d/%m/%Y}{decision}{uncertain}"


def _lineage(args: argparse.Namespace, store: RegistryStore) -> int:
    lineage = Lineage.load(store)
    code = args.agency
    if code not in lineage.agencies:
        matches = [a for a in lineage.agencies.values() if contains(a["name"], args.agency)]
        if len(matches) != 1:
            found = ", ".join(m["code"] for m in matches) or "none"
            print(f"baochi: no single agency matches {args.agency!r} ({found})", file=sys.stderr)
            return 1
        code = matches[0]["code"]
    status = lineage.status(code, hanoi_time.today())
    print(f"{lineage.agencies[code]['name']} [{code}] — {status.label}")
    for depth, step in lineage.tree(code):
        print("  " * (depth + 1) + "← " + _step(step, lineage, step.source))
    for step in lineage.successors(code):
        print("  → " + _step(step, lineage, step.target))
    for domain in lineage.domains_of(code, inherited=True):
        spans = "; ".join(
            f"{lineage.agencies[p.agency]['name']}"
            + (f" từ {p.start:%d/%m/%Y}" if p.start else "")
            + (f" đến {p.end:%d/%m/%Y}" if p.end else "")
            for p in lineage.periods(domain)
        )
        print(f"  {domain}: {spans}")
    return 0


def _expiring(args: argparse.Namespace, store: RegistryStore) -> int:
    for item in expiring(store, hanoi_time.today(), args.days):
        print(item.message())
    return 0


def _complete(args: argparse.Namespace, store: RegistryStore) -> int:
    try:
        rec = complete_action(
            store, args.action, ACTOR, args.on or hanoi_time.today(), args.effective
        )
    except (SchemeError, RegistryImportError) as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    print(f"{rec['code']}: hoàn thành, có hiệu lực từ {rec['effective_on']:%d/%m/%Y}")
    return 0


def _progress(args: argparse.Namespace, store: RegistryStore) -> int:
    total, schemes = progress(store, hanoi_time.today())
    for item in (total, *schemes):
        counts = ", ".join(f"{state} {item.actions[state]}" for state in sorted(item.actions))
        print(f"{item.scheme or 'Tất cả'}: {counts}")
    return 0


def _activity(args: argparse.Namespace, store: RegistryStore) -> int:
    until = dt.datetime.now(dt.UTC)
    result = activity(store, until - dt.timedelta(days=args.days), until)
    for tally in sorted(result.agencies.values(), key=lambda t: -t.articles):
        share = f"{tally.hanoi_share:.0%}" if tally.hanoi_share is not None else "—"
        print(f"{tally.articles:6}  Hà Nội {share:>4}  {tally.name}")
    for tally in result.quiet(args.quiet_days):
        last = tally.last_at.astimezone(HANOI).strftime("%d/%m/%Y") if tally.last_at else "—"
        print(f"im lặng: {tally.name} (bài gần nhất: {last})")
    return 0
