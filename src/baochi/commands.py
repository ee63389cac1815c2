"""General subcommands: settings listing."""

from __future__ import annotations

import argparse

from baochi.settings import Settings, describe


def register(sub: argparse._SubParsersAction) -> None:
    """Add the general subcommands."""
    p = sub.add_parser("settings", help="list every setting with its default and help")
    p.set_defaults(handler=_settings)


def _settings(args: argparse.Namespace, settings: Settings) -> int:
    for env, default, help_ in describe():
        print(f"{env:38} {default:>24}  {help_}")
    return 0
