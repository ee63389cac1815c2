"""Place names in text: longest gazetteer matches on syllable boundaries, checked against their
capitalisation and the words around them ("ông Anh" is a man, "Phí Thái Bình" a person, "Công
an quận Thanh Xuân" the police of a Hà Nội district).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from baochi.vi.gazetteer import (
    DISTRICT,
    FOREIGN,
    LANDMARK,
    PROVINCE,
    WARD,
    Entry,
    Place,
    gazetteer,
)
from baochi.vi.matching import match_key
from baochi.vi.normalize import fold
from baochi.vi.syllables import is_syllable

HANOI = "Hà Nội"
_TOKEN = re.compile(r"[^\W_]+")
# What may sit between the syllables of one name: "TP.HCM", "Bà Rịa - Vũng Tàu", "Q.1".
_JOINER = re.compile(r"\s{0,2}[.\-–]?\s{0,2}")
# Words before a single-syllable name that make it a person ("ông Anh", "chị Nga").
_PERSON_TITLES = frozenset(
    ("ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cậu", "dì", "thầy", "cụ", "bé",
     "cháu", "con", "vợ", "chồng", "tên", "sĩ", "thủ", "nữ", "nam", "bầu", "hlv", "sếp", "mc",
     "ns", "nsưt", "nsnd", "viên", "hậu", "vệ", "đạo", "môn", "tướng", "tá", "úy", "trưởng")
)  # fmt: skip
_PRONOUNS = frozenset({"anh"})
LEAD_CHARS = 600
# Address words that give the city away: Hà Nội writes "phố", "ngõ", "ngách"; Sài Gòn "hẻm".
_STREET_HOMES = {"phố": HANOI, "ngõ": HANOI, "ngách": HANOI, "hẻm": "TP.HCM"}
# Family and middle names: a place name right after one is part of a person's name.
_SURNAMES = frozenset(
    ("nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
     "hồ", "ngô", "dương", "lý", "đinh", "đào", "đoàn", "lâm", "mai", "trịnh", "trương", "cao",
     "lương", "tô", "tạ", "chu", "quách", "kiều", "vương", "lưu", "phùng", "khúc", "phí", "văn",
     "thị", "hữu", "công", "đàm", "lại", "mạc", "thân", "triệu", "tăng", "lục", "âu", "doãn")
)  # fmt: skip
# Words before a place that make it someone's home or address rather than the story's place.
# A person's year of birth leads into where they live: "(SN 1961, ở TP Cam Ranh, Khánh Hòa)".
_RESIDENCE = frozenset({"trú", "ngụ", "quê", "hktt", "thường", "sn"})
_RESIDENCE_PAIRS = frozenset(
    {"địa chỉ", "trụ sở", "sinh sống", "cư trú", "sinh ra", "đến từ", "sinh năm"}
)
# ... or only a reference point: "cách Hà Nội 180 km", "giờ Hà Nội", "theo hướng Hà Nội", the
# end of a road ("cao tốc Hà Nội - Hải Phòng").
_REFERENCE = frozenset({"cách", "giờ", "hướng", "tốc"})
# What may separate the names of one address ("phường Trung Hòa, quận Cầu Giấy, Hà Nội").
_ADDRESS_GAP = re.compile(r"\s?[,\-–(]?\s?")
# Words before "phố" that make it a street in general or a southern neighbourhood, not a street
# of Hà Nội: "đường phố", "khu phố 2", "thành phố".
_NOT_STREET = frozenset({"đường", "khu", "thành", "tuyến", "dãy", "dạo", "xuống", "ra"})
# "Thủ đô" alone is Hà Nội; followed by a name it is another country's ("Thủ đô Brazil").
_CAPITAL = "Thủ đô"
# Links to other articles left in the text by the outlet: ">> Xem thêm: <title>", "Tin liên quan
# <titles>" up to the end of the line, ">>> <title>".
_LINKS = re.compile(
    r"(?:Xem thêm|XEM THÊM|Đọc thêm|ĐỌC THÊM)\s*:[^\n]{0,200}?(?=\s\s|\n|$)"
    r"|Tin liên quan(?!\s+(?:đến|tới))[^\n]*"
    r"|>>>[^\n]{0,200}?(?=>>>|\s\s|\n|$)"
)
_LINK_MARKERS = ("Xem thêm", "XEM THÊM", "Đọc thêm", "ĐỌC THÊM", "Tin liên quan", ">>>")
# ... part of an institution's name ("Đại học Y Hà Nội", "Nhà hát ...").
_INSTITUTIONS = frozenset(
    {"học", "viện", "trường", "báo", "đài", "nhà", "đh", "đhqg", "bv", "thpt", "thcs", "khoa", "ls"}
)
# ... or a foreign mission named for its seat ("Đại sứ quán Mỹ tại Hà Nội", "Tổng Lãnh sự quán
# Nhật Bản tại TP.HCM").
_MISSIONS = frozenset({"sứ quán", "sự quán"})
# ... or the local authority acting there ("Công an quận", "UBND tỉnh", "Sở Y tế TP").
_LOCAL_BODIES = frozenset(
    ("sở", "ubnd", "hđnd", "ủy", "an", "ca", "catp", "tand", "vksnd", "sát", "quận", "huyện",
     "thành", "tỉnh", "tp")
)  # fmt: skip
# ... or a city department named in full before the city ("Sở Lao động - Thương binh và Xã hội
# Hà Nội"), its court, leaders or area ("Tòa án Hà Nội", "Chủ tịch Hà Nội", "trên địa bàn Hà Nội").
_DEPARTMENT = "Sở"
_LOCAL_PAIRS = frozenset({"tòa án", "chủ tịch", "lãnh đạo", "địa bàn"})
# Words before "tỉnh"/"thành" that make the names after them a list of provinces, not the one
# whose authority acts: "một số tỉnh, thành phố: Hà Nội, TP.HCM, Thái Bình", "các tỉnh như ...".
_LIST_WORDS = frozenset({"các", "số", "nhiều", "những"})
_LISTED = frozenset({"tỉnh", "thành"})
# A national court named for its seat ("Tòa án nhân dân cấp cao tại Hà Nội") is no city body.
_HIGH_COURT = "cấp cao"


@dataclass
class Hit:
    """A gazetteer name found in the title or text, its candidate places and its weight."""

    field: str
    start: int
    end: int
    surface: str
    places: list[Place]
    weight: float
    role: str = ""


_KEYS: dict[str, str] = {}


def key(token: str) -> str:
    """A token's matching key, remembered: the vocabulary of news is small."""
    found = _KEYS.get(token)
    if found is None:
        if len(_KEYS) > 500_000:
            _KEYS.clear()
        found = _KEYS[token] = match_key(token)
    return found


