"""Places in an article: every mention resolved to its unit, and the main place it is about.

The main place follows news-labels/GUIDELINES.md: a province among the 63 in use before 2025 (as
the labels write them: "Hà Nội", "TP.HCM", "Thừa Thiên Huế"), "toàn quốc", "nước ngoài" or
"không rõ". Evidence is weighed by where it sits (title and lead, as an editor reads) and by
what it is: a province or district counts fully, a ward less, a national body pulls towards
"toàn quốc", a country or a foreign name towards "nước ngoài".
"""

from __future__ import annotations

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
    Place,
    bare_name,
    gazetteer,
)
from baochi.vi.normalize import fold, normalize
from baochi.vi.place_decision import (
    ABROAD,
    NATIONWIDE,
    PARTS,
    UNKNOWN,
    Evidence,
    PlaceDecision,
)
from baochi.vi.place_names import HANOI, STREET_WORDS, Hit, is_plain, key, scan, without_links


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
    ward: str
    former: bool


@dataclass(frozen=True)
class PlaceResult:
    """The main place, whether the story is about Hà Nội, every place mentioned, and the main
    place's province since the 2025 reform ("" for "toàn quốc", "nước ngoài", "không rõ")."""

    main: str
    hanoi: bool
    mentions: list[PlaceMention]
    current: str


_KIND_WEIGHT = {
    PROVINCE: 1.0,
    DISTRICT: 1.0,
    WARD: 0.6,
    LANDMARK: 0.9,
}
_DETAIL_WEIGHT = {
    "bare": 0.7,
    "street": 0.7,
    "street-style": 0.5,
    "weak": 0.4,
    "club": 0.8,
    "region": 0.8,
}
# Roles in which a place is only passed through: where something was held, someone's address,
# part of an institution's name, a reference point.
_PASSING = frozenset({"venue", "residence", "institution", "reference"})
_NO_PARTS = (0.0,) * len(PARTS)
_ADDRESS_GAP = 3  # characters between the parts of one address: ", ", " - ", " ("
# When one spelling names places of several kinds, the first kind here is the one meant.
_PRIORITY = [NEUTRAL, PROVINCE, LANDMARK, DISTRICT, WARD, FOREIGN, NATIONAL]


@dataclass
class Weights:
    """The knobs of the decision, set on the development part of news-labels."""

    repeat: float = 0.3  # each repeat of a name, relative to its first mention
    local_boost: float = 1.5  # a place right after a local authority ("Công an quận ...")
    residence: float = 0.2  # someone's home or address ("trú tại ...")
    reference: float = 0.2  # a reference point ("cách Hà Nội 180 km", "giờ Hà Nội")
    institution: float = 0.25  # inside an institution's name ("Đại học Y Hà Nội")
    venue_of_national: float = 0.5  # "tại Hà Nội" when a national body leads the story
    spread: float = 1.0  # runner-up province at this share of the first: nationwide
    foreign_word: float = 0.2  # each capitalised word that is no Vietnamese syllable
    province_min: float = 2.0  # evidence a province needs to be the main place
    province_vs_foreign: float = 0.5  # ... and its share of the evidence for abroad
    province_vs_national: float = 0.3  # ... and of the evidence for nationwide
    foreign_min: float = 0.5
    foreign_vs_national: float = 2.0
    national_min: float = 0.5
    weak_province_min: float = 0.5  # fallbacks when nothing is clear
    weak_foreign_min: float = 1.0


WEIGHTS = Weights()


def _resolve(hits: list[Hit]) -> list[tuple[Hit, Place | None]]:
    """Settle names shared by several units ("phường 1", "Hoàng Mai") by the unit the address
    goes on with, else by the provinces that the unambiguous names of the article point to."""
    anchor: dict[str, float] = defaultdict(float)
    for hit in hits:
        homes = {p.province for p in hit.places if p.kind in _KIND_WEIGHT}
        if len(homes) == 1:
            anchor[homes.pop()] += hit.weight
    resolved: list[tuple[Hit, Place | None]] = []
    for n, hit in enumerate(hits):
        kind = min((p.kind for p in hit.places), key=_PRIORITY.index)
        candidates = [p for p in hit.places if p.kind == kind]
        homes = {p.province for p in candidates}
        enclosing, district = _enclosing(hit, hits[n + 1 : n + 2]) if kind == WARD else ("", "")
        if enclosing:
            # "xã Hữu Bằng, huyện Thạch Thất, Hà Nội": a ward merged away before 2025 is known
            # only by its namesake elsewhere; the address says where it is, and of two namesakes
            # in one city ("phường Minh Khai, quận Hai Bà Trưng"), which.
            inside = [p for p in candidates if p.province == enclosing]
            within = [p for p in inside if p.detail.startswith(f"{district},")]
            chosen = within or inside
            resolved.append((hit, chosen[0] if chosen else None))
            continue
        if len(homes) <= 1:
            resolved.append((hit, candidates[0]))
            continue
        best = max(candidates, key=lambda p: anchor.get(p.province, 0.0))
        resolved.append((hit, best if anchor.get(best.province, 0.0) > 0 else None))
    return resolved


