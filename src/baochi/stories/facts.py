"""Checkable facts an article states: counts with what they count, clock times with their date,
dates with a year, and communes within their district — each with the words around it.

Only facts that two reports of one event can state differently are read; everything else (ranges,
identifiers such as article or case numbers, vague "hàng trăm", enumerations) is left out, since a
conflict found there would mostly be a false alarm.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from baochi.stories.features import Item
from baochi.vi import normalize

# The opening the analysts read, and the stretch of it where an event's time is stated.
TEXT_CHARS = 2000
LEAD_CHARS = 600
# Words on either side of a value that say what it is about.
BEFORE, AFTER = 4, 6

# Function words carry no meaning of their own, so they never make two contexts alike.
FUNCTION_WORDS = frozenset({
    "của", "và", "các", "có", "là", "được", "trong", "cho", "này", "với", "đã", "những", "một",
    "không", "để", "khi", "từ", "đến", "theo", "tại", "về", "vào", "ra", "lại", "sau", "trên",
    "cũng", "như", "thì", "mà", "nhưng", "hay", "hoặc", "ở", "do", "bị", "sẽ", "đang", "rồi",
    "nên", "vì", "nếu", "đó", "nay", "ngày", "lúc", "năm", "tháng", "giờ", "h", "anh", "chị",
    "ông", "bà", "ngoài", "sáng", "chiều", "tối", "đêm", "trưa", "hôm", "qua", "cùng", "còn",
    "đây", "vừa", "mới", "rất", "nhiều", "hơn", "khoảng", "gần", "số", "gồm", "lần", "thứ", "so"
})  # fmt: skip
NUMBER_WORDS = {"hai": 2, "ba": 3, "bốn": 4, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
SCALES = {"nghìn": 1e3, "ngàn": 1e3, "triệu": 1e6, "tỷ": 1e9, "tỉ": 1e9}
# Words before a value that make it approximate: rounding is not a conflict.
APPROXIMATE = ("khoảng", "gần", "hơn", "trên", "ít nhất", "chừng", "xấp xỉ", "ước tính",
               "dự kiến", "có thể", "tối thiểu", "tối đa")  # fmt: skip
# Words before a value that report a change: a later update is not a conflict.
UPDATES = ("tăng lên", "nâng lên", "nâng tổng", "đã lên", "giảm xuống", "còn lại")
# Words before a number that make it a name, not a quantity (Điều 289, quận 1, vòng 16).
IDENTIFIERS = frozenset({
    "điều", "khoản", "số", "mã", "thứ", "khóa", "khoá", "kỳ", "phiên", "vòng", "tập", "chương",
    "phần", "lô", "quận", "phường", "câu", "hạng", "tầng", "phòng", "đường", "lộ", "xe", "biển"
})  # fmt: skip
# Units that are not counts of things (times, durations, measures handled elsewhere or not at all).
NOT_COUNTS = frozenset({"giờ", "h", "phút", "tháng", "năm", "ngày", "tuần", "km", "m", "lần",
                        "điểm", "độ"})  # fmt: skip
MONEY = frozenset({"đồng", "usd", "euro", "yen", "tệ", "bảng", "won"})

_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[^\w\s]*[A-ZÀ-ỸĐ0-9])|\n+")
_WORD = re.compile(r"\d+(?:[.,/:-]\d+)*|[^\W\d_]+")
_NUMBER = re.compile(
    r"(?<![\w.,/:-])(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?|hai|ba|bốn|sáu|bảy|tám|chín|mười)"
    r"(?![\w/:]|[.,]\d)(?:\s+(nghìn|ngàn|triệu|tỷ|tỉ)(?!\w))?",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[^,;:.!?()\[\]\"“”\n]{0,60}")
_RATE = re.compile(r"\s*/")  # "15 triệu đồng/tháng": an amount per period, no count of the event
_CLOCK = re.compile(
    r"(?<![\w.,/])(\d{1,2})\s*(?:h|giờ)\s*(\d{1,2})?(?:\s*(?:phút|'))?"
    r"(?:\s+(sáng|trưa|chiều|tối|đêm))?(?!\w)",
    re.IGNORECASE,
)
_CLOCK_DATE = re.compile(r"\s*(?:ngày|hôm|,)?\s*(\d{1,2})\s?[/.-]\s?(\d{1,2})(?!\d)")
_ZONE = re.compile(r"[^.;]{0,25}?giờ\s+(địa phương|gmt|utc|mỹ|châu âu)")
_DATE = re.compile(
    r"(?<![\w/.,-])(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?((?:19|20)\d\d)(?!\w|[/.,-]\d)"
)
_MONTH = re.compile(r"(?i:tháng)\s+(\d{1,2})\s?[/.-]\s?((?:19|20)\d\d)(?!\d)")
_NAME = r"(?:[A-ZÀ-ỸĐ][^\W\d_]*\s?){1,3}"
_PLACE = re.compile(
    rf"\b(?:xã|phường|thị trấn|thôn|ấp|bản)\s+({_NAME}),?\s*"
    rf"(?:huyện|quận|TP\.?|thị xã|thành phố)\s*({_NAME})"
)


@dataclass(frozen=True, slots=True)
class Fact:
    """One checkable statement: its kind, what it is about (key), its value, the phrase as
    written, the content words around it, whether it is only approximate, and its sentence."""

    kind: str  # number, time, date, place
    key: str
    value: float | tuple[int, ...] | str
    span: str
    context: frozenset[str]
    approx: bool = False
    sentence: str = ""


def words(text: str) -> list[str]:
    """Lower-case words and numbers, in order."""
    return [w.lower() for w in _WORD.findall(text)]


def _before(sentence: str, start: int, n: int) -> list[str]:
    """The last n words before `start` (reading back a short stretch, not the whole sentence)."""
    return words(sentence[max(0, start - 16 * n) : start])[-n:]


def _context(sentence: str, start: int, end: int) -> frozenset[str]:
    around = _before(sentence, start, BEFORE) + words(sentence[end : end + 80])[:AFTER]
    return frozenset(
        w
        for w in around
        if w not in FUNCTION_WORDS and not w[0].isdigit() and w not in NUMBER_WORDS
    )


@dataclass(frozen=True, slots=True)
class Statements:
    """What an article states: its checkable facts, and its opening as lower-case text."""

    facts: list[Fact]
    text: str


def statements(item: Item) -> Statements:
    """The checkable facts of the title and the opening of the text."""
    text = normalize(f"{item.title}\n{item.text}")[:TEXT_CHARS]
    return Statements(facts(text), text.lower())


def facts(text: str) -> list[Fact]:
    """The checkable facts of a text, sentence by sentence."""
    found: list[Fact] = []
    clock_seen = False
    offset = 0
    for sentence in _SENTENCE.split(text):
        if not sentence or not sentence.strip():
            continue
        offset = text.find(sentence, offset)
        here = _enumeration_free(_counts(sentence))
        if not clock_seen and offset <= LEAD_CHARS:
            clock = _clock(sentence)
            if clock is not None:
                here.append(clock)
                clock_seen = True
        here.extend(_dates(sentence))
        here.extend(_places(sentence))
        found.extend(replace(f, sentence=sentence.strip()) for f in here)
    return found


def _enumeration_free(counts: list[Fact]) -> list[Fact]:
    """Drop counts of a sentence that lists three or more of the same kind (a list of debts)."""
    per_key = Counter(f.key for f in counts)
    return [f for f in counts if per_key[f.key] < 3]


def _counts(sentence: str) -> list[Fact]:
    found = []
    for m in _NUMBER.finditer(sentence):
        digits, scale = m.group(1), m.group(2)
        if digits.lower() in NUMBER_WORDS:
            value = float(NUMBER_WORDS[digits.lower()])
        else:
            value = float(digits.replace(".", "").replace(",", "."))
            # Years, and "1" that mostly means "a" (1 người = a person), unless scaled.
            if not scale and (1900 <= value <= 2100 or value == 1):
                continue
        value *= SCALES.get((scale or "").lower(), 1.0)
        before = _before(sentence, m.start(), 3)
        if before and before[-1] in IDENTIFIERS:
            continue
        if any(" ".join(before[-3:]).endswith(u) for u in UPDATES):
            continue
        unit, unit_end, end = _unit(sentence, m.end())
        if not unit or unit[0] in NOT_COUNTS or _RATE.match(sentence, unit_end):
            continue
        approx = any(" ".join(before[-2:]).endswith(a) for a in APPROXIMATE)
        span = sentence[m.start() : end].strip()
        if unit[0] == "tuổi":
            age = _age(sentence[: m.start()], value, span)
            if age is not None:
                found.append(age)
            continue
        key = " ".join(unit)
        found.append(
            Fact("number", key, value, span, _context(sentence, m.start(), unit_end), approx)
        )
    return found


def _unit(sentence: str, start: int) -> tuple[list[str], int, int]:
    """What a number counts (up to two words after it, stopping at a function word), where
    those words end, and where the phrase shown ends (four words at most, never past
    punctuation, nor ending on a function word or another number)."""
    clause = _CLAUSE.match(sentence, start)
    assert clause is not None  # the pattern matches the empty string
    following = list(_WORD.finditer(clause.group()))
    if clause.group().lstrip().startswith("%"):
        return [], start, start  # shares and rates move with the moment they are quoted
    unit_end = start
    unit: list[str] = []
    taken = 0
    for w in following[:2]:
        word = w.group().lower()
        if word in FUNCTION_WORDS or word[0].isdigit():
            break
        unit.append(word)
        unit_end = start + w.end()
        taken += 1
    if len(unit) == 1 and unit[0] not in MONEY:
        # A bare "người" says too little: "người bị thương" and "người đã thiệt mạng"
        # are different counts, so the next two words, whatever they are, join the key.
        extra = [w for w in following[taken : taken + 2] if not w.group()[0].isdigit()]
        unit.extend(w.group().lower() for w in extra)
        unit_end = start + extra[-1].end() if extra else unit_end
    shown = following[:4]
    while shown and _dangles(shown[-1].group().lower()):
        shown.pop()
    return unit, unit_end, start + shown[-1].end() if shown else clause.end()


def _dangles(word: str) -> bool:
    """A word a phrase shown must not end with: a function word, or a number whose own unit was
    cut off ("85 mm trong ba", "116 mã lực tại 6" of "6.000 vòng/phút")."""
    return word in FUNCTION_WORDS or word[0].isdigit() or word in NUMBER_WORDS


def _age(head: str, value: float, span: str) -> Fact | None:
    """An age given as "Nguyễn Văn A (38 tuổi": keyed by the person's name."""
    head = head.rstrip()
    if not head.endswith("("):
        return None
    name: list[str] = []
    for w in reversed(_WORD.findall(head[:-1])):
        if not w[0].isupper():
            break
        name.append(w)
    if len(name) < 2:
        return None
    key = "tuổi " + " ".join(reversed(name)).lower()
    return Fact("number", key, value, span, frozenset())


