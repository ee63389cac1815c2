"""The main place of an article and every place it names, on sentences written like the news."""

from __future__ import annotations

from baochi.vi.places import detect_places, units_named, weigh


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


def test_capital_of_another_country_is_not_hanoi() -> None:
    result = detect_places(
        "Thủ đô Brazil bạo động, tổng thống triển khai quân đội",
        "Người biểu tình đòi tổng thống từ chức đã đốt phá trụ sở nhiều bộ tại thủ đô Brasilia.",
    )
    assert (result.main, result.hanoi) == ("nước ngoài", False)
    assert all(m.province != "Hà Nội" for m in result.mentions)


def test_common_words_that_begin_with_a_country_name_are_no_country() -> None:
    for title in (
        "Ý kiến bạn đọc về việc tăng giá điện",
        "Nhật ký của một bác sĩ cấp cứu đêm giao thừa",
        "Mỹ phẩm trôi nổi bán tràn lan trên mạng",
        "Thái độ của nhân viên khiến khách bức xúc",
        "Áo dài cách tân lên ngôi dịp Tết",
    ):
        result = detect_places(title, "")
        assert (result.main, result.mentions) == ("không rõ", []), title
    assert detect_places("Ý thắng đậm Albania ở vòng loại World Cup", "").main == "nước ngoài"


def test_every_part_of_a_home_address_is_a_home() -> None:
    # The defendant's home province, named after his commune and district, is not the story's.
    result = detect_places(
        "Lĩnh án tử hình vì vận chuyển ma túy",
        "Đưa bị cáo Nguyễn Văn D. (SN 1981, trú ở thị trấn Hữu Lũng, huyện Hữu Lũng, Lạng Sơn) "
        "ra xét xử, ngày 21-6, TAND TP Hà Nội đã tuyên phạt bị cáo mức án tử hình.",
    )
    assert (result.main, result.hanoi) == ("Hà Nội", True)


def test_street_words_that_are_no_hanoi_street() -> None:
    result = detect_places(
        "Xe container tông hàng loạt xe máy",
        "Rạng sáng 14/6, xe container lưu thông trên đường ĐT 743 qua khu phố 2, phường An Phú, "
        "thị xã Thuận An, Bình Dương thì tông vào nhiều xe máy. Người dân đổ ra đường phố. Theo "
        "nhân chứng, tài xế kẹt cứng trong cabin.",
    )
    assert result.main == "Bình Dương"
    assert {m.province for m in result.mentions} == {"Bình Dương"}
    town = next(m for m in result.mentions if m.surface == "thị xã Thuận An")
    assert town.kind == "district"


def test_hanoi_street_named_after_a_person() -> None:
    result = detect_places(
        "Xếp hàng mua vàng ngày vía Thần tài",
        "Từ sáng sớm, người dân đã xếp hàng dài trước các cửa hàng vàng trên phố Trần Nhân Tông, "
        "giao thông ùn ứ.",
    )
    assert [m.surface for m in result.mentions] == ["phố Trần Nhân Tông"]
    assert result.hanoi


def test_a_street_named_for_a_ward_or_a_province_is_a_street() -> None:
    result = detect_places(
        "Cây xà cừ bật gốc trên phố Bạch Mai",
        "Sáng 7/6, cây xà cừ trên phố Bạch Mai bật gốc đổ ngang đường, đè một xe máy. Cùng lúc ở "
        "Đà Nẵng, Đường Hải Phòng ngập sâu; còn ở phường Bạch Mai mọi việc bình thường.",
    )
    listed = [(m.surface, m.kind, m.province) for m in result.mentions]
    assert listed[0] == ("phố Bạch Mai", "landmark", "Hà Nội")  # not the ward
    assert ("phường Bạch Mai", "ward", "Hà Nội") in listed
    assert "Hải Phòng" not in {m.province for m in result.mentions}  # the street is in Đà Nẵng
    assert result.hanoi


def test_hanoi_as_a_reference_point_or_someone_s_origin_is_not_the_story_s_place() -> None:
    result = detect_places(
        "Mộc Châu mùa mận chín",
        "Cao nguyên Mộc Châu thuộc tỉnh Sơn La, cách Hà Nội 180 km về phía Tây Bắc, đang vào mùa "
        "mận chín, thu hút đông du khách.",
    )
    assert (result.main, result.hanoi) == ("Sơn La", False)
    result = detect_places(
        "MC Lại Văn Sâm đứng hình vì người chơi",
        "Cô kỹ sư đến từ Hà Nội không biết hiện tượng El Nino và dùng liền hai quyền trợ giúp.",
    )
    assert not result.hanoi


