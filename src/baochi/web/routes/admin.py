"""Quản trị: users, departments, roles, the audit log, the backups and the settings in force
(admins only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from baochi.db import backup
from baochi.db.row_ids import RowId, row_id
from baochi.db.web_store import User, WebStore, audit
from baochi.phrase import Phrase, phrase_of
from baochi.settings import describe
from baochi.web import audit_view
from baochi.web.auth import ADMIN, ROLES, csrf_token, require, web_store
from baochi.web.departments import MergeError
from baochi.web.departments import merge_department as merge
from baochi.web.exports import newest_only, xlsx_response
from baochi.web.i18n import DEFAULT, language
from baochi.web.templating import NavItem, done, render
from baochi.web.users import UserError, change_user, create_user_once, reset_password

router = APIRouter(include_in_schema=False)
NAV = (NavItem(100, "/admin", "Quản trị", (ADMIN,)),)
admin_only = require(ADMIN)
AUDIT_PAGE = 100
AUDIT_EXPORT = 10_000
MAX_DEPARTMENT, MAX_CODE = 300, 50  # the columns' widths: a longer name is refused, not cut


def users_page(
    request: Request,
    error: Phrase | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
    message: str = "",
) -> Response:
    """The users table with the forms to add and change them; after a refusal, the reason and
    what was typed; after a new password, the password, once."""
    web, session = web_store(request), csrf_token(request)
    context = {
        "title": "Quản trị",
        "tab": "users",
        "users": web.users(),
        "departments": web.departments(current=True),  # to put a user in
        "message": message or (request.app.state.secrets.pop(session, "") if session else ""),
        "error": error,
        "typed": typed or {},
    }
    return render(request, "admin/users.html", context, status)


def _show_once(request: Request, username: str, password: str) -> Response:
    """Keep a new password for this session's next view of the users, and go there: it is
    shown once, and never in an address that a reload or the history would send again."""
    message, session = f"{username}: {password}", csrf_token(request)
    if not session:  # an API token's request: no session to keep it in, so shown at once
        return users_page(request, message=message)
    request.app.state.secrets[session] = message
    return RedirectResponse("/admin/users#new-secret", status_code=303)


@router.get("/admin")
def admin_home(user: Annotated[User, Depends(admin_only)]) -> Response:
    """Administration starts at the users."""
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/users")
def list_users(request: Request, user: Annotated[User, Depends(admin_only)]) -> Response:
    """Every user, role and department."""
    return users_page(request)


@router.get("/admin/users/{user_id:id}")
def user_address(user_id: int, user: Annotated[User, Depends(admin_only)]) -> Response:
    """The address a user's forms are sent to, opened (reloaded, shared): the users' list."""
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/users/export.xlsx")
def export_users(request: Request, user: Annotated[User, Depends(admin_only)]) -> Response:
    """Every user with role, department and whether the account is open, as Excel."""
    header = ("Tên đăng nhập", "Tên hiển thị", "Vai trò", "Phòng ban", "Tình trạng")
    rows = [
        (
            u.username,
            u.display_name,
            ROLES.get(u.role, u.role),
            u.department,
            "Hoạt động" if u.active else "Đã khoá",
        )
        for u in web_store(request).users()
    ]
    return xlsx_response("baochi-nguoi-dung.xlsx", "Người dùng", header, rows)


@router.post("/admin/users")
def add_user(
    request: Request,
    user: Annotated[User, Depends(admin_only)],
    username: Annotated[str, Form()],
    role: Annotated[str, Form()],
    department: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
) -> Response:
    """Create a user with a random password, shown once to the administrator."""
    try:
        created, password = create_user_once(
            web_store(request), user, username, role, department, display_name.strip()
        )
    except UserError as exc:
        typed = {
            "username": username,
            "display_name": display_name,
            "role": role,
            "department": department,
        }
        return users_page(request, phrase_of(exc), typed, 422)
    return _show_once(request, created.username, password)


@router.post("/admin/users/{user_id:id}")
def update_user(
    request: Request,
    user_id: int,
    user: Annotated[User, Depends(admin_only)],
    action: Annotated[str, Form()],
    role: Annotated[str, Form()] = "",
    department_id: Annotated[str, Form()] = "",
    display_name: Annotated[str | None, Form()] = None,
) -> Response:
    """Change a role, department or display name, lock, unlock, or reset a password."""
    web = web_store(request)
    try:
        if action == "password":
            password = reset_password(web, user, user_id)
            target = web.user(user_id)
            return _show_once(request, target.username if target else "", password)
        if action == "lock":
            change_user(web, user, user_id, active=False)
        elif action == "unlock":
            change_user(web, user, user_id, active=True)
        elif action == "save":
            dept = row_id(department_id)
            shown = None if display_name is None else " ".join(display_name.split())[:200]
            change_user(
                web, user, user_id, role=role or None, department_id=dept, display_name=shown
            )
        else:
            raise UserError("Yêu cầu không hợp lệ.")
    except UserError as exc:
        return users_page(request, phrase_of(exc), status=422)
    said = {"lock": "user-locked", "unlock": "user-unlocked", "save": "user-saved"}[action]
    return RedirectResponse(done("/admin/users", said), status_code=303)


def departments_page(
    request: Request,
    error: Phrase | None = None,
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    """The departments tab, with what went wrong if anything and what was typed in the form to
    add one."""
    context = {
        "title": "Quản trị",
        "tab": "departments",
        "departments": web_store(request).departments(),
        "error": error,
        "typed": typed or {},
    }
    return render(request, "admin/departments.html", context, status)


def _taken(web: WebStore, dept_id: int, what: Phrase) -> Phrase:
    """Why a name or code (`what`) cannot be another department's: whose it is, or was before
    a merge."""
    named = {d["id"]: d["name"] for d in web.departments()}
    heir = web.successor(dept_id)
    if heir == dept_id:
        return Phrase("{what} đã là của phòng ban «{name}».", what=what, name=named[dept_id])
    said = "{what} đã là của phòng ban «{name}», nay đã gộp vào «{heir}»."
    return Phrase(said, what=what, name=named[dept_id], heir=named[heir])


def _clash(web: WebStore, name: str, code: str, dept_id: int | None = None) -> Phrase | None:
    """Why a department (`dept_id`, or a new one) cannot take this name or code: another has
    it; None when neither is taken."""
    for typed, what in ((name, "Tên «{typed}»"), (code, "Mã «{typed}»")):
        same = web.department_named(typed) if typed else None
        if same is not None and same != dept_id:
            return _taken(web, same, Phrase(what, typed=typed))
    return None


def _department_name(name: str) -> tuple[str, Phrase | None]:
    """A typed department name with its spaces tidied, and why it cannot be one, if so."""
    name = " ".join(name.split())
    if not name:
        return name, Phrase("Cần tên phòng ban.")
    if len(name) > MAX_DEPARTMENT:
        return name, Phrase("Tên phòng ban dài quá {most} ký tự.", most=MAX_DEPARTMENT)
    return name, None


@router.get("/admin/departments")
def departments(request: Request, user: Annotated[User, Depends(admin_only)]) -> Response:
    """The city's departments that cases are routed to."""
    return departments_page(request)


