"""The web application's SQL: users, sessions, tokens, audit, labels, flags, dashboard figures.

SQLAlchemy Core only, so the same statements run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Engine,
    Integer,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement

from baochi.db import schema_web
from baochi.db.schema import (
    IS_ARTICLE,
    documents,
    fetch_attempts,
    outlets,
    sources,
    urls,
    workers,
)
from baochi.db.schema_web import (
    api_tokens,
    audit_log,
    departments,
    flags,
    login_failures,
    users,
    web_sessions,
)
from baochi.db.store import DOCUMENT_COLUMNS, UP_FRONT, DocumentRow, Store, now
from baochi.db.stories_store import StoryStore
from baochi.db.turns import FLAGS, TOKENS, take_turns
from baochi.records import AREA_SEPARATOR, split_areas
from baochi.vi import fold
from baochi.vi.place_names import HANOI
from baochi.vi.places import units_named

corrections_t = schema_web.label_corrections
HANOI_OFFSET_HOURS = 7
# An article's outcome is marked while its source's attempt runs; the attempt's own clock
# (monotonic) and the marks' (wall) may differ by this much.
ATTEMPT_SLACK = dt.timedelta(seconds=2)  # Asia/Ho_Chi_Minh has had no daylight saving since 1975


@dataclass(frozen=True, slots=True)
class User:
    """Who is asking: the identity every page and API call is authorised against."""

    id: int
    username: str
    display_name: str
    role: str
    department_id: int | None
    department: str
    active: bool
    lang: str

    @property
    def label(self) -> str:
        """The name to show: the display name, else the login."""
        return self.display_name or self.username


_USER_COLUMNS = (
    users.c.id,
    users.c.username,
    users.c.display_name,
    users.c.role,
    users.c.department_id,
    func.coalesce(departments.c.name, "").label("department"),
    users.c.active,
    users.c.lang,
)


def _spaced(name: str) -> str:
    return " ".join(name.split())


# How a typed department name is matched, strictest first: its text, then without case, then
# without diacritics as well.
_LOOSER = (_spaced, lambda t: _spaced(t).casefold(), lambda t: fold(_spaced(t)))


def _users_query() -> Any:
    return select(*_USER_COLUMNS).outerjoin(departments, departments.c.id == users.c.department_id)


def _local_day(column: Any, dialect: str) -> ColumnElement[Any]:
    """The Hà Nội calendar day of a UTC timestamp column, computed in SQL."""
    if dialect == "postgresql":
        return cast(column + literal(dt.timedelta(hours=HANOI_OFFSET_HOURS)), Date)
    return func.date(column, f"+{HANOI_OFFSET_HOURS} hours")


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)


def audit(
    target: Connection | Engine | Store | WebStore,
    user: User | str | None,
    action: str,
    entity: str,
    before: Any = None,
    after: Any = None,
) -> None:
    """Write one audit entry (who, what, when, before/after as JSON), inside `target`'s transaction
    when it is a connection, so the change and its record commit together."""
    row = {
        "at": now(),
        "user_id": user.id if isinstance(user, User) else None,
        "username": user.username if isinstance(user, User) else (user or "system"),
        "action": action,
        "entity": entity,
        "before": _json(before),
        "after": _json(after),
    }
    if isinstance(target, Connection):
        target.execute(insert(audit_log).values(**row))
        return
    engine = target if isinstance(target, Engine) else target.engine
    with engine.begin() as conn:
        conn.execute(insert(audit_log).values(**row))


def label_corrections(engine: Engine) -> list[dict[str, Any]]:
    """The analysts' latest label per (document, task), oldest first, for training the models."""
    latest = (
        select(func.max(corrections_t.c.id))
        .group_by(corrections_t.c.document_id, corrections_t.c.task)
        .scalar_subquery()
    )
    query = (
        select(
            corrections_t.c.document_id,
            corrections_t.c.task,
            corrections_t.c.label,
            corrections_t.c.username.label("user"),
            corrections_t.c.at,
        )
        .where(corrections_t.c.id.in_(latest))
        .order_by(corrections_t.c.id)
    )
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


