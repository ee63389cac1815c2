"""A directive as an Excel workbook, out and back: one sheet per part, Vietnamese headers, a
task's progress and an indicator's direction by their Vietnamese names ("Đang thực hiện", "Tăng").

Export adds the computed statuses for reading; import ignores them, checks every row first and
writes nothing until the whole workbook is right.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from baochi.db.targets_store import Changes, StillReported
from baochi.db.web_store import User, audit
from baochi.hanoi_time import HANOI
from baochi.phrase import Phrase, phrase_of
from baochi.tables import TITLE_ROWS, header_index, safe_cell, sheet_rows, undefused, workbook
from baochi.targets.board import board, save
from baochi.targets.rows import DIRECTIONS, Problem, RowsInvalid, check_rows, clean
from baochi.targets.status import LABELS, TASK_STATUSES
from baochi.vi import fold

SHEETS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "directive": (
        "Văn bản",
        [
            ("code", "Số hiệu"),
            ("issued_on", "Ngày ban hành"),
            ("issuer", "Cơ quan ban hành"),
            ("title", "Trích yếu"),
            ("summary", "Nội dung chính"),
            ("source", "Nguồn"),
        ],
    ),
    "tasks": (
        "Nhiệm vụ",
        [
            ("position", "STT"),
            ("title", "Nhiệm vụ"),
            ("lead_unit", "Đơn vị chủ trì"),
            ("coordinating_units", "Đơn vị phối hợp"),
            ("due_on", "Thời hạn"),
            ("status", "Tình trạng"),
            ("note", "Ghi chú"),
        ],
    ),
    "indicators": (
        "Chỉ tiêu",
        [
            ("code", "Mã"),
            ("task_position", "STT nhiệm vụ"),
            ("name", "Chỉ tiêu"),
            ("unit", "Đơn vị tính"),
            ("baseline", "Giá trị nền"),
            ("baseline_on", "Ngày nền"),
            ("target", "Mục tiêu"),
            ("target_on", "Hạn đạt"),
            ("direction", "Chiều"),
            ("source", "Nguồn"),
        ],
    ),
    "reports": (
        "Báo cáo",
        [
            ("indicator_code", "Mã chỉ tiêu"),
            ("period_end", "Cuối kỳ"),
            ("value", "Giá trị"),
            ("comment", "Nhận xét"),
        ],
    ),
}
# What an import's answer counts, part by part, each named as its sheet.
COUNTED = tuple((part, SHEETS[part][0]) for part in ("tasks", "indicators", "reports"))
COMPUTED = "Trạng thái tính toán"
# What a directive's workbook may unpack to. A directive is tens of tasks and indicators and a few
# hundred reports, some 100 KB of sheet XML; the shared limit (tables.UNPACKED_MAX, 500 MB, for
# the social exports) let a 7.7 MB file of 1.5 million rows hold an import for a minute and 3 GB.
UNPACKED_MAX = 4 * 2**20
DATE_FORMAT = "DD/MM/YYYY"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _write(sheet: Any, columns: list[tuple[str, str]], rows: list[dict[str, Any]]) -> None:
    headers = [label for _, label in columns]
    if rows and COMPUTED in rows[0]:
        headers.append(COMPUTED)
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = [row.get(key) for key, _ in columns] + ([row[COMPUTED]] if COMPUTED in row else [])
        sheet.append([safe_cell(v) for v in values])  # a text such as "=1+1" stays a text
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT


def export_directive(engine: Engine, code: str, today: dt.date) -> bytes:
    """The directive, its tasks, indicators and reports as an .xlsx file's bytes."""
    view = board(engine, code, today)
    d = view.directive
    parts: dict[str, list[dict[str, Any]]] = {
        "directive": [
            {
                "code": d.code,
                "issued_on": d.issued_on,
                "issuer": d.issuer,
                "title": d.title,
                "summary": d.summary,
                "source": d.source,
            }
        ],
        "tasks": [],
        "indicators": [],
        "reports": [],
    }
    positions = {t.task.id: t.task.position for t in view.tasks}
    indicator_views = view.indicators()
    for t in view.tasks:
        parts["tasks"].append(
            {
                **{k: getattr(t.task, k) for k, _ in SHEETS["tasks"][1]},
                "status": TASK_STATUSES.get(t.task.status, t.task.status),
                COMPUTED: LABELS[t.status],
            }
        )
    for i in sorted(indicator_views, key=lambda v: v.indicator.code):
        row = {k: getattr(i.indicator, k, None) for k, _ in SHEETS["indicators"][1]}
        row["task_position"] = positions.get(i.indicator.task_id or -1)
        row["direction"] = DIRECTIONS.get(i.indicator.direction, i.indicator.direction)
        parts["indicators"].append({**row, COMPUTED: i.judgement.label})
        for r in i.reports:
            parts["reports"].append(
                {
                    "indicator_code": i.indicator.code,
                    "period_end": r.period_end,
                    "value": r.value,
                    "comment": r.comment,
                }
            )
    book = Workbook()
    book.remove(book.active)
    for part, (title, columns) in SHEETS.items():
        _write(book.create_sheet(title), columns, parts[part])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _heading(cell: Any) -> str:
    """A header cell's text, cleaned, its spaces (a line break typed in it too) made one."""
    return " ".join(clean(cell).split())


