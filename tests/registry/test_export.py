"""Export round trips: an exported XLSX or CSV reads back as the very same register, with its
Vietnamese intact, and importing it again changes nothing."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

from openpyxl import load_workbook

from baochi.registry import (
    ENTITIES,
    RegistryStore,
    check,
    export_csv,
    export_records,
    export_xlsx,
    import_file,
    read_file,
)
from baochi.registry.validate import Known

NEW_AGENCY = "Cơ quan Báo và Phát thanh, Truyền hình Hà Nội"


def _fields(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Records without the bookkeeping columns, empty entities left out."""
    return {
        name: [{f.name: r[f.name] for f in ENTITIES[name].fields} for r in rows]
        for name, rows in tables.items()
        if rows
    }


def test_xlsx_round_trip(example: RegistryStore, tmp_path: Path) -> None:
    path = export_xlsx(example, tmp_path / "so-dang-ky.xlsx")
    book = load_workbook(path)
    agencies = book["Cơ quan báo chí"]
    assert [c.value for c in agencies[1]][:3] == ["Mã", "Tên", "Tên viết tắt"]
    names = [row[1].value for row in agencies.iter_rows(min_row=2)]
    assert NEW_AGENCY in names and "Báo Hànộimới" in names
    assert all(unicodedata.is_normalized("NFC", n) for n in names)
    header = [c.value for c in book["Nhiệm vụ sắp xếp"][1]]
    merger = next(
        r for r in book["Nhiệm vụ sắp xếp"].iter_rows(min_row=2) if r[0].value.startswith("hn-2026")
    )
    decided = merger[header.index("Ngày quyết định")]
    assert decided.value == dt.datetime(2026, 1, 30) and decided.number_format == "DD/MM/YYYY"
    assert merger[header.index("Chưa chắc chắn")].value == "có"

    assert check(read_file(path), Known()) == _fields(export_records(example))
    counts = import_file(example, path, "hoa")
    assert all(set(c) == {"unchanged"} for c in counts.values())


def test_csv_round_trip(example: RegistryStore, tmp_path: Path) -> None:
    paths = export_csv(example, tmp_path / "csv")
    assert [p.stem for p in paths] == list(ENTITIES)
    raw = (tmp_path / "csv" / "agencies.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel opens it as UTF-8
    assert NEW_AGENCY.encode() in raw
    sheets = [sheet for path in paths for sheet in read_file(path)]
    assert check(sheets, Known()) == _fields(export_records(example))
