"""`baochi social`: register channels, sync them, import exports, seal tokens, and check the
social spikes (the offensive-span model is `baochi train spans` and `baochi eval spans`)."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from baochi.collect.social.importers import PRESETS, ImportReport, latest_time, read_export
from baochi.collect.social.sync import CONNECTORS, sync
from baochi.collect.social.tokens import TokenError, encrypt
from baochi.db import open_store
from baochi.db.row_ids import row_id_arg
from baochi.db.social_store import SocialStore
from baochi.settings import Settings
from baochi.social.ingest import ingest

PLATFORMS_HELP = "facebook, youtube, or any name for a generic or imported platform"


def register(sub: argparse._SubParsersAction) -> None:
    """Add `social` and its actions."""
    social = sub.add_parser("social", help="social networks: channels, sync, imports, spans")
    ssub = social.add_subparsers(dest="social_command", required=True, metavar="ACTION")

    add = ssub.add_parser("add", help="register a channel to follow (or one of the city's own)")
    add.add_argument("platform", help=PLATFORMS_HELP)
    add.add_argument("handle", help="page id, channel id (UC…), or a key for a generic feed")
    add.add_argument("name")
    add.add_argument("--connector", choices=(*CONNECTORS, "import"), help="default: platform")
    add.add_argument("--official", action="store_true", help="one of the city's own channels")
    add.add_argument("--department", default="", help="the department that runs it")
    add.add_argument(
        "--options", default="{}", help="JSON, or @FILE: a generic feed's mapping, a search query"
    )
    add.add_argument("--token-env", metavar="VAR", help="encrypt and keep this variable's token")
    add.set_defaults(handler=_add)

    lst = ssub.add_parser("list", help="the registered channels and their sync state")
    lst.add_argument("--format", choices=("table", "json"), default="table")
    lst.set_defaults(handler=_list)

    run = ssub.add_parser("sync", help="pull what is new from every enabled channel")
    run.add_argument("--account", type=row_id_arg, action="append", help="only this channel id")
    run.add_argument(
        "--due", action="store_true", help="only the channels due (as the workers sync them)"
    )
    run.add_argument("--format", choices=("table", "json"), default="table")
    run.set_defaults(handler=_sync)

    imp = ssub.add_parser("import", help="import a CSV/XLSX or a Facebook JSON export")
    imp.add_argument("file", type=Path)
    imp.add_argument("--platform", default="facebook", help=PLATFORMS_HELP)
    imp.add_argument("--preset", choices=(*PRESETS, "facebook-export"), default="baochi")
    imp.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN")
    imp.add_argument("--account", type=row_id_arg, help="the channel the rows belong to")
    imp.add_argument("--skip-bad", action="store_true", help="store the good rows anyway")
    imp.set_defaults(handler=_import)

    seal = ssub.add_parser("encrypt", help="encrypt a token (read from standard input)")
    seal.set_defaults(handler=_encrypt)


def _config(value: str) -> dict[str, Any]:
    text = Path(value[1:]).read_text(encoding="utf-8") if value.startswith("@") else value
    loaded = json.loads(text)
    if not isinstance(loaded, dict):
        raise ValueError("--options must be a JSON object")
    return loaded


def _add(args: argparse.Namespace, settings: Settings) -> int:
    try:
        config = _config(args.options)
        token = ""
        if args.token_env:
            plain = os.environ.get(args.token_env, "")
            if not plain:
                raise ValueError(f"the variable {args.token_env} is empty or not set")
            token = encrypt(plain, settings)
    except (ValueError, OSError, TokenError) as exc:
        print(f"baochi social add: {exc}", file=sys.stderr)
        return 2
    social = SocialStore(open_store(settings).engine)
    connector = args.connector or (args.platform if args.platform in CONNECTORS else "generic")
    account_id, created = social.add_account(
        args.platform, connector, args.handle, args.name, args.official, args.department,
        config, token,
    )  # fmt: skip
    print(f"{'Đã thêm' if created else 'Đã cập nhật'} kênh #{account_id}: {args.name}")
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    accounts = SocialStore(open_store(settings).engine).accounts()
    rows = [
        {
            "id": a.id,
            "platform": a.platform,
            "connector": a.connector,
            "handle": a.handle,
            "name": a.name,
            "official": a.official,
            "department": a.department,
            "cursor": a.cursor,
            "items": a.items_total,
            "token": "encrypted" if a.token else "from settings",
            "last_error": a.last_error,
        }
        for a in accounts
    ]
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        mark = "★" if r["official"] else " "
        print(f"{r['id']:>4} {mark} {r['platform']:10} {r['handle']:24} {r['items']:>7}  "
              f"{r['name']}  {r['last_error']}")  # fmt: skip
    return 0


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    reports = sync(open_store(settings), settings, args.account, due_only=args.due)
    if args.format == "json":
        print(json.dumps([vars(r) for r in reports], ensure_ascii=False, indent=2))
    else:
        for r in reports:
            print(f"#{r.account_id} {r.name}: {r.fetched} lấy về, {r.stored} mới, "
                  f"{r.placed} vào chuỗi tin, {r.requests} yêu cầu, {r.seconds:.1f} s"
                  + (f" — LỖI: {r.error}" if r.error else ""))  # fmt: skip
    return 1 if any(r.error for r in reports) else 0


def _read(args: argparse.Namespace, settings: Settings) -> ImportReport:
    columns = {}
    for item in args.map:
        name, sep, column = item.partition("=")
        if not sep:
            raise ValueError(f"--map expects FIELD=COLUMN, got {item!r}")
        columns[name.strip()] = column.strip()
    return read_export(args.file, args.preset, args.platform, columns, latest_time(settings))


def _import(args: argparse.Namespace, settings: Settings) -> int:
    try:
        report = _read(args, settings)
    except (ValueError, OSError, KeyError) as exc:
        print(f"baochi social import: {args.file}: {exc}", file=sys.stderr)
        return 2
    for number, problem in report.errors:
        print(f"dòng {number}: {problem}", file=sys.stderr)
    if report.errors and not args.skip_bad:
        print(f"{len(report.errors)}/{report.rows} dòng lỗi: chưa ghi gì (sửa tệp, hoặc "
              "--skip-bad để chỉ ghi các dòng đúng)", file=sys.stderr)  # fmt: skip
        return 1
    store = open_store(settings)
    done = ingest(store, report.items, settings, args.account)
    if args.account is not None:
        SocialStore(store.engine).count_imported(args.account, done.stored)
    print(f"{report.rows} dòng: {done.stored} mới, {done.known} đã có, "
          f"{done.placed} vào chuỗi tin, {len(report.errors)} lỗi bỏ qua")  # fmt: skip
    return 0


def _encrypt(args: argparse.Namespace, settings: Settings) -> int:
    plain = getpass.getpass("token: ") if sys.stdin.isatty() else sys.stdin.readline().strip()
    try:
        print(encrypt(plain, settings))
    except TokenError as exc:
        print(f"baochi social encrypt: {exc}", file=sys.stderr)
        return 2
    return 0
