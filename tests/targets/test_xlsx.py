"""Workbooks out and back: Vietnamese intact, statuses shown, a wrong file writes nothing and
every problem it has can be said in English."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from baochi import targets
from baochi.cases import AttachmentRejected
from baochi.db import Store
from baochi.db.targets_store import TargetsStore
from baochi.phrase import Phrase
from baochi.web import i18n
from tests.targets.conftest import TODAY, fresh_store, unsheeted, wrong_workbook

ENGLISH = i18n.EN | json.loads(
    (Path(targets.__file__).parent / "templates" / i18n.AREA_CATALOGUE).read_text("utf-8")
)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def snapshot(store: Store) -> tuple:
    """Everything the targets tables hold about the example, without ids or stamps."""
    ts = TargetsStore(store.engine)
    directive = ts.directive("1559-TB/TU")
    assert directive is not None
    tasks = [
        (t.position, t.title, t.lead_unit, t.coordinating_units, t.due_on, t.status, t.note)
        for t in ts.tasks(directive.id)
    ]
    found = ts.indicators(directive.id)
    indicators = [
        (
            i.code,
            i.name,
            i.unit,
            i.baseline,
            i.baseline_on,
            i.target,
            i.target_on,
            i.direction,
            i.source,
        )
        for i in found
    ]
    reports = [(r.period_end, r.value, r.comment) for r in ts.reports([i.id for i in found])]
    return (directive.title, directive.summary, directive.source), tasks, indicators, reports


def test_round_trip_keeps_vietnamese_and_everything_else(store: Store, tmp_path) -> None:
    targets.load_example(store.engine)
    before = snapshot(store)
    content = targets.export_directive(store.engine, "1559-TB/TU", TODAY)

    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Văn bản", "Nhiệm vụ", "Chỉ tiêu", "Báo cáo"]
    tasks_sheet = book["Nhiệm vụ"]
    assert tasks_sheet["B2"].value.startswith("Tham mưu thành phố triển khai Đề án sắp xếp")
    assert tasks_sheet["H1"].value == "Trạng thái tính toán"
    assert tasks_sheet["H5"].value == "Quá hạn"
    assert tasks_sheet["E2"].number_format == "DD/MM/YYYY"

    # Into a fresh database: the same directive comes back.
    other = fresh_store(tmp_path / "other")
    targets.import_directive(other.engine, content)
    assert snapshot(other) == before
    # And into the same one: nothing is duplicated.
    targets.import_directive(store.engine, content)
    assert snapshot(store) == before


def test_a_task_s_progress_and_an_indicator_s_direction_are_written_in_words(
    store: Store, tmp_path
) -> None:
    """The workbook says "Đang thực hiện" and "Giảm", as the office writes them, not the codes
    "in_progress" and "decrease"; an import reads the words, and the codes of older files."""
    targets.load_example(store.engine)
    book = load_workbook(io.BytesIO(targets.export_directive(store.engine, "1559-TB/TU", TODAY)))
    tasks, indicators = book["Nhiệm vụ"], book["Chỉ tiêu"]
    assert tasks["F1"].value == "Tình trạng" and indicators["I1"].value == "Chiều"
    assert {row[5] for row in tasks.iter_rows(min_row=2, values_only=True)} == {"Đang thực hiện"}
    directions = {row[0]: row[8] for row in indicators.iter_rows(min_row=2, values_only=True)}
    assert directions == {"CQBC-2020": "Giảm", "TTHC-3-4": "Tăng"}
    tasks["F2"], tasks["F3"], indicators["I2"] = "hoan thanh", "not_started", "decrease"
    out = io.BytesIO()
    book.save(out)
    other = fresh_store(tmp_path / "other")
    targets.import_directive(other.engine, out.getvalue())
    _, imported, found, _ = snapshot(other)
    assert [t[5] for t in imported[:3]] == ["done", "not_started", "in_progress"]
    assert [i[7] for i in found] == ["decrease", "increase"]
    tasks["F2"] = "Xong rồi"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(targets.RowsInvalid) as caught:
        targets.import_directive(other.engine, out.getvalue())
    ((sheet, row, message),) = caught.value.problems
    assert (sheet, row, str(message)) == (
        "Nhiệm vụ",
        2,
        "«Tình trạng» phải là một trong Chưa thực hiện, Đang thực hiện, Hoàn thành: 'Xong rồi'",
    )


def test_an_edited_workbook_updates_the_directive(store: Store) -> None:
    targets.load_example(store.engine)
    book = load_workbook(io.BytesIO(targets.export_directive(store.engine, "1559-TB/TU", TODAY)))
    sheet = book["Báo cáo"]
    sheet.append(["TTHC-3-4", dt.datetime(2020, 12, 31), 100, "Đạt 100% theo báo cáo của Sở"])
    out = io.BytesIO()
    book.save(out)
    targets.import_directive(store.engine, out.getvalue())
    board = targets.board(store.engine, "1559-TB/TU", TODAY)
    assert board.tasks[3].status == "achieved"
    assert targets.lagging(store.engine, TODAY) == []


def test_a_wrong_workbook_lists_its_problems_and_writes_nothing(store: Store) -> None:
    targets.load_example(store.engine)
    before = snapshot(store)
    book = load_workbook(io.BytesIO(targets.export_directive(store.engine, "1559-TB/TU", TODAY)))
    book["Nhiệm vụ"]["B3"] = "Nhiệm vụ đã sửa — không được ghi"
    book["Chỉ tiêu"]["G2"] = "một trăm"
    book["Báo cáo"].append(["KHONG-CO", "31/12/2021", 5, ""])
    book["Nhiệm vụ"]["E4"] = "31/13/2020"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(targets.RowsInvalid) as caught:
        targets.import_directive(store.engine, out.getvalue())
    problems = [(sheet, row, str(message)) for sheet, row, message in caught.value.problems]
    # named as the workbook shows them: the sheet's title and the column's header
    assert ("Chỉ tiêu", 2, "«Mục tiêu»: «một trăm» không phải là số") in problems
    assert ("Báo cáo", 3, "không có chỉ tiêu mã 'KHONG-CO'") in problems
    assert ("Nhiệm vụ", 4, "«Thời hạn» không phải ngày (dd/mm/yyyy): '31/13/2020'") in problems
    assert snapshot(store) == before
    with pytest.raises(targets.RowsInvalid, match="không đọc được"):
        targets.import_directive(store.engine, b"<html>not a workbook</html>")


def test_a_problem_is_named_by_its_row_in_the_sheet_past_blank_rows(store: Store) -> None:
    """Hoa leaves a blank line between two groups of tasks and types the headers as she likes:
    the problem's row number is the one Excel shows."""
    targets.load_example(store.engine)
    book = load_workbook(io.BytesIO(targets.export_directive(store.engine, "1559-TB/TU", TODAY)))
    tasks = book["Nhiệm vụ"]
    tasks.insert_rows(3)  # a blank line under the first task
    tasks["E5"] = "31/13/2020"  # the third task's deadline, on row 5 of the sheet
    tasks["E1"] = " thoi han "  # the header of that column, typed without diacritics
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(targets.RowsInvalid) as caught:
        targets.import_directive(store.engine, out.getvalue())
    assert [p[:2] for p in caught.value.problems] == [("Nhiệm vụ", 5)]
    tasks["G1"] = "Ghi chu cua Hoa"  # a header naming no column: its notes would be lost
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(targets.RowsInvalid) as caught:
        targets.import_directive(store.engine, out.getvalue())
    ((sheet, row, message),) = caught.value.problems
    assert (sheet, row) == ("Nhiệm vụ", 1)
    assert str(message).startswith("cột «Ghi chu cua Hoa» không có trong trang này (các cột: «STT»")