def _clock(sentence: str) -> Fact | None:
    """The first clock time of the sentence that carries its date ("khoảng 6h sáng ngày 6-2")."""
    low = sentence.lower()
    for m in _CLOCK.finditer(sentence):
        hour, minute, part = int(m.group(1)), int(m.group(2) or 0), (m.group(3) or "").lower()
        if hour > 24 or minute > 59:
            continue
        before = _before(sentence, m.start(), 3)
        if before and before[-1] in ("trước", "sau"):
            continue  # a bound, not the time something happened
        if (part in ("chiều", "tối") and hour < 12) or (part == "đêm" and 6 <= hour < 12):
            hour += 12
        date = _CLOCK_DATE.match(sentence, m.end())
        if date is None:
            continue
        zone = _ZONE.match(low, date.end())
        key = f"{int(date.group(1))}/{int(date.group(2))} {zone.group(1) if zone else ''}"
        approx = bool(before) and before[-1] in ("khoảng", "gần", "chừng")
        span = sentence[m.start() : date.end()].strip()
        return Fact("time", key, float(hour * 60 + minute), span, frozenset(), approx)
    return None


def _dates(sentence: str) -> list[Fact]:
    """Dates that name their year: day/month/year and month/year."""
    found = []
    for m in _DATE.finditer(sentence):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= day <= 31 and 1 <= month <= 12:
            context = _context(sentence, m.start(), m.end())
            found.append(Fact("date", "day", (day, month, year), m.group(0), context))
    for m in _MONTH.finditer(sentence):
        month, year = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            context = _context(sentence, m.start(), m.end())
            found.append(Fact("date", "month", (month, year), m.group(0), context))
    return found


def _places(sentence: str) -> list[Fact]:
    """A commune (ward, village) with its district: keyed by the district."""
    return [
        Fact("place", m.group(2).strip().lower(), m.group(1).strip().lower(), m.group(0).strip(),
             _context(sentence, m.start(), m.end()))
        for m in _PLACE.finditer(sentence)
    ]  # fmt: skip