def without_links(text: str) -> str:
    """The text with links to other articles blanked out (offsets kept): the places in another
    story's title are not this story's ("Xem thêm: Bẫy rắn hổ mang dài 2 mét ở Hà Nội")."""
    if not any(marker in text for marker in _LINK_MARKERS):
        return text
    return _LINKS.sub(lambda m: " " * len(m.group()), text)


def position_weight(field: str, start: int) -> float:
    """Title counts most, then the lead the annotators read, then the body faintly."""
    if field == "title":
        return 3.0
    if start < 250:
        return 2.0
    if start < LEAD_CHARS:
        return 1.0
    return 0.1


def _titled(token: str) -> bool:
    return token[:1].isupper() and not (len(token) > 1 and token.isupper())


def is_plain(text: str) -> bool:
    """True for text typed without diacritics ("ha noi mua to"), matched on folded names."""
    sample = text[:2000]
    return len(sample.encode("utf-8")) - len(sample) < max(1, len(sample) // 100)


def scan(text: str, field: str, plain: bool = False) -> tuple[list[Hit], list[float]]:
    """Longest matches of gazetteer names on syllable boundaries, and foreign-looking words."""
    gaz = gazetteer()
    matches = list(_TOKEN.finditer(text))
    tokens = [m.group() for m in matches]
    if plain:
        keys = [fold(t) for t in tokens]
        prefixes, index = gaz.folded_prefixes, gaz.folded
    else:
        known = _KEYS.get
        keys = [known(t) or key(t) for t in tokens]
        prefixes, index = gaz.prefixes, gaz.index
    hits: list[Hit] = []
    foreign_words: list[float] = []
    i, n = 0, len(tokens)
    while i < n:
        found = None
        if keys[i] in prefixes:
            found = _longest_at(prefixes, index, text, matches, tokens, keys, i, plain)
        if found and _street_of_unit(tokens, keys, i, found[1]):
            length = found[0]
            home = _STREET_HOMES.get(tokens[i - 1].lower())
            if home is not None:  # "phố Bạch Mai": a street of Hà Nội, not the ward
                start, end = matches[i - 1].start(), matches[i + length - 1].end()
                weight = position_weight(field, start)
                named = [_street(text[start:end], home)]
                hits.append(Hit(field, start, end, text[start:end], named, weight))
            i += length  # "đường Hải Phòng" may be in any city: no place at all
            continue
        if found:
            length, ok = found
            start, end = matches[i].start(), matches[i + length - 1].end()
            weight = position_weight(field, start)
            places = [e.place for e in ok]
            chained = hits and _same_address(text, hits[-1], start)
            role = hits[-1].role if chained else _role(tokens, keys, i)
            hits.append(Hit(field, start, end, text[start:end], places, weight, role))
            i += length
            continue
        token = tokens[i]
        street = _street_style(text, matches, keys, i) if token in _STREET_HOMES else None
        if street is not None and not (
            keys[i + 1] in prefixes
            and _longest_at(prefixes, index, text, matches, tokens, keys, i + 1, plain)
        ):
            place, length = street
            start, end = matches[i].start(), matches[i + length - 1].end()
            weight = position_weight(field, start)
            hits.append(Hit(field, start, end, text[start:end], [place], weight))
            i += length
            continue
        if (
            token[0].isupper()
            and not plain
            and len(token) > 2
            and (field == "title" or matches[i].start() < LEAD_CHARS)
            and _titled(token)
            and token.isalpha()
            and not is_syllable(token)
        ):
            foreign_words.append(position_weight(field, matches[i].start()))
        i += 1
    return hits, foreign_words


def _longest_at(
    prefixes: frozenset[str],
    index: dict[str, list[Entry]],
    text: str,
    matches: list[re.Match[str]],
    tokens: list[str],
    keys: list[str],
    i: int,
    plain: bool,
) -> tuple[int, list[Entry]] | None:
    """The longest gazetteer name starting at token i that is cased and placed as a name.

    Text typed without diacritics is often typed without capitals too: there, names of two
    syllables or more match in any case.
    """
    spans = [keys[i]]
    j = i + 1
    while j < len(keys) and _JOINER.fullmatch(text, matches[j - 1].end(), matches[j].start()):
        joined = spans[-1] + " " + keys[j]
        if joined not in prefixes:
            break
        spans.append(joined)
        j += 1
    for length in range(len(spans), 0, -1):
        entries = index.get(spans[length - 1])
        if entries:
            ok = [
                e
                for e in entries
                if ((plain and length > 1) or _cased(e, tokens[i : i + length]))
                and _in_context(e, tokens, matches, text, i, length)
            ]
            if ok:
                return length, ok
    return None


_UNIT_KINDS = frozenset({PROVINCE, DISTRICT, WARD})
STREET_WORDS = frozenset({"phố", "đường", "ngõ", "ngách", "hẻm"})  # a name after one is a street


def _street_of_unit(tokens: list[str], keys: list[str], i: int, entries: list[Entry]) -> bool:
    """Whether the unit named at `i` only names a street: "phố Bạch Mai", "Đường Hải Phòng"
    (not "đường phố Hà Nội", "khu phố Bạch Mai")."""
    return (
        i > 0
        and tokens[i - 1].lower() in STREET_WORDS
        and (i < 2 or keys[i - 2] not in _NOT_STREET)
        and all(e.place.kind in _UNIT_KINDS for e in entries)
    )


def _street_style(
    text: str, matches: list[re.Match[str]], keys: list[str], i: int
) -> tuple[Place, int] | None:
    """Addresses written the way one city writes them, and how many tokens they take: "phố Trần
    Nhân Tông", "ngõ 124" are Hà Nội's, "hẻm 495" is Thành phố Hồ Chí Minh's; not "đường phố.
    Theo", "khu phố 2"."""
    token = matches[i].group()
    home = _STREET_HOMES.get(token)
    if home is None or i + 1 >= len(matches) or (i and keys[i - 1] in _NOT_STREET):
        return None
    if text[matches[i].end() : matches[i + 1].start()] != " ":
        return None
    nxt = matches[i + 1].group()
    if not (nxt.isdigit() or (_titled(nxt) and is_syllable(nxt))):
        return None
    length = 2
    while (
        not nxt.isdigit()
        and i + length < len(matches)
        and length < 5
        and text[matches[i + length - 1].end() : matches[i + length].start()] == " "
        and _titled(matches[i + length].group())
        and is_syllable(matches[i + length].group())
    ):
        length += 1
    return _street(text[matches[i].start() : matches[i + length - 1].end()], home), length


def _street(name: str, home: str) -> Place:
    """A street of the city whose way of writing addresses it follows."""
    return Place(name, LANDMARK, home, gazetteer().provinces[home].current, False, "street-style")


def _role(tokens: list[str], keys: list[str], i: int) -> str:
    """What the words before a place name make of it: where someone lives ("trú tại"), part of an
    institution's name ("Đại học Y Hà Nội"), the seat of the local authority acting ("Công an
    quận Thanh Xuân"), or only where something took place ("tại Hà Nội")."""
    before = keys[max(0, i - 8) : i]
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(before)}
    if _RESIDENCE.intersection(before) or _RESIDENCE_PAIRS & pairs:
        return "residence"
    near = {f"{a} {b}" for a, b in itertools.pairwise(before[-4:])}
    if _HIGH_COURT in near:
        return "institution"
    if any(a in _LIST_WORDS and b in _LISTED for a, b in itertools.pairwise(before)):
        return "reference"
    if (
        _LOCAL_BODIES.intersection(before[-4:])
        or " ".join(before[-2:]) in _LOCAL_PAIRS
        or _DEPARTMENT in tokens[max(0, i - 8) : i]
    ):
        return "local"
    if before and before[-1] in _REFERENCE:
        return "reference"
    if _INSTITUTIONS.intersection(before[-3:]) or _MISSIONS & pairs:
        return "institution"
    if before and before[-1] in ("tại", "ở"):
        return "venue"
    return ""


