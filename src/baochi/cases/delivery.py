"""Reminders and escalations delivered: written for the app, then each raised once as a "case"
alert routed by department through the alerts machinery (rules, digests, retries, e-mail).

A notification is handed over once: its alert is stored together with what it owes each rule,
then `delivered_at` is set; the alert's fixed key makes a crash in between, or two workers, store
it once, and one worker sends the digest carrying it (mailed again only if that worker dies
between the server's acceptance and recording it: see watch/digest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine

from baochi.cases.casework import run_reminders
from baochi.cases.deadlines import DeadlineRules
from baochi.cases.reminders import DEPARTMENT, Notice
from baochi.db.cases_store import CasesStore
from baochi.db.watch_store import Alert, WatchStore
from baochi.db.web_store import WebStore
from baochi.watch.check import raise_alert

OFFICE_LABEL = "Cơ quan quản lý báo chí"
BATCH = 500


def as_alert(row: Mapping[str, Any], names: Mapping[int, str]) -> Alert:
    """A notification as the alert a department's (or the office's) rule receives."""
    department = row["department_id"] if row["audience"] == DEPARTMENT else None
    label = names.get(department, f"đơn vị {department}") if department else OFFICE_LABEL
    return Alert(
        kind="case",
        subject_kind="department" if department else "office",
        subject_key=str(department) if department else "office",
        subject_label=f"{label} — hồ sơ #{row['case_id']}",
        reason=str(row["message"]),
        dedupe_key=f"case:{row['case_id']}:{row['key']}",
        payload={
            "case_id": row["case_id"],
            "notice": row["kind"],
            "due_at": row["due_at"].isoformat(),
        },
    )


def raise_alerts(engine: Engine, now: dt.datetime) -> int:
    """Hand every notification not yet delivered to the alerts machinery; how many were."""
    store, watch = CasesStore(engine), WatchStore(engine)
    names = {int(d["id"]): str(d["name"]) for d in WebStore(engine).departments()}
    rules = watch.rules()
    handed = 0
    while pending := store.notifications(pending_only=True, limit=BATCH):
        for row in pending:
            raise_alert(watch, as_alert(row, names), now, rules)
        store.mark_delivered([row["id"] for row in pending], now)
        handed += len(pending)
    return handed


def remind(engine: Engine, now: dt.datetime, rules: DeadlineRules | None = None) -> list[Notice]:
    """Write the reminders and escalations due at `now` and hand them over for e-mail."""
    notices = run_reminders(engine, now, rules)
    raise_alerts(engine, now)
    return notices
