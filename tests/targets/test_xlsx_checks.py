"""What a directive workbook's import refuses or cleans, and what its export keeps from being
read as a formula: each case is the example's workbook edited by hand as an office might."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from typing import Any

import pytest
from openpyxl import load_workbook

from baochi import targets
from baochi.db import Store
from baochi.db.targets_store import TargetsStore
from tests.targets.conftest import TODAY, directive_book, fresh_store, oversized_book
from tests.targets.test_xlsx import ENGLISH, snapshot


def example_book(store: Store) -> Any:
    targets.load_example(store.engine)
    return load_workbook(io.BytesIO(targets.export_directive(store.engine, "1559-TB/TU", TODAY)))


def saved(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def refused(store: Store, content: bytes) -> list[tuple[str, int, str]]:
    """The problems an import of `content` lists, each said in English too."""
    with pytest.raises(targets.RowsInvalid) as caught:
        targets.import_directive(store.engine, content)
    for _, _, message in caught.value.problems:
        assert message.text in ENGLISH
    return [(str(sheet), row, str(message)) for sheet, row, message in caught.value.problems]


def as_text(cell: Any, text: str) -> None:
    """A text typed into a cell as text, as Excel keeps "=1+1" typed after a "'"."""
    cell.value = text
    cell.data_type = "s"


LINK = '=HYPERLINK("http://127.0.0.1/x","click")'


def test_a_text_that_looks_like_a_formula_goes_out_as_text_and_comes_back_as_typed(
    store: Store, tmp_path
) -> None:
    book = example_book(store)
    tasks, indicators = book["Nhiệm vụ"], book["Chỉ tiêu"]
    as_text(tasks["B2"], LINK)
    as_text(tasks["G3"], "- gạch đầu dòng")
    as_text(tasks["G4"], "'=2+2")  # a text of its own beginning with a "'"
    as_text(indicators["C2"], "=1+1")
    targets.import_directive(store.engine, saved(book))
    typed = snapshot(store)
    assert typed[1][0][1] == LINK and typed[2][0][1] == "=1+1"

    exported = targets.export_directive(store.engine, "1559-TB/TU", TODAY)
    book = load_workbook(io.BytesIO(exported))
    cells = [book["Nhiệm vụ"]["B2"], book["Nhiệm vụ"]["G3"], book["Chỉ tiêu"]["C2"]]
    assert [c.data_type for c in cells] == ["s", "s", "s"]
    assert [c.value for c in cells] == ["'" + LINK, "'- gạch đầu dòng", "'=1+1"]
    other = fresh_store(tmp_path / "other")
    targets.import_directive(other.engine, exported)
    assert snapshot(other) == typed


@pytest.mark.parametrize("position", [1e20, -5, 0])
def test_a_task_number_out_of_range_is_refused_by_its_row(store: Store, position: float) -> None:
    book = example_book(store)
    before = snapshot(store)
    book["Nhiệm vụ"]["A11"] = position  # task 10, which no indicator names
    problems = refused(store, saved(book))
    assert problems == [("Nhiệm vụ", 11, f"«STT» phải từ 1 đến 9999: {position:g}")]
    assert snapshot(store) == before


def test_a_column_given_twice_is_refused(store: Store) -> None:
    """A second «Nhiệm vụ» column would have its cells take the place of the first's."""
    book = example_book(store)
    before = snapshot(store)
    tasks = book["Nhiệm vụ"]
    tasks["I1"], tasks["I2"] = "nhiem vu", "tiêu đề khác"
    assert refused(store, saved(book)) == [("Nhiệm vụ", 1, "cột 'nhiem vu' lặp lại")]
    assert snapshot(store) == before


def test_a_code_with_an_invisible_character_is_the_same_code(store: Store) -> None:
    """A code read with a zero-width space after it, "CQBC-2020\u200b", looks like CQBC-2020 and
    is: the import updates the directive instead of adding an indicator that looks the same."""
    book = example_book(store)
    before = snapshot(store)
    indicators = book["Chỉ tiêu"]
    indicators["A2"] = "CQBC-2020\u200b"
    indicators["A3"] = "\u00a0TTHC-3-4"
    book["Báo cáo"]["A2"] = "CQBC-2020\u200b"
    targets.import_directive(store.engine, saved(book))
    assert snapshot(store) == before


def test_a_text_pasted_in_nfd_is_kept_in_nfc(store: Store) -> None:
    book = example_book(store)
    before = snapshot(store)
    for sheet in book:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = unicodedata.normalize("NFD", cell.value)
    assert book["Nhiệm vụ"]["B2"].value != before[1][0][1]
    targets.import_directive(store.engine, saved(book))
    assert snapshot(store) == before


