"""`baochi brief` and `baochi report`: a day's brief or a period's report written to a file."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from baochi.db import open_store
from baochi.reports.brief import GROUPINGS, chosen_day, make_brief
from baochi.reports.formats import FORMATS, render
from baochi.reports.paper import Paper
from baochi.reports.period import Period, PeriodError, period_of, yesterday
from baochi.reports.periodic import make_report
from baochi.reports.scope import ScopeError, resolve
from baochi.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    """Add the brief and report subcommands."""
    p = sub.add_parser("brief", help="the daily press brief (điểm báo) of one day")
    p.add_argument("--date", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: yesterday)")
    _common(p)
    p.add_argument("--group", choices=GROUPINGS, default="topic", help="group stories by")
    p.set_defaults(handler=_brief)

    p = sub.add_parser("report", help="a periodic report: week, month, quarter or any range")
    p.add_argument("--from", dest="first", type=dt.date.fromisoformat, help="first day")
    p.add_argument("--to", dest="last", type=dt.date.fromisoformat, help="last day")
    p.add_argument(
        "--period",
        choices=("week", "month", "quarter"),
        help="the whole week, month or quarter containing --from (or yesterday)",
    )
    _common(p)
    p.set_defaults(handler=_report)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=tuple(FORMATS), default="html")
    p.add_argument("--output", type=Path, required=True, help="file to write")
    p.add_argument("--scope", default="hanoi", help="hanoi (default), all, or watchlist:NAME")


def _brief(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    now = dt.datetime.now(dt.UTC)
    try:
        day = chosen_day(store, args.date, now) if args.date else yesterday(now)
        paper = make_brief(store, settings, day, resolve(store, args.scope), args.group)
    except (ScopeError, ValueError) as exc:
        print(f"baochi brief: {exc}", file=sys.stderr)
        return 2
    return _write(paper, args)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    try:
        if args.period:
            period = period_of(args.period, args.first or yesterday(dt.datetime.now(dt.UTC)))
        elif args.first and args.last:
            period = Period(args.first, args.last, "custom")
        else:
            raise PeriodError("cần --from và --to, hoặc --period")
        paper = make_report(store, settings, period, resolve(store, args.scope))
    except (ScopeError, PeriodError) as exc:
        print(f"baochi report: {exc}", file=sys.stderr)
        return 2
    return _write(paper, args)


def _write(paper: Paper, args: argparse.Namespace) -> int:
    data = render(paper, args.format)
    args.output.write_bytes(data)
    print(f"{args.output}: {paper.title} — {paper.subtitle} ({len(data):,} bytes)")
    return 0