def test_places_in_links_to_other_articles_are_not_this_story_s() -> None:
    result = detect_places(
        "Những màn động vật đại chiến ấn tượng nhất tuần",
        "Rắn chết thảm vì bị cá cắn chặt vào đầu, ngựa vằn tung cước khiến linh dương ngất xỉu. "
        ">> Xem thêm: Bẫy rắn hổ mang dài 2 mét ở Hà Nội  Cá sấu rình bắt sư tử dưới sông.",
    )
    assert (result.main, result.mentions) == ("không rõ", [])


def test_a_stadium_is_named_whole() -> None:
    result = detect_places(
        "V-League: CĐV ném pháo sáng xuống sân",
        "Trên SVĐ Mỹ Đình tối 24/6, một số CĐV quá khích đã ném pháo sáng xuống đường biên.",
    )
    assert [m.surface for m in result.mentions] == ["SVĐ Mỹ Đình"]


def test_old_quarter_is_hanoi_s_and_stock_exchanges_are_no_city_s() -> None:
    assert detect_places("Quán cháo lòng 30 năm nức tiếng phố cổ", "").hanoi
    assert detect_places("Dạo phố cổ Hội An đêm rằm", "").main == "Quảng Nam"
    result = detect_places(
        "Cổ phiếu ngân hàng kéo chỉ số đi lên",
        "Phiên sáng nay, trên Sở Giao dịch Chứng khoán Hà Nội (HNX), chỉ số HNX-Index tăng "
        "0,5 điểm nhờ nhóm cổ phiếu ngân hàng.",
    )
    assert (result.hanoi, result.mentions) == (False, [])


def _roles(title: str, text: str) -> list[tuple[str, str]]:
    return [(hit.surface, hit.role) for hit, _ in weigh(title, text)[0]]


def test_a_person_s_home_after_their_year_of_birth_is_not_the_story_s_place() -> None:
    # Where the driver lives, after "sinh năm"/"SN", is an address; the fire was in Hà Nội.
    title = "Cháy xe container trên cầu Thanh Trì"
    for born in ("sinh năm 1961", "SN 1961"):
        text = (
            f"Tối qua, trên cầu Thanh Trì (Hà Nội), xe container do ông N.V.H. ({born}, ở xã "
            "Cam Thành Nam, TP Cam Ranh, Khánh Hòa) điều khiển bất ngờ bốc cháy."
        )
        assert ("Khánh Hòa", "residence") in _roles(title, text), born
        assert detect_places(title, text).main == "Hà Nội", born


def test_city_departments_courts_and_leaders_named_in_full_are_the_city_s_own() -> None:
    # The guidelines count a story about the city's authorities as about Hà Nội: a department
    # named in full, its court, its leaders, its area all make Hà Nội the acting authority.
    assert _roles(
        "Hội chợ việc làm cho lao động về nước",
        "Sáng nay, Sở Lao động - Thương binh và Xã hội Hà Nội tổ chức hội chợ việc làm.",
    ) == [("Hà Nội", "local")]
    assert _roles(
        "Xử tù chung thân kẻ buôn ma túy",
        "Chiều 21/6, Tòa án Hà Nội tuyên phạt bị cáo (trú tại huyện Chi Lăng, Lạng Sơn).",
    ) == [("Hà Nội", "local"), ("huyện Chi Lăng", "residence"), ("Lạng Sơn", "residence")]
    assert _roles("Chủ tịch Hà Nội thị sát điểm ngập", "")[0] == ("Hà Nội", "local")
    assert _roles("", "Số xe máy trên địa bàn Hà Nội tăng nhanh.") == [("Hà Nội", "local")]


def test_a_national_court_named_for_its_seat_and_a_club_chairman_are_no_city_body() -> None:
    assert _roles(
        "Y án tử hình kẻ buôn lậu",
        "Tòa án nhân dân cấp cao tại Hà Nội vừa mở phiên phúc thẩm vụ án buôn lậu.",
    ) == [("Hà Nội", "institution")]
    roles = _roles("", "Chủ tịch CLB Hải Phòng cho rằng không nên gọi cầu thủ nhập tịch.")
    assert all(role != "local" for _, role in roles)


def test_the_ends_of_a_road_are_only_reference_points() -> None:
    roles = _roles("", "Cao tốc Hà Nội - Hải Phòng đông xe suốt kỳ nghỉ lễ.")
    assert roles == [("Hà Nội", "reference"), ("Hải Phòng", "reference")]


