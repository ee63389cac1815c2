"""`baochi targets …` in process: load the example, statuses, export and import a workbook."""

from __future__ import annotations

import datetime as dt

import pytest

from baochi.db import Store
from baochi.settings import Settings
from baochi.targets import commands
from tests.commands import invoker
from tests.targets.conftest import directive_book, oversized_book


@pytest.fixture
def run(settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch, capsys):
    """Run a `targets` subcommand on the test store; (exit code, stdout, stderr)."""
    monkeypatch.setattr(commands, "open_store", lambda _settings: store)
    return invoker(commands, "targets", settings, capsys)


def test_targets_commands(run, tmp_path) -> None:
    assert run("load-example")[0] == 0
    assert run("load-example")[0] == 0
    code, out, _ = run("list")
    assert code == 0 and len(out.splitlines()) == 1 and out.startswith("1559-TB/TU")
    code, out, _ = run("status", "1559-TB/TU", "--today", "2026-11-28")
    assert "Quá hạn" in out and "Sở Văn hóa và Thể thao" in out
    code, out, _ = run("status", "--today", "2026-11-28")
    assert out.startswith("Quá hạn") and len(out.splitlines()) == 1
    book = tmp_path / "1559.xlsx"
    assert run("export", "1559-TB/TU", str(book))[0] == 0
    assert run("import", str(book))[0] == 0
    assert run("export", "KHONG-CO", str(book))[0] == 1
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    code, _, err = run("import", str(broken))
    assert code == 1 and "không đọc được tệp Excel" in err


def test_an_import_says_what_it_changed_and_a_level_left_is_lagging(run, tmp_path) -> None:
    """KEEP (100 % to keep) reported at 20 and ZERO (none to keep) at 50 are behind; a file far
    larger than a directive is refused by its size, unread."""
    day = dt.datetime
    indicators = [
        ["KEEP", 1, "Tỷ lệ giữ", "%", 100, day(2026, 1, 1), 100, day(2027, 12, 31), "Tăng"],
        ["ZERO", 1, "Số vụ", "vụ", 0, day(2026, 1, 1), 0, day(2027, 12, 31), "Giảm"],
    ]
    reports = [["KEEP", day(2026, 5, 31), 20, ""], ["ZERO", day(2026, 5, 31), 50, ""]]
    book = tmp_path / "keep.xlsx"
    book.write_bytes(directive_book("KH-KEEP", [[1, "Giữ mức"]], indicators, reports))
    code, out, _ = run("import", str(book))
    assert code == 0
    assert out.splitlines()[1:] == [
        "  Nhiệm vụ: thêm 1, sửa 0, xoá 0",
        "  Chỉ tiêu: thêm 2, sửa 0, xoá 0",
        "  Báo cáo: thêm 2, sửa 0, xoá 0",
    ]
    code, out, _ = run("status", "KH-KEEP", "--today", "2026-06-30")
    assert "Đúng tiến độ" not in out and out.count("Chậm tiến độ") == 3  # the task and both
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(oversized_book())
    code, _, err = run("import", str(bomb))
    assert code == 1 and "giải nén ra 8 MB, quá 4 MB" in err
