"""Reminders and escalations reach the department and the office by e-mail, through the alerts
machinery, with a set clock and a real SMTP server on 127.0.0.1; each goes once."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event

from baochi import cases
from baochi.cases.delivery import raise_alerts, remind
from baochi.db import Store
from baochi.db.cases_store import CasesStore
from baochi.db.watch_store import WatchStore
from baochi.db.web_store import WebStore
from baochi.watch import WatchConfig, check, notifiers
from tests.cases.conftest import ANALYST, OPENED
from tests.watch.test_mail import Inbox, smtp  # noqa: F401  (the SMTP server fixture)

OFFICE_MAIL = "vanphong@sotttt.hanoi.gov.vn"
BUILDING_MAIL = "soxaydung@hanoi.gov.vn"
TRANSPORT_MAIL = "sogiaothong@hanoi.gov.vn"


def _mailboxes(inbox: Inbox) -> dict[str, list[str]]:
    """Each recipient's subjects and texts, in arrival order."""
    got: dict[str, list[str]] = {}
    for recipients, message in inbox.messages:
        text = f"{message['Subject']}\n{message.get_content()}"
        for address in recipients:
            got.setdefault(address, []).append(text)
    return got


def test_reminders_and_escalations_are_mailed_by_department(
    store: Store,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    engine = store.engine
    web, watch = WebStore(engine), WatchStore(engine)
    building, _ = web.add_department("Sở Xây dựng")
    transport, _ = web.add_department("Sở Giao thông vận tải")
    watch.add_rule(["case"], "email", BUILDING_MAIL, 0, OPENED, department_id=building)
    watch.add_rule(["case"], "email", TRANSPORT_MAIL, 0, OPENED, department_id=transport)
    watch.add_rule(["case"], "email", OFFICE_MAIL, 0, OPENED)
    watch.add_rule(["spike"], "email", "khac@hanoi.gov.vn", 0, OPENED)  # not about cases
    config = WatchConfig(smtp_host="127.0.0.1", smtp_port=port, smtp_from="baochi@hanoi.gov.vn")
    case_id = cases.open_case(
        engine, ANALYST, "Ngập úng phố Nguyễn Khuyến", responsible=[building], now=OPENED
    )
    deadline = cases.due_at(dt.date(2026, 4, 1))

    def tick(at: dt.datetime) -> dict[str, list[str]]:
        before = len(inbox.messages)
        remind(engine, at)
        check(store, watch, config, at, notifiers(config))
        inbox.messages[:] = inbox.messages[before:]
        return _mailboxes(inbox)

    assert tick(deadline - dt.timedelta(days=8)) == {}
    week = tick(deadline - dt.timedelta(days=7))
    assert list(week) == [BUILDING_MAIL]  # a reminder is the department's alone
    assert "Hồ sơ: Sở Xây dựng — hồ sơ #1" in week[BUILDING_MAIL][0]
    assert (
        "«Ngập úng phố Nguyễn Khuyến» phải trả lời trước hết ngày 01/04/2026"
        in (week[BUILDING_MAIL][0])
    )
    assert tick(deadline - dt.timedelta(days=7) + dt.timedelta(hours=1)) == {}  # told once

    late = tick(deadline + dt.timedelta(minutes=5))
    assert sorted(late) == sorted([OFFICE_MAIL, BUILDING_MAIL])  # escalation: department and office
    assert "đã quá hạn trả lời 1 ngày" in late[OFFICE_MAIL][0]
    assert "báo cáo vượt cấp lần 1" in late[BUILDING_MAIL][0]
    assert TRANSPORT_MAIL not in late
    assert cases.get_case(engine, ANALYST, case_id).escalation_level == 1
    assert all(n["delivered_at"] is not None for n in CasesStore(engine).notifications())
    assert tick(deadline + dt.timedelta(hours=2)) == {}


def test_a_notification_is_handed_over_once_even_if_run_again(store: Store) -> None:
    engine = store.engine
    cases.open_case(engine, ANALYST, "Rác chợ Long Biên", now=OPENED)  # nobody assigned yet
    deadline = cases.due_at(dt.date(2026, 4, 1))
    notices = cases.run_reminders(engine, deadline - dt.timedelta(days=3))
    assert [(n.audience, n.department_id) for n in notices] == [("office", None)]
    # Reminders written by a run that stopped before handing them over are handed over next time.
    assert raise_alerts(engine, deadline) == 1
    assert raise_alerts(engine, deadline) == 0
    found = WatchStore(engine).alerts(kinds=["case"])
    assert [(a.subject_kind, a.subject_key) for a in found] == [("office", "office")]
    assert found[0].payload["notice"] == "reminder"
    assert dataclasses.asdict(found[0])["reason"].startswith("Hồ sơ #1 «Rác chợ Long Biên»")


def test_a_reminder_stored_by_a_run_killed_before_routing_it_is_still_mailed(
    store: Store,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    """A run that dies while owing the stored alert to its rules leaves neither behind: the next
    run stores and routes the reminder, and it is mailed."""
    inbox, port = smtp
    engine = store.engine
    watch = WatchStore(engine)
    watch.add_rule(["case"], "email", OFFICE_MAIL, 0, OPENED)
    config = WatchConfig(smtp_host="127.0.0.1", smtp_port=port, smtp_from="baochi@hanoi.gov.vn")
    cases.open_case(engine, ANALYST, "Rác chợ Long Biên", now=OPENED)  # the office's to chase
    at = cases.due_at(dt.date(2026, 4, 1)) - dt.timedelta(days=3)

    def killed(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.startswith("INSERT INTO deliveries"):
            raise OSError("killed while routing")

    event.listen(engine, "before_cursor_execute", killed)
    try:
        with pytest.raises(OSError):
            remind(engine, at)
    finally:
        event.remove(engine, "before_cursor_execute", killed)
    later = at + dt.timedelta(hours=1)
    remind(engine, later)
    assert check(store, watch, config, later, notifiers(config)).deliveries == {"sent": 1}
    [(recipients, mail)] = inbox.messages
    assert recipients == [OFFICE_MAIL] and "Rác chợ Long Biên" in mail.get_content()
