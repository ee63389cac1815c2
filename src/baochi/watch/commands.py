"""Signals subcommands: `baochi watch add|list|notify|check` and `baochi alerts list|deliveries`."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import sys
from collections import Counter
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from baochi.collect.sources import check_inside
from baochi.db import Store, open_store
from baochi.db.row_ids import row_id_arg
from baochi.db.watch_store import WatchStore
from baochi.db.web_store import WebStore
from baochi.hanoi_time import HANOI, minute
from baochi.settings import Settings
from baochi.vi import normalize
from baochi.watch.check import check
from baochi.watch.config import WatchConfig
from baochi.watch.digest import as_json, title
from baochi.watch.matching import query_problem
from baochi.watch.notify import notifiers, one_line

KINDS = ("match", "spike", "health", "conflict", "case")
NAME_CHARS = 300  # the length of watchlists.name, to which the web's forms cut a name too
MAX_K = 10.0  # no count a newsroom sees stands ten standard deviations above its baseline


def register(sub: argparse._SubParsersAction) -> None:
    """Add `watch` and `alerts`."""
    watch = sub.add_parser("watch", help="watchlists, spikes, source health and alerts")
    wsub = watch.add_subparsers(dest="watch_command", required=True, metavar="ACTION")
    add = wsub.add_parser("add", help="save a query as a watchlist")
    add.add_argument("name")
    add.add_argument("query", help="a search query (same language as `baochi search`)")
    owner = add.add_mutually_exclusive_group()
    owner.add_argument("--owner-user", type=row_id_arg, metavar="ID")
    owner.add_argument("--department", type=row_id_arg, metavar="ID")
    add.add_argument(
        "--k",
        type=_sensitivity,
        help=f"own spike sensitivity, in standard deviations (above 0, at most {MAX_K:g})",
    )
    add.set_defaults(handler=_add)
    lst = wsub.add_parser("list", help="list the watchlists")
    lst.add_argument("--format", choices=("table", "json"), default="table")
    lst.set_defaults(handler=_list)
    notify = wsub.add_parser("notify", help="send alerts to an e-mail address or a webhook URL")
    notify.add_argument("target", help="an e-mail address, or an http(s) URL for a webhook")
    scope = notify.add_mutually_exclusive_group()
    scope.add_argument("--watchlist", metavar="NAME", help="only this watchlist's alerts")
    scope.add_argument(
        "--department",
        type=row_id_arg,
        metavar="ID",
        help="only alerts about this department (cases)",
    )
    notify.add_argument("--kinds", default="match,spike,health,conflict", help="comma-separated")
    notify.add_argument("--every", type=float, metavar="MINUTES", help="digest interval")
    notify.set_defaults(handler=_notify)
    run = wsub.add_parser("check", help="evaluate watchlists and sources, send due digests")
    run.add_argument("--now", type=_moment, help="evaluate at this ISO time (Hà Nội if naive)")
    run.add_argument("--format", choices=("table", "json"), default="table")
    run.set_defaults(handler=_check)

    alerts = sub.add_parser("alerts", help="alerts raised and their delivery")
    asub = alerts.add_subparsers(dest="alerts_command", required=True, metavar="ACTION")
    alst = asub.add_parser("list", help="the latest alerts, newest first")
    alst.add_argument("--limit", type=int, default=50)
    alst.add_argument("--kind", choices=KINDS, action="append", default=[])
    alst.add_argument("--format", choices=("table", "json"), default="table")
    alst.set_defaults(handler=_alerts)
    dlv = asub.add_parser("deliveries", help="digests sent, waiting to retry, or failed")
    dlv.add_argument("--status", choices=("pending", "sent", "failed"), action="append")
    dlv.set_defaults(handler=_deliveries)


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected an ISO time, got {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=HANOI)


def _sensitivity(value: str) -> float:
    """A spike sensitivity k above 0 (at 0 or below, a series that does not move fires whenever
    it reaches the minimum count) and at most MAX_K (above it, nothing ever fires)."""
    try:
        k = float(value)
    except ValueError:
        k = float("nan")
    if not 0 < k <= MAX_K:
        raise argparse.ArgumentTypeError(
            f"expected a number of standard deviations above 0 and at most {MAX_K:g} "
            f"(the default is 3), got {value!r}"
        )
    return k


def _name(typed: str) -> str:
    """A watchlist's name as the web's forms store one: NFC without invisible characters, on one
    line (it becomes a mail's subject), cut to the column's length."""
    return one_line(normalize(typed))[:NAME_CHARS]


Handler = Callable[[argparse.Namespace, Settings, Store], int]


def _with_store(handler: Handler) -> Callable[[argparse.Namespace, Settings], int]:
    """Open the migrated store for one command and close its connections after."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace, settings: Settings) -> int:
        store = open_store(settings)
        try:
            return handler(args, settings, store)
        finally:
            store.engine.dispose()

    return run


@_with_store
def _add(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    name = _name(args.name)
    problem = query_problem(args.query) or ("" if name else "a watchlist needs a name")
    if problem:
        print(f"baochi: {problem}", file=sys.stderr)
        return 2
    watch_id, created = WatchStore(store.engine).add_watchlist(
        name,
        args.query,
        dt.datetime.now(dt.UTC),
        owner_user_id=args.owner_user,
        department_id=args.department,
        spike_k=args.k,
    )
    print(f"{'added' if created else 'already present'} watchlist {watch_id}: {name}")
    return 0


@_with_store
def _list(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    for row in WatchStore(store.engine).watchlists():
        if args.format == "json":
            record = {k: getattr(row, k) for k in row.__slots__}
            print(json.dumps(record, ensure_ascii=False, default=str))
            continue
        owner = (
            f"user {row.owner_user_id}"
            if row.owner_user_id is not None
            else f"dept {row.department_id}"
            if row.department_id is not None
            else "-"
        )
        state = "on " if row.enabled else "OFF"
        print(f"{row.id:4} {state} {owner:10} {row.name[:40]:40} {row.query}")
    return 0


@_with_store
def _notify(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    config = WatchConfig.from_settings(settings)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not kinds:
        print(f"baochi: unknown alert kind(s) {unknown}; use {','.join(KINDS)}", file=sys.stderr)
        return 2
    try:
        scheme = urlsplit(args.target).scheme
    except ValueError as exc:  # a bracketed host that is no IPv6 address
        print(f"baochi: target URL cannot be read ({exc}): {args.target!r}", file=sys.stderr)
        return 2
    if scheme in ("http", "https"):
        channel = "webhook"
    elif "@" in args.target and "://" not in args.target:
        channel = "email"
    else:
        print("baochi: target must be an e-mail address or an http(s) URL", file=sys.stderr)
        return 2
    refused = check_inside(args.target, settings.private_networks) if channel == "webhook" else None
    if refused:
        print(f"baochi: {refused}", file=sys.stderr)
        return 2
    watch = WatchStore(store.engine)
    watchlist_id = None
    if args.watchlist:
        ids = {w.name: w.id for w in watch.watchlists()}
        if args.watchlist not in ids:
            print(f"baochi: no watchlist named {args.watchlist!r}", file=sys.stderr)
            return 2
        watchlist_id = ids[args.watchlist]
    scope = f" about watchlist {args.watchlist!r}" if args.watchlist else ""
    if args.department is not None:
        named = {d["id"]: d["name"] for d in WebStore(store.engine).departments(current=True)}
        if args.department not in named:
            listed = ", ".join(f"{i} {name}" for i, name in sorted(named.items())) or "none yet"
            print(f"baochi: no department {args.department} (departments: {listed})",
                  file=sys.stderr)  # fmt: skip
            return 2
        scope += f" of department {args.department} ({named[args.department]})"
    missing = {"webhook": ("webhook_secret", "signed"), "email": ("smtp_host", "sent")}[channel]
    if not getattr(settings, missing[0]):
        print(f"baochi: warning: BAOCHI_{missing[0].upper()} is not set; nothing is {missing[1]} "
              "until it is", file=sys.stderr)  # fmt: skip
    every = config.digest_minutes if args.every is None else args.every
    rule_id = watch.add_rule(
        kinds, channel, args.target, every, dt.datetime.now(dt.UTC), watchlist_id, args.department
    )
    print(
        f"rule {rule_id}: {','.join(kinds)}{scope} by {channel} to {args.target}, "
        f"every {every:g} min"
    )
    return 0


@_with_store
def _check(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    config = WatchConfig.from_settings(settings)
    now = args.now or dt.datetime.now(dt.UTC)
    summary = check(store, WatchStore(store.engine), config, now, notifiers(config))
    if args.format == "json":
        result = {
            "now": now.isoformat(),
            "alerts": [as_json(a) for a in summary.alerts],
            "digests": summary.digests,
            "deliveries": dict(summary.deliveries),
            "problems": summary.problems,
        }
        print(json.dumps(result, ensure_ascii=False))
        return 1 if summary.problems else 0
    for alert in summary.alerts:
        print(f"{title(alert)}\n    {alert.reason}")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(summary.by_kind().items())) or "none"
    sent = ", ".join(f"{n} {s}" for s, n in sorted(summary.deliveries.items())) or "nothing due"
    print(f"{minute(now)}: new alerts: {kinds}; digests made: {summary.digests}; sent: {sent}")
    for problem in summary.problems:
        print(f"baochi: watchlist not evaluated: {problem}", file=sys.stderr)
    return 1 if summary.problems else 0


@_with_store
def _alerts(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    rows = WatchStore(store.engine).alerts(limit=args.limit, kinds=args.kind)
    for alert in rows:
        if args.format == "json":
            print(json.dumps(as_json(alert), ensure_ascii=False))
        else:
            stamp = minute(alert.created_at) if alert.created_at else ""
            print(f"{alert.id:5} {stamp}  {title(alert)}\n      {alert.reason}")
    if not rows and args.format == "table":
        print("no alert", file=sys.stderr)
    return 0


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))


@_with_store
def _deliveries(args: argparse.Namespace, settings: Settings, store: Store) -> int:
    watch = WatchStore(store.engine)
    rows = watch.digests(tuple(args.status or ()))
    for row in rows:
        sent = minute(row.sent_at) if row.sent_at else "-"
        error = f"\n      ! {row.last_error}" if row.last_error else ""
        print(
            f"{row.id:5} {row.status:8} {row.attempts:2} attempt(s) sent {sent:16} "
            f"{row.channel:7} {row.target}{error}"
        )
    if not rows:
        print("no delivery")
        return 0
    # Each message listed carries one or more alerts: both counted, so that the totals match
    # the lines above (they read "12 sent" under three lines).
    line = "messages: " + _counts(Counter(row.status for row in rows))
    if not args.status:
        line += "; alerts in them: " + _counts(watch.delivery_counts())
    print(line)
    return 0
