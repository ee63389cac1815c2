"""Collection subcommands: sources, collect."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the collection subcommands."""
