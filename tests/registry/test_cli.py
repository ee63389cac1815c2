"""`baochi registry …` in process: load the example, read lineage, import, export, warn.

The parser is built from this area's `register` alone, as baochi.cli builds it from every area."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from baochi.registry import RegistryStore, commands
from baochi.settings import Settings
from tests.commands import invoker


@pytest.fixture
def run(settings: Settings, capsys: pytest.CaptureFixture[str]):
    """Run `baochi registry …` as the CLI does, on the test settings: (exit code, out, err)."""
    return invoker(commands, "registry", settings, capsys)


def test_example_lineage_list_and_progress(run, store) -> None:
    code, out, _ = run("load-example")
    assert code == 0 and "Cơ quan báo chí: 22 created" in out
    code, out, _ = run("lineage", "hanoimoi")
    assert out.splitlines()[0] == "Báo Hànộimới [hanoimoi] — Đã sáp nhập từ 05/02/2026"
    assert "hanoimoi.vn: Báo Hànộimới đến 04/02/2026; Cơ quan Báo và Phát thanh" in out
    _, out, _ = run("lineage", "phat thanh truyen hinh ha noi")
    assert "    ← Báo Pháp luật và Xã hội [phapluatxahoi] từ 31/12/2020" in out
    _, out, _ = run("list", "agencies", "--search", "thu do", "--format", "json")
    codes = {json.loads(line)["code"] for line in out.splitlines()}
    assert {"phunuthudo", "laodongthudo", "tuoitrethudo", "antd"} <= codes
    _, out, _ = run("progress")
    assert out.splitlines()[0] == "Tất cả: done 6"


def test_import_export_and_expiry(run, store, tmp_path: Path) -> None:
    bad = tmp_path / "agencies.csv"
    bad.write_text("code,name\nhnm,Báo Hànộimới\nhnm2,\n", encoding="utf-8")
    code, _, err = run("import", str(bad))
    assert code == 1 and "Cơ quan báo chí, dòng 3: thiếu Tên" in err
    assert run("list", "--format", "json")[1] == ""
    licences = tmp_path / "giay-phep.csv"
    bad.write_text("code,name\nhnm,Báo Hànộimới\n", encoding="utf-8")
    licences.write_text(
        "code,agency,number,expires_on\ngp,hnm,123/GP,2000-01-01\n", encoding="utf-8"
    )
    assert run("import", str(bad))[0] == 0
    assert run("import", str(licences), "--entity", "licences")[0] == 0
    _, out, _ = run("expiring", "--days", "30")
    assert out.strip() == "Giấy phép 123/GP (Báo Hànộimới) đã hết hạn từ 01/01/2000, chưa cập nhật"
    target = tmp_path / "so.xlsx"
    code, out, _ = run("export", "--format", "xlsx", "--output", str(target))
    assert code == 0 and load_workbook(target)["Cơ quan báo chí"]["B2"].value == "Báo Hànộimới"
    _, out, _ = run("export", "--format", "csv", "--entity", "agencies")
    assert out.splitlines()[1].startswith("hnm,Báo Hànộimới,")


def test_a_merger_loop_already_stored_is_drawn_once(run, store) -> None:
    """Written before the register refused it, aa merged into bb and bb into aa: the lineage
    stops where it meets an agency again instead of recursing without end."""
    registry = RegistryStore(store.engine)
    day = dt.date(2025, 1, 1)
    merger = {"kind": "merge", "title": "x", "status": "done", "effective_on": day}
    registry.write(
        {
            "agencies": [{"code": c, "name": f"Báo {c}"} for c in ("aa", "bb")],
            "actions": [
                {**merger, "code": "m1", "members": ["aa"], "target": "bb"},
                {**merger, "code": "m2", "members": ["bb"], "target": "aa"},
            ],
        },
        "test",
    )
    code, out, _ = run("lineage", "aa")
    assert code == 0
    assert out.splitlines()[1:3] == [
        "  ← Báo bb [bb] từ 01/01/2025",
        "    ← Báo aa [aa] từ 01/01/2025",
    ]


def test_a_merger_effective_later_is_said_to_come(run, store, tmp_path: Path) -> None:
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("code,name\nf1,Báo F1\nf2,Báo F2\n", encoding="utf-8")
    actions = tmp_path / "actions.csv"
    actions.write_text("code,kind,title,members,target\nf2,merge,Gộp,f1,f2\n", encoding="utf-8")
    assert run("import", str(agencies))[0] == 0 and run("import", str(actions))[0] == 0
    assert run("complete", "f2", "--effective", "2030-01-01")[0] == 0
    _, out, _ = run("list")
    assert "f1  Báo F1  Sẽ sáp nhập từ 01/01/2030" in out.splitlines()
    assert run("lineage", "f1")[1].splitlines()[0] == "Báo F1 [f1] — Sẽ sáp nhập từ 01/01/2030"


def test_expiry_days_are_bounded(run, store) -> None:
    with pytest.raises(SystemExit):
        run("expiring", "--days", "99999999999")