def _enclosing(hit: Hit, following: list[Hit]) -> tuple[str, str]:
    """The province and the unit of the district named, with its "quận"/"huyện", right after a
    ward as the next part of its address ("phường Trung Hòa, quận Cầu Giấy"), or ("", ""). A
    bare name may be a street ("Tràng Tiền, Ngô Quyền"), a province a reference ("Tam Đảo - Hà
    Nội")."""
    if not following:
        return "", ""
    after = following[0]
    if after.field != hit.field or after.start - hit.end > _ADDRESS_GAP:
        return "", ""
    if any(p.kind != DISTRICT or p.detail == "bare" for p in after.places):
        return "", ""
    homes = {(p.province, p.unit) for p in after.places}
    return homes.pop() if len(homes) == 1 else ("", "")


def _mention(hit: Hit, place: Place | None) -> PlaceMention:
    """A hit as reported: a name shared by units of several provinces keeps no province; a
    former ward split in 2025 names every ward it went to."""
    shown = place or hit.places[0]
    province = ABROAD if shown.kind == FOREIGN else shown.province if place else ""
    same = (shown.unit, shown.kind, shown.province, shown.detail)
    wards = {p.ward for p in hit.places if (p.unit, p.kind, p.province, p.detail) == same}
    return PlaceMention(
        surface=hit.surface,
        field=hit.field,
        start=hit.start,
        end=hit.end,
        kind=shown.kind,
        unit=shown.unit,
        province=province,
        current=shown.current if place else "",
        ward=", ".join(sorted(wards, key=fold)) if place else "",
        former=shown.former,
    )


@dataclass(frozen=True)
class _Clue:
    """One piece of evidence: a name pointing at a province, abroad or the whole country."""

    target: str
    name: str
    weight: float
    role: str
    kind: str
    field: str


def _clues(resolved: list[tuple[Hit, Place | None]]) -> list[_Clue]:
    """The evidence of each hit. A state body named with a foreign country right after it
    ("Bộ Quốc phòng Nga", "Chính phủ Philippines") is that country's, not Vietnam's."""
    clues = []
    for n, (hit, place) in enumerate(resolved):
        if place is None or place.kind == NEUTRAL:
            continue
        weight = hit.weight * _DETAIL_WEIGHT.get(place.detail, 1.0)
        if place.kind == FOREIGN:
            target = ABROAD
        elif place.kind == NATIONAL:
            if _followed_by_abroad(hit, resolved[n + 1 : n + 2]):
                continue
            target = NATIONWIDE
        else:
            target = place.province
            weight *= _KIND_WEIGHT[place.kind]
        clues.append(_Clue(target, key(hit.surface), weight, hit.role, place.kind, hit.field))
    return clues


def _followed_by_abroad(hit: Hit, following: list[tuple[Hit, Place | None]]) -> bool:
    if not following:
        return False
    after, place = following[0]
    return (
        place is not None
        and place.kind == FOREIGN
        and after.field == hit.field
        and after.start - hit.end <= 1
    )


def _scores(clues: list[_Clue], w: Weights) -> dict[str, float]:
    """Evidence per target: each distinct name counts once in full, its repeats a little.

    A place that is only where a national body met ("Quốc hội họp tại Hà Nội") counts less: a
    national event merely held in a city is not about the city.
    """
    national = any(c.target == NATIONWIDE and c.weight >= 2.0 for c in clues)
    roles = {
        "local": w.local_boost,
        "residence": w.residence,
        "reference": w.reference,
        "institution": w.institution,
        "venue": w.venue_of_national if national else 1.0,
    }
    by_name: dict[tuple[str, str], list[float]] = defaultdict(list)
    for clue in clues:
        boost = 1.0
        if clue.target not in (ABROAD, NATIONWIDE):
            boost = roles.get(clue.role, 1.0)
        by_name[(clue.target, clue.name)].append(clue.weight * boost)
    scores: dict[str, float] = defaultdict(float)
    for (target, _), weights in by_name.items():
        top = max(weights)
        scores[target] += top + w.repeat * (sum(weights) - top)
    return scores


