"""What users do with cases: open, assign, answer, return, close, attach, link replies, remind.

Each function takes the engine, the acting user and the clock, checks the workflow rule and the
user's confinement, and writes the change with its event; the web pages and the CLI call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from baochi.cases import attachments, workflow
from baochi.cases.calendar import WorkCalendar
from baochi.cases.deadlines import DeadlineRules, due_at, due_on, load_rules, local_day
from baochi.cases.reminders import Notice, due_notices
from baochi.cases.replies import reply_candidates
from baochi.cases.workflow import Actor, CaseError, CaseNotFound, Forbidden
from baochi.db.cases_store import CaseDocument, CaseRow, CasesStore
from baochi.db.turns import REPEAT_WINDOW
from baochi.db.web_store import WebStore
from baochi.phrase import Joined, Phrase
from baochi.vi.matching import contains


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def _event(
    action: str, before: str, after: str, actor: Actor, at: dt.datetime, note: str
) -> dict[str, Any]:
    return {
        "action": action,
        "from_status": before,
        "to_status": after,
        "user_id": actor.user_id,
        "role": actor.role,
        "note": note,
        "at": at,
    }


MAX_TITLE = 300  # what the forms let one type; a pasted article belongs in the issue


def open_case(
    engine: Engine,
    actor: Actor,
    title: str,
    *,
    issue: str = "",
    priority: str = "normal",
    responsible: Sequence[int] = (),
    coordinating: Sequence[int] = (),
    document_ids: Sequence[int] = (),
    story_id: int | None = None,
    alert_id: int | None = None,
    received_on: dt.date | None = None,
    last_day: dt.date | None = None,
    note: str = "",
    now: dt.datetime | None = None,
    rules: DeadlineRules | None = None,
    calendar: WorkCalendar | None = None,
) -> int:
    """Open a case from articles, a story, an alert or by hand; assigned at once if routed. The
    same user opening the same case again within two minutes gets the first one back."""
    if actor.role not in workflow.OFFICE_ROLES:
        raise Forbidden("chỉ cán bộ của cơ quan quản lý báo chí được mở hồ sơ")
    now = _now(now)
    title = title.strip()
    store = CasesStore(engine)
    origin = (
        "alert" if alert_id else "story" if story_id else "article" if document_ids else "manual"
    )
    _check_origin(store, story_id, alert_id)
    if document_ids:
        found = {int(d["id"]): d for d in store.documents_text(document_ids)}
        missing = sorted(set(document_ids) - found.keys())
        if missing:
            shown = missing[:5]
            numbers = Joined(shown, ", ")
            raise CaseError(Phrase("không có bài báo số {numbers}", n=len(shown), numbers=numbers))
        first = found[document_ids[0]]
        title = title or str(first["title"])[:MAX_TITLE]
        # A case opened from an article follows the article's story as new coverage arrives.
        story_id = story_id or first["story_id"]
    elif story_id is not None:
        title = title or store.story_title(story_id)[:MAX_TITLE]
    if not title:
        raise CaseError("hồ sơ cần một tiêu đề")
    if len(title) > MAX_TITLE:
        raise CaseError(
            Phrase(
                "tiêu đề dài {length} ký tự, quá {limit}: phần còn lại ghi vào vấn đề",
                length=len(title),
                limit=MAX_TITLE,
            )
        )
    _check_departments(store, [*responsible, *coordinating])
    if story_id is not None:  # the story's coverage so far, at once; what follows comes later
        document_ids = [*document_ids, *store.story_documents(story_id)]
    received_on = received_on or local_day(now)
    rules = rules or load_rules()
    last_day = last_day or due_on(received_on, priority, rules, calendar)
    status = workflow.ASSIGNED if responsible else workflow.NEW
    values = {
        "title": title,
        "issue": issue,
        "priority": rules.rule(priority).priority,
        "status": status,
        "origin": origin,
        "story_id": story_id,
        "alert_id": alert_id,
        "received_on": received_on,
        "due_on": last_day,
        "opened_at": now,
        "opened_by": actor.user_id,
        "assigned_at": now if responsible else None,
        "note": note,
    }
    event = _event("open", "", status, actor, now, note)
    # the same case again within the window: a second click, or the browser sending it again
    since = now - REPEAT_WINDOW
    return store.add_case(values, responsible, coordinating, document_ids, event, since)


ORIGIN_MISSING = {"story": "không tìm thấy chuỗi tin", "alert": "không tìm thấy cảnh báo"}


def _check_origin(store: CasesStore, story_id: int | None, alert_id: int | None) -> None:
    """Refuse a story or alert that is not there: the case would follow nothing, or point at an
    alert no one can open."""
    missing = store.unknown_origin(story_id, alert_id)
    if missing is not None:
        raise CaseError(ORIGIN_MISSING[missing])


def visible_cases(
    engine: Engine,
    actor: Actor,
    *,
    statuses: Collection[str] | None = None,
    overdue_at: dt.datetime | None = None,
    story_id: int | None = None,
    department_id: int | None = None,
    text: str = "",
) -> list[CaseRow]:
    """The cases this user may see: all for the office and leaders, an officer's department's only.

    With `overdue_at`, only open cases whose deadline has passed at that moment; `department_id`
    narrows the office's list to one department; `text` keeps the cases whose title or issue
    contains it, matched as search matches (with or without diacritics, whole syllables). Open
    cases come first, soonest deadline first; then the rest, latest deadline first, so a year of
    closed cases does not bury today's work.
    """
    store = CasesStore(engine)
    if actor.role not in workflow.READ_ALL_ROLES:
        if actor.role != workflow.OFFICER or actor.department_id is None:
            return []
        department_id = actor.department_id
    if overdue_at is not None:
        statuses = (
            workflow.OPEN_STATUSES if statuses is None else set(statuses) & workflow.OPEN_STATUSES
        )
    found = store.cases(department_id=department_id, statuses=statuses, story_id=story_id)
    if overdue_at is not None:
        found = [c for c in found if due_at(c.due_on) <= overdue_at]
    if text.strip():
        found = [c for c in found if contains(f"{c.title}\n{c.issue}", text)]
    done = [c for c in found if c.status not in workflow.OPEN_STATUSES]
    return [c for c in found if c.status in workflow.OPEN_STATUSES] + done[::-1]


def get_case(engine: Engine, actor: Actor, case_id: int) -> CaseRow:
    """One case, if this user may see it; otherwise CaseNotFound, as if it did not exist."""
    case = CasesStore(engine).case(case_id)
    if case is None or not workflow.can_see(actor, {*case.responsible, *case.coordinating}):
        raise CaseNotFound("không tìm thấy hồ sơ")
    return case


def _apply(
    engine: Engine,
    actor: Actor,
    case_id: int,
    action: str,
    note: str,
    now: dt.datetime | None,
    values: Mapping[str, object] | None = None,
    departments: tuple[Sequence[int], Sequence[int]] | None = None,
) -> CaseRow:
    now = _now(now)
    case = get_case(engine, actor, case_id)
    after = workflow.check(case.status, action, actor, case.responsible, case.coordinating, note)
    changes: dict[str, object] = {"status": after, **(values or {})}
    if after == workflow.CLOSED:
        changes["closed_at"] = now
    if note:
        changes["note"] = note
    event = _event(action, case.status, after, actor, now, note)
    store = CasesStore(engine)
    escalate = action == "escalate"
    if not store.update_case(case_id, case.status, changes, event, departments, escalate):
        raise CaseError("hồ sơ vừa được người khác cập nhật; hãy tải lại trang")
    return get_case(engine, actor, case_id)


def _check_departments(store: CasesStore, ids: Sequence[int]) -> None:
    """Refuse to route a case to a department that does not exist: no one would see it."""
    unknown = store.unknown_departments(ids) if ids else []
    if unknown:
        numbers = Joined(unknown, ", ")
        raise CaseError(
            Phrase("không có đơn vị số {numbers} (hoặc đã gộp)", n=len(unknown), numbers=numbers)
        )


def assign(
    engine: Engine,
    actor: Actor,
    case_id: int,
    responsible: Sequence[int],
    coordinating: Sequence[int] = (),
    note: str = "",
    now: dt.datetime | None = None,
) -> CaseRow:
    """Route a case to its responsible and coordinating departments (again, to reassign it)."""
    if not responsible:
        raise CaseError("cần ít nhất một đơn vị chủ trì")
    _check_departments(CasesStore(engine), [*responsible, *coordinating])
    return _apply(
        engine,
        actor,
        case_id,
        "assign",
        note,
        now,
        {"assigned_at": _now(now)},
        (responsible, coordinating),
    )


def answer(
    engine: Engine, actor: Actor, case_id: int, text: str, now: dt.datetime | None = None
) -> CaseRow:
    """Record the department's written answer; the case waits for the office to close it. The
    same answer sent again by its writer (a second click, two at once) is the one recorded."""
    text = text.strip()
    if not text:
        raise CaseError("câu trả lời không được để trống")
    values = {"answer": text, "answered_at": _now(now), "answered_by": actor.user_id}
    try:
        return _apply(engine, actor, case_id, "answer", "", now, values)
    except CaseError:
        case = get_case(engine, actor, case_id)
        if case.status == workflow.ANSWERED and (case.answer, case.answered_by) == (
            text,
            actor.user_id,
        ):
            return case
        raise


def act(
    engine: Engine,
    actor: Actor,
    case_id: int,
    action: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> CaseRow:
    """Take one of the actions without extra data: start, return, close, withdraw, escalate.
    The same action that this user took on the case in the last two minutes is done already
    (a second click, two at once): the case as it stands, not "cannot"."""
    if action in ("assign", "answer"):
        raise CaseError(Phrase("dùng hàm {action}() cho thao tác này", action=action))
    if _just_done(engine, actor, case_id, action, now):  # even one still allowed: escalate
        return get_case(engine, actor, case_id)
    try:
        return _apply(engine, actor, case_id, action, note, now)
    except CaseError:
        if _just_done(engine, actor, case_id, action, now):  # the other click won the race
            return get_case(engine, actor, case_id)
        raise


def _just_done(
    engine: Engine, actor: Actor, case_id: int, action: str, now: dt.datetime | None
) -> bool:
    """Whether the case's last event is this action by this user in the last two minutes."""
    events = CasesStore(engine).events(case_id)
    if not events:
        return False
    last = events[-1]
    same = (last["action"], last["user_id"]) == (action, actor.user_id)
    return same and last["at"] >= _now(now) - REPEAT_WINDOW


