"""Imports check every row first: a bad row is named with its sheet and row number, and a failed
import writes nothing at all."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from openpyxl import Workbook

from baochi.db.registry_store import RegistryStore, _Writer
from baochi.registry import (
    RegistryImportError,
    import_file,
    import_sheets,
    read_csv,
    read_xlsx,
)
from baochi.registry.validate import MAX_ROWS
from tests.vi.legacy_encoders import to_cp1258, to_tcvn3

BODIES = "code,name,level,type\nubnd-hn,Ủy ban nhân dân thành phố Hà Nội,city,government\n"


def _nothing_written(registry: RegistryStore) -> None:
    for name in ("bodies", "agencies", "domains", "actions"):
        assert registry.keys(name) == {}
    assert registry.changes() == []


def test_bad_csv_rows_are_reported_by_number_and_nothing_is_written(
    registry: RegistryStore,
) -> None:
    text = (
        "code,name,body,email,city\n"
        "hanoimoi,Báo Hànộimới,ubnd-hn,toasoan@hanoimoi.vn,có\n"  # row 2: fine
        "thieu-ten,,ubnd-hn,,\n"  # row 3: no name
        "sai-thu,Báo Sai Thư,ubnd-hn,không-phải-thư,\n"  # row 4: bad e-mail
        "la,Báo Lạ,khong-co,,\n"  # row 5: unknown governing body
        "hanoimoi,Báo Hànộimới 2,ubnd-hn,,\n"  # row 6: code repeated
        "hai-nghia,Báo Hai Nghĩa,ubnd-hn,,có lẽ\n"  # row 7: not a yes/no
        "phu-nu,Báo Phụ nữ, Thủ đô,ubnd-hn,,\n"  # row 8: a comma in the name, no quotes
    )
    sheets = [read_csv(BODIES.encode(), "bodies"), read_csv(text.encode(), "agencies")]
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(registry, sheets, "hoa")
    errors = caught.value.errors
    assert [e.split(":")[0] for e in errors] == [
        f"Cơ quan báo chí, dòng {n}" for n in (3, 4, 5, 6, 7, 8)
    ]
    assert "thiếu Tên" in errors[0]
    assert "'không-phải-thư' không phải địa chỉ thư điện tử" in errors[1]
    assert "'khong-co' không có trong danh mục Cơ quan chủ quản, quản lý" in errors[2]
    assert "mã 'hanoimoi' trùng với dòng 2" in errors[3]
    assert "'có lẽ' không phải có/không" in errors[4]
    assert errors[5].startswith(
        "Cơ quan báo chí, dòng 8: nhiều hơn dòng tiêu đề 1 ô: có thể nội dung"
    )
    _nothing_written(registry)


def test_one_pass_lists_every_fault_of_a_row_in_vietnamese(registry: RegistryStore) -> None:
    agencies = (
        "code,name,body,email\n"
        "moi,Báo Thủ đô Mới,khong-co,sai-thu\n"  # row 2: bad e-mail and an unknown body
        "tot,Báo Tốt,ubnd-hn,\n"  # row 3: fine
    )
    licences = (
        "code,agency,issued_on,expires_on\n"
        "gp-1,moi,2026-05-01,2025-05-01\n"  # row 2: expires before issued; its agency is row 2
        "gp-2,tot,2026-05-01,\n"  # row 3: fine
    )
    sheets = [
        read_csv(BODIES.encode(), "bodies"),
        read_csv(agencies.encode(), "agencies"),
        read_csv(licences.encode(), "licences"),
    ]
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(registry, sheets, "hoa")
    assert caught.value.errors == [
        "Cơ quan báo chí, dòng 2: Thư điện tử: 'sai-thu' không phải địa chỉ thư điện tử",
        "Cơ quan báo chí, dòng 2: Cơ quan chủ quản 'khong-co' không có trong danh mục "
        "Cơ quan chủ quản, quản lý",
        "Giấy phép, dòng 2: Ngày hết hạn (01/05/2025) trước Ngày cấp (01/05/2026)",
    ]  # the licence's agency is on the sheet, to be mended there: not reported as missing
    _nothing_written(registry)


def test_bad_row_on_a_later_sheet_keeps_earlier_sheets_out_too(
    registry: RegistryStore, tmp_path
) -> None:
    book = Workbook()
    bodies = book.active
    bodies.title = "bodies"
    bodies.append(["Mã", "Tên", "Cấp", "Loại"])  # Vietnamese labels work as headers
    bodies.append(["ubnd-hn", "Ủy ban nhân dân thành phố Hà Nội", "Thành phố", "Chính quyền"])
    agencies = book.create_sheet("Cơ quan báo chí")
    agencies.append(["code", "name", "body"])
    agencies.append(["kinhtedothi", "Báo Kinh tế và Đô thị", "ubnd-hn"])
    actions = book.create_sheet("actions")
    actions.append(["code", "kind", "title", "members", "effective_on", "status"])
    actions.append(["gop", "Sáp nhập", "Sáp nhập", "kinhtedothi", dt.datetime(2026, 2, 5), "done"])
    actions.append(["giai-the", "dissolve", "Giải thể", "kinhtedothi", "31/02/2026", "done"])
    path = tmp_path / "so-dang-ky.xlsx"
    book.save(path)
    with pytest.raises(RegistryImportError) as caught:
        import_file(registry, path, "hoa")
    assert caught.value.errors == [
        "Nhiệm vụ sắp xếp, dòng 2: hình thức sáp nhập cần cơ quan sau sắp xếp (target)",
        "Nhiệm vụ sắp xếp, dòng 3: Ngày có hiệu lực: ngày '31/02/2026' không hợp lệ "
        "(dd/mm/yyyy hoặc yyyy-mm-dd)",
    ]
    _nothing_written(registry)


def _office_sheet(header: list[str], *rows: list[object]) -> bytes:
    """A workbook as the office keeps its lists: the city's name and the list's title above
    the table (the title merged across it), a blank line, then a numbered table."""
    book = Workbook()
    agencies = book.active
    agencies.title = "Cơ quan báo chí"
    agencies.append(["UBND THÀNH PHỐ HÀ NỘI"])
    agencies.append(["DANH SÁCH CƠ QUAN BÁO CHÍ THÀNH PHỐ"])
    agencies.merge_cells("A2:D2")
    agencies.append([])
    agencies.append(header)
    for row in rows:
        agencies.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_a_table_under_a_title_with_a_numbering_column_imports(registry: RegistryStore) -> None:
    data = _office_sheet(
        ["STT", "Mã", "Tên", "Tên viết tắt"],
        [1, "kinhtedothi", "Báo Kinh tế và Đô thị", "KTĐT"],
        [],
        [2, "hanoimoi", "Báo Hànộimới", "HNM"],
    )
    (sheet,) = read_xlsx(data)
    assert sheet.header_row == 4 and [n for n, _ in sheet.rows] == [5, 7]
    assert import_sheets(registry, [sheet], "hoa")["agencies"]["created"] == 2
    assert registry.row("agencies", "hanoimoi")["short_name"] == "HNM"
    assert registry.row("agencies", "kinhtedothi")["name"] == "Báo Kinh tế và Đô thị"


def test_a_bad_row_under_a_title_is_named_by_its_row_in_the_sheet(
    registry: RegistryStore,
) -> None:
    data = _office_sheet(["STT", "Mã", "Tên"], [1, "kinhtedothi", ""])
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(registry, read_xlsx(data), "hoa")
    assert caught.value.errors == ["Cơ quan báo chí, dòng 5: thiếu Tên"]  # as in Excel
    mistyped = _office_sheet(["STT", "Mã", "Tên cơ quan"], [1, "kinhtedothi", "Báo"])
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(registry, read_xlsx(mistyped), "hoa")
    (error,) = caught.value.errors  # the header's own row, not the title's
    assert error.startswith("Cơ quan báo chí, dòng 4 (tiêu đề): cột 'Tên cơ quan' không thuộc")
    _nothing_written(registry)


def test_header_problems_are_row_one(registry: RegistryStore) -> None:
    text = "code,ten goi,level\nx,X,city\n"
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(registry, [read_csv(text.encode(), "bodies")], "hoa")
    (error,) = caught.value.errors
    assert error.startswith("Cơ quan chủ quản, quản lý, dòng 1 (tiêu đề):")
    assert "cột 'ten goi' không thuộc danh mục Cơ quan chủ quản, quản lý" in error
    assert "thiếu cột Tên, Loại" in error
    assert error.endswith("các cột: Mã, Tên, Tên viết tắt, Cấp, Loại, Trực thuộc, Nguồn, "
                          "Chưa chắc chắn, Ghi chú")  # fmt: skip


def test_bodies_under_themselves_are_refused(registry: RegistryStore) -> None:
    text = "code,name,level,type,parent\na,A,city,party,b\nb,B,city,party,a\nc,C,city,party,a\n"
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(registry, [read_csv(text.encode(), "bodies")], "hoa")
    assert caught.value.errors == [
        "Cơ quan chủ quản, quản lý, dòng 2: 'a' trực thuộc chính nó qua cấp trên",
        "Cơ quan chủ quản, quản lý, dòng 3: 'b' trực thuộc chính nó qua cấp trên",
    ]


def test_a_name_already_used_by_another_code_is_refused(registry: RegistryStore) -> None:
    import_sheets(registry, [read_csv(BODIES.encode(), "bodies")], "hoa")
    again = "code,name,level,type\nubnd,Ủy ban nhân dân Thành phố Hà Nội,city,government\n"
    with pytest.raises(RegistryImportError, match="đã dùng cho mã 'ubnd-hn'"):
        import_sheets(registry, [read_csv(again.encode(), "bodies")], "hoa")


def test_a_failure_while_writing_rolls_everything_back(
    registry: RegistryStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "code,name\n" + "".join(f"bao-{i},Báo số {i}\n" for i in range(5))
    sheets = [read_csv(text.encode(), "agencies")]
    put = _Writer.put
    calls = []

    def failing_put(self: _Writer, entity: str, rec: dict, overwrite: bool) -> str:
        calls.append(rec["code"])
        if len(calls) == 4:
            raise OSError("disk full")
        return put(self, entity, rec, overwrite)

    monkeypatch.setattr(_Writer, "put", failing_put)
    with pytest.raises(OSError):
        import_sheets(registry, sheets, "hoa")
    _nothing_written(registry)


@pytest.mark.parametrize("encode", [to_cp1258, to_tcvn3])
def test_excel_csv_variants_semicolons_and_older_vietnamese_encodings(
    registry: RegistryStore, encode: Callable[[str], bytes]
) -> None:
    # As Vietnamese Excel saves plain CSV (Windows-1258), or older software did (TCVN3, ABC).
    text = "code;name;level;type\nhlhpn-hn;Hội Liên hiệp Phụ nữ thành phố Hà Nội;city;association\n"
    sheet = read_csv(encode(text), "bodies")
    import_sheets(registry, [sheet], "hoa")
    assert registry.row("bodies", "hlhpn-hn")["name"] == "Hội Liên hiệp Phụ nữ thành phố Hà Nội"
    # Excel for Mac ends lines with a lone CR; a cell past the csv module's limit is named.
    mac = read_csv(encode(text.replace("\n", "\r")), "bodies")
    assert mac.rows == sheet.rows
    with pytest.raises(RegistryImportError, match="không đọc được CSV ở dòng 3"):
        read_csv(encode(text + '"' + "x" * 200_000 + '";a;city;association\n'), "bodies")


def test_unknown_sheets_and_files_are_named(registry: RegistryStore, tmp_path) -> None:
    book = Workbook()
    book.active.title = "Ghi chú"
    book.active.append(["xin chào"])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(RegistryImportError, match="sheet 'Ghi chú' không khớp"):
        read_xlsx(data.getvalue())
    with pytest.raises(RegistryImportError, match="không đọc được tệp Excel"):
        read_xlsx(b"not a workbook")
    stray = tmp_path / "danh-sach.csv"
    stray.write_text("code,name\n", encoding="utf-8")
    with pytest.raises(RegistryImportError, match="đặt tên tệp là một trong"):
        import_file(registry, stray, "hoa")
    assert import_file(registry, stray, "hoa", entity="agencies") == {}


def test_reimporting_changes_only_what_differs(registry: RegistryStore) -> None:
    import_sheets(registry, [read_csv(BODIES.encode(), "bodies")], "hoa")
    agencies = "code,name,body,head_title,head_name\nhnm,Báo Hànộimới,ubnd-hn,TỔNG BIÊN TẬP,A\n"
    first = import_sheets(registry, [read_csv(agencies.encode(), "agencies")], "hoa")
    assert first["agencies"]["created"] == 1
    assert registry.row("agencies", "hnm")["head_title"] == "Tổng biên tập"
    changed = agencies.replace(",A\n", ",Nguyễn Minh Đức\n")
    second = import_sheets(registry, [read_csv(changed.encode(), "agencies")], "hoa")
    assert second["agencies"] == {"updated": 1}
    (update,) = registry.changes(entity="agencies", key="hnm", limit=1)
    assert update["detail"] == {"head_name": ["A", "Nguyễn Minh Đức"]}


def test_errors_name_the_sheet_and_field_as_the_workbook_shows_them(registry) -> None:
    """A sheet tabbed by its code ("agencies", as older exports named them) or a CSV file is
    called by its Vietnamese name, a field by its header, never "bodies" or "Tên (name)"."""
    book = Workbook()
    book.remove(book.active)
    bodies = book.create_sheet("bodies")
    for row in csv.reader(io.StringIO(BODIES + "so-tt,,city,government\n")):
        bodies.append(row)
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(registry, read_xlsx(data.getvalue()), "hoa")
    assert caught.value.errors == ["Cơ quan chủ quản, quản lý, dòng 3: thiếu Tên"]


def test_an_unclosed_quote_is_refused_naming_its_line(registry: RegistryStore) -> None:
    """The csv module would read every line after it into the one cell, and import one row."""
    text = 'code,name,address\nq5,"Báo Q5 ""trích"" thiếu ngoặc,Hà Nội\nq6,Báo Q6,Hà Nội\n'
    with pytest.raises(RegistryImportError) as caught:
        import_sheets(registry, [read_csv(text.encode(), "agencies")], "test")
    assert caught.value.errors == [
        "không đọc được CSV ở dòng 2: dấu ngoặc kép mở ở dòng này không được đóng, nên mọi "
        "dòng sau đó bị đọc thành một ô"
    ]
    _nothing_written(registry)


def test_a_file_past_a_registers_size_is_refused_before_writing(
    registry: RegistryStore, tmp_path
) -> None:
    """100,000 rows held the database's write lock past every other request's patience."""
    path = tmp_path / "agencies.csv"
    rows = "".join(f"a{n},Báo {n}\n" for n in range(MAX_ROWS + 1))
    path.write_text("code,name\n" + rows, encoding="utf-8")
    with pytest.raises(RegistryImportError) as caught:
        import_file(registry, path, "test")
    assert caught.value.errors == [
        f"tệp có {MAX_ROWS + 1} dòng, quá {MAX_ROWS} dòng một lần nhập: hãy chia thành nhiều tệp"
    ]
    _nothing_written(registry)