@router.get("/admin/departments/{dept_id:id}")
@router.get("/admin/departments/{dept_id:id}/merge")
def department_address(dept_id: int, user: Annotated[User, Depends(admin_only)]) -> Response:
    """The address a department's forms are sent to, opened (reloaded, shared): its row."""
    return RedirectResponse(f"/admin/departments#department-{dept_id}", status_code=303)


@router.get("/admin/departments/export.xlsx")
def export_departments(request: Request, user: Annotated[User, Depends(admin_only)]) -> Response:
    """Every department with its code, users, when it was made and what it merged into."""
    listed = web_store(request).departments()
    named = {d["id"]: d["name"] for d in listed}
    header = ("Tên", "Mã", "Người dùng", "Ngày tạo", "Đã gộp vào", "Ngày gộp")
    rows = [
        (
            d["name"],
            d["code"],
            d["members"],
            d["created_at"],
            named.get(d["merged_into"], ""),
            d["merged_at"],
        )
        for d in listed
    ]
    return xlsx_response("baochi-phong-ban.xlsx", "Phòng ban", header, rows)


@router.post("/admin/departments")
def add_department(
    request: Request,
    user: Annotated[User, Depends(admin_only)],
    name: Annotated[str, Form()],
    code: Annotated[str, Form()] = "",
) -> Response:
    """Add a department (audited); a name or code that one already has is refused, so that
    an officer is never put in a second "Sở Xây dựng" that no case is routed to."""
    name, wrong = _department_name(name)
    code = code.strip()[:MAX_CODE]
    web = web_store(request)
    typed = {"name": name, "code": code}
    if wrong is not None:
        return departments_page(request, wrong, 422, typed)
    clash = _clash(web, name, code)
    if clash is not None:
        return departments_page(request, clash, 409, typed)
    dept_id, made = web.add_department(name, code)
    if made:  # not when a second click at the same moment found it made
        audit(web, user, "department.add", f"department:{dept_id}", None, {"name": name})
    return RedirectResponse(done("/admin/departments", "department-added"), status_code=303)


