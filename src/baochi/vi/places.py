"""Places in an article: every mention resolved to its unit, and the main place it is about.

The main place follows news-labels/GUIDELINES.md: a province among the 63 in use before 2025 (as
the labels write them: "Hà Nội", "TP.HCM", "Thừa Thiên Huế"), "toàn quốc", "nước ngoài" or
"không rõ". Evidence is weighed by where it sits (title and lead, as an editor reads) and by
what it is: a province or district counts fully, a ward less, a national body pulls towards
"toàn quốc", a country or a foreign name towards "nước ngoài".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from baochi.vi.gazetteer import (
    DISTRICT,
    FOREIGN,
    LANDMARK,
    NATIONAL,
    NEUTRAL,
    PROVINCE,
    WARD,
    Entry,
    Place,
    gazetteer,
)
from baochi.vi.matching import match_key
from baochi.vi.normalize import normalize
from baochi.vi.syllables import is_syllable

NATIONWIDE, ABROAD, UNKNOWN = "toàn quốc", "nước ngoài", "không rõ"
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
_LEAD_CHARS = 600


@dataclass(frozen=True)
class PlaceMention:
    """One place named in the title or text, with its unit and provinces (former and current)."""

    surface: str
    field: str
    start: int
    end: int
    kind: str
    unit: str
    province: str
    current: str
    former: bool


@dataclass(frozen=True)
class PlaceResult:
    """The main place, whether the story is about Hà Nội, and every place mentioned."""

    main: str
    hanoi: bool
    current: str
    mentions: list[PlaceMention]


@dataclass
class _Hit:
    field: str
    start: int
    end: int
    surface: str
    places: list[Place]
    weight: float
    local: bool = False


_KEYS: dict[str, str] = {}


def _key(token: str) -> str:
    """A token's matching key, remembered: the vocabulary of news is small."""
    key = _KEYS.get(token)
    if key is None:
        if len(_KEYS) > 500_000:
            _KEYS.clear()
        key = _KEYS[token] = match_key(token)
    return key


def _position_weight(field: str, start: int) -> float:
    """Title counts most, then the lead the annotators read, then the body faintly."""
    if field == "title":
        return 3.0
    if start < 250:
        return 2.0
    if start < _LEAD_CHARS:
        return 1.0
    return 0.1


def _titled(token: str) -> bool:
    return token[:1].isupper() and not (len(token) > 1 and token.isupper())


def _scan(text: str, field: str) -> tuple[list[_Hit], list[float]]:
    """Longest matches of gazetteer names on syllable boundaries, and foreign-looking words."""
    gaz = gazetteer()
    matches = list(_TOKEN.finditer(text))
    tokens = [m.group() for m in matches]
    known = _KEYS.get
    keys = [known(t) or _key(t) for t in tokens]
    prefixes = gaz.prefixes
    hits: list[_Hit] = []
    foreign_words: list[float] = []
    i, n = 0, len(tokens)
    while i < n:
        found = None
        if keys[i] in prefixes:
            found = _longest_at(prefixes, gaz.index, text, matches, tokens, keys, i)
        if found:
            length, ok = found
            start, end = matches[i].start(), matches[i + length - 1].end()
            weight = _position_weight(field, start)
            local = any(k in _LOCAL_BODIES for k in keys[max(0, i - 4) : i])
            hits.append(
                _Hit(field, start, end, text[start:end], [e.place for e in ok], weight, local)
            )
            i += length
            continue
        token = tokens[i]
        if (
            (field == "title" or matches[i].start() < _LEAD_CHARS)
            and len(token) > 2
            and _titled(token)
            and token.isalpha()
            and not is_syllable(token)
        ):
            foreign_words.append(_position_weight(field, matches[i].start()))
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
) -> tuple[int, list[Entry]] | None:
    """The longest gazetteer name starting at token i that is cased and placed as a name."""
    spans = [keys[i]]
    j = i + 1
    while j < len(keys) and _JOINER.fullmatch(text, matches[j - 1].end(), matches[j].start()):
        key = spans[-1] + " " + keys[j]
        if key not in prefixes:
            break
        spans.append(key)
        j += 1
    for length in range(len(spans), 0, -1):
        entries = index.get(spans[length - 1])
        if entries:
            ok = [
                e
                for e in entries
                if _cased(e, tokens[i : i + length])
                and _in_context(e, tokens, matches, text, i, length)
            ]
            if ok:
                return length, ok
    return None


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
    if place.detail not in ("ambiguous", "bare", "weak") and not (
        place.kind == FOREIGN and all(is_syllable(t) for t in tokens[i : i + length])
    ):
        return True
    if place.detail == "ambiguous" and _sentence_start(text, matches[i].start()):
        return tokens[i].lower() not in _PRONOUNS
    if i > 0 and text[matches[i - 1].end() : matches[i].start()] == " ":
        prev = tokens[i - 1]
        if _titled(prev) or prev.lower() in _PERSON_TITLES:
            return False
    j = i + length
    if j < len(tokens) and text[matches[j - 1].end() : matches[j].start()] == " ":
        nxt = tokens[j]
        if _titled(nxt) and is_syllable(nxt):
            return False
    return True


_KIND_WEIGHT = {
    PROVINCE: 1.0,
    DISTRICT: 1.0,
    WARD: 0.6,
    LANDMARK: 0.9,
}
_DETAIL_WEIGHT = {"bare": 0.7, "street": 0.7, "weak": 0.4, "club": 0.8, "region": 0.8}
_PRIORITY = [NEUTRAL, PROVINCE, LANDMARK, DISTRICT, WARD, FOREIGN, NATIONAL]
# Local authorities: a province named right after them is where the story happens.
_LOCAL_BODIES = frozenset(
    {
        "sở",
        "ubnd",
        "hđnd",
        "ủy",
        "an",
        "ca",
        "catp",
        "tand",
        "vksnd",
        "sát",
        "quận",
        "huyện",
        "thành",
        "tỉnh",
        "tp",
    }
)