def _read(
    sheet: Any, title: str, columns: list[tuple[str, str]]
) -> tuple[list[int], list[dict[str, Any]], list[Problem]]:
    """Rows as dicts keyed by field, matching headers by label or field name (any case, with or
    without diacritics), each row's number in the sheet (blank rows skipped), and a problem for
    each header naming no column, its cells would be lost without a word, or naming one already
    named, its cells would take the place of the first's. The header is the row among the first
    that names most columns: a title such as "DANH SÁCH NHIỆM VỤ" above it is passed over."""
    names = {fold(label): key for key, label in columns} | {key: key for key, _ in columns}
    table = sheet_rows(sheet)  # one far cell (XFD1048576) costs a row, not a million
    at = header_index(table[:TITLE_ROWS], lambda cell: fold(_heading(cell)) in names)
    header = [_heading(h) for h in (table[at] if table else ())]
    keys = [names.get(fold(h)) for h in header]
    known = ", ".join(f"«{label}»" for _, label in columns)
    not_here = "cột «{header}» không có trong trang này (các cột: {columns})"
    problems: list[Problem] = []
    for n, (h, key) in enumerate(zip(header, keys, strict=True)):
        if h and key is None and h != COMPUTED:
            problems.append((title, at + 1, Phrase(not_here, header=h, columns=known)))
        elif key is not None and key in keys[:n]:
            problems.append((title, at + 1, Phrase("cột {text!r} lặp lại", text=h)))
    numbers, found = [], []
    for number, values in enumerate(table[at + 1 :], start=at + 2):
        if all(v in (None, "") for v in values):
            continue
        numbers.append(number)
        found.append({k: undefused(v) for k, v in zip(keys, values, strict=False) if k is not None})
    return numbers, found, problems


def field_named(part: str, message: Phrase) -> Phrase:
    """A check's message with the field it names said as the workbook's column header for that
    part ("value" of a report as «Giá trị»), the words the progress form labels it with too."""
    field = dict(SHEETS.get(part, ("", []))[1]).get(message.parts.get("field", ""))
    if field is None:
        return message
    return Phrase(message.text, n=message.n, **(message.parts | {"field": field}))


def _as_shown(problems: list[Problem]) -> list[Problem]:
    """The checks' problems with their places named as the workbook shows them: a part by its
    sheet's title, a field by its column's header (as the file has them, in any language)."""
    return [
        (SHEETS.get(str(part), (str(part), []))[0], row, field_named(str(part), message))
        for part, row, message in problems
    ]


def _still_reported(exc: StillReported) -> RowsInvalid:
    """The refusal of an import that would remove indicators progress was reported on."""
    kept = (
        "chỉ tiêu {code!r} không có trong tệp nhưng đã có {count} báo cáo tiến độ: thêm lại vào tệp"
    )
    return RowsInvalid(
        [
            (SHEETS["indicators"][0], 0, Phrase(kept, n=count, code=code, count=count))
            for code, count in exc.reported.items()
        ]
    )


def import_directive(
    engine: Engine,
    content: bytes,
    user: User | str | None = None,
    now: dt.datetime | None = None,
) -> tuple[int, Changes]:
    """Bring a directive to a workbook's content, audited as done by `user`; its id and what
    was added, changed and removed. RowsInvalid lists every problem found, nothing written."""
    try:
        book = workbook(content, UNPACKED_MAX)
    except ValueError as exc:
        raise RowsInvalid([(Phrase("tệp"), 0, phrase_of(exc))]) from exc
    parts: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, list[int]] = {}
    problems: list[Problem] = []
    for part, (title, columns) in SHEETS.items():
        if title not in book.sheetnames:
            problems.append((title, 0, Phrase("thiếu trang tính")))
            continue
        lines[part], parts[part], unknown = _read(book[title], title, columns)
        problems += unknown
    book.close()
    if problems:
        raise RowsInvalid(problems)
    if len(parts["directive"]) != 1:
        raise RowsInvalid([("Văn bản", 2, Phrase("trang «Văn bản» phải có đúng một dòng"))])
    stamp = now or dt.datetime.now(dt.UTC)
    try:
        rows = check_rows(
            parts["directive"][0],
            parts["tasks"],
            parts["indicators"],
            parts["reports"],
            stamp.astimezone(HANOI).date(),
            lines,
        )
    except RowsInvalid as exc:
        raise RowsInvalid(_as_shown(exc.problems)) from exc
    rows.directive["created_at"] = stamp
    reporter = user.id if isinstance(user, User) else None
    for report in rows.reports:
        report["reported_at"], report["reported_by"] = stamp, reporter

    def audited(conn: Connection, changes: Changes) -> None:
        after = {
            "counts": changes.counts(),
            "added": changes.added,
            "changed": changes.changed,
            "removed": changes.removed,
        }
        before = {"reports": changes.replaced} if changes.replaced else None
        audit(conn, user, "targets.import", f"directive:{rows.directive['code']}", before, after)

    try:
        return save(engine, rows, audited)
    except StillReported as exc:
        raise _still_reported(exc) from exc
