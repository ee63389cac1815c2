"""Creating and changing users, shared by the admin pages and `baochi users add`."""

from __future__ import annotations

import datetime as dt
import re

from baochi.db.turns import REPEAT_WINDOW
from baochi.db.web_store import User, WebStore, audit
from baochi.phrase import Phrase
from baochi.web.auth import ADMIN, OFFICER, ROLES, hash_password, new_password

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MIN_PASSWORD = 10
NO_DEPARTMENT = "Cán bộ sở, ngành phải thuộc một phòng ban."


class UserError(ValueError):
    """A user that cannot be created as asked; the message is shown to the person asking."""


class DepartmentMissing(UserError):
    """An officer given no department: the CLI names its option, the pages their field."""

    def __init__(self) -> None:
        super().__init__(NO_DEPARTMENT)


def create_user(
    web: WebStore,
    username: str,
    role: str,
    department: str = "",
    password: str | None = None,
    display_name: str = "",
    actor: User | str | None = None,
) -> tuple[User, str]:
    """Create a user (and their department on first sight); returns it with its password."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise UserError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, '.', '_' hoặc '-'.")
    if role not in ROLES:
        raise UserError(Phrase("Vai trò phải là một trong: {roles}.", roles=", ".join(ROLES)))
    if role == OFFICER and not department.strip():
        raise DepartmentMissing()
    if web.user_by_name(username) is not None:
        raise UserError(Phrase("Người dùng «{name}» đã có.", name=username))
    password = password or new_password()
    if len(password) < MIN_PASSWORD:
        raise UserError(Phrase("Mật khẩu cần ít nhất {least} ký tự.", least=MIN_PASSWORD))
    named = " ".join(department.split())
    department_id = web.add_department(named)[0] if named else None
    user_id = web.add_user(username, role, hash_password(password), department_id, display_name)
    user = web.user(user_id)
    assert user is not None
    after = {"username": username, "role": role, "department": user.department}
    audit(web, actor, "user.add", f"user:{user_id}", None, after)
    return user, password


def create_user_once(
    web: WebStore, actor: User, username: str, role: str, department: str, display_name: str
) -> tuple[User, str]:
    """create_user for the administrator's form. The same form sent again (a second click)
    finds the user it made, not yet signed in: the first answer, which showed the password,
    is gone with the first click, so the user gets a new password to show instead."""
    try:
        return create_user(web, username, role, department, None, display_name, actor)
    except UserError:
        made = web.unused_user(username.strip().lower(), dt.datetime.now(dt.UTC) - REPEAT_WINDOW)
        same = (role, web.department_named(" ".join(department.split())), display_name)
        if made is None or (made.role, made.department_id, made.display_name) != same:
            raise
        return made, reset_password(web, actor, made.id)


def ensure_admin(web: WebStore) -> str | None:
    """On the first run, create the administrator `admin` and return its password."""
    if web.count_users():
        return None
    _, password = create_user(web, "admin", ADMIN, display_name="Quản trị viên", actor="system")
    return password


def change_user(web: WebStore, actor: User, user_id: int, **changes: object) -> User:
    """Change a user's role, department, display name or active flag (audited; sessions end
    when locked). A role, name or flag given as None is kept; a department given as None is
    taken away."""
    before = web.user(user_id)
    if before is None:
        raise UserError("Không có người dùng này.")
    role = changes.get("role")
    if user_id == actor.id and (changes.get("active") is False or role not in (None, ADMIN)):
        raise UserError("Không thể tự khoá hoặc tự bỏ quyền quản trị của mình.")
    if role is not None and role not in ROLES:
        raise UserError("Vai trò không hợp lệ.")
    department = changes.get("department_id", before.department_id)
    if "department_id" in changes and (role or before.role) == OFFICER and department is None:
        raise DepartmentMissing()
    web.update_user(
        user_id, **{k: v for k, v in changes.items() if v is not None or k == "department_id"}
    )
    if changes.get("active") is False or role not in (None, before.role):
        web.end_sessions(user_id=user_id)
    after = web.user(user_id)
    assert after is not None
    fields = ("display_name", "role", "department", "active")
    audit(
        web,
        actor,
        "user.change",
        f"user:{user_id}",
        {f: getattr(before, f) for f in fields},
        {f: getattr(after, f) for f in fields},
    )
    return after


def reset_password(web: WebStore, actor: User, user_id: int) -> str:
    """Give a user a new random password (shown once), end their sessions and revoke their
    API tokens: a reset is for an account someone else may hold, and a token outlives it."""
    if web.user(user_id) is None:
        raise UserError("Không có người dùng này.")
    password = new_password()
    web.update_user(user_id, password_hash=hash_password(password))
    web.end_sessions(user_id=user_id)
    revoked = web.revoke_tokens(user_id)
    audit(web, actor, "user.password_reset", f"user:{user_id}", after={"tokens_revoked": revoked})
    return password