def attach(
    engine: Engine,
    data_dir: Path,
    actor: Actor,
    case_id: int,
    filename: str,
    content: bytes,
    *,
    max_bytes: int,
    now: dt.datetime | None = None,
) -> int:
    """Keep a file (the official letter…) with a case that is not closed; returns its id."""
    _check_attach(get_case(engine, actor, case_id), actor)
    stored = attachments.store(data_dir, filename, content, max_bytes)
    file_id, new = CasesStore(engine).add_attachment(
        case_id=case_id,
        stored_name=stored.stored_name,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=actor.user_id,
        uploaded_at=_now(now),
    )
    if not new:  # the same file sent again (a second click): kept once
        attachments.path_of(data_dir, stored.stored_name).unlink()
    return file_id


def _check_attach(case: CaseRow, actor: Actor) -> None:
    """Refuse a file from anyone but the responsible department and the office, or to a closed
    case."""
    in_department = actor.role == workflow.OFFICER and actor.department_id in case.responsible
    if not (in_department or actor.role in workflow.OFFICE_ROLES):
        raise Forbidden("chỉ đơn vị chủ trì hoặc cơ quan quản lý báo chí được đính kèm tệp")
    if case.status == workflow.CLOSED:
        raise CaseError("hồ sơ đã đóng")


