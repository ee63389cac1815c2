"""Expiry warnings: licences and press cards running out soon, or already out, listed ahead."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import baochi.registry as registry_area
from baochi.registry import RegistryStore, expiring, import_sheets, read_csv
from baochi.web.i18n import counter, extend

TODAY = dt.date(2026, 3, 1)
FILES = {
    "agencies": "code,name\nhnm,Báo Hànộimới\n",
    "licences": "code,agency,number,issued_on,expires_on,status\n"
    "gp-sap-het,hnm,123/GP-BVHTTDL,2016-03-15,2026-03-15,valid\n"
    "gp-con-lau,hnm,456/GP-BVHTTDL,2021-01-01,2031-01-01,valid\n"
    "gp-qua-han,hnm,789/GP-BTTTT,2015-01-01,20/02/2026,valid\n"
    "gp-thu-hoi,hnm,000/GP,2015-01-01,2026-03-10,revoked\n",
    "rounds": "code,name,term_start,term_end\nky-2021,Kỳ hạn 2021–2025,2021-01-01,2025-12-31\n",
    "cards": "number,holder,agency,round,issued_on,expires_on\n"
    "HN-00012,Nguyễn Thị Lan,hnm,ky-2021,2021-05-03,\n"
    "HN-00099,Trần Văn Hùng,hnm,,2021-04-20,\n",
}


def _load(registry: RegistryStore) -> None:
    import_sheets(registry, [read_csv(t.encode(), n) for n, t in FILES.items()], "hoa")


def test_a_press_card_runs_five_years_unless_its_expiry_is_given(registry: RegistryStore) -> None:
    _load(registry)
    assert registry.row("cards", "HN-00012")["expires_on"] == dt.date(2026, 5, 2)
    assert registry.row("cards", "HN-00099")["expires_on"] == dt.date(2026, 4, 19)


def test_expiring_licences_and_cards_soonest_first(registry: RegistryStore) -> None:
    _load(registry)
    soon = expiring(registry, TODAY, days=60)
    assert [(e.key, e.days_left) for e in soon] == [
        ("gp-qua-han", -9),
        ("gp-sap-het", 14),
        ("HN-00099", 49),
    ]
    assert soon[0].overdue and not soon[1].overdue
    assert soon[0].message() == (
        "Giấy phép 789/GP-BTTTT (Báo Hànộimới) đã hết hạn từ 20/02/2026, chưa cập nhật"
    )
    assert soon[2].message() == (
        "Thẻ nhà báo HN-00099 – Trần Văn Hùng (Báo Hànộimới) hết hạn 19/04/2026, còn 49 ngày"
    )
    extend(Path(registry_area.__file__).with_name("templates"))  # as the app loads the area
    english = counter("en")  # an English page's _n
    assert soon[0].message(english) == (
        "Licence 789/GP-BTTTT (Báo Hànộimới) expired on 20/02/2026, not updated"
    )
    assert soon[2].message(english) == (
        "Press card HN-00099 – Trần Văn Hùng (Báo Hànộimới) expires 19/04/2026, due in 49 days"
    )
    assert {e.key for e in expiring(registry, TODAY, days=90)} == {
        "gp-qua-han",
        "gp-sap-het",
        "HN-00099",
        "HN-00012",
    }
