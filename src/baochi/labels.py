"""The article labels the models give and analysts correct: their codes, which the store, search
and training use, and the Vietnamese names people read, one list for pages, reports and forms."""

from __future__ import annotations

from baochi.vi import fold

# The 12 topics of news-labels/GUIDELINES.md, in the order the topic model's columns take.
TOPICS = {
    "chinh_tri": "Chính trị",
    "kinh_te": "Kinh tế",
    "phap_luat": "Pháp luật",
    "xa_hoi": "Xã hội",
    "do_thi": "Đô thị",
    "giao_duc": "Giáo dục",
    "suc_khoe": "Sức khỏe",
    "van_hoa_giai_tri": "Văn hóa, giải trí",
    "the_thao": "Thể thao",
    "the_gioi": "Thế giới",
    "khoa_hoc_cong_nghe": "Khoa học, công nghệ",
    "doi_song": "Đời sống",
}
TONES = {"negative": "Tiêu cực", "neutral": "Trung tính", "positive": "Tích cực"}
# What a stored document is, and the social platforms as they write their own names.
KINDS = {"article": "Bài báo", "post": "Bài đăng", "comment": "Bình luận"}
PLATFORMS = {"facebook": "Facebook", "youtube": "YouTube", "tiktok": "TikTok", "zalo": "Zalo"}
_NAMES = {"topic": TOPICS, "tone": TONES, "kind": KINDS, "platform": PLATFORMS}


def label_name(task: str, code: str | None) -> str:
    """What people read for a label: "giao_duc" → "Giáo dục"; other values as they are."""
    return _NAMES.get(task, {}).get(code or "", code or "")


def label_code(task: str, text: str) -> str | None:
    """The stored form of a label as typed, or None when it is none.

    A topic or tone by its code or its name, diacritics and case optional ("Giáo dục",
    "giao duc", "giao_duc" → "giao_duc"). A place as a main place, like the detector's: a province
    from any of its places ("Hà Đông", "Hồ Gươm" → "Hà Nội"), or "toàn quốc", "nước ngoài",
    "không rõ". Any other task's label is taken as it is.
    """
    key = _key(text)
    if task == "place":
        return _main_place(text, key)
    names = _NAMES.get(task)
    if names is None:
        return text
    return next((code for code, name in names.items() if key in (_key(code), _key(name))), None)


def _main_place(text: str, key: str) -> str | None:
    from baochi.vi.place_decision import ABROAD, NATIONWIDE, UNKNOWN
    from baochi.vi.places import detect_places

    kind = next((k for k in (NATIONWIDE, ABROAD, UNKNOWN) if key == _key(k)), None)
    if kind or not key:
        return kind
    main = detect_places(text, "").main
    return None if main == UNKNOWN else main


def _key(text: str) -> str:
    return " ".join(fold(text).replace("_", " ").replace(",", " ").split())
