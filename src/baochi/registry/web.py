"""Sổ đăng ký pages: browse, search, create, edit and retire every entry (audited); each agency's
lineage, coverage and history; import and export; the scheme's progress on the dashboard.

Administrators edit; analysts and leaders read; officers do not see the registry at all.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from baochi import hanoi_time
from baochi.db.registry_store import ChangedMeanwhile, RegistryStore
from baochi.db.web_store import User
from baochi.hanoi_time import HANOI
from baochi.labels import TONES
from baochi.phrase import Phrase, phrase_of
from baochi.registry import api
from baochi.registry.activity import DEFAULT_QUIET_DAYS, Activity, Tally, activity
from baochi.registry.api import audited
from baochi.registry.display import (
    ACTIVITY_DAYS,
    COLUMNS,
    agency_view,
    cells,
    form_value,
    labels,
    milestones,
    sources,
    spark,
    titles,
)
from baochi.registry.entries import already_saved, find, restore, retire, save
from baochi.registry.expiry import expiring
from baochi.registry.files import (
    Counts,
    entity_named,
    export_records,
    import_sheets,
    is_excel,
    read_csv,
    read_xlsx,
    write_csv,
    xlsx_bytes,
)
from baochi.registry.lineage import Lineage
from baochi.registry.model import ACTIONS, BOOL, ENTITIES, REFS, Entity, Record
from baochi.registry.scheme import action_state, complete_action, progress
from baochi.registry.validate import DONE_ON, Problem, RegistryImportError, read_date
from baochi.web.auth import ADMIN, READERS, require
from baochi.web.cache import DASHBOARD_SECONDS, cached
from baochi.web.exports import xlsx_response
from baochi.web.templating import NavItem, Panel, local, render

ACTIVITY, PANEL = "registry.activity", "registry.panel"  # figures readers share, from the register


def _forget_shared(request: Request) -> Iterator[None]:
    """After a request that may change the register, its shared figures are built afresh, so
    the administrator sees her change on the dashboard at once, not up to a minute later."""
    yield
    if request.method not in ("GET", "HEAD"):
        for key in (ACTIVITY, PANEL):
            request.app.state.cache.pop(key, None)


router = APIRouter(include_in_schema=False, dependencies=[Depends(_forget_shared)])
NAV = (NavItem(55, "/registry", "Cơ quan báo chí", READERS),)
AUDIT_LABELS = {
    "registry.create": "Thêm vào sổ đăng ký",
    "registry.update": "Sửa sổ đăng ký",
    "registry.retire": "Đưa ra khỏi sổ đăng ký",
    "registry.restore": "Khôi phục trong sổ đăng ký",
}
Reader = Annotated[User, Depends(require(*READERS))]


def _fields(entity: Entity, change: Record) -> list[str]:
    """The fields an update changed, by their labels ("Tình trạng", not "status")."""
    if change["change"] != "update" or not isinstance(change["detail"], dict):
        return []
    names = {f.name: f.label for f in entity.fields}
    return [names.get(str(k), str(k)) for k in change["detail"]]


Admin = Annotated[User, Depends(require(ADMIN))]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 20_000_000
CACHE_SECONDS = 60.0


def _store(request: Request) -> RegistryStore:
    return RegistryStore(request.app.state.store.engine)


def _entity(name: str) -> Entity:
    if name not in ENTITIES:
        raise HTTPException(404)
    return ENTITIES[name]


def _activity(request: Request) -> Activity:
    """The last month's activity by agency and publication, shared by readers for a minute."""
    until = dt.datetime.now(dt.UTC)

    def compute() -> Activity:
        return activity(_store(request), until - dt.timedelta(days=ACTIVITY_DAYS), until)

    return cached(request.app.state.cache, ACTIVITY, CACHE_SECONDS, compute)


def dashboard_panel(request: Request, user: User) -> Panel | None:
    """The scheme's progress and licences expiring soon, for readers of the dashboard; shared by
    readers for as long as the dashboard's own figures."""
    if user.role not in READERS:
        return None

    def compute() -> dict[str, Any]:
        store, today = _store(request), hanoi_time.today()
        total, schemes = progress(store, today)
        return {"total": total, "schemes": schemes[:3], "expiring": expiring(store, today)}

    context = cached(request.app.state.cache, PANEL, DASHBOARD_SECONDS, compute)
    return Panel(55, "Đề án sắp xếp báo chí", "registry/_panel.html", context)


@router.get("/registry")
def overview(request: Request, user: Reader) -> Response:
    """Counts of every entity, the scheme's progress, expiry warnings and quiet agencies."""
    return _overview(request, user)


