"""`baochi cases …`: open, list, assign, answer, close, remind, figures — as the press office.

The command line acts with the office's rights (role admin); officers use the web pages.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from baochi.cases import casework
from baochi.cases.calendar import lunar_rows
from baochi.cases.deadlines import configured_rules, days_left
from baochi.cases.delivery import remind
from baochi.cases.figures import department_figures
from baochi.cases.workflow import STATUS_LABELS, STATUSES, Actor, CaseError
from baochi.db import open_store
from baochi.db.cases_store import CaseRow, CasesStore
from baochi.db.row_ids import row_id_arg
from baochi.hanoi_time import HANOI
from baochi.settings import Settings

OFFICE = Actor(role="admin")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `cases` and its actions."""
    cases = sub.add_parser("cases", help="issues raised in the press, routed to departments")
    csub = cases.add_subparsers(dest="cases_command", required=True, metavar="ACTION")

    p = csub.add_parser("open", help="open a case (deadline computed from the priority)")
    p.add_argument("title", nargs="?", default="", help="default: the first article's title")
    p.add_argument("--issue", default="", help="the issue the press raised")
    p.add_argument("--priority", default="normal", help="normal, high, urgent (deadline rules)")
    p.add_argument(
        "--department", type=row_id_arg, action="append", default=[], help="responsible id"
    )
    p.add_argument(
        "--coordinating", type=row_id_arg, action="append", default=[], help="department id"
    )
    p.add_argument("--document", type=row_id_arg, action="append", default=[], help="article id")
    p.add_argument("--story", type=row_id_arg, help="story id: the case follows its new articles")
    p.add_argument("--alert", type=row_id_arg, help="alert id the case comes from")
    p.add_argument("--received", type=dt.date.fromisoformat, help="YYYY-MM-DD (default today)")
    p.set_defaults(handler=_open)

    p = csub.add_parser("list", help="cases, soonest deadline first")
    p.add_argument("--department", type=row_id_arg)
    p.add_argument("--status", choices=STATUSES, action="append")
    p.add_argument("--overdue", action="store_true", help="only open cases past their deadline")
    p.add_argument("--now", type=_moment, help="ISO time for --overdue (default: now)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_list)

    p = csub.add_parser("assign", help="route a case to departments")
    p.add_argument("case", type=row_id_arg)
    p.add_argument("--department", type=row_id_arg, action="append", required=True)
    p.add_argument("--coordinating", type=row_id_arg, action="append", default=[])
    p.set_defaults(handler=_assign)

    p = csub.add_parser("answer", help="record a department's answer (with files)")
    p.add_argument("case", type=row_id_arg)
    p.add_argument("--text", required=True)
    p.add_argument("--file", type=Path, action="append", default=[], help="PDF, DOCX, XLSX, image")
    p.set_defaults(handler=_answer)

    p = csub.add_parser("close", help="close an answered case, or withdraw an open one")
    p.add_argument("case", type=row_id_arg)
    p.add_argument("--withdraw", metavar="REASON", help="close without an answer, saying why")
    p.set_defaults(handler=_close)

    p = csub.add_parser(
        "remind", help="write the reminders and escalations due, and raise them as alerts"
    )
    p.add_argument("--now", type=_moment, help="ISO time to act as (default: now)")
    p.set_defaults(handler=_remind)

    p = csub.add_parser("figures", help="answered on time and average days per department")
    p.add_argument("--since", type=dt.date.fromisoformat)
    p.set_defaults(handler=_figures)

    p = csub.add_parser("lunar-table", help="print data/lunar.csv rows (needs lunar-vn)")
    p.add_argument("first", type=int)
    p.add_argument("last", type=int)
    p.set_defaults(handler=_lunar_table)


def _moment(value: str) -> dt.datetime:
    """An ISO date or time; without a zone it is Hà Nội time."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected an ISO time, got {value!r}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=HANOI)


def _row(case: CaseRow, now: dt.datetime) -> dict[str, object]:
    return {
        "id": case.id,
        "title": case.title,
        "status": case.status,
        "priority": case.priority,
        "due_on": case.due_on.isoformat(),
        "days_left": days_left(case.due_on, now),
        "responsible": list(case.responsible),
        "coordinating": list(case.coordinating),
        "escalation_level": case.escalation_level,
    }


def _print_case(case: CaseRow, now: dt.datetime) -> None:
    status = STATUS_LABELS[case.status]
    left = days_left(case.due_on, now)
    print(
        f"#{case.id:<5} {status:12} hạn {case.due_on:%d/%m/%Y} ({left:+d} ngày)  "
        f"đơn vị {','.join(map(str, case.responsible)) or '—':8} {case.title[:70]}"
    )


def _open(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_store(settings).engine
    try:
        case_id = casework.open_case(
            engine,
            OFFICE,
            args.title,
            issue=args.issue,
            priority=args.priority,
            responsible=args.department,
            coordinating=args.coordinating,
            document_ids=args.document,
            story_id=args.story,
            alert_id=args.alert,
            received_on=args.received,
            rules=configured_rules(settings.case_rules_file),
        )
    except (CaseError, ValueError) as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    _print_case(casework.get_case(engine, OFFICE, case_id), dt.datetime.now(dt.UTC))
    return 0


def _list(args: argparse.Namespace, settings: Settings) -> int:
    engine = open_store(settings).engine
    now = args.now or dt.datetime.now(dt.UTC)
    actor = Actor("officer", args.department) if args.department is not None else OFFICE
    found = casework.visible_cases(
        engine, actor, statuses=args.status, overdue_at=now if args.overdue else None
    )
    for case in found:
        if args.format == "json":
            print(json.dumps(_row(case, now), ensure_ascii=False))
        else:
            _print_case(case, now)
    return 0


def _change(settings: Settings, work: Callable[[Engine], CaseRow]) -> int:
    """Run one change and print the case, or the reason it was refused."""
    try:
        case = work(open_store(settings).engine)
    except (CaseError, ValueError) as exc:
        print(f"baochi: {exc}", file=sys.stderr)
        return 1
    _print_case(case, dt.datetime.now(dt.UTC))
    return 0


def _assign(args: argparse.Namespace, settings: Settings) -> int:
    return _change(
        settings,
        lambda e: casework.assign(e, OFFICE, args.case, args.department, args.coordinating),
    )


def _answer(args: argparse.Namespace, settings: Settings) -> int:
    def work(engine: Engine) -> CaseRow:
        files = [(path.name, path.read_bytes()) for path in args.file]
        return casework.answer_with_files(
            engine,
            settings.data,
            OFFICE,
            args.case,
            args.text,
            files,
            max_bytes=settings.case_attachment_max_bytes,
        )

    return _change(settings, work)


def _close(args: argparse.Namespace, settings: Settings) -> int:
    action, note = ("withdraw", args.withdraw) if args.withdraw else ("close", "")
    return _change(settings, lambda e: casework.act(e, OFFICE, args.case, action, note))


def _remind(args: argparse.Namespace, settings: Settings) -> int:
    now = args.now or dt.datetime.now(dt.UTC)
    rules = configured_rules(settings.case_rules_file)
    notices = remind(open_store(settings).engine, now, rules)
    for notice in notices:
        who = f"đơn vị {notice.department_id}" if notice.department_id else "văn phòng"
        print(f"{notice.kind:10} {who:12} {notice.message}")
    print(f"{len(notices)} thông báo mới", file=sys.stderr)
    return 0


def _figures(args: argparse.Namespace, settings: Settings) -> int:
    store = CasesStore(open_store(settings).engine)
    now = dt.datetime.now(dt.UTC)
    print("đơn vị  tổng  đã trả lời  đúng hạn  đang mở  quá hạn  số ngày TB")
    for f in department_figures(store.cases(), now, args.since):
        days = f"{f.average_days:.1f}" if f.average_days is not None else "—"
        print(
            f"{f.department_id:6}  {f.total:4}  {f.answered:10}  {f.on_time:8}  {f.open:7}  "
            f"{f.overdue:7}  {days:>10}"
        )
    return 0


def _lunar_table(args: argparse.Namespace, settings: Settings) -> int:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    for year, tet, hung_kings in lunar_rows(args.first, args.last):
        writer.writerow([year, tet.isoformat(), hung_kings.isoformat()])
    return 0
