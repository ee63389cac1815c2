"""Files an import must survive and exports a spreadsheet must not run: text that reads as a
formula, a sheet claiming a million rows, a workbook that unpacks to hundreds of MB, thousands of
bad rows, and workbooks whose names do not say .xlsx. Each file is built here as the office's
software (or an attacker) writes it: a zip of sheet XML."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from baochi.registry import RegistryImportError, RegistryStore, import_sheets, read_file, save
from baochi.registry.files import (
    UNPACKED_MAX,
    export_records,
    read_csv,
    read_xlsx,
    write_csv,
    xlsx_bytes,
)
from baochi.registry.model import ENTITIES
from baochi.registry.validate import PROBLEMS_SHOWN

FORMULAS = ['=HYPERLINK("http://127.0.0.1/x","click")', "=1+1", "+cmd|' /C calc'!A0", "@SUM(1+1)"]
FORMULAS += ["-2+3"]

STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/></font></fonts><fills count="1">'
    '<fill><patternFill patternType="none"/></fill></fills><borders count="1"><border><left/>'
    '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf/>'
    '</cellStyleXfs><cellXfs count="1"><xf numFmtId="0"/></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def raw_xlsx(rows_xml: str | list[str], dimension: str = "", styles: str = STYLES) -> bytes:
    """A one-sheet workbook ("agencies") from its <sheetData> XML, written as a hand-made file
    is: a dimension that may lie, a styles part that may not parse."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship '
            f'Id="rId1" Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}">'
            '<sheets><sheet name="agencies" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship '
            f'Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/><Relationship '
            f'Id="rId2" Type="{DOC}/styles" Target="styles.xml"/></Relationships>',
        )
        z.writestr("xl/styles.xml", styles)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode()
            )
            if dimension:
                sheet.write(f'<dimension ref="{dimension}"/>'.encode())
            sheet.write(b"<sheetData>")
            for chunk in [rows_xml] if isinstance(rows_xml, str) else rows_xml:
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def text(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'


def row(number: int, cells: list[str]) -> str:
    return f'<row r="{number}">' + "".join(cells) + "</row>"


TABLE = row(1, [text("A1", "code"), text("B1", "name"), text("C1", "body")]) + row(
    2, [text("A2", "hn-sp"), text("B2", "Báo Thưa"), text("C2", "thanh-uy-hn")]
)


def _injected(example: RegistryStore) -> list[str]:
    lines = [["code", "name", "body"]]
    lines += [[f"hn-inject-{i}", name, "thanh-uy-hn"] for i, name in enumerate(FORMULAS)]
    out = io.StringIO()
    csv.writer(out).writerows(lines)
    import_sheets(example, [read_csv(out.getvalue().encode(), "agencies")], "hoa")
    return [r["name"] for r in example.rows("agencies") if r["code"].startswith("hn-inject-")]


def test_exports_write_formula_text_as_text_that_imports_back_as_it_was(
    example: RegistryStore, tmp_path: Path
) -> None:
    assert sorted(_injected(example)) == sorted(FORMULAS)
    data = xlsx_bytes(export_records(example))
    cells = [c for r in load_workbook(io.BytesIO(data))["Cơ quan báo chí"].iter_rows() for c in r]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []  # no live formula at all
    names = {c.value for c in cells if c.column == 2}
    assert {"'" + name for name in FORMULAS} <= names
    out = io.StringIO()
    write_csv(ENTITIES["agencies"], example.rows("agencies"), out)
    written = {line[1] for line in csv.reader(io.StringIO(out.getvalue()))}
    assert {"'" + name for name in FORMULAS} <= written
    assert not any(cell[:1] in "=+-@" for cell in written if cell)

    def imported(sheets: list) -> list[str]:
        agencies = next(s for s in sheets if s.entity == "agencies")
        return [cells[1] for _, cells in agencies.rows if str(cells[0]).startswith("hn-inject-")]

    from baochi.registry.validate import _text

    back_xlsx = [_text(c) for c in imported(read_xlsx(data))]
    back_csv = [_text(c) for c in imported([read_csv(out.getvalue().encode(), "agencies")])]
    assert sorted(back_xlsx) == sorted(back_csv) == sorted(FORMULAS)
    (tmp_path / "so-dang-ky.xlsx").write_bytes(data)
    counts = import_sheets(example, read_file(tmp_path / "so-dang-ky.xlsx"), "hoa")
    assert counts["agencies"]["unchanged"] >= len(FORMULAS) and not counts["agencies"]["updated"]
    assert sorted(_injected(example)) == sorted(FORMULAS)


def test_a_sheet_with_one_far_cell_reads_as_fast_as_its_cells(example: RegistryStore) -> None:
    far = TABLE + row(20000, [text("XFD20000", "x")])  # 20,000 rows of 16,384 columns, claimed
    data = raw_xlsx(far, dimension="A1:XFD20000")
    started = time.monotonic()
    (sheet,) = read_xlsx(data)
    assert time.monotonic() - started < 3
    assert sheet.header == ("code", "name", "body")
    assert [(n, len(cells)) for n, cells in sheet.rows] == [(2, 3), (20000, 16384)]
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(example, [sheet], "hoa")
    assert caught.value.errors == [
        "Cơ quan báo chí, dòng 20000: nhiều hơn dòng tiêu đề 16381 ô: "
        "có ô nằm bên phải cột cuối của bảng"
    ]


def test_a_workbook_that_unpacks_past_a_registers_size_is_refused_unread() -> None:
    cells = "<row>" + "<c><v>7</v></c>" * 3000 + "</row>"  # a bomb of numbers, as gen_bomb.py
    data = raw_xlsx([TABLE] + [cells] * ((UNPACKED_MAX + 2**20) // len(cells) + 1))
    assert len(data) < UNPACKED_MAX // 100  # a small upload
    started = time.monotonic()
    with pytest.raises(RegistryImportError) as caught:
        read_xlsx(data)
    assert time.monotonic() - started < 2
    limit = UNPACKED_MAX // 2**20
    assert caught.value.errors == [
        f"không đọc được tệp Excel: giải nén ra {limit + 1} MB, quá {limit} MB"
    ]


def test_thousands_of_bad_rows_are_listed_fifty_and_counted(example: RegistryStore) -> None:
    bad = "code,name,body\n" + "".join(f"sai-{i},,thanh-uy-hn\n" for i in range(120))
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(example, [read_csv(bad.encode(), "agencies")], "hoa")
    errors = caught.value.errors
    assert len(errors) == PROBLEMS_SHOWN + 1 == len(caught.value.problems)
    assert errors[0].startswith("Cơ quan báo chí, dòng 2: thiếu Tên")
    assert errors[-1] == "và 70 lỗi khác"
    assert str(caught.value).startswith("120 lỗi, chưa ghi gì vào sổ đăng ký:\n")
    english = {"và {more} lỗi khác": ["and {more} other error", "and {more} other errors"]}
    said = caught.value.problems[-1].said(
        lambda t, n: (english[t][0 if n == 1 else 1]) if t in english else t
    )
    assert said == "and 70 other errors"


def _openpyxl_book() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "agencies"
    sheet.append(["code", "name", "body"])
    sheet.append(["hn-xlsm", "Báo Macro", "thanh-uy-hn"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name", ["so-dang-ky.xlsm", "agencies.xls", "agencies.XLSX"])
def test_a_workbook_is_read_as_one_whatever_its_name_says(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(_openpyxl_book())
    (sheet,) = read_file(path)
    assert [cells for _, cells in sheet.rows] == [("hn-xlsm", "Báo Macro", "thanh-uy-hn")]


def test_an_excel_97_file_is_refused_in_words_not_read_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "agencies.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(RegistryImportError) as caught:
        read_file(path)
    assert caught.value.errors == [
        "không đọc được tệp Excel: tệp không phải bảng tính Excel (.xlsx) hợp lệ"
    ]


TYPED = ("'=quoted already", "''=two", "'plain")  # apostrophes typed in a form


def test_typed_apostrophes_stay_and_survive_a_round_trip(
    example: RegistryStore, tmp_path: Path
) -> None:
    """Only a file's cells lose the apostrophe an export added; a form's text is kept as typed,
    and written so that an import gives it back unchanged."""
    for n, name in enumerate(TYPED):
        save(example, "agencies", {"code": f"hn-typed-{n}", "name": name}, "hoa")

    def typed() -> list[str]:
        return [example.row("agencies", f"hn-typed-{n}")["name"] for n in range(len(TYPED))]

    assert typed() == list(TYPED)
    (tmp_path / "so.xlsx").write_bytes(xlsx_bytes(export_records(example)))
    out = io.StringIO()
    write_csv(ENTITIES["agencies"], example.rows("agencies"), out)
    (tmp_path / "agencies.csv").write_text(out.getvalue(), encoding="utf-8")
    for exported in ("so.xlsx", "agencies.csv"):
        counts = import_sheets(example, read_file(tmp_path / exported), "hoa")
        assert not counts["agencies"]["updated"], exported
        assert typed() == list(TYPED), exported