@router.post("/admin/departments/{dept_id:id}")
def rename_department(
    request: Request,
    dept_id: int,
    user: Annotated[User, Depends(admin_only)],
    name: Annotated[str, Form()],
    code: Annotated[str, Form()] = "",
) -> Response:
    """Rename a department, as the 2025 reform renamed and merged them (audited); its users and
    cases stay with it. A name or code another department has is refused."""
    name, wrong = _department_name(name)
    code = code.strip()[:MAX_CODE]
    web = web_store(request)
    if wrong is not None:
        return departments_page(request, wrong, 422)
    clash = _clash(web, name, code, dept_id)
    if clash is not None:
        return departments_page(request, clash, 409)
    before = web.rename_department(dept_id, name, code)
    if before is None:
        raise HTTPException(404)
    if before != {"name": name, "code": code}:
        after = {"name": name, "code": code}
        audit(web, user, "department.edit", f"department:{dept_id}", before, after)
    return RedirectResponse(done("/admin/departments", "department-renamed"), status_code=303)


@router.post("/admin/departments/{dept_id:id}/merge")
def merge_department(
    request: Request,
    dept_id: int,
    user: Annotated[User, Depends(admin_only)],
    into: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    """Merge a department into another (audited): its users, cases not yet closed, watchlists
    and alert rules move there; its closed cases stay its own."""
    web = web_store(request)
    target = row_id(into)
    if target is None or not confirm:
        return departments_page(request, Phrase("Chọn phòng ban nhận và xác nhận việc gộp."), 422)
    names = {d["id"]: d["name"] for d in web.departments()}
    if dept_id not in names:
        raise HTTPException(404)
    try:
        moved = merge(web.engine, dept_id, target)
    except MergeError as exc:
        return departments_page(request, phrase_of(exc), 409)
    after = {"name": names[dept_id], "merged_into": names[target], **asdict(moved)}
    audit(web, user, "department.merge", f"department:{dept_id}", None, after)
    return RedirectResponse(done("/admin/departments", "department-merged"), status_code=303)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Whose entries, of which action, about which object ("document:123", or as the page
    names it, "Bài báo #123"): as the audit page's form and links carry them; empty for all."""

    who: str = ""
    action: str = ""
    entity: str = ""

    @property
    def params(self) -> dict[str, str]:
        """The filter as query parameters, the empty ones left out."""
        given = {"who": self.who, "action": self.action, "entity": self.entity}
        return {name: value for name, value in given.items() if value}


def audit_filter(who: str = "", action: str = "", entity: str = "") -> AuditFilter:
    """The filter a request asks for, each part trimmed and capped at its column's width."""
    return AuditFilter(who.strip()[:100], action.strip()[:100], entity.strip()[:200])


Filtered = Annotated[AuditFilter, Depends(audit_filter)]


@dataclass(frozen=True, slots=True)
class AuditRow:
    """An audit entry as people read it: its action's name, the fields that changed, and whom
    a "user:7" or "department:4" is."""

    e: dict[str, Any]
    label: str
    changes: list[audit_view.Change]
    named: str


def _entries(
    request: Request, shown: AuditFilter, lang: str, limit: int, before: int | None = None
) -> list[dict[str, Any]]:
    """The entries of the filter shown, its object read as typed in the page's language."""
    entity = audit_view.entity_code(shown.entity, lang)
    return web_store(request).audit_entries(limit, before, shown.who, shown.action, entity)


def _readable(request: Request, entries: Sequence[dict[str, Any]], lang: str) -> list[AuditRow]:
    """Each entry named in the language `lang`: its action, its changes and its object."""
    web = web_store(request)
    labels = audit_view.LABELS | request.app.state.audit_labels
    departments = {d["id"]: d["name"] for d in web.departments()}
    # whom "user:7" and "department:4" are, beside the id the filter links by
    named = {f"user:{u.id}": u.username for u in web.users()}
    named |= {f"department:{i}": name for i, name in departments.items()}
    return [
        AuditRow(
            e,
            labels.get(e["action"], e["action"]),
            audit_view.changes(
                e["before"],
                e["after"],
                audit_view.naming(e["action"], departments, e["entity"], lang),
                lang,
            ),
            named.get(e["entity"], ""),
        )
        for e in entries
    ]


@router.get("/admin/audit")
def audit_log(
    request: Request,
    user: Annotated[User, Depends(admin_only)],
    shown: Filtered,
    before: RowId | None = None,
) -> Response:
    """Who changed what and when, newest first, a page at a time; one user's, one action's or
    one object's entries when asked."""
    lang = language(request, user.lang)  # the codes' names and yes/no read in it
    entries = _entries(request, shown, lang, AUDIT_PAGE, before)
    older = entries[-1]["id"] if len(entries) == AUDIT_PAGE else None
    labels = audit_view.LABELS | request.app.state.audit_labels
    users, actions = web_store(request).audit_names()
    context = {
        "title": "Quản trị",
        "tab": "audit",
        "rows": _readable(request, entries, lang),
        "older": older,
        "shown": shown,
        "users": users,
        "actions": [(a, labels.get(a, a)) for a in actions],
    }
    return render(request, "admin/audit.html", context)


AUDIT_COLUMNS = (
    "Thời điểm",
    "Người thực hiện",
    "Hành động",
    "Đối tượng",
    "Thay đổi",
    "Mã hành động",
    "Mã đối tượng",
    "Trước (JSON)",
    "Sau (JSON)",
)


def _changed(change: audit_view.Change) -> str:
    """One change as a line of the export: "Tình trạng: Hoạt động → Đã khoá"."""
    label = change.label or change.field
    was = f"{change.before} → " if change.before else ""
    return f"{label}: {was}{change.after or '—'}" if label else f"{was}{change.after}"


@router.get("/admin/audit/export.xlsx")
def export_audit(
    request: Request, user: Annotated[User, Depends(admin_only)], shown: Filtered
) -> Response:
    """The latest 10,000 audit entries (of the filter shown) as an Excel workbook, in the words
    the page reads, the codes and records kept beside them; saying so when there are more."""
    latest = _entries(request, shown, DEFAULT, AUDIT_EXPORT + 1)
    listed, preface = newest_only(latest, AUDIT_EXPORT, "mục nhật ký")
    rows = [
        (
            r.e["at"],
            audit_view.actor_name(r.e["username"]),
            r.label,
            audit_view.entity_name(r.e["entity"]) + (f" ({r.named})" if r.named else ""),
            "\n".join(_changed(c) for c in r.changes),
            r.e["action"],
            r.e["entity"],
            r.e["before"],
            r.e["after"],
        )
        for r in _readable(request, listed, DEFAULT)
    ]
    return xlsx_response("baochi-nhat-ky.xlsx", "Nhật ký", AUDIT_COLUMNS, rows, preface)


@router.get("/admin/backups")
def backups_page(request: Request, user: Annotated[User, Depends(admin_only)]) -> Response:
    """The nightly backups kept, whether the newest is late, and one being made by hand."""
    settings = request.app.state.settings
    hours, minutes = divmod(round(settings.backup_hour * 60), 60)
    context = {
        "title": "Quản trị",
        "tab": "backups",
        "backups": backup.status(settings, dt.datetime.now(dt.UTC)),
        "job": request.app.state.backup,
        "hour": f"{hours:02d}:{minutes:02d}",
    }
    return render(request, "admin/backups.html", context)


@router.post("/admin/backups")
def back_up_now(request: Request, user: Annotated[User, Depends(admin_only)]) -> Response:
    """Start a backup now (before a risky change, say), in the background (audited); a click
    while one runs starts nothing."""
    settings = request.app.state.settings
    if not settings.backup_dir:
        raise HTTPException(409, "chưa đặt thư mục sao lưu (BAOCHI_BACKUP_DIR)")
    if request.app.state.backup.start(settings):
        audit(web_store(request), user, "backup.start", f"backup:{settings.backup_dir}")
    return RedirectResponse("/admin/backups", status_code=303)


@router.get("/admin/settings")
def settings_page(request: Request, user: Annotated[User, Depends(admin_only)]) -> Response:
    """The settings in force with their help (changed in the TOML file or BAOCHI_* variables)."""
    rows = describe(request.app.state.settings)
    return render(
        request, "admin/settings.html", {"title": "Quản trị", "tab": "settings", "rows": rows}
    )
