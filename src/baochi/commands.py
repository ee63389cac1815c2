"""General subcommands: settings listing."""

from __future__ import annotations

import argparse

from baochi.settings import Settings, describe


def register(sub: argparse._SubParsersAction) -> None:
    """Add the general subcommands."""
    p = sub.add_parser("settings", help="list every setting in force, its default and help")
    p.set_defaults(handler=_settings)


def _settings(args: argparse.Namespace, settings: Settings) -> int:
    for row in describe(settings):
        default = f" (default: {row.default or '(empty)'})" if row.changed else ""
        print(f"{row.env:38} {row.value or '(empty)'}{default}\n    {row.help}")
    return 0