def answer_with_files(
    engine: Engine,
    data_dir: Path,
    actor: Actor,
    case_id: int,
    text: str,
    files: Sequence[tuple[str, bytes]],
    *,
    max_bytes: int,
    now: dt.datetime | None = None,
) -> CaseRow:
    """Record an answer (when there is a text) with its letters (name, content): the files are
    checked first and kept only once the answer is taken, so an answer refused (a colleague's
    came first) leaves no file behind, and a refused file no answer."""
    if files:
        _check_attach(get_case(engine, actor, case_id), actor)
    for name, content in files:
        attachments.check(name, content, max_bytes)
    if text.strip():
        answer(engine, actor, case_id, text, now)
    for name, content in files:
        attach(engine, data_dir, actor, case_id, name, content, max_bytes=max_bytes, now=now)
    return get_case(engine, actor, case_id)


def attachment_file(
    engine: Engine, data_dir: Path, actor: Actor, attachment_id: int
) -> tuple[dict[str, Any], Path]:
    """A file's record and path, if this user may see its case (else CaseNotFound)."""
    record = CasesStore(engine).attachment(attachment_id)
    if record is None:
        raise CaseNotFound("không tìm thấy tệp")
    get_case(engine, actor, int(record["case_id"]))
    return record, attachments.path_of(data_dir, str(record["stored_name"]))


