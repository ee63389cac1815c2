"""Import and export of the register: CSV (one entity per file) and XLSX (one sheet per entity).

An import reads every sheet, checks every row (validate.check) and only then writes, in one
transaction: a bad row is reported with its sheet and row number and nothing is written.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from openpyxl import Workbook
from openpyxl.styles import Font

from baochi.db.registry_store import AuditHook, RegistryStore
from baochi.phrase import Phrase, phrase_of
from baochi.registry.model import BOOL, DATE, ENTITIES, REFS, Entity, Record
from baochi.registry.validate import RegistryImportError, Sheet, check, known, sheet_of
from baochi.tables import csv_rows, is_workbook, safe_cell, sheet_rows, workbook
from baochi.vi import fold

Counts = dict[str, Counter[str]]
# What a register's workbook may unpack to. A register is hundreds of rows, a few thousand at
# most: 2,000 agencies of 40 columns are some 5 MB of sheet XML. The shared limit
# (tables.UNPACKED_MAX, 500 MB, for the social exports of 100,000 comments) let 1 MB of repeated
# cells unpack to 480 MB and hold an import for five minutes.
UNPACKED_MAX = 16 * 2**20


def entity_named(name: str) -> Entity | None:
    """The entity a file or sheet is named after: by its name or its Vietnamese label."""
    wanted = fold(name.strip())
    for entity in ENTITIES.values():
        if wanted in (entity.name, fold(entity.label), fold(entity.plural)):
            return entity
    return None


def read_csv(data: bytes, entity: str) -> Sheet:
    """One entity's rows from CSV bytes, as the office's spreadsheets save them."""
    try:
        rows = list(csv_rows(data))
    except ValueError as exc:
        raise RegistryImportError([phrase_of(exc)]) from exc
    return sheet_of(ENTITIES[entity], rows)


def read_xlsx(data: bytes) -> list[Sheet]:
    """Every sheet of a workbook, each named after the entity it holds; a workbook unpacking past
    UNPACKED_MAX is refused unread."""
    try:
        book = workbook(data, UNPACKED_MAX)
    except ValueError as exc:
        raise RegistryImportError([phrase_of(exc)]) from exc
    sheets, errors = [], []
    for ws in book.worksheets:
        rows = sheet_rows(ws)
        if not any(rows):
            continue
        entity = entity_named(ws.title)
        if entity is None:
            names = ", ".join(ENTITIES)
            errors.append(
                Phrase(
                    "sheet {title!r} không khớp danh mục nào ({names})", title=ws.title, names=names
                )
            )
            continue
        sheets.append(sheet_of(entity, rows, ws.title))
    book.close()
    if errors:
        raise RegistryImportError(errors)
    return sheets


def is_excel(path: Path, data: bytes) -> bool:
    """Whether a file is to be read as a workbook: by its content (.xlsm, an .xlsx renamed .xls,
    an Excel 97-2003 .xls to be refused in words), or by its name when it is too short to tell."""
    return is_workbook(data) or path.suffix.lower() in (".xlsx", ".xlsm", ".xls")


def read_file(path: Path, entity: str | None = None) -> list[Sheet]:
    """The sheets of a workbook, or the one sheet of a .csv named after its entity."""
    data = path.read_bytes()
    if is_excel(path, data):
        return read_xlsx(data)
    found = ENTITIES.get(entity) if entity else entity_named(path.stem)
    if found is None:
        names = ", ".join(f"{n}.csv" for n in ENTITIES)
        unknown = "không rõ {file} thuộc danh mục nào: đặt tên tệp là một trong {names}"
        raise RegistryImportError([Phrase(unknown, file=path.name, names=names)])
    return [read_csv(data, found.name)]


def import_sheets(
    store: RegistryStore,
    sheets: Sequence[Sheet],
    actor: str,
    overwrite: bool = True,
    audit: AuditHook | None = None,
) -> Counts:
    """Check every row, then write all of them or, if any is bad, nothing (RegistryImportError)."""
    return store.write(check(sheets, known(store)), actor, overwrite=overwrite, audit=audit)


def import_file(store: RegistryStore, path: Path, actor: str, entity: str | None = None) -> Counts:
    """Import a CSV or XLSX file; see import_sheets."""
    return import_sheets(store, read_file(path, entity), actor)


def _cell(entity: Entity, rec: Record, name: str, dates_as_text: bool) -> Any:
    kind = entity.field(name).kind
    value = rec.get(name)
    if kind == REFS:
        return "; ".join(value or ())
    if kind == BOOL:
        return "có" if value else "không"
    if kind == DATE and value is not None and dates_as_text:
        return value.isoformat()
    # text a spreadsheet would run as a formula ("=HYPERLINK(…)", "+cmd|…", "@SUM(…)") is
    # written with a leading apostrophe, which an import takes off again (validate._text)
    return "" if value is None else safe_cell(value)


def export_records(store: RegistryStore) -> dict[str, list[Record]]:
    """Every entity's records currently on the register."""
    return {name: store.rows(name) for name in ENTITIES}


def write_csv(entity: Entity, records: Iterable[Record], out: TextIO) -> None:
    """One entity as CSV, headed by field names, dates as yyyy-mm-dd."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f.name for f in entity.fields])
    for rec in records:
        writer.writerow([_cell(entity, rec, f.name, True) for f in entity.fields])


def export_csv(store: RegistryStore, folder: Path) -> list[Path]:
    """The register as one UTF-8 CSV per entity (with BOM, so Excel reads Vietnamese right)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, records in export_records(store).items():
        path = folder / f"{name}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            write_csv(ENTITIES[name], records, out)
        paths.append(path)
    return paths


def xlsx_bytes(tables: dict[str, list[Record]]) -> bytes:
    """A workbook with one sheet per entity, each named and headed by Vietnamese labels (as an
    import reads them back and its errors name them), dates as dd/mm/yyyy."""
    book = Workbook()
    book.remove(book.active)
    for name, records in tables.items():
        entity = ENTITIES[name]
        ws = book.create_sheet(entity.label)
        ws.append([f.label for f in entity.fields])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for rec in records:
            ws.append([_cell(entity, rec, f.name, False) for f in entity.fields])
        for column, spec in enumerate(entity.fields, start=1):
            letter = ws.cell(1, column).column_letter
            ws.column_dimensions[letter].width = min(60, max(12, len(spec.label) + 2))
            if spec.kind == DATE:
                for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                    cell.number_format = "DD/MM/YYYY"
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_xlsx(store: RegistryStore, path: Path) -> Path:
    """The register as one XLSX workbook."""
    path.write_bytes(xlsx_bytes(export_records(store)))
    return path