def _current_corrections(
    conn: Connection, document_ids: Sequence[int]
) -> dict[tuple[int, str], tuple[str, str]]:
    """(label, username) of the latest correction of each (document, task) of these documents."""
    found = {}
    for start in range(0, len(document_ids), 500):
        chunk = document_ids[start : start + 500]
        latest = (
            select(func.max(corrections_t.c.id))
            .where(corrections_t.c.document_id.in_(chunk))
            .group_by(corrections_t.c.document_id, corrections_t.c.task)
        )
        query = select(
            corrections_t.c.document_id,
            corrections_t.c.task,
            corrections_t.c.label,
            corrections_t.c.username,
        ).where(corrections_t.c.id.in_(latest))
        for document_id, task, label, username in conn.execute(query):
            found[(document_id, task)] = (label, username)
    return found


class WebStore:
    """Reads and writes of the web tables over the shared engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def _one(self, query: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(query).first()

    def _all(self, query: Any) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    # -- departments and users -----------------------------------------------------------

    def department_named(self, name: str) -> int | None:
        """The department a typed name or code means: the same text, else the one it is whatever
        the case, else the one it is without diacritics; None when none or several are."""
        if not name.strip():
            return None
        rows = self._all(select(departments.c.id, departments.c.name, departments.c.code))
        for key in _LOOSER:
            wanted = key(name)
            found = [int(r["id"]) for r in rows if wanted in (key(r["name"]), key(r["code"]))]
            if len(found) == 1:
                return found[0]
        return None

    def add_department(self, name: str, code: str = "") -> tuple[int, bool]:
        """(id, created?): the department the name or code already means, else a new one (or
        the one a request sent at the same moment made: names are unique)."""
        found = self.department_named(name) or (self.department_named(code) if code else None)
        if found is not None:
            return self.successor(found), False
        try:
            with self.engine.begin() as conn:
                made = conn.execute(
                    insert(departments)
                    .values(name=name, code=code, created_at=now())
                    .returning(departments.c.id)
                ).scalar_one()
                return int(made), True
        except IntegrityError:
            twin = self.department_named(name)
            if twin is None:
                raise
            return twin, False

    def rename_department(self, dept_id: int, name: str, code: str) -> dict[str, Any] | None:
        """Give a department a new name and code (its users and cases stay with it); the name
        and code it had, or None when there is no such department."""
        with self.engine.begin() as conn:
            before = conn.execute(
                select(departments.c.name, departments.c.code).where(departments.c.id == dept_id)
            ).first()
            if before is None:
                return None
            conn.execute(
                update(departments).where(departments.c.id == dept_id).values(name=name, code=code)
            )
        return dict(before._mapping)

    def successor(self, dept_id: int) -> int:
        """The department that carries on a merged one's work (itself when not merged)."""
        rows = self._all(select(departments.c.id, departments.c.merged_into))
        merged = {int(r["id"]): r["merged_into"] for r in rows}
        while merged.get(dept_id) is not None:  # no cycle: none merges into a merged one
            dept_id = int(merged[dept_id])
        return dept_id

    def departments(self, current: bool = False) -> list[dict[str, Any]]:
        """Every department (only those not merged into another when `current`) with its
        number of users, by name."""
        members = (
            select(func.count())
            .where(users.c.department_id == departments.c.id)
            .scalar_subquery()
            .label("members")
        )
        query = select(departments, members).order_by(departments.c.name)
        if current:
            query = query.where(departments.c.merged_into.is_(None))
        return self._all(query)

    def add_user(
        self,
        username: str,
        role: str,
        password_hash: str,
        department_id: int | None = None,
        display_name: str = "",
    ) -> int:
        """Create a user; the username must be new."""
        with self.engine.begin() as conn:
            return int(
                conn.execute(
                    insert(users)
                    .values(
                        username=username,
                        role=role,
                        password_hash=password_hash,
                        department_id=department_id,
                        display_name=display_name,
                        created_at=now(),
                    )
                    .returning(users.c.id)
                ).scalar_one()
            )

    def user(self, user_id: int) -> User | None:
        """A user by id."""
        row = self._one(_users_query().where(users.c.id == user_id))
        return None if row is None else User(**row._mapping)

    def user_by_name(self, username: str) -> User | None:
        """A user by login name."""
        row = self._one(_users_query().where(users.c.username == username))
        return None if row is None else User(**row._mapping)

    def unused_user(self, username: str, since: dt.datetime) -> User | None:
        """A user by login name, if made since then and never signed in."""
        query = _users_query().where(
            users.c.username == username,
            users.c.created_at >= since,
            users.c.last_login_at.is_(None),
        )
        row = self._one(query)
        return None if row is None else User(**row._mapping)

    def password_hash(self, user_id: int) -> str:
        """The stored password hash, read only when checking a login."""
        return str(self._one(select(users.c.password_hash).where(users.c.id == user_id))[0])

    def users(self) -> list[User]:
        """Every user, by login name."""
        with self.engine.connect() as conn:
            rows = conn.execute(_users_query().order_by(users.c.username))
            return [User(**row._mapping) for row in rows]

    def count_users(self) -> int:
        """How many users exist (none on the first run)."""
        return int(self._one(select(func.count()).select_from(users))[0])

    def update_user(self, user_id: int, **values: Any) -> None:
        """Change a user's role, department, password hash, language or active flag."""
        with self.engine.begin() as conn:
            conn.execute(update(users).where(users.c.id == user_id).values(**values))

    # -- sessions, tokens, login throttling ----------------------------------------------

    def add_session(
        self, token_hash: str, user_id: int, csrf: str, expires_at: dt.datetime, ip: str
    ) -> None:
        """Remember a signed-in browser."""
        stamp = now()
        with self.engine.begin() as conn:
            conn.execute(delete(web_sessions).where(web_sessions.c.expires_at < stamp))
            conn.execute(
                insert(web_sessions).values(
                    token_hash=token_hash,
                    user_id=user_id,
                    csrf=csrf,
                    created_at=stamp,
                    expires_at=expires_at,
                    ip=ip,
                )
            )
            conn.execute(update(users).where(users.c.id == user_id).values(last_login_at=stamp))

    def session(self, token_hash: str) -> tuple[User, str] | None:
        """The active user of an unexpired session and its CSRF token."""
        query = (
            _users_query()
            .add_columns(web_sessions.c.csrf)
            .join(web_sessions, web_sessions.c.user_id == users.c.id)
            .where(
                web_sessions.c.token_hash == token_hash,
                web_sessions.c.expires_at > now(),
                users.c.active.is_(True),
            )
        )
        row = self._one(query)
        if row is None:
            return None
        values = dict(row._mapping)
        csrf = values.pop("csrf")
        return User(**values), csrf

    def end_sessions(
        self, token_hash: str | None = None, user_id: int | None = None, but: str = ""
    ) -> None:
        """Sign out one browser, or every browser of a user but the one whose hash is `but`."""
        where = (
            web_sessions.c.token_hash == token_hash
            if token_hash is not None
            else (web_sessions.c.user_id == user_id) & (web_sessions.c.token_hash != but)
        )
        with self.engine.begin() as conn:
            conn.execute(delete(web_sessions).where(where))

    def add_token(
        self,
        user_id: int,
        name: str,
        prefix: str,
        token_hash: str,
        repeat: dt.timedelta,
        lifetime: dt.timedelta,
    ) -> tuple[int, list[int]]:
        """Store a new API token by its hash, working for `lifetime`. A token of the same name
        made within `repeat` and never used is the same form sent twice: its secret went to an
        answer no one saw, so it is revoked (its id returned) rather than left working unseen."""
        stamp = now()
        with self.engine.begin() as conn:
            take_turns(conn, TOKENS, user_id)
            twins = self.fresh_tokens(conn, user_id, name, stamp - repeat)
            if twins:
                revoke = update(api_tokens).where(api_tokens.c.id.in_(twins))
                conn.execute(revoke.values(revoked_at=stamp))
            made = insert(api_tokens).values(
                user_id=user_id,
                name=name,
                prefix=prefix,
                token_hash=token_hash,
                created_at=stamp,
                expires_at=stamp + lifetime,
            )
            return int(conn.execute(made.returning(api_tokens.c.id)).scalar_one()), twins

    def fresh_tokens(
        self, conn: Connection, user_id: int, name: str, since: dt.datetime
    ) -> list[int]:
        """The user's live tokens of this name made since `since` and never used."""
        query = select(api_tokens.c.id).where(
            api_tokens.c.user_id == user_id,
            api_tokens.c.name == name,
            api_tokens.c.created_at >= since,
            api_tokens.c.last_used_at.is_(None),
            api_tokens.c.revoked_at.is_(None),
        )
        return list(conn.execute(query).scalars())

    def token_user(self, token_hash: str) -> User | None:
        """The active owner of an unrevoked, unexpired token, noting its use."""
        query = (
            _users_query()
            .join(api_tokens, api_tokens.c.user_id == users.c.id)
            .where(
                api_tokens.c.token_hash == token_hash,
                api_tokens.c.revoked_at.is_(None),
                api_tokens.c.expires_at > now(),
                users.c.active.is_(True),
            )
        )
        row = self._one(query)
        if row is None:
            return None
        with self.engine.begin() as conn:
            conn.execute(
                update(api_tokens)
                .where(api_tokens.c.token_hash == token_hash)
                .values(last_used_at=now())
            )
        return User(**row._mapping)

    def tokens(self, user_id: int) -> list[dict[str, Any]]:
        """A user's tokens (never their secrets), newest first."""
        query = (
            select(
                api_tokens.c.id,
                api_tokens.c.name,
                api_tokens.c.prefix,
                api_tokens.c.created_at,
                api_tokens.c.last_used_at,
                api_tokens.c.revoked_at,
                api_tokens.c.expires_at,
                (api_tokens.c.expires_at > now()).label("live"),
            )
            .where(api_tokens.c.user_id == user_id)
            .order_by(api_tokens.c.id.desc())
        )
        return self._all(query)

    def revoke_token(self, token_id: int, user_id: int) -> bool:
        """Revoke one of the user's own tokens; False if it is not theirs or already revoked."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(api_tokens)
                .where(
                    api_tokens.c.id == token_id,
                    api_tokens.c.user_id == user_id,
                    api_tokens.c.revoked_at.is_(None),
                )
                .values(revoked_at=now())
            )
        return bool(result.rowcount)

    def revoke_tokens(self, user_id: int) -> int:
        """Revoke every live token of a user; how many were live."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(api_tokens)
                .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
                .values(revoked_at=now())
            )
        return int(result.rowcount)

    def add_login_failure(self, keys: list[str]) -> None:
        """Count one failed login against each key (user name, address)."""
        stamp = now()
        with self.engine.begin() as conn:
            conn.execute(insert(login_failures), [{"key": k, "at": stamp} for k in keys])

    def login_failures(self, key: str, since: dt.datetime) -> int:
        """Failed logins for a key since a time."""
        query = select(func.count()).where(
            login_failures.c.key == key, login_failures.c.at >= since
        )
        return int(self._one(query)[0])

    def clear_login_failures(self, key: str) -> None:
        """Forget a key's failures after a successful login."""
        with self.engine.begin() as conn:
            conn.execute(delete(login_failures).where(login_failures.c.key == key))

    # -- audit ---------------------------------------------------------------------------

    def audit_entries(
        self,
        limit: int = 100,
        before_id: int | None = None,
        username: str = "",
        action: str = "",
        entity: str = "",
    ) -> list[dict[str, Any]]:
        """The audit log, newest first, a page at a time; only one user's, one action's or one
        object's entries when asked."""
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if before_id is not None:
            query = query.where(audit_log.c.id < before_id)
        for column, wanted in (
            (audit_log.c.username, username),
            (audit_log.c.action, action),
            (audit_log.c.entity, entity),
        ):
            if wanted:
                query = query.where(column == wanted)
        return self._all(query)

    def audit_names(self) -> tuple[list[str], list[str]]:
        """The users and the actions the audit log holds, each sorted: what it can be read by."""
        with self.engine.connect() as conn:
            users = conn.execute(select(audit_log.c.username).distinct()).scalars().all()
            actions = conn.execute(select(audit_log.c.action).distinct()).scalars().all()
        return sorted(users), sorted(actions)

    # -- documents, labels, flags --------------------------------------------------------

    def document(self, doc_id: int) -> DocumentRow | None:
        """One stored document with its outlet's name."""
        query = (
            select(*DOCUMENT_COLUMNS)
            .outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
            .where(documents.c.id == doc_id)
        )
        row = self._one(query)
        return None if row is None else DocumentRow(**row._mapping)

    def documents_page(self, limit: int, before_id: int | None = None) -> list[DocumentRow]:
        """Documents newest first by id, starting below a cursor: stable while new ones arrive."""
        query = select(*DOCUMENT_COLUMNS).outerjoin(outlets, outlets.c.id == documents.c.outlet_id)
        if before_id is not None:
            query = query.where(documents.c.id < before_id)
        query = query.order_by(documents.c.id.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [DocumentRow(**row._mapping) for row in conn.execute(query)]

    def machine_labels(self, document_id: int) -> dict[str, Any]:
        """The analysis labels of a document (topic, tone, place, Hà Nội, story, and the areas
        named up front as a tuple), as the pipeline gave them; empty when it has none yet. Of a
        corrected label, the one its first correction replaced."""
        cols = documents.c
        query = select(
            cols.topic, cols.tone, cols.place, cols.hanoi, cols.story_id, cols.areas
        ).where(cols.id == document_id)
        row = self._one(query)
        found = {} if row is None else dict(row._mapping)
        found["areas"] = split_areas(found.get("areas")) or None
        first: dict[str, str | None] = {}
        for correction in self.corrections(document_id):  # newest first: the oldest stays
            first[correction["task"]] = correction["replaced"]
        for task, replaced in first.items():
            if replaced is not None and task in found:  # None: kept before they were applied
                found[task] = replaced or None
                if task == "place":
                    found["hanoi"] = replaced == HANOI if replaced else None
        return {k: v for k, v in found.items() if v is not None}

    def add_correction(self, document_id: int, task: str, label: str, user: User) -> None:
        """Record an analyst's label with the one it replaces, write it to the document so that
        search, the dashboard and reports use it from now on, and audit it: one transaction."""
        with self.engine.begin() as conn:
            story = self._correct(conn, document_id, task, label, user)
            if story is not None:
                StoryStore(self.engine).resummarise(conn, story)

    def add_corrections(self, rows: Sequence[tuple[int, str, str, User]]) -> tuple[int, int]:
        """Record many corrections (document id, task, label, user), in order, as add_correction
        does, in one transaction: all or none. One that is the document's current correction of
        that task already (same label, same user) is not added again, so a file imported twice
        adds nothing the second time; the same label by another user is added, kept with who
        and when. (added, already so)."""
        stories: set[int] = set()
        added = 0
        with self.engine.begin() as conn:
            current = _current_corrections(conn, sorted({row[0] for row in rows}))
            for document_id, task, label, user in rows:
                if current.get((document_id, task)) == (label, user.username):
                    continue
                story = self._correct(conn, document_id, task, label, user)
                if story is not None:
                    stories.add(story)
                current[(document_id, task)] = (label, user.username)
                added += 1
            for story in sorted(stories):  # once each, after all its articles' corrections
                StoryStore(self.engine).resummarise(conn, story)
        return added, len(rows) - added

    def _correct(
        self, conn: Connection, document_id: int, task: str, label: str, user: User
    ) -> int | None:
        """Write one correction in `conn`'s transaction; the document's story, to recount."""
        column = documents.c.get(task)
        replaced = story = None
        if column is not None:
            where = documents.c.id == document_id
            row = conn.execute(select(column, documents.c.story_id).where(where)).first()
            replaced, story = (row[0] or "", row[1]) if row else ("", None)
            values: dict[str, Any] = {task: label}
            if task == "place":  # its districts and wards are those of the new place
                named = select(documents.c.title, UP_FRONT).where(where)
                title, text = conn.execute(named).one()
                areas = sorted(units_named(title, text or "", label))
                values |= {"hanoi": label == HANOI, "areas": AREA_SEPARATOR.join(areas)}
            conn.execute(update(documents).where(where).values(**values))
        conn.execute(
            insert(corrections_t).values(
                document_id=document_id,
                task=task,
                label=label,
                user_id=user.id,
                username=user.username,
                at=now(),
                replaced=replaced,
            )
        )
        # what it replaces, the model's label the first time: the audit shows "from → to"
        before = None if replaced is None else {task: replaced}
        audit(conn, user, "label.correct", f"document:{document_id}", before, {task: label})
        return story

    def corrections(self, document_id: int) -> list[dict[str, Any]]:
        """Every correction of a document, newest first."""
        query = (
            select(corrections_t)
            .where(corrections_t.c.document_id == document_id)
            .order_by(corrections_t.c.id.desc())
        )
        return self._all(query)

    def labels(self, document_id: int) -> dict[str, dict[str, Any]]:
        """The current corrected label per task, with who set it and when."""
        current: dict[str, dict[str, Any]] = {}
        for row in reversed(self.corrections(document_id)):
            current[row["task"]] = {"label": row["label"], "user": row["username"], "at": row["at"]}
        return current

    def repeated_flag(
        self, conn: Connection, document_id: int, user_id: int, note: str
    ) -> int | None:
        """The user's open flag with this note on the document, if there is one."""
        same = select(flags.c.id).where(
            flags.c.document_id == document_id,
            flags.c.user_id == user_id,
            flags.c.note == note,
            flags.c.resolved_at.is_(None),
        )
        found: int | None = conn.execute(same.limit(1)).scalar()
        return found

    def add_flag(self, document_id: int, note: str, user: User) -> int:
        """Flag a document for attention, audited; the user's open flag with the same note on
        it is returned instead of a twin (a second click, or the browser sending it again)."""
        with self.engine.begin() as conn:
            take_turns(conn, FLAGS, user.id)
            if (repeated := self.repeated_flag(conn, document_id, user.id, note)) is not None:
                return repeated
            flag_id = int(
                conn.execute(
                    insert(flags)
                    .values(
                        document_id=document_id,
                        note=note,
                        user_id=user.id,
                        username=user.username,
                        at=now(),
                    )
                    .returning(flags.c.id)
                ).scalar_one()
            )
            audit(conn, user, "flag.add", f"document:{document_id}", None, {"note": note})
        return flag_id

    def resolve_flags(self, document_id: int, user: User) -> int:
        """Mark a document's open flags handled, audited; how many there were."""
        with self.engine.begin() as conn:
            open_flags = (flags.c.document_id == document_id) & flags.c.resolved_at.is_(None)
            done = conn.execute(update(flags).where(open_flags).values(resolved_at=now())).rowcount
            if done:
                after = {"flags": done}
                audit(conn, user, "flag.resolve", f"document:{document_id}", None, after)
        return int(done)

    def flagged(self, limit: int, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """How many articles have open flags, and the most recently flagged of them (from
        `offset`): each with its title, its open flags' count and the latest one's note, user
        and time."""
        open_flags = flags.c.resolved_at.is_(None)
        per_document = (
            select(
                flags.c.document_id,
                func.count().label("count"),
                func.max(flags.c.id).label("latest"),
            )
            .where(open_flags)
            .group_by(flags.c.document_id)
            .subquery()
        )
        query = (
            select(
                flags.c.document_id,
                flags.c.note,
                flags.c.username,
                flags.c.at,
                per_document.c.count,
                documents.c.title,
            )
            .join(per_document, per_document.c.latest == flags.c.id)
            .join(documents, documents.c.id == flags.c.document_id)
            .order_by(flags.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            total = conn.execute(
                select(func.count(func.distinct(flags.c.document_id))).where(open_flags)
            ).scalar_one()
            rows = [dict(r._mapping) for r in conn.execute(query)]
        return int(total), rows

    def flags(
        self, document_id: int | None = None, open_only: bool = False
    ) -> list[dict[str, Any]]:
        """Flags of one document or of all, newest first, with the document's title."""
        query = (
            select(flags, documents.c.title)
            .join(documents, documents.c.id == flags.c.document_id)
            .order_by(flags.c.id.desc())
            .limit(200)
        )
        if document_id is not None:
            query = query.where(flags.c.document_id == document_id)
        if open_only:
            query = query.where(flags.c.resolved_at.is_(None))
        return self._all(query)

    # -- dashboard and source-health figures ---------------------------------------------

    def daily_volume(self, since: dt.datetime) -> list[tuple[str, int]]:
        """Articles published per Hà Nội day since a time, as (YYYY-MM-DD, count)."""
        day = _local_day(documents.c.published_at, self.dialect).label("day")
        query = (
            select(day, func.count())
            .where(IS_ARTICLE, documents.c.published_at >= since)
            .group_by(day)
            .order_by(day)
        )
        with self.engine.connect() as conn:
            return [(str(d), int(n)) for d, n in conn.execute(query)]

    def published_within(self, spans: list[tuple[dt.datetime, dt.datetime]]) -> int:
        """Articles published within any of the spans [start, end) (each read off the index)."""
        inside = [
            and_(documents.c.published_at >= start, documents.c.published_at < end)
            for start, end in spans
        ]
        query = select(func.count()).where(IS_ARTICLE, or_(*inside))
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def outlet_volume(self, since: dt.datetime, limit: int = 10) -> list[tuple[str, int]]:
        """The outlets that published most since a time."""
        count = func.count().label("n")
        query = (
            select(outlets.c.name, count)
            .join(documents, documents.c.outlet_id == outlets.c.id)
            .where(documents.c.published_at >= since)
            .group_by(outlets.c.name)
            .order_by(count.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(str(name), int(n)) for name, n in conn.execute(query)]

    def source_volume(self, since: dt.datetime, recent: dt.datetime) -> dict[int, tuple[int, int]]:
        """Per source: documents fetched since `since`, and of those since `recent`."""
        query = (
            select(
                documents.c.source_id,
                func.count(),
                func.sum(cast(documents.c.fetched_at >= recent, Integer)),
            )
            .where(documents.c.fetched_at >= since, documents.c.source_id.is_not(None))
            .group_by(documents.c.source_id)
        )
        with self.engine.connect() as conn:
            return {int(s): (int(n), int(r or 0)) for s, n, r in conn.execute(query)}

    def attempt_outcomes(self, source_id: int, since: dt.datetime) -> dict[str, int]:
        """How a source's fetches ended since a time: ok, not_modified, skip, retry, reject."""
        query = (
            select(fetch_attempts.c.outcome, func.count())
            .where(fetch_attempts.c.source_id == source_id, fetch_attempts.c.started_at >= since)
            .group_by(fetch_attempts.c.outcome)
        )
        with self.engine.connect() as conn:
            return {str(outcome): int(n) for outcome, n in conn.execute(query)}

    def attempt_links(
        self, source_id: int, attempts: Sequence[dict[str, Any]]
    ) -> dict[int, Counter[tuple[str, str]]]:
        """What became of the links each attempt fetched, by (status, reason code), as the urls
        table remembers them: a link is the attempt's whose run holds its last mark (a link
        tried again belongs to the later try); an article's several addresses count once."""
        if not attempts:
            return {}
        ms = dt.timedelta(milliseconds=1)
        query = select(urls.c.status, urls.c.reason, urls.c.document_id, urls.c.last_seen_at)
        query = query.where(
            urls.c.source_id == source_id,
            urls.c.last_seen_at >= min(a["started_at"] for a in attempts),
        )
        spans = [
            (a["id"], a["started_at"], a["started_at"] + ms * a["duration_ms"]) for a in attempts
        ]
        found: dict[int, Counter[tuple[str, str]]] = {a["id"]: Counter() for a in attempts}
        articles: set[tuple[int, int]] = set()
        with self.engine.connect() as conn:
            for status, reason, doc_id, seen in conn.execute(query):
                owner = next(
                    (i for i, start, end in spans if start <= seen <= end + ATTEMPT_SLACK), None
                )
                if owner is None or (doc_id is not None and (owner, doc_id) in articles):
                    continue
                if doc_id is not None:
                    articles.add((owner, doc_id))
                found[owner][(status, reason.split(":", 1)[0].strip())] += 1
        return found

    def live_workers(self, since: dt.datetime) -> int:
        """How many collectors (`baochi run`, `baochi worker`) announced themselves since then."""
        query = select(func.count()).select_from(workers).where(workers.c.seen_at >= since)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def poll_source_now(self, source_id: int, user: User) -> bool:
        """Make an enabled source due at once (a site unblocked, a fix to try), audited; False
        if there is no such enabled source. Its failures still count towards the back-off."""
        where = (sources.c.id == source_id) & sources.c.enabled.is_(True)
        with self.engine.begin() as conn:
            before = conn.execute(select(sources.c.next_poll_at).where(where)).first()
            if before is None:
                return False
            when = now()
            conn.execute(update(sources).where(where).values(next_poll_at=when))
            audit(
                conn,
                user,
                "source.poll",
                f"source:{source_id}",
                {"next_poll_at": before[0].isoformat()},
                {"next_poll_at": when.isoformat()},
            )
        return True

    def set_source_enabled(self, source_id: int, enabled: bool, reason: str, user: User) -> bool:
        """Enable or disable a source by hand, audited; False if it does not exist."""
        where = sources.c.id == source_id
        with self.engine.begin() as conn:
            before = conn.execute(select(sources.c.enabled).where(where)).first()
            if before is None:
                return False
            values: dict[str, Any] = {"enabled": enabled, "disabled_reason": reason}
            if enabled:
                values.update(consecutive_failures=0, next_poll_at=now())
            conn.execute(update(sources).where(where).values(**values))
            audit(
                conn,
                user,
                "source.enable" if enabled else "source.disable",
                f"source:{source_id}",
                {"enabled": bool(before[0])},
                {"enabled": enabled, "reason": reason},
            )
        return True
