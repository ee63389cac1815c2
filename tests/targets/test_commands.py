"""`baochi targets …` in process: load the example, statuses, export and import a workbook."""

from __future__ import annotations

import pytest

from baochi.db import Store
from baochi.settings import Settings
from baochi.targets import commands
from tests.commands import invoker


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