def _overview(
    request: Request,
    user: User,
    problems: list[Problem] | None = None,
    imported: Counts | None = None,
) -> Response:
    store, today = _store(request), hanoi_time.today()
    total, schemes = progress(store, today)
    context = {
        "title": "Sổ đăng ký",
        "entities": ENTITIES,
        "counts": {name: len(store.rows(name)) for name in ENTITIES},
        "total": total,
        "schemes": schemes,
        "expiring": expiring(store, today),
        "quiet": _activity(request).quiet(DEFAULT_QUIET_DAYS),
        "can_edit": user.role == ADMIN,
        "problems": problems or [],
        "imported": imported,
    }
    return render(request, "registry/index.html", context, 422 if problems else 200)


ActivityRow = tuple[Tally, bool]  # an agency's or publication's tally, and whether it is quiet


def _activity_rows(shown: Activity) -> tuple[list[dt.date], dict[str, list[ActivityRow]]]:
    """The month's days, and agencies and publications busiest first, each marked if quiet."""
    last = shown.until.astimezone(HANOI).date()
    days = [last - dt.timedelta(days=i) for i in range(ACTIVITY_DAYS - 1, -1, -1)]
    quiet = {(t.entity, t.key) for t in shown.quiet(DEFAULT_QUIET_DAYS)}
    rows = {
        name: [
            (t, (t.entity, t.key) in quiet)
            for t in sorted(tallies.values(), key=lambda t: (-t.articles, t.name))
        ]
        for name, tallies in (("agencies", shown.agencies), ("publications", shown.publications))
    }
    return days, rows


@router.get("/registry/activity")
def activity_page(request: Request, user: Reader) -> Response:
    """Articles per agency over the last month, by day, with the share about Hà Nội."""
    shown = _activity(request)
    days, tallies = _activity_rows(shown)
    rows = {
        name: [(t, spark(t.per_day, days), quiet) for t, quiet in listed]
        for name, listed in tallies.items()
    }
    context = {
        "title": "Hoạt động của cơ quan báo chí",
        "activity": shown,
        "rows": rows,
        "tones": list(TONES),
    }
    return render(request, "registry/activity.html", context)


@router.get("/registry/activity.xlsx")
def export_activity(request: Request, user: Reader) -> Response:
    """The activity page as a workbook: a row per agency and publication, a column per day."""
    shown = _activity(request)
    days, tallies = _activity_rows(shown)
    header = (
        "Loại",
        "Mã",
        "Tên",
        "Bài",
        "Về Hà Nội (%)",
        "Chủ đề, sắc thái",
        "Bài gần nhất",
        "Im lặng",
        *(d.strftime("%d/%m") for d in days),
    )
    kinds = {"agencies": "Cơ quan báo chí", "publications": "Ấn phẩm"}
    rows = [
        (
            kinds[name],
            t.key,
            t.name,
            t.articles,
            round(t.hanoi_share * 100) if t.hanoi_share is not None else None,
            labels(t),
            local(t.last_at) if t.last_at else "",
            "có" if quiet else "",
            *(t.per_day.get(d, 0) for d in days),
        )
        for name, listed in tallies.items()
        for t, quiet in listed
    ]
    preface = [(f"Hoạt động của cơ quan báo chí, {local(shown.since)} – {local(shown.until)}",)]
    name = f"hoat-dong-co-quan-bao-chi-{hanoi_time.today().isoformat()}.xlsx"
    return xlsx_response(name, "Hoạt động", header, rows, preface)