def _same_address(text: str, previous: Hit, start: int) -> bool:
    """True when a name follows the previous one as the next part of one address, which then
    plays the same role: "trú ở huyện Hữu Lũng, Lạng Sơn" is all a home."""
    return bool(previous.role) and bool(_ADDRESS_GAP.fullmatch(text, previous.end, start))


def _sentence_start(text: str, start: int) -> bool:
    before = text[max(0, start - 12) : start].rstrip(" \"'“‘(")
    if not before and start > 12:
        return False
    return not before or before[-1] in ".!?…:\n"


def _cased(entry: Entry, tokens: list[str]) -> bool:
    """Proper names match only when capitalised as the gazetteer writes them."""
    for token, cap, upper in zip(tokens, entry.caps, entry.upper, strict=True):
        if (cap and not token[0].isupper()) or (upper and not token.isupper()):
            return False
    return True


def _in_context(
    entry: Entry, tokens: list[str], matches: list[re.Match[str]], text: str, i: int, length: int
) -> bool:
    """Short or bare names ("Mỹ", "Anh", "Thanh Xuân") must not be part of a person's name."""
    place = entry.place
    j = i + length
    prev = tokens[i - 1] if i > 0 and text[matches[i - 1].end() : matches[i].start()] == " " else ""
    nxt = (
        tokens[j]
        if j < len(tokens) and text[matches[j - 1].end() : matches[j].start()] == " "
        else ""
    )
    person = _titled(prev) and prev.lower() in _SURNAMES
    if place.kind in (PROVINCE, LANDMARK, DISTRICT) and entry.caps[0] and person:
        return False
    if place.unit == _CAPITAL and nxt[:1].isupper():
        return False
    guarded = place.detail in ("ambiguous", "bare", "weak") or (
        place.kind == FOREIGN and all(is_syllable(t) for t in tokens[i:j])
    )
    if not guarded:
        return True
    if nxt and f"{key(tokens[j - 1])} {key(nxt)}" in gazetteer().compounds:
        return False
    if tokens[i].lower() in _PRONOUNS and _sentence_start(text, matches[i].start()):
        return False
    capital_prev = _titled(prev) or (prev.isupper() and tokens[i].isupper() and is_syllable(prev))
    if prev and (capital_prev or prev.lower() in _PERSON_TITLES):
        return False
    return not (nxt and nxt[0].isupper() and is_syllable(nxt))
