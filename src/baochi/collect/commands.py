"""Collection subcommands: `baochi sources add|import|list` and `baochi collect --once`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from tqdm import tqdm

from baochi import hanoi_time
from baochi.collect.collector import Summary, collect_once
from baochi.collect.sources import (
    KINDS,
    SourceImportError,
    SourceSpec,
    add_sources,
    check_inside,
    check_url,
    default_sources,
    import_file,
)
from baochi.db import Store, open_store
from baochi.db.leases import worker_name
from baochi.in_use import on_the_folder
from baochi.settings import Settings
from baochi.stories import place_pending


def register(sub: argparse._SubParsersAction) -> None:
    """Add the collection subcommands."""
    sources = sub.add_parser("sources", help="manage the sources the collector polls")
    ssub = sources.add_subparsers(dest="sources_command", required=True, metavar="ACTION")
    add = ssub.add_parser("add", help="add a feed, sitemap or page URL")
    add.add_argument("url")
    add.add_argument("--outlet", required=True, help="outlet name, e.g. 'Báo Hànộimới'")
    add.add_argument("--kind", choices=KINDS, default="auto")
    add.add_argument("--section", default="")
    add.set_defaults(handler=_add)
    imp = ssub.add_parser("import", help="import sources from CSV (url, outlet, kind, section…)")
    imp.add_argument("file", type=Path, nargs="?")
    imp.add_argument("--defaults", action="store_true", help="import the shipped default list")
    imp.set_defaults(handler=_import)
    lst = ssub.add_parser("list", help="list sources with their health")
    lst.add_argument("--format", choices=("table", "json"), default="table")
    lst.set_defaults(handler=_list)

    collect = sub.add_parser("collect", help="poll due sources and store new articles")
    collect.add_argument("--once", action="store_true", required=True, help="one pass, then exit")
    collect.add_argument("--format", choices=("table", "json"), default="table")
    collect.set_defaults(handler=_collect)

    worker = sub.add_parser(
        "worker", help="collect and check alerts for ever, sharing hosts with the other workers"
    )
    worker.set_defaults(handler=_worker)


def _add(args: argparse.Namespace, settings: Settings) -> int:
    problem = check_url(args.url) or check_inside(args.url, settings.private_networks)
    if problem:
        print(f"baochi: {problem}", file=sys.stderr)
        return 2
    spec = SourceSpec(args.url, args.outlet, args.kind, args.section)
    added, _ = add_sources(open_store(settings), [spec], settings)
    print("added" if added else "already present", args.url)
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    try:
        if args.defaults:
            added, present = add_sources(store, default_sources(), settings)
        elif args.file:
            added, present = import_file(store, args.file, settings)
        else:
            print("baochi: give a CSV file or --defaults", file=sys.stderr)
            return 2
    except SourceImportError as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"baochi: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    print(f"{added} source(s) added, {present} already present")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    rows = open_store(settings).sources()
    if args.format == "json":
        for row in rows:
            print(
                json.dumps({k: _plain(getattr(row, k)) for k in row.__slots__}, ensure_ascii=False)
            )
        return 0
    for row in rows:
        state = "on " if row.enabled else "OFF"
        last = row.last_success_at.isoformat(timespec="minutes") if row.last_success_at else "never"
        error = f"  ! {row.last_error[:80]}" if row.last_error else ""
        print(
            f"{row.id:4} {state} {row.kind:7} {row.articles_total:6}  {last:22} "
            f"{row.outlet[:30]:30} {row.url}{error}"
        )
    return 0


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


@on_the_folder
def _collect(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    bar = tqdm(unit=" art", desc="collect", disable=not sys.stderr.isatty(), file=sys.stderr)
    try:
        summary = collect_once(store, settings, progress=bar.update)
    finally:
        bar.close()
    place_pending(store.engine, worker_name(), settings.lease_seconds)
    _print_summary(summary, args.format)
    if not summary.sources and args.format != "json":
        _print_held(store)
    return 0


def _print_held(store: Store) -> None:
    """Why a pass took nothing: due sources whose hosts another worker holds, a killed one's
    until its lease ends."""
    held = store.held_hosts(dt.datetime.now(dt.UTC))
    if held:
        _, owner, until = held[0]
        print(
            f"{len(held)} host(s) with due sources are leased by another worker ({owner}) until "
            f"{hanoi_time.minute(until)}; a worker stopped abruptly keeps its hosts until then"
        )


@on_the_folder
def _worker(args: argparse.Namespace, settings: Settings) -> int:
    from baochi.jobs import background  # the worker also runs the alert checks

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_until_stopped(background(open_store(settings), settings)))
    return 0


async def _until_stopped(work: Coroutine[Any, Any, None]) -> None:
    """Run the work until SIGTERM (systemd's stop) cancels it as Ctrl-C does, so the worker
    gives its hosts back and leaves the fair share instead of leaving leases to expire."""
    task = asyncio.ensure_future(work)
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _print_summary(summary: Summary, fmt: str) -> None:
    names = ("links", "fetched", "new", "duplicate", "skipped", "failed")
    if fmt == "json":
        print(
            json.dumps(
                {
                    "seconds": round(summary.seconds, 2),
                    "totals": {n: summary.total(n) for n in names},
                    "sources": [
                        {
                            "url": r.url,
                            "outlet": r.outlet,
                            **{n: getattr(r, n) for n in names},
                            "error": r.error,
                            "reasons": dict(r.reasons),
                        }
                        for r in summary.sources
                    ],
                },
                ensure_ascii=False,
            )
        )
        return
    print(
        f"{'outlet':30} {'links':>6} {'fetched':>7} {'new':>5} {'dup':>5} {'skip':>5} "
        f"{'fail':>5}  source"
    )
    for r in summary.sources:
        counts = " ".join(
            f"{getattr(r, n):>{w}}" for n, w in zip(names, (6, 7, 5, 5, 5, 5), strict=True)
        )
        print(
            f"{r.outlet[:30]:30} {counts}  {r.url}"
            + (f"\n{'':31}! {r.error[:200]}" if r.error else "")
        )
    totals = ", ".join(f"{n} {summary.total(n)}" for n in names)
    print(f"{len(summary.sources)} source(s) in {summary.seconds:.1f}s: {totals}")
