"""The main place of an article and every place it names, on sentences written like the news."""

from __future__ import annotations

from baochi.vi.places import detect_places


def test_xa_lo_ha_noi_is_in_ho_chi_minh_city() -> None:
    result = detect_places(
        "Xe container lật trên Xa lộ Hà Nội",
        "Sáng nay, một xe container bị lật trên Xa lộ Hà Nội khiến giao thông ùn tắc nhiều giờ.",
    )
    assert (result.main, result.hanoi) == ("TP.HCM", False)
    assert {m.province for m in result.mentions} == {"TP.HCM"}


def test_ho_guom_is_hanoi() -> None:
    result = detect_places(
        "Phố đi bộ quanh Hồ Gươm đông nghịt người",
        "Tối thứ Bảy, hàng nghìn người dân và du khách đổ về Hồ Gươm dạo phố, xem biểu diễn.",
    )
    assert (result.main, result.hanoi) == ("Hà Nội", True)


def test_former_district_and_ward_names_resolve_to_hanoi() -> None:
    result = detect_places(
        "Cháy xưởng gỗ ở huyện Sóc Sơn",
        "Rạng sáng nay, một xưởng gỗ ở xã Phù Linh, huyện Sóc Sơn bốc cháy dữ dội, lực lượng "
        "cứu hỏa phải mất hai giờ mới khống chế được đám cháy.",
    )
    assert result.main == "Hà Nội"
    ward = next(m for m in result.mentions if m.unit == "Xã Phù Linh")
    assert (ward.former, ward.current, ward.ward) == (True, "Thành phố Hà Nội", "Xã Sóc Sơn")


def test_bare_district_names_and_the_capital() -> None:
    assert detect_places("Ngập sâu ở Thanh Xuân, Cầu Giấy sau mưa lớn", "").main == "Hà Nội"
    result = detect_places(
        "Thủ đô co ro trong giá rét",
        "Người dân Thủ đô co ro khi nhiệt độ xuống dưới 10 độ C, nhiều trường cho học sinh nghỉ.",
    )
    assert result.hanoi


def test_national_event_held_in_hanoi_is_not_about_hanoi() -> None:
    result = detect_places(
        "Quốc hội khai mạc kỳ họp thứ 3",
        "Sáng 22/5, tại Hà Nội, Quốc hội khóa XIV khai mạc kỳ họp thứ 3, xem xét nhiều dự án "
        "luật quan trọng và chất vấn các bộ trưởng.",
    )
    assert (result.main, result.hanoi) == ("toàn quốc", False)


def test_local_story_elsewhere_names_the_province() -> None:
    result = detect_places(
        "Kẻ đâm chủ quán karaoke lĩnh án 15 năm tù",
        "Ngày 29/5, TAND tỉnh Vĩnh Long mở phiên tòa xét xử bị cáo (28 tuổi, ngụ xã Trường An, "
        "TP Vĩnh Long) về tội giết người.",
    )
    assert result.main == "Vĩnh Long"
    assert result.current == "Vĩnh Long"


def test_province_labels_use_the_63_former_provinces() -> None:
    result = detect_places("Lũ quét ở Hòa Bình", "Mưa lớn gây lũ quét tại huyện Mai Châu.")
    assert (result.main, result.current) == ("Hòa Bình", "Phú Thọ")


def test_abroad_and_person_names() -> None:
    assert (
        detect_places(
            "Tổng thống Mỹ Donald Trump thăm Nhật Bản",
            "Ông Trump đã hội đàm với Thủ tướng Shinzo Abe tại Tokyo.",
        ).main
        == "nước ngoài"
    )
    singer = detect_places("Ca sĩ Mỹ Tâm ra mắt album mới", "Mỹ Tâm vừa phát hành album thứ 10.")
    assert singer.main != "nước ngoài"
    assert all(
        m.unit != "Thái Bình" for m in detect_places("Ông Phí Thái Bình bị khởi tố", "").mentions
    )


def test_text_typed_without_diacritics() -> None:
    result = detect_places("ha noi mua to", "sang nay mua lon o quan cau giay va ha dong")
    assert result.hanoi
    assert {m.unit for m in result.mentions} >= {"Quận Cầu Giấy", "Hà Đông"}
