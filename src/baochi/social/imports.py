"""Imports started from the web page: the file is read and every row checked in the request,
then the good rows are analysed and stored after the response, the progress written as each
page goes through, so a large export neither holds the page nor loses what was done."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from baochi.collect.social.items import SocialItem
from baochi.db import Store
from baochi.db.social_imports import ImportsStore
from baochi.db.social_store import SocialStore
from baochi.settings import Settings
from baochi.social.ingest import IngestReport, ingest

log = logging.getLogger(__name__)


def run_import(
    store: Store,
    settings: Settings,
    import_id: int,
    items: Sequence[SocialItem],
    account_id: int | None,
) -> None:
    """Store and analyse an import's rows, and write how far it got and how it ended; a
    failure is recorded on the import (what was stored stays, and a second import of the
    file stores only what is missing)."""
    imports = ImportsStore(store.engine)
    last = IngestReport()

    def written(report: IngestReport) -> None:
        nonlocal last
        last = report
        imports.update(import_id, _now(), **_counts(report))

    try:
        ingest(store, items, settings, account_id, progress=written)
    except Exception as exc:
        log.exception("social import %d failed", import_id)
        imports.update(import_id, _now(), status="failed", error=str(exc)[:500] or repr(exc))
    else:
        imports.update(import_id, _now(), status="done", **_counts(last))
    if account_id is not None and last.stored:
        SocialStore(store.engine).count_imported(account_id, last.stored)


def _counts(report: IngestReport) -> dict[str, int]:
    return {"stored": report.stored, "known": report.known, "placed": report.placed}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