@router.get("/registry/export.xlsx")
def export_workbook(request: Request, user: Reader) -> Response:
    """The whole register as one workbook, a sheet per entity."""
    name = f"so-dang-ky-bao-chi-{hanoi_time.today().isoformat()}.xlsx"
    return Response(
        xlsx_bytes(export_records(_store(request))),
        media_type=XLSX_TYPE,
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.post("/registry/import")
async def import_upload(
    request: Request, user: Admin, file: Annotated[UploadFile, File()]
) -> Response:
    """Import a workbook, or a CSV named after its entity; nothing written unless all is right."""
    data = await file.read(MAX_UPLOAD + 1)
    path = Path(file.filename or "")

    def read_and_import() -> Counts:
        if len(data) > MAX_UPLOAD:
            too_big = Phrase("tệp lớn hơn {size} MB", size=MAX_UPLOAD // 1_000_000)
            raise RegistryImportError([too_big])
        if is_excel(path, data):
            sheets = read_xlsx(data)
        else:
            entity = entity_named(path.stem)
            if entity is None:
                unknown = Phrase("không rõ {file} thuộc danh mục nào", file=path.name)
                raise RegistryImportError([unknown])
            sheets = [read_csv(data, entity.name)]
        return import_sheets(_store(request), sheets, user.username, audit=audited(user))

    try:  # a big workbook takes seconds to read: not on the event loop every page shares
        counts = await run_in_threadpool(read_and_import)
    except RegistryImportError as exc:
        return _overview(request, user, problems=exc.problems)
    return _overview(request, user, imported=counts)


@router.get("/registry/{name}")
def entity_list(
    request: Request, name: str, user: Reader, q: str = "", retired: bool = False
) -> Response:
    """An entity's entries, searched with or without diacritics."""
    entity = _entity(name)
    store, today = _store(request), hanoi_time.today()
    lineage = Lineage.load(store) if name == "agencies" else None
    rows = find(store, name, q, include_retired=retired)
    names = titles(store)
    context = {
        "title": entity.plural,
        "entity": entity,
        "columns": [entity.field(c) for c in COLUMNS[name]],
        "rows": [
            {
                "rec": rec,
                "cells": [cells(entity, rec, c, names) for c in COLUMNS[name]],
                "status": lineage.status(rec["code"], today) if lineage else None,
            }
            for rec in rows
        ],
        "q": q,
        "retired": retired,
        "can_edit": user.role == ADMIN,
    }
    return render(request, "registry/list.html", context)


@router.get("/registry/{name}/export.csv")
def export_entity(request: Request, name: str, user: Reader) -> Response:
    """One entity as CSV (UTF-8 with BOM, for Excel)."""
    entity = _entity(name)
    out = io.StringIO()
    write_csv(entity, _store(request).rows(name), out)
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}.csv"'},
    )


def _form_page(
    request: Request,
    entity: Entity,
    rec: dict[str, Any] | None,
    key: str = "",
    errors: list[Problem] | None = None,
    version: str = "",
    status: int | None = None,
) -> Response:
    """The entry's form; `version`, the entry's updated_at as the user saw it, is sent back on
    saving, so that a change made meanwhile is not overwritten unseen."""
    names = titles(_store(request))
    context = {  # the page's title is the form's, in the page's language: see form.html
        "entity": entity,
        "key": key,
        "version": version,
        "values": {f.name: form_value(entity, rec, f.name) for f in entity.fields},
        "options": {f.name: sorted(names[f.ref].items()) for f in entity.refs},
        "errors": errors or [],
        "done_on": DONE_ON,  # the days of what is done stop at today, as the register checks
        "today": hanoi_time.today().isoformat(),
    }
    return render(request, "registry/form.html", context, status or (422 if errors else 200))


async def _posted(request: Request, entity: Entity) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {}
    for spec in entity.fields:
        if spec.kind == REFS:
            values[spec.name] = [str(v) for v in form.getlist(spec.name)]
        elif spec.kind == BOOL:
            values[spec.name] = spec.name in form
        else:
            values[spec.name] = str(form.get(spec.name, ""))
    return values


@router.get("/registry/{name}/new")
def new_form(request: Request, name: str, user: Admin) -> Response:
    """An empty form for a new entry."""
    return _form_page(request, _entity(name), None)


@router.post("/registry/{name}/new")
async def create(request: Request, name: str, user: Admin) -> Response:
    """Add an entry; its key must not be taken."""
    entity = _entity(name)
    values = await _posted(request, entity)
    store, key = _store(request), values[entity.key].strip()
    current = store.row(name, key)
    if current is not None:
        if already_saved(store, name, values, current):  # sent again: the first one saved it
            return RedirectResponse(f"/registry/{name}/{key}", status_code=303)
        taken = Phrase("Mã này đã có trong sổ đăng ký.")
        return _form_page(request, entity, values, errors=[taken])
    try:
        rec = save(store, name, values, user.username, audited(user))
    except RegistryImportError as exc:
        return _form_page(request, entity, values, errors=exc.problems)
    return RedirectResponse(f"/registry/{name}/{rec[entity.key]}", status_code=303)


def _entry(request: Request, name: str, key: str) -> dict[str, Any]:
    rec = _store(request).row(_entity(name).name, key)
    if rec is None:
        raise HTTPException(404)
    return rec


