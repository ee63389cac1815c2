"""The gazetteer: units as they are now and as they were, all resolving to current ones."""

from __future__ import annotations

from collections import defaultdict

from baochi.vi.gazetteer import DISTRICT, PROVINCE, WARD, gazetteer
from baochi.vi.matching import match_key


def _places(name: str):  # type: ignore[no-untyped-def]
    return [
        e.place for e in gazetteer().index.get(" ".join(match_key(t) for t in name.split()), [])
    ]


def test_former_and_current_provinces() -> None:
    gaz = gazetteer()
    assert len(gaz.provinces) == 63
    assert len({p.current for p in gaz.provinces.values()}) == 34
    assert gaz.provinces["Hòa Bình"].current == "Phú Thọ"
    assert gaz.provinces["Bà Rịa - Vũng Tàu"].current == "Thành phố Hồ Chí Minh"
    assert gaz.provinces["Thừa Thiên Huế"].current == "Thành phố Huế"
    assert gaz.provinces["Hà Nội"].current == "Thành phố Hà Nội"


def test_hanoi_has_126_current_wards_and_30_former_districts() -> None:
    wards, districts = set(), set()
    for entries in gazetteer().index.values():
        for entry in entries:
            place = entry.place
            if place.province == "Hà Nội" and place.kind == WARD and not place.former:
                wards.add(place.unit)
            if place.province == "Hà Nội" and place.kind == DISTRICT and place.detail != "bare":
                districts.add(place.unit)
    assert len(wards) == 126
    assert len(districts) == 30
    assert {"Quận Hoàn Kiếm", "Thị xã Sơn Tây", "Huyện Ba Vì", "Quận Nam Từ Liêm"} <= districts


def test_former_wards_resolve_to_current_wards() -> None:
    (place,) = {p for p in _places("phường Khương Mai") if p.former}
    assert (place.province, place.ward) == ("Hà Nội", "Phường Phương Liệt")
    (hang_bac,) = {p for p in _places("phường Hàng Bạc") if p.former}
    assert hang_bac.ward == "Phường Hoàn Kiếm"


def test_spellings_of_units() -> None:
    assert {p.province for p in _places("Q Cầu Giấy")} == {"Hà Nội"}
    assert {p.province for p in _places("quận 1")} == {"TP.HCM"}
    assert {p.province for p in _places("TP HCM")} == {"TP.HCM"}
    assert {p.kind for p in _places("Đắc Lắc")} == {PROVINCE}


def test_names_shared_by_provinces_keep_every_home() -> None:
    homes: dict[str, set[str]] = defaultdict(set)
    for place in _places("Hoàng Mai"):
        homes[place.kind].add(place.province)
    assert homes[DISTRICT] == {"Hà Nội", "Nghệ An"}
