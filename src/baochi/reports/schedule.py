"""Scheduled reports: every morning, after the configured hour, yesterday's brief about Hà Nội;
when a week, month or quarter has ended, its report; each made once (a key per kind, period and
scope, claimed in the database) and mailed to the configured list, a failed mail retried on the
next run. Called by the background jobs with the clock as a parameter."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from baochi.db import Store
from baochi.db.reports_store import ReportsStore
from baochi.hanoi_time import HANOI
from baochi.reports import drafts
from baochi.reports.brief import make_brief
from baochi.reports.period import Period, previous, yesterday
from baochi.reports.periodic import make_report
from baochi.reports.scope import HANOI as HANOI_SCOPE
from baochi.reports.send import Taken, send_draft
from baochi.settings import Settings
from baochi.watch.notify import Notifier

RUN_EVERY = 900.0  # seconds between two looks at the schedule


def due(settings: Settings, now: dt.datetime) -> list[tuple[str, Period]]:
    """The (kind, period) pairs that should exist by `now`: nothing before the morning hour."""
    local = now.astimezone(HANOI)
    if local.hour + local.minute / 60 < settings.brief_hour:
        return []
    day = yesterday(now)
    wanted = [("brief", Period(day, day, "day"))]
    for kind in settings.report_schedule:
        period = previous(kind, local.date())
        if period.last == day:  # the period ended yesterday: its report is due this morning
            wanted.append((kind, period))
    return wanted


def run_schedule(
    store: Store, settings: Settings, now: dt.datetime, mailer: Notifier | None = None
) -> Counter[str]:
    """Make what is due and not made yet, then mail every scheduled draft not sent yet; one
    another worker is sending, or sent since it was listed, is counted as skipped."""
    outcome: Counter[str] = Counter()
    if not settings.brief_recipients:
        return outcome
    reports = ReportsStore(store.engine)
    wanted = {f"{k}:{p.first}:{p.last}:{HANOI_SCOPE.key}": (k, p) for k, p in due(settings, now)}
    made = reports.scheduled(wanted)
    for key, (kind, period) in wanted.items():
        if key in made:
            continue
        if kind == "brief":
            paper = make_brief(store, settings, period.first, HANOI_SCOPE)
        else:
            paper = make_report(store, settings, period, HANOI_SCOPE)
        if drafts.claim_scheduled(store.engine, paper, key, now) is not None:
            outcome["made"] += 1
    for draft in reports.unsent_scheduled():
        outcome[_mailed(store, settings, draft.id, now, mailer)] += 1
    return outcome


def _mailed(
    store: Store, settings: Settings, draft_id: int, now: dt.datetime, mailer: Notifier | None
) -> str:
    """Mail a scheduled draft to the configured list; how that went, as the outcome counts it."""
    recipients = list(settings.brief_recipients)
    try:
        error = send_draft(
            store.engine, settings, draft_id, recipients, settings.brief_format, now, mailer
        )
    except Taken:
        return "skipped"
    return "failed" if error else "sent"