@router.get("/registry/{name}/{key}")
def entry_page(request: Request, name: str, key: str, user: Reader) -> Response:
    """One entry: every field with its source and doubts, its history, and for an agency its
    lineage, domains, coverage and publications; for an action its milestones."""
    entity = _entity(name)
    rec = _entry(request, name, key)
    store, today = _store(request), hanoi_time.today()
    names = titles(store)
    context = {
        "title": str(rec[entity.title]),
        "entity": entity,
        "rec": rec,
        "fields": [
            (f, cells(entity, rec, f.name, names))
            for f in entity.fields
            if f.name not in ("source", "uncertain", "note")
        ],
        "names": names,
        "sources": sources(rec["source"]),
        "outlets": store.outlets().get(rec["domain"], []) if "domain" in rec else [],
        "changes": [
            (c, AUDIT_LABELS.get(f"registry.{c['change']}", c["change"]), _fields(entity, c))
            for c in store.changes(entity=name, key=key, limit=50)
        ],
        "agency": agency_view(store, key, dt.datetime.now(dt.UTC)) if name == "agencies" else None,
        "labels": labels,
        "milestones": milestones(store, key, today) if name == "actions" else [],
        "state": action_state(rec, today) if name == "actions" else "",
        "can_edit": user.role == ADMIN,
        "today": today,
    }
    return render(request, "registry/entry.html", context)


@router.get("/registry/{name}/{key}/edit")
def edit_form(request: Request, name: str, key: str, user: Admin) -> Response:
    """The entry's form."""
    rec = _entry(request, name, key)
    return _form_page(request, _entity(name), rec, key, version=rec["updated_at"].isoformat())


def _seen(version: str) -> dt.datetime:
    """The version an edit form carried; one no page of ours wrote (none, or not a time) is
    older than any, so that the save is refused rather than made over what was not seen."""
    try:
        seen = dt.datetime.fromisoformat(version)
    except ValueError:
        seen = dt.datetime.min
    return seen if seen.tzinfo else dt.datetime.min.replace(tzinfo=dt.UTC)


@router.post("/registry/{name}/{key}/edit")
async def edit(request: Request, name: str, key: str, user: Admin) -> Response:
    """Save an edited entry; its key stays. One changed since its form was opened (by someone
    else, or in another tab) is not overwritten: the form comes back with what was typed, to
    save over the change knowingly (409)."""
    entity = _entity(name)
    _entry(request, name, key)
    values = await _posted(request, entity) | {entity.key: key}
    version = str((await request.form()).get("version", ""))
    try:
        save(_store(request), name, values, user.username, audited(user), _seen(version))
    except RegistryImportError as exc:
        return _form_page(request, entity, values, key, exc.problems, version)
    except ChangedMeanwhile:
        current = _entry(request, name, key)["updated_at"]
        changed = Phrase(
            "Mục này đã được lưu lúc {at:%H:%M %d/%m/%Y} (người khác hoặc một cửa sổ khác) sau "
            "khi bạn mở nó. Những gì bạn nhập ở dưới chưa được lưu: bấm Lưu để ghi đè, hoặc "
            "mở lại mục để xem bản đã lưu.",
            at=current.astimezone(HANOI),
        )
        return _form_page(request, entity, values, key, [changed], current.isoformat(), 409)
    return RedirectResponse(f"/registry/{name}/{key}", status_code=303)


@router.post("/registry/{name}/{key}/retire")
def retire_entry(request: Request, name: str, key: str, user: Admin) -> Response:
    """Take the entry off the register; it stays, with its history, and can be restored (a
    completed transfer stays on it: 409)."""
    try:
        retire(_store(request), _entity(name).name, key, user.username, audited(user))
    except RegistryImportError as exc:
        raise HTTPException(409, phrase_of(exc)) from exc
    return RedirectResponse(f"/registry/{name}/{key}", status_code=303)


@router.post("/registry/{name}/{key}/restore")
def restore_entry(request: Request, name: str, key: str, user: Admin) -> Response:
    """Put a retired entry back on the register."""
    restore(_store(request), _entity(name).name, key, user.username, audited(user))
    return RedirectResponse(f"/registry/{name}/{key}", status_code=303)


@router.post("/registry/actions/{key}/complete")
def complete(
    request: Request,
    key: str,
    user: Admin,
    on: Annotated[str, Form()] = "",
    effective_on: Annotated[str, Form()] = "",
) -> Response:
    """Mark an action done; from its effective date the members' coverage moves to the target."""
    try:
        done_on = read_date(on) or hanoi_time.today()
        effective = read_date(effective_on)
        complete_action(_store(request), key, user.username, done_on, effective, audited(user))
    except ValueError as exc:  # a bad date, an unknown or finished action, an invalid record
        raise HTTPException(409, phrase_of(exc)) from exc
    return RedirectResponse(f"/registry/{ACTIONS.name}/{key}", status_code=303)


# The JSON API, apart from the pages so that OpenAPI lists it; its writes refresh the figures too.
_api = APIRouter(dependencies=[Depends(_forget_shared)])
_api.include_router(api.router)
APIS = (_api,)