def test_every_problem_an_import_says_has_english(store: Store) -> None:
    """Each phrase the problems page asks the catalogue for, of a row, a sheet or the file."""
    targets.load_example(store.engine)
    wrong = wrong_workbook(store.engine)
    book = load_workbook(io.BytesIO(wrong))
    book["Văn bản"].append(["1559-TB/TU"])  # a second directive in the sheet of one
    two = io.BytesIO()
    book.save(two)
    problems = []
    for content in (wrong, unsheeted(wrong), two.getvalue(), b"<html>not a workbook</html>"):
        with pytest.raises(targets.RowsInvalid) as caught:
            targets.import_directive(store.engine, content)
        problems += caught.value.problems
    asked: set[str] = set()

    def say(text: str, count: float) -> str:
        asked.add(text)
        return text

    for sheet, _, message in problems:
        for phrase in (sheet, message):
            if isinstance(phrase, Phrase):
                phrase.said(say)
    worded = {text for text in asked if re.search(r"[^\W\d_]", re.sub(r"\{[^}]*\}", "", text))}
    assert len(worded) > 14 and sorted(worded - set(ENGLISH)) == []


def test_progress_reports_with_evidence(store: Store, settings) -> None:
    targets.load_example(store.engine)
    indicator = next(i for i in TargetsStore(store.engine).indicators() if i.code == "TTHC-3-4")
    evidence = (settings.data, "bao-cao-2020.pdf", PDF, settings.case_attachment_max_bytes)
    targets.record_progress(
        store.engine, indicator.id, dt.date(2020, 6, 30), 62.5, "Báo cáo 6 tháng", evidence
    )
    reports = TargetsStore(store.engine).reports([indicator.id])
    assert reports[0].value == 62.5 and reports[0].evidence.endswith(".pdf")
    assert (settings.data / "attachments" / reports[0].evidence).read_bytes() == PDF
    with pytest.raises(AttachmentRejected):
        targets.record_progress(
            store.engine,
            indicator.id,
            dt.date(2020, 9, 30),
            70,
            "",
            (settings.data, "gia.pdf", b"<html><script></script></html>", 1_000_000),
        )
    assert len(TargetsStore(store.engine).reports([indicator.id])) == 1
