"""Registry API (/api/v1/registry): entries as JSON, an agency's lineage, which agency an article
counts under, the scheme's progress and expiry warnings. Readers read; administrators write."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Connection

from baochi import hanoi_time
from baochi.db.registry_store import AuditHook, RegistryStore
from baochi.db.web_store import User, audit
from baochi.hanoi_time import HANOI
from baochi.registry.entries import find, retire, save
from baochi.registry.expiry import DEFAULT_DAYS, MAX_DAYS, expiring
from baochi.registry.lineage import Lineage, Step
from baochi.registry.model import ENTITIES, Record
from baochi.registry.scheme import SchemeProgress, progress
from baochi.registry.validate import RegistryImportError
from baochi.web.auth import ADMIN, READERS, require

router = APIRouter(prefix="/api/v1/registry", tags=["registry"])
Reader = Annotated[User, Depends(require(*READERS))]
Admin = Annotated[User, Depends(require(ADMIN))]


def _store(request: Request) -> RegistryStore:
    return RegistryStore(request.app.state.store.engine)


def audited(user: User) -> AuditHook:
    """Every registry change made through the web also goes to the audit log, in the same
    transaction as the change."""

    def hook(
        conn: Connection, entity: str, key: str, change: str, detail: Mapping[str, Any]
    ) -> None:
        # An update pairs each changed field's old and new value: the log keeps them apart.
        pairs = {f: v for f, v in detail.items() if change == "update" and _pair(v)}
        before = {f: v[0] for f, v in pairs.items()} or None
        after = {f: v[1] if f in pairs else v for f, v in detail.items()}
        audit(conn, user, f"registry.{change}", f"{entity}:{key}", before, after)

    return hook


def _pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2


def _out(name: str, rec: Record) -> dict[str, Any]:
    """An entry as the API shows it: its fields, and whether it is retired."""
    return {f.name: rec[f.name] for f in ENTITIES[name].fields} | {
        "retired": rec["retired_at"] is not None
    }


def _step(step: Step) -> dict[str, Any]:
    return {
        "action": step.action,
        "kind": step.kind,
        "from": step.source,
        "to": step.target,
        "effective_on": step.effective_on,
        "decision": step.decision,
        "uncertain": step.uncertain,
    }


def _progress(item: SchemeProgress) -> dict[str, Any]:
    return {
        "scheme": item.scheme,
        "actions": dict(item.actions),
        "milestones": dict(item.milestones),
    }


@router.get("/attribution")
def attribution(request: Request, user: Reader, url: str, at: dt.datetime) -> dict[str, Any]:
    """The agency an article at `url` published at `at` counts under (null when unregistered)."""
    moment = at if at.tzinfo else at.replace(tzinfo=HANOI)
    lineage = Lineage.load(_store(request))
    agency = lineage.attribute(url, moment)
    return {
        "url": url,
        "at": moment,
        "publisher": lineage.owner(url),
        "agency": agency,
        "name": lineage.agencies[agency]["name"] if agency else None,
    }


@router.get("/progress")
def scheme_progress(request: Request, user: Reader) -> dict[str, Any]:
    """Actions and milestones done, due and late: in all, and per scheme."""
    total, schemes = progress(_store(request), hanoi_time.today())
    return {"total": _progress(total), "schemes": [_progress(s) for s in schemes]}


@router.get("/expiring")
def expiring_soon(
    request: Request, user: Reader, days: Annotated[int, Query(ge=0, le=MAX_DAYS)] = DEFAULT_DAYS
) -> list[dict[str, Any]]:
    """Valid licences and press cards expiring within `days` (or already past), soonest first."""
    today = hanoi_time.today()
    return [
        {
            "entity": e.entity,
            "key": e.key,
            "agency": e.agency,
            "expires_on": e.expires_on,
            "days_left": e.days_left,
            "message": e.message(),
        }
        for e in expiring(_store(request), today, days)
    ]


@router.get("/agencies/{key}/lineage")
def lineage(request: Request, key: str, user: Reader) -> dict[str, Any]:
    """An agency's status (`pending` while its effective date is ahead), what merged into it,
    what it merged into, and its domains' periods."""
    found = Lineage.load(_store(request))
    if key not in found.agencies:
        raise HTTPException(404)
    status = found.status(key, hanoi_time.today())
    return {
        "agency": key,
        "status": status.status,
        "since": status.since,
        "pending": status.pending,
        "predecessors": [_step(s) for s in found.predecessors(key)],
        "successors": [_step(s) for s in found.successors(key)],
        "domains": {
            d: [{"agency": p.agency, "from": p.start, "to": p.end} for p in found.periods(d)]
            for d in found.domains_of(key, inherited=True)
        },
    }


def _entity(name: str) -> str:
    if name not in ENTITIES:
        raise HTTPException(404)
    return name


@router.get("/{name}")
def entries(
    request: Request, name: str, user: Reader, q: str = "", retired: bool = False
) -> list[dict[str, Any]]:
    """An entity's entries, searched with or without diacritics."""
    return [_out(name, r) for r in find(_store(request), _entity(name), q, retired)]


@router.get("/{name}/{key}")
def entry(request: Request, name: str, key: str, user: Reader) -> dict[str, Any]:
    """One entry."""
    rec = _store(request).row(_entity(name), key)
    if rec is None:
        raise HTTPException(404)
    return _out(name, rec)


@router.put("/{name}/{key}")
def put_entry(
    request: Request,
    name: str,
    key: str,
    user: Admin,
    fields: Annotated[dict[str, Any], Body()],
) -> Response:
    """Create or replace an entry (fields as in the CSV files); 422 lists what is wrong. The key
    is read as a form's ("WWW.Hanoimoi.VN" is hanoimoi.vn): the answer is the entry so stored."""
    store = _store(request)
    entity = ENTITIES[_entity(name)]
    try:
        saved = save(store, name, {**fields, entity.key: key}, user.username, audited(user))
    except RegistryImportError as exc:
        return JSONResponse({"detail": exc.errors}, status_code=422)
    rec = store.row(name, saved[entity.key])
    assert rec is not None
    return JSONResponse(jsonable_encoder(_out(name, rec)))


@router.delete("/{name}/{key}", status_code=204)
def retire_entry(request: Request, name: str, key: str, user: Admin) -> Response:
    """Retire an entry (it stays, with its history); 404 if it is not on the register, 409 if it
    must stay (a completed transfer)."""
    try:
        retired = retire(_store(request), _entity(name), key, user.username, audited(user))
    except RegistryImportError as exc:
        return JSONResponse({"detail": exc.errors}, status_code=409)
    if not retired:
        raise HTTPException(404)
    return Response(status_code=204)
