"""Editing one entry at a time: validated, logged with who did it, retired not deleted, found
without diacritics, and audited in the same transaction when the web asks."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from baochi import hanoi_time
from baochi.registry import RegistryImportError, RegistryStore, find, restore, retire, save


def test_save_edit_retire_restore_with_history(example: RegistryStore) -> None:
    form = {"code": "hoahoctro", "name": "Báo Hoa Học Trò", "head_name": "Phạm Văn Ánh"}
    save(example, "agencies", form, "hoa")
    save(example, "agencies", {**form, "head_name": "Phạm Thị Ánh"}, "lan")
    assert [r["code"] for r in find(example, "agencies", "pham thi anh")] == ["hoahoctro"]
    assert retire(example, "agencies", "hoahoctro", "hoa")
    assert not retire(example, "agencies", "hoahoctro", "hoa")
    assert find(example, "agencies", "hoa hoc tro") == []
    assert find(example, "agencies", "hoa hoc tro", include_retired=True)
    assert restore(example, "agencies", "hoahoctro", "hoa")
    log = [(c["change"], c["actor"]) for c in example.changes(agency="hoahoctro")]
    assert log == [("restore", "hoa"), ("retire", "hoa"), ("update", "lan"), ("create", "hoa")]


def test_a_bad_form_says_what_is_wrong_without_writing(registry: RegistryStore) -> None:
    with pytest.raises(RegistryImportError) as caught:
        save(registry, "domains", {"domain": "https://hanoimoi.vn/", "agency": "khong-co"}, "hoa")
    assert caught.value.errors == [
        "Tên miền: 'https://hanoimoi.vn/' không phải tên miền "
        "(ví dụ: hanoimoi.vn, không có http://)"
    ]
    with pytest.raises(
        RegistryImportError, match="'khong-co' không có trong danh mục Cơ quan báo chí"
    ):
        save(registry, "domains", {"domain": "www.hanoimoi.vn", "agency": "khong-co"}, "hoa")
    assert registry.changes() == []


def test_an_actions_dates_follow_each_other_and_none_done_is_ahead(
    example: RegistryStore,
) -> None:
    """A merger effective before it was decided, or done on a day still to come, is refused:
    the agencies' pages would call them merged while the scheme's progress left it out."""
    today = hanoi_time.today()
    merger = {
        "code": "sap-nhap-thu",
        "kind": "convert",
        "title": "Chuyển đổi thử",
        "members": "quocphongthudo",  # in no action yet
        "target": "hanoimoi",
        "decision_date": (today + dt.timedelta(days=15)).isoformat(),
        "effective_on": (today - dt.timedelta(days=30)).isoformat(),
    }
    decided = f"{today + dt.timedelta(days=15):%d/%m/%Y}"
    effective = f"{today - dt.timedelta(days=30):%d/%m/%Y}"
    with pytest.raises(RegistryImportError) as caught:
        save(example, "actions", merger, "hoa")
    assert caught.value.errors == [
        f"Ngày có hiệu lực ({effective}) trước Ngày quyết định ({decided})"
    ]
    ahead = today + dt.timedelta(days=180)
    done = {**merger, "decision_date": "", "status": "done", "completed_on": ahead.isoformat()}
    with pytest.raises(RegistryImportError) as caught:
        save(example, "actions", done, "hoa")
    assert caught.value.errors == [
        f"Ngày hoàn thành ({ahead:%d/%m/%Y}) chưa tới: hôm nay là {today:%d/%m/%Y}"
    ]
    save(example, "actions", {**done, "completed_on": today.isoformat()}, "hoa")


def test_a_form_says_everything_wrong_with_it_at_once(registry: RegistryStore) -> None:
    """A bad e-mail, a code with spaces and a month that is no month are named together, not
    one submission after another; "13/2099" as the month a head was reported is refused."""
    form = {
        "code": "bao moi",
        "name": "Báo Mới",
        "email": "toasoan@",
        "head_as_of": "13/2099",
    }
    with pytest.raises(RegistryImportError) as caught:
        save(registry, "agencies", form, "hoa")
    errors = caught.value.errors
    assert len(errors) == 3, errors
    assert errors[0] == "Thư điện tử: 'toasoan@' không phải địa chỉ thư điện tử"
    assert errors[1].startswith("mã 'bao moi' chỉ gồm chữ không dấu")
    assert errors[2].startswith(
        "Người đứng đầu, theo tin (tháng/năm): '13/2099' không phải tháng/năm đã qua"
    )
    save(
        registry, "agencies", {**form, "code": "baomoi", "email": "", "head_as_of": "6/2025"}, "hoa"
    )


def test_the_audit_hook_writes_in_the_same_transaction(registry: RegistryStore) -> None:
    seen = []

    def audit(conn, entity, key, change, detail) -> None:
        seen.append((entity, key, change))
        conn.execute(text("SELECT 1"))

    save(
        registry,
        "bodies",
        {"code": "ubnd", "name": "UBND", "level": "city", "type": "government"},
        "hoa",
        audit,
    )
    retire(registry, "bodies", "ubnd", "hoa", audit)
    assert seen == [("bodies", "ubnd", "create"), ("bodies", "ubnd", "retire")]
