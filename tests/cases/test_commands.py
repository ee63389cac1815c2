"""`baochi cases …` in process: open, assign, answer with a file, remind at a set time, close."""

from __future__ import annotations

import pytest

from baochi.cases import commands
from baochi.db import Store
from baochi.db.cases_store import CasesStore
from baochi.settings import Settings
from tests.commands import invoker

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def run(settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch, capsys):
    """Run a `cases` subcommand on the test store; (exit code, stdout, stderr)."""
    monkeypatch.setattr(commands, "open_store", lambda _settings: store)
    return invoker(commands, "cases", settings, capsys)


def test_a_case_through_the_command_line(run, flooded: int, tmp_path) -> None:
    code, out, _ = run("open", "--document", str(flooded), "--received", "2026-03-02")
    assert code == 0 and "#1" in out and "hạn 01/04/2026" in out and "Mới" in out
    code, out, _ = run("assign", "1", "--department", "7", "--coordinating", "8")
    assert code == 0 and "Đã giao" in out
    code, out, _ = run("list", "--department", "8", "--format", "json")
    assert '"responsible": [7]' in out and '"coordinating": [8]' in out
    assert run("list", "--department", "9")[1] == ""

    code, out, _ = run("remind", "--now", "2026-03-26T08:00")
    assert code == 0 and "còn 6 ngày" in out  # 26/3 to 1/4, as the pages count
    assert run("remind", "--now", "2026-03-26T08:00")[1] == ""

    letter = tmp_path / "cong-van.pdf"
    letter.write_bytes(PDF)
    code, out, _ = run("answer", "1", "--text", "Đã nạo vét", "--file", str(letter))
    assert code == 0 and "Đã trả lời" in out
    code, out, _ = run("close", "1")
    assert code == 0 and "Đã đóng" in out
    code, out, _ = run("close", "1")  # again: it is closed, by the first
    assert code == 0 and "Đã đóng" in out
    code, _, err = run("close", "1", "--withdraw", "trùng")
    assert code == 1 and "không thể «Rút (không cần trả lời)»" in err
    code, out, _ = run("figures")
    assert code == 0 and out.splitlines()[1].split()[:3] == ["7", "1", "1"]


def test_refusals_are_messages_not_tracebacks(run, tmp_path, capsys) -> None:
    code, _, err = run("open", "Ngập", "--priority", "gấp")
    assert code == 1 and "unknown priority" in err
    with pytest.raises(SystemExit):  # before: an OverflowError from the database driver
        run("open", "Ngập", "--story", "9" * 30)
    assert "argument --story: invalid id value" in capsys.readouterr().err
    code, _, err = run("open", "Ngập", "--document", "424242")  # before: an IntegrityError
    assert code == 1 and "không có bài báo số 424242" in err
    run("open", "Ngập", "--department", "7")
    fake = tmp_path / "cong-van.pdf"
    fake.write_bytes(b"<html><body>not a pdf</body></html>")
    code, _, err = run("answer", "1", "--text", "x", "--file", str(fake))
    assert code == 1 and "chỉ nhận tệp PDF" in err


def test_a_department_given_twice_is_linked_once(run) -> None:
    """`--department 7 --department 7` broke the unique key: a traceback, not a case."""
    code, out, _ = run("open", "Hai lần", "--department", "7", "--department", "7")
    assert code == 0 and "đơn vị 7 " in out
    code, out, _ = run("assign", "1", "--department", "8", "--department", "8",
                       "--coordinating", "8", "--coordinating", "9")  # fmt: skip
    assert code == 0 and "đơn vị 8 " in out


def test_remind_prints_what_it_wrote_not_what_was_due(run, monkeypatch) -> None:
    """A run that looked before another wrote (two at once) printed the other's reminders."""
    run("open", "Ngập", "--department", "7", "--received", "2026-03-02")
    code, out, _ = run("remind", "--now", "2026-03-26T08:00")
    assert code == 0 and "còn 6 ngày" in out
    monkeypatch.setattr(CasesStore, "sent_keys", lambda self, ids: {})  # as a run at once saw
    code, out, err = run("remind", "--now", "2026-03-26T08:00")
    assert code == 0 and out == "" and "0 thông báo mới" in err
