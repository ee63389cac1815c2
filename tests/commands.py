"""Run one area's `baochi …` subcommands in process, on a parser built as baochi.cli builds it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from types import ModuleType

import pytest

from baochi.settings import Settings

Invoke = Callable[..., tuple[int, str, str]]


def invoker(
    commands: ModuleType, group: str, settings: Settings, capsys: pytest.CaptureFixture[str]
) -> Invoke:
    """A function running `baochi GROUP ARGV…` and giving (exit code, stdout, stderr)."""
    parser = argparse.ArgumentParser(prog="baochi")
    commands.register(parser.add_subparsers(dest="command", required=True))

    def invoke(*argv: str) -> tuple[int, str, str]:
        args = parser.parse_args([group, *argv])
        code = args.handler(args, settings)
        out, err = capsys.readouterr()
        return code, out, err

    return invoke
