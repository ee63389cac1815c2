"""Server subcommands: `baochi run` (web + collector, embedded default) and `baochi serve`."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from baochi.collect.sources import add_sources, default_sources
from baochi.db import open_store
from baochi.settings import Settings
from baochi.web.app import create_app


def register(sub: argparse._SubParsersAction) -> None:
    """Add `run` and `serve`."""
    run = sub.add_parser("run", help="web server and collector in one process")
    run.set_defaults(handler=_run)
    serve = sub.add_parser("serve", help="web server only")
    serve.set_defaults(handler=_serve)


def _start(settings: Settings, background: bool) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    store = open_store(settings)
    if background and not store.sources():
        added, _ = add_sources(store, default_sources(), settings)
        logging.getLogger("baochi").info("first run: %d default sources added", added)
    app = create_app(settings, store, background=background)
    print(f"baochi: serving on http://{settings.host}:{settings.port}/ (data in {settings.data})")
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    return _start(settings, background=True)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    return _start(settings, background=False)
