"""The `baochi` command: thin subcommands that load the settings and call library functions.

Each area keeps its subcommands in its own `commands.py` with a `register(subparsers)` function;
this module only assembles them, so adding a command never touches another area's code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from baochi import settings as settings_mod
from baochi.db.engine import NewerSchema

COMMAND_MODULES = (
    "baochi.commands",
    "baochi.collect.commands",
    "baochi.search.commands",
    "baochi.web.commands",
    "baochi.registry.commands",
    "baochi.cases.commands",
    "baochi.targets.commands",
    "baochi.watch.commands",
    "baochi.analyze.commands",
    "baochi.db.commands",
    "baochi.reports.commands",
    "baochi.social.commands",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every area's subcommands."""
    parser = argparse.ArgumentParser(prog="baochi", description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, help="TOML settings file ([baochi] table)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override one setting, e.g. --set host_delay=0 (repeatable)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, load settings once, run the subcommand; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    overrides = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set expects NAME=VALUE, got {item!r}")
        overrides[name.strip()] = value
    try:
        settings = settings_mod.load(toml_path=args.config, overrides=overrides)
    except (settings_mod.SettingsError, OSError) as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.handler(args, settings) or 0)
    except OSError as exc:  # a file to read or write: say which and why, not a traceback
        print(f"baochi: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except NewerSchema as exc:  # every command opens the store: one message, not a traceback
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