def case_article(
    engine: Engine, actor: Actor, case_id: int, document_id: int
) -> tuple[CaseRow, CaseDocument]:
    """A case and one of its articles, for whoever may see the case: an officer reads the
    coverage of his department's cases, and no other article (CaseNotFound)."""
    case = get_case(engine, actor, case_id)
    for linked in CasesStore(engine).case_documents(case_id):
        if linked.document_id == document_id:
            return case, linked
    raise CaseNotFound("không tìm thấy bài báo này trong hồ sơ")


def follow_story(
    engine: Engine,
    story_id: int,
    document_ids: Sequence[int],
    department_names: Mapping[int, str] | None = None,
    now: dt.datetime | None = None,
    following: Sequence[CaseRow] | None = None,
) -> int:
    """Link a story's new articles to the cases following it (all, unless given), marking
    likely replies."""
    now = _now(now)
    store = CasesStore(engine)
    following = store.cases(story_id=story_id) if following is None else following
    if not following or not document_ids:
        return 0
    articles = store.documents_text(document_ids)
    made = 0
    for case in following:
        names = [(department_names or {}).get(d, "") for d in case.responsible]
        found = {c.document_id: c for c in reply_candidates(case.opened_at, articles, names)}
        scored = [
            (d, found[d].relation, found[d].score) if d in found else (d, "coverage", 0)
            for d in document_ids
        ]
        made += store.link_documents(case.id, scored, now)
    return made


def follow_stories(engine: Engine, now: dt.datetime | None = None) -> int:
    """Link every story's new articles to the cases that follow it (open or answered ones), with
    likely replies marked for the analyst; run on a schedule, it only adds what is new."""
    store = CasesStore(engine)
    names = {int(d["id"]): str(d["name"]) for d in WebStore(engine).departments()}
    following = store.cases(statuses=workflow.OPEN_STATUSES | {workflow.ANSWERED})
    made = 0
    for case in following:
        if case.story_id is not None:
            fresh = store.unlinked_story_documents(case.id, case.story_id)
            made += follow_story(engine, case.story_id, fresh, names, now, [case])
    return made


def confirm_reply(
    engine: Engine,
    actor: Actor,
    case_id: int,
    document_id: int,
    relation: str = "reply",
    close: bool = True,
    now: dt.datetime | None = None,
) -> CaseRow:
    """An analyst confirms the published reply or correction; an answered case then closes."""
    if relation not in ("reply", "correction"):
        raise CaseError("chỉ xác nhận được bài trả lời (reply) hoặc cải chính (correction)")
    if actor.role not in workflow.OFFICE_ROLES:
        raise Forbidden("chỉ cán bộ của cơ quan quản lý báo chí được xác nhận bài trả lời")
    case = get_case(engine, actor, case_id)
    store = CasesStore(engine)
    found = store.documents_text([document_id])
    if not found:
        numbers = Joined([document_id], ", ")
        raise CaseNotFound(Phrase("không có bài báo số {numbers}", n=1, numbers=numbers))
    store.set_relation(case_id, document_id, relation, actor.user_id, _now(now))
    if close and case.status == workflow.ANSWERED:  # the history says which article closed it
        title = found[0]["title"]
        kind = "Bài trả lời" if relation == "reply" else "Cải chính"
        return act(engine, actor, case_id, "close", f"{kind}: «{title}»", now)
    return get_case(engine, actor, case_id)


def run_reminders(
    engine: Engine, now: dt.datetime, rules: DeadlineRules | None = None
) -> list[Notice]:
    """Write the reminders and escalations due at `now`, and return those this run wrote:
    running twice writes nothing new, nor do two runs at once write one notice twice."""
    rules = rules or load_rules()
    store = CasesStore(engine)
    open_cases = store.cases(statuses=workflow.OPEN_STATUSES)
    sent = store.sent_keys([c.id for c in open_cases])
    notices = [n for c in open_cases for n in due_notices(c, now, rules, sent.get(c.id, set()))]
    rows = [
        {
            "case_id": n.case_id,
            "key": n.key,
            "kind": n.kind,
            "audience": n.audience,
            "department_id": n.department_id,
            "message": n.message,
            "due_at": n.due_at,
            "created_at": now,
        }
        for n in notices
    ]
    levels: dict[int, int] = {}
    for n in notices:
        levels[n.case_id] = max(levels.get(n.case_id, 0), n.level)
    written = store.add_notifications(rows, {k: v for k, v in levels.items() if v})
    return [n for n in notices if (n.case_id, n.key) in written]