def test_xa_lo_ha_noi_in_lower_case_is_still_in_ho_chi_minh_city() -> None:
    result = detect_places(
        "Tai nạn liên hoàn",
        "Chiều qua, ba xe máy va chạm với xe tải trên xa lộ Hà Nội, đoạn qua phường Linh Trung.",
    )
    assert (result.main, result.hanoi) == ("TP.HCM", False)


def test_an_apec_meeting_held_in_hanoi_is_a_national_event() -> None:
    result = detect_places(
        "APEC: các nền kinh tế bàn về đô thị bền vững",
        "Ngày 13/5, tại Hà Nội, đại biểu 21 nền kinh tế thành viên thảo luận cách đo tính bền "
        "vững của các thành phố trong khu vực.",
    )
    assert (result.main, result.hanoi) == ("toàn quốc", False)


def test_a_foreign_mission_named_for_its_seat_is_an_institution() -> None:
    roles = _roles("", "Đại sứ quán Mỹ tại Hà Nội cho biết tàu khu trục sẽ ghé cảng Cam Ranh.")
    assert ("Hà Nội", "institution") in roles


def test_a_ward_is_where_the_district_after_it_says() -> None:
    # Thạch Thất's xã Hữu Bằng was merged away before 2025 and only Hải Phòng's namesake is
    # left in the gazetteer: the address, not the namesake, says where it is.
    result = detect_places(
        "Bé trai tử vong trong chậu nước",
        "Sự việc xảy ra tại một gia đình ở xã Hữu Bằng, huyện Thạch Thất, Hà Nội.",
    )
    ward = next(m for m in result.mentions if m.surface == "xã Hữu Bằng")
    assert ward.province == "" and result.main == "Hà Nội"
    assert {m.province for m in result.mentions} == {"", "Hà Nội"}
    quan = detect_places("", "Cháy nhà ở phường Trung Hòa, quận Cầu Giấy.").mentions
    assert [m.province for m in quan] == ["Hà Nội", "Hà Nội"]
    # Hà Nội had two wards named Minh Khai, and each was split in 2025: the district says which.
    for district, wards in (
        ("Hai Bà Trưng", "Phường Bạch Mai, Phường Tương Mai"),
        ("Bắc Từ Liêm", "Phường Đông Ngạc, Phường Tây Tựu, Phường Thượng Cát, Phường Xuân Phương"),
    ):
        found = detect_places(f"Ngập ở phường Minh Khai, quận {district}", "").mentions
        assert (found[0].unit, found[0].ward) == ("Phường Minh Khai", wards)


def test_provinces_listed_after_several_provinces_are_no_local_authority() -> None:
    # "một số tỉnh, thành phố: Hà Nội, ..." lists the places of a national conference; only
    # "UBND thành phố Hà Nội" is the city acting.
    roles = _roles(
        "Bộ Nông nghiệp họp về an toàn thực phẩm",
        "Tại hội nghị, đại diện một số tỉnh, thành phố: Hà Nội, Thái Bình, Nghệ An đã phát biểu.",
    )
    assert [role for name, role in roles if name != "Bộ Nông nghiệp"] == ["reference"] * 3
    assert _roles("", "UBND tỉnh Thái Bình vừa ban hành quyết định.") == [("Thái Bình", "local")]


def test_units_named_in_the_city_by_their_bare_names() -> None:
    found = units_named(
        "Ngập sâu ở phường Minh Khai, quận Hai Bà Trưng sau mưa lớn",
        "Nước dâng trên phố Minh Khai và phố Bạch Mai; huyện Sóc Sơn và xã Bát Tràng "
        "không bị ảnh hưởng, trong khi quận 1 và quận Bình Thạnh (TP.HCM) cũng ngập.",
        "Hà Nội",
    )
    assert found == {"Minh Khai", "Hai Bà Trưng", "Sóc Sơn", "Bát Tràng"}
    assert units_named("Mưa lớn ở quận Bình Thạnh", "", "TP.HCM") == {"Bình Thạnh"}
    # A document with no main place has no areas, whatever names are shared between provinces.
    assert units_named("Ngập ở phường Minh Khai sau mưa", "", "") == set()
    # A numbered unit keeps its kind: a bare "8" would say nothing.
    assert units_named("Cháy nhà ở phường 1, quận 8", "", "TP.HCM") == {"Phường 1", "Quận 8"}
    # Streets named for a district or a ward are streets.
    assert units_named("Tắc đường ở phố Hai Bà Trưng, ùn ứ kéo đến Kim Mã", "", "Hà Nội") == set()