def _parts(clues: list[_Clue]) -> dict[str, tuple[float, ...]]:
    """Where each target's evidence comes from, in the order of PARTS: the title, names finer
    than a province (a ward, a street, a landmark), local authorities ("Công an quận ..."), and
    passing roles (a venue, an address, an institution's name, a reference point)."""
    parts: dict[str, tuple[float, ...]] = {}
    for clue in clues:
        found = (
            clue.field == "title",
            clue.kind in (DISTRICT, WARD, LANDMARK),
            clue.role == "local",
            clue.role in _PASSING,
        )
        before = parts.get(clue.target, _NO_PARTS)
        parts[clue.target] = tuple(b + clue.weight * f for b, f in zip(before, found, strict=True))
    return parts


def main_place(scores: dict[str, float], foreign_words: list[float], w: Weights = WEIGHTS) -> str:
    """The main place from the evidence per target (which it consumes).

    Several provinces named about equally ("cao tốc Đà Nẵng - Quảng Ngãi", "từ Quảng Bình đến
    Cần Thơ") make no single province the story's: that is "toàn quốc".
    """
    foreign = scores.pop(ABROAD, 0.0) + w.foreign_word * sum(foreign_words)
    national = scores.pop(NATIONWIDE, 0.0)
    ranked = sorted(scores.values(), reverse=True)
    top, best = max(scores.items(), key=lambda kv: kv[1], default=("", 0.0))
    second = ranked[1] if len(ranked) > 1 else 0.0
    if best >= w.province_min and second >= w.spread * best and foreign < best:
        return NATIONWIDE
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


def evidence(title: str, text: str) -> tuple[list[tuple[Hit, Place | None]], list[float]]:
    """Resolved name hits in title and text, and the weights of foreign-looking words."""
    title, text = normalize(title), without_links(normalize(text))
    plain = is_plain(f"{title} {text[:2000]}")
    hits, foreign_words = scan(title, "title", plain)
    body_hits, body_words = scan(text, "text", plain)
    return _resolve(hits + body_hits), foreign_words + body_words


def weigh(
    title: str, text: str, weights: Weights = WEIGHTS
) -> tuple[list[tuple[Hit, Place | None]], Evidence]:
    """Resolved name hits, and the evidence with the rules' decision (for a learned one)."""
    resolved, foreign_words = evidence(title, text)
    clues = _clues(resolved)
    scores = dict(_scores(clues, weights))
    main = main_place(dict(scores), foreign_words, weights)
    return resolved, Evidence(scores, sum(foreign_words), main, _parts(clues))


def detect_places(
    title: str, text: str, weights: Weights = WEIGHTS, decision: PlaceDecision | None = None
) -> PlaceResult:
    """Every place named in an article and the main one, in the sense of the news labels;
    decided by the rules, or by a trained decision over their evidence when one is given."""
    resolved, found = weigh(title, text, weights)
    mentions = [
        _mention(hit, place)
        for hit, place in resolved
        if place is None or place.kind not in (NATIONAL, NEUTRAL)
    ]
    main = decision.decide(found) if decision else found.rule_main
    gaz = gazetteer()
    current = gaz.provinces[main].current if main in gaz.provinces else ""
    return PlaceResult(main, main == HANOI, mentions, current)


def units_named(title: str, text: str, province: str) -> set[str]:
    """The districts, wards and communes of `province`, former or current, that the title or
    text names, each by its bare name ("Hai Bà Trưng" for "quận Hai Bà Trưng"): where in the
    city the news is; a numbered one keeps its kind ("Quận 8")."""
    return units_in(detect_places(title, text), title, text, province)


def units_in(found: PlaceResult, title: str, text: str, province: str) -> set[str]:
    """`units_named` from places already detected in the title and text. A ward named without
    "phường" or "xã" is as often a street ("Kim Mã"), so it does not count, nor does a name
    after "phố" or "đường"."""
    fields = {"title": normalize(title), "text": without_links(normalize(text))}
    return {
        _area_name(m.unit)
        for m in found.mentions
        if province
        and m.province == province  # "" for a name shared by units of several provinces
        and (m.kind == DISTRICT or (m.kind == WARD and bare_name(m.surface) != m.surface))
        and not _street_named(fields[m.field], m.start)
    }


def _area_name(unit: str) -> str:
    """A unit by its bare name, unless the name is a number: "Cầu Giấy", "Phường 1"."""
    bare = bare_name(unit)
    return unit if bare.isdigit() else bare


def _street_named(text: str, start: int) -> bool:
    """Whether the word before `start` makes the name there a street's: "phố Bạch Mai"."""
    before = text[max(0, start - 12) : start].split()
    return bool(before) and before[-1].lower() in STREET_WORDS