def test_two_reports_of_an_indicator_for_one_period_are_refused(store: Store) -> None:
    book = example_book(store)
    before = snapshot(store)
    reports = book["Báo cáo"]
    assert (reports["A2"].value, reports["B2"].value) == ("CQBC-2020", dt.datetime(2020, 12, 31))
    reports.append(["CQBC-2020", "31/12/2020", 999, "trùng"])
    assert refused(store, saved(book)) == [
        ("Báo cáo", 3, "chỉ tiêu 'CQBC-2020' đã có báo cáo kỳ 31/12/2020 ở dòng 2")
    ]
    assert snapshot(store) == before


def test_a_title_above_the_header_is_passed_over(store: Store, tmp_path) -> None:
    book = example_book(store)
    before = snapshot(store)
    tasks = book["Nhiệm vụ"]
    tasks.insert_rows(1, amount=2)
    tasks["A1"] = "DANH SÁCH NHIỆM VỤ"
    other = fresh_store(tmp_path / "other")
    targets.import_directive(other.engine, saved(book))
    assert snapshot(other) == before
    tasks["E6"] = "31/13/2020"  # the third task's deadline, on row 6 of the sheet
    assert [p[:2] for p in refused(store, saved(book))] == [("Nhiệm vụ", 6)]
    tasks["I3"] = "Ghi chu cua Hoa"  # a header beside the others, on row 3
    assert [p[:2] for p in refused(store, saved(book))] == [("Nhiệm vụ", 3)]


def test_a_workbook_unpacking_past_what_a_directive_holds_is_refused_unread(store: Store) -> None:
    """Refused by its size before a row is read (the shared limit is 500 MB)."""
    assert refused(store, oversized_book()) == [
        ("tệp", 0, "không đọc được tệp Excel: giải nén ra 8 MB, quá 4 MB")
    ]


def test_a_task_number_that_is_no_whole_number_does_not_take_a_later_row_s(store: Store) -> None:
    """STT 1.5 is refused on its row; the row after it numbered 1 is task 1, no duplicate."""
    tasks = [[1.5, "Nhiệm vụ lẻ"], [1, "Nhiệm vụ một"]]
    content = directive_book("KH-STT", tasks, [], [])
    assert refused(store, content) == [("Nhiệm vụ", 2, "«STT» phải là số nguyên không trùng")]


def test_values_paths_and_periods_are_held_to_the_form_s_rules(store: Store) -> None:
    """A share past 100 % or below 0, a target on the wrong side of its baseline, a deadline
    before the baseline's day, a period still to come or before 2000: each refused by row."""
    day = dt.datetime
    indicators = [
        ["PCT", None, "Tỷ lệ", "%", -50, day(2025, 1, 1), 150, day(2026, 12, 31), "Tăng"],
        ["UP", None, "Số tăng", "trường", 10, day(2025, 1, 1), 5, day(2026, 12, 31), "Tăng"],
        ["DOWN", None, "Số giảm", "vụ", 10, day(2025, 1, 1), 20, day(2026, 12, 31), "Giảm"],
        ["LATE", None, "Hạn sớm", "người", 1, day(2026, 1, 1), 5, day(2025, 12, 31), "Tăng"],
        ["KEEP", None, "Giữ mức", "%", 100, day(2025, 1, 1), 100, day(2026, 12, 31), "Tăng"],
    ]
    reports = [
        ["KEEP", day(2030, 12, 31), 100, ""],
        ["KEEP", day(1999, 12, 31), 100, ""],
        ["KEEP", day(2025, 6, 30), 250, ""],
        ["UP", day(2025, 6, 30), -3, ""],
        ["UP", day(2025, 9, 30), 1e26, ""],
    ]
    problems = refused(store, directive_book("KH-RANGE", [], indicators, reports))
    assert problems == [
        ("Chỉ tiêu", 2, "«Giá trị nền» là tỷ lệ %, phải từ 0 đến 100: -50"),
        ("Chỉ tiêu", 2, "«Mục tiêu» là tỷ lệ %, phải từ 0 đến 100: 150"),
        ("Chỉ tiêu", 3, "«Mục tiêu» của chỉ tiêu tăng không được thấp hơn giá trị nền 10: 5"),
        ("Chỉ tiêu", 4, "«Mục tiêu» của chỉ tiêu giảm không được cao hơn giá trị nền 10: 20"),
        ("Chỉ tiêu", 5, "«Hạn đạt» phải sau ngày nền 01/01/2026"),
        (
            "Báo cáo",
            2,
            "Ngày cuối kỳ không được sau hôm nay: không báo cáo trước cho một kỳ chưa kết thúc.",
        ),
        ("Báo cáo", 3, "«Cuối kỳ» không được trước 01/01/2000: 31/12/1999"),
        ("Báo cáo", 4, "«Giá trị» là tỷ lệ %, phải từ 0 đến 100: 250"),
        ("Báo cáo", 5, "«Giá trị» phải từ 0 đến 1e+15: -3"),
        ("Báo cáo", 6, "«Giá trị» phải từ 0 đến 1e+15: 1e+26"),
    ]
    assert TargetsStore(store.engine).directive("KH-RANGE") is None
