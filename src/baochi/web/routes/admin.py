"""Quản trị: users, departments, roles, the audit log, the backups and the settings in force
(admins only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from baochi.db import backup
from baochi.db.row_ids import RowId, row_id
from baochi.db.web_store import User, WebStore, audit
from baochi.settings import describe
from baochi.web import audit_view
from baochi.web.auth import ADMIN, ROLES, require, web_store
from baochi.web.departments import MergeError
from baochi.web.departments import merge_department as merge
from baochi.web.exports import newest_only, xlsx_response
from baochi.web.i18n import language
from baochi.web.templating import NavItem, done, render
from baochi.web.users import UserError, change_user, create_user_once, reset_password

router = APIRouter(include_in_schema=False)
NAV = (NavItem(100, "/admin", "Quản trị", (ADMIN,)),)
admin_only = require(ADMIN)
AUDIT_PAGE = 100
AUDIT_EXPORT = 10_000


def users_page(request: Request, message: str = "", error: str = "", status: int = 200) -> Response:
    """The users table with the forms to add and change them."""
    web = web_store(request)
    context = {
        "title": "Quản trị",
        "tab": "users",
        "users": web.users(),
        "departments": web.departments(current=True),  # to put a user in
        "message": message,
        "error": error,
    }
    return render(request, "admin/users.html", context, status)


@router.get("/admin")
def admin_home(user: Annotated[User, Depends(admin_only)]) -> Response:
    """Administration starts at the users."""
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/users")
def list_users(request: Request, user: Annotated[User, Depends(admin_only)]) -> Response:
    """Every user, role and department."""
    return users_page(request)


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
        return users_page(request, error=str(exc), status=422)
    return users_page(request, message=f"{created.username}: {password}")


@router.post("/admin/users/{user_id:id}")
def update_user(
    request: Request,
    user_id: int,
    user: Annotated[User, Depends(admin_only)],
    action: Annotated[str, Form()],
    role: Annotated[str, Form()] = "",
    department_id: Annotated[str, Form()] = "",
) -> Response:
    """Change a role or department, lock, unlock, or reset a password."""
    web = web_store(request)
    try:
        if action == "password":
            password = reset_password(web, user, user_id)
            target = web.user(user_id)
            return users_page(request, message=f"{target.username if target else ''}: {password}")
        if action == "lock":
            change_user(web, user, user_id, active=False)
        elif action == "unlock":
            change_user(web, user, user_id, active=True)
        elif action == "save":
            dept = row_id(department_id)
            change_user(web, user, user_id, role=role or None, department_id=dept)
        else:
            raise UserError("Yêu cầu không hợp lệ.")
    except UserError as exc:
        return users_page(request, error=str(exc), status=422)
    said = {"lock": "user-locked", "unlock": "user-unlocked", "save": "user-saved"}[action]
    return RedirectResponse(done("/admin/users", said), status_code=303)


def departments_page(request: Request, error: str = "", status: int = 200) -> Response:
    """The departments tab, with what went wrong if anything."""
    context = {
        "title": "Quản trị",
        "tab": "departments",
        "departments": web_store(request).departments(),
        "error": error,
    }
    return render(request, "admin/departments.html", context, status)


def _taken(web: WebStore, dept_id: int) -> str:
    """Why a name or code cannot be another department's: whose it is, or was before a merge."""
    named = {d["id"]: d["name"] for d in web.departments()}
    heir = web.successor(dept_id)
    if heir == dept_id:
        return f"Phòng ban «{named[dept_id]}» đã có."
    return f"Phòng ban «{named[dept_id]}» đã gộp vào «{named[heir]}»."


@router.get("/admin/departments")
def departments(request: Request, user: Annotated[User, Depends(admin_only)]) -> Response:
    """The city's departments that cases are routed to."""
    return departments_page(request)


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
    name, code = " ".join(name.split())[:300], code.strip()[:50]
    web = web_store(request)
    same = web.department_named(name) or (web.department_named(code) if code else None)
    if same is not None:
        return departments_page(request, _taken(web, same), 409)
    if name:
        dept_id, made = web.add_department(name, code)
        if made:  # not when a second click at the same moment found it made
            audit(web, user, "department.add", f"department:{dept_id}", None, {"name": name})
        return RedirectResponse(done("/admin/departments", "department-added"), status_code=303)
    return RedirectResponse("/admin/departments", status_code=303)


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
    name, code = " ".join(name.split())[:300], code.strip()[:50]
    web = web_store(request)
    if not name:
        return departments_page(request, "Cần tên phòng ban.", 422)
    other = {web.department_named(name), web.department_named(code) if code else None}
    other -= {None, dept_id}
    if other:
        known = next(d["name"] for d in web.departments() if d["id"] in other)
        return departments_page(request, f"Phòng ban «{known}» đã có tên hay mã này.", 409)
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
        return departments_page(request, "Chọn phòng ban nhận và xác nhận việc gộp.", 422)
    names = {d["id"]: d["name"] for d in web.departments()}
    if dept_id not in names:
        raise HTTPException(404)
    try:
        moved = merge(web.engine, dept_id, target)
    except MergeError as exc:
        return departments_page(request, str(exc), 409)
    after = {"name": names[dept_id], "merged_into": names[target], **asdict(moved)}
    audit(web, user, "department.merge", f"department:{dept_id}", None, after)
    return RedirectResponse(done("/admin/departments", "department-merged"), status_code=303)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Whose entries, of which action, about which object ("document:123"): as the audit page's
    form and links carry them; empty for all."""

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


@router.get("/admin/audit")
def audit_log(
    request: Request,
    user: Annotated[User, Depends(admin_only)],
    shown: Filtered,
    before: RowId | None = None,
) -> Response:
    """Who changed what and when, newest first, a page at a time; one user's, one action's or
    one object's entries when asked."""
    web = web_store(request)
    entries = web.audit_entries(AUDIT_PAGE, before, shown.who, shown.action, shown.entity)
    older = entries[-1]["id"] if len(entries) == AUDIT_PAGE else None
    labels = audit_view.LABELS | request.app.state.audit_labels
    departments = {d["id"]: d["name"] for d in web.departments()}
    lang = language(request, user.lang)  # the codes' names and yes/no read in it
    # whom "user:7" and "department:4" are, beside the id the filter links by
    named = {f"user:{u.id}": u.username for u in web.users()}
    named |= {f"department:{i}": name for i, name in departments.items()}
    rows = [
        (
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
    users, actions = web.audit_names()
    context = {
        "title": "Quản trị",
        "tab": "audit",
        "rows": rows,
        "older": older,
        "shown": shown,
        "users": users,
        "actions": [(a, labels.get(a, a)) for a in actions],
    }
    return render(request, "admin/audit.html", context)


@router.get("/admin/audit/export.xlsx")
def export_audit(
    request: Request, user: Annotated[User, Depends(admin_only)], shown: Filtered
) -> Response:
    """The latest 10,000 audit entries (of the filter shown) as an Excel workbook, saying so
    when there are more."""
    header = ("Thời điểm", "Người thực hiện", "Hành động", "Đối tượng", "Trước", "Sau")
    latest = web_store(request).audit_entries(
        AUDIT_EXPORT + 1, None, shown.who, shown.action, shown.entity
    )
    listed, preface = newest_only(latest, AUDIT_EXPORT, "mục nhật ký")
    rows = [
        (e["at"], e["username"], e["action"], e["entity"], e["before"], e["after"]) for e in listed
    ]
    return xlsx_response("baochi-nhat-ky.xlsx", "Nhật ký", header, rows, preface)


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