@dataclass
class Weights:
    """The knobs of the decision, set on the development part of news-labels."""

    repeat: float = 0.3
    local_boost: float = 1.5
    foreign_word: float = 0.1
    province_min: float = 2.0
    province_vs_foreign: float = 0.5
    province_vs_national: float = 0.5
    foreign_min: float = 0.5
    foreign_vs_national: float = 1.3
    national_min: float = 0.5
    weak_province_min: float = 0.5
    weak_foreign_min: float = 0.5


WEIGHTS = Weights()


def _resolve(hits: list[_Hit]) -> list[tuple[_Hit, Place | None]]:
    """Settle names shared by several units ("phường 1", "Hoàng Mai") by the provinces that the
    unambiguous names of the same article point to."""
    anchor: dict[str, float] = defaultdict(float)
    for hit in hits:
        homes = {p.province for p in hit.places if p.kind in _KIND_WEIGHT}
        if len(homes) == 1:
            anchor[homes.pop()] += hit.weight
    resolved: list[tuple[_Hit, Place | None]] = []
    for hit in hits:
        kind = min((p.kind for p in hit.places), key=_PRIORITY.index)
        candidates = [p for p in hit.places if p.kind == kind]
        homes = {p.province for p in candidates}
        if len(homes) <= 1:
            resolved.append((hit, candidates[0]))
            continue
        best = max(candidates, key=lambda p: anchor.get(p.province, 0.0))
        resolved.append((hit, best if anchor.get(best.province, 0.0) > 0 else None))
    return resolved


def _mention(hit: _Hit, place: Place | None) -> PlaceMention:
    if place is None:
        first = hit.places[0]
        return PlaceMention(
            hit.surface, hit.field, hit.start, hit.end, first.kind, first.unit, "", "", first.former
        )
    province = ABROAD if place.kind == FOREIGN else place.province
    return PlaceMention(
        hit.surface,
        hit.field,
        hit.start,
        hit.end,
        place.kind,
        place.unit,
        province,
        place.current,
        place.former,
    )


@dataclass(frozen=True)
class _Clue:
    """One piece of evidence: a name pointing at a province, abroad or the whole country."""

    target: str
    name: str
    weight: float
    local: bool


def _clues(resolved: list[tuple[_Hit, Place | None]]) -> list[_Clue]:
    clues = []
    for hit, place in resolved:
        if place is None or place.kind == NEUTRAL:
            continue
        weight = hit.weight * _DETAIL_WEIGHT.get(place.detail, 1.0)
        if place.kind == FOREIGN:
            target = ABROAD
        elif place.kind == NATIONAL:
            target = NATIONWIDE
        else:
            target = place.province
            weight *= _KIND_WEIGHT[place.kind]
        clues.append(_Clue(target, _key(hit.surface), weight, hit.local))
    return clues


def _scores(clues: list[_Clue], w: Weights) -> dict[str, float]:
    """Evidence per target: each distinct name counts once in full, its repeats a little."""
    by_name: dict[tuple[str, str], list[float]] = defaultdict(list)
    for clue in clues:
        boost = w.local_boost if clue.local and clue.target not in (ABROAD, NATIONWIDE) else 1.0
        by_name[(clue.target, clue.name)].append(clue.weight * boost)
    scores: dict[str, float] = defaultdict(float)
    for (target, _), weights in by_name.items():
        top = max(weights)
        scores[target] += top + w.repeat * (sum(weights) - top)
    return scores


def main_place(clues: list[_Clue], foreign_words: list[float], w: Weights = WEIGHTS) -> str:
    """The main place from the weighed evidence."""
    scores = _scores(clues, w)
    foreign = scores.pop(ABROAD, 0.0) + w.foreign_word * sum(foreign_words)
    national = scores.pop(NATIONWIDE, 0.0)
    top, best = max(scores.items(), key=lambda kv: kv[1], default=("", 0.0))
    if (
        best >= w.province_min
        and best >= w.province_vs_foreign * foreign
        and best >= w.province_vs_national * national
    ):
        return top
    if foreign >= w.foreign_min and foreign >= w.foreign_vs_national * national:
        return ABROAD
    if national >= w.national_min:
        return NATIONWIDE
    if best >= w.weak_province_min:
        return top
    if foreign >= w.weak_foreign_min:
        return ABROAD
    return UNKNOWN


def evidence(title: str, text: str) -> tuple[list[tuple[_Hit, Place | None]], list[float]]:
    """Resolved name hits in title and text, and the weights of foreign-looking words."""
    hits, foreign_words = _scan(normalize(title), "title")
    body_hits, body_words = _scan(normalize(text), "text")
    return _resolve(hits + body_hits), foreign_words + body_words


def detect_places(title: str, text: str, weights: Weights = WEIGHTS) -> PlaceResult:
    """Every place named in an article and the main one, in the sense of the news labels."""
    resolved, foreign_words = evidence(title, text)
    mentions = [
        _mention(hit, place)
        for hit, place in resolved
        if place is None or place.kind not in (NATIONAL, NEUTRAL)
    ]
    main = main_place(_clues(resolved), foreign_words, weights)
    gaz = gazetteer()
    current = gaz.provinces[main].current if main in gaz.provinces else ""
    return PlaceResult(main, main == HANOI, current, mentions)
