"""The gazetteer: Vietnam's units as they are and as they were, landmarks, and places abroad.

Current units (34 provinces, 3,321 wards after the 2025 reform) come from vietnam-provinces; the
former 63 provinces, their districts and wards, each resolving to its current unit, from the
address mapping shipped with underthesea; aliases, landmarks, places abroad, national bodies and
common words that begin with a place's name ("Ý kiến", "Áo dài") from the CSV files in data/,
written for baochi. Names are indexed by their syllables.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from baochi.vi.matching import match_key
from baochi.vi.normalize import fold

# Kinds of entries, each telling the place detector how much a mention weighs.
PROVINCE, DISTRICT, WARD, LANDMARK, FOREIGN, NATIONAL, NEUTRAL = (
    "province",
    "district",
    "ward",
    "landmark",
    "foreign",
    "national",
    "neutral",
)
_TOKEN = re.compile(r"[^\W_]+")
_UNIT_PREFIXES = {
    "quận": ("quận", "Q"),
    "huyện": ("huyện", "H"),
    "thị xã": ("thị xã", "TX"),
    "thành phố": ("thành phố", "TP", "Tp"),
    "phường": ("phường", "P"),
    "xã": ("xã",),
    "thị trấn": ("thị trấn", "TT"),
    "đặc khu": ("đặc khu",),
}


@dataclass(frozen=True)
class Place:
    """One named place: its unit as written, what it is, and the province it belongs to.

    `province` uses the 63 former provinces as the news labels do ("TP.HCM", "Hòa Bình");
    `current` is the province after the 2025 reform ("Thành phố Hồ Chí Minh", "Phú Thọ") and
    `ward` the ward or commune a ward is, or became ("Phường Khương Mai" -> "Phường Phương Liệt").
    """

    unit: str
    kind: str
    province: str = ""
    current: str = ""
    former: bool = False
    detail: str = ""
    ward: str = ""


@dataclass(frozen=True)
class Entry:
    """A place under one spelling: which syllables must be capitalised, and which all-caps."""

    place: Place
    caps: tuple[bool, ...]
    upper: tuple[bool, ...]


@dataclass
class Gazetteer:
    """Spellings indexed by their tone-unified lower-case syllables."""

    index: dict[str, list[Entry]]
    prefixes: frozenset[str]
    provinces: dict[str, Place]
    # The same names without diacritics, for text typed without them ("ha noi").
    folded: dict[str, list[Entry]]
    folded_prefixes: frozenset[str]
    # Common words that begin with a place's name ("Ý kiến", "Mỹ phẩm", "Áo dài"), as match keys.
    compounds: frozenset[str] = frozenset()

    def add(self, surface: str, place: Place) -> None:
        tokens = _TOKEN.findall(surface)
        if not tokens:
            return
        key = " ".join(match_key(t) for t in tokens)
        caps = tuple(t[0].isupper() for t in tokens)
        upper = tuple(len(t) > 1 and t.isupper() for t in tokens)
        entry = Entry(place, caps, upper)
        for index, name in ((self.index, key), (self.folded, fold(key))):
            entries = index.setdefault(name, [])
            if not any(e.place == place and e.caps == caps for e in entries):
                entries.append(entry)

    def seal(self) -> None:
        """Index every leading run of syllables, so matching stops as soon as no name can fit."""
        self.prefixes = _prefixes(self.index)
        self.folded_prefixes = _prefixes(self.folded)


def _prefixes(index: dict[str, list[Entry]]) -> frozenset[str]:
    parts = (key.split(" ") for key in index)
    return frozenset(" ".join(p[:k]) for p in parts for k in range(1, len(p) + 1))


def _data(name: str) -> list[dict[str, str]]:
    text = resources.files("baochi.vi").joinpath("data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _current_names() -> dict[int, str]:
    from vietnam_provinces import Province

    return {int(p.code): p.name for p in Province.iter_all()}


def _underthesea_mapping() -> dict[str, object]:
    """underthesea's old-to-new address mapping, read without importing underthesea itself."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("underthesea is needed for the former administrative units")
    path = Path(spec.origin).parent / "address" / "data" / "mapping.json"
    with path.open(encoding="utf-8") as f:
        data: dict[str, object] = json.load(f)
    return data


def _unit_spellings(full: str) -> list[str]:
    """ "Quận Cầu Giấy" -> ["quận Cầu Giấy", "Q Cầu Giấy"]; numbered units also as "Q1"."""
    low = full.lower()
    for prefix, forms in _UNIT_PREFIXES.items():
        if low.startswith(prefix + " "):
            name = full[len(prefix) + 1 :].strip()
            spellings = [f"{form} {name}" for form in forms]
            if name.isdigit():
                spellings += [f"{form}{name}" for form in forms if form[0].isupper()]
            return spellings
    return [full]


def _town_spellings(full: str) -> list[str]:
    """A city that was a town not long ago is still "thị xã" in older news ("thị xã Thuận An")."""
    if not full.lower().startswith("thành phố "):
        return []
    return _unit_spellings("Thị xã " + bare_name(full))


def bare_name(full: str) -> str:
    """A unit's name without its kind: "quận Hai Bà Trưng" -> "Hai Bà Trưng"."""
    low = full.lower()
    for prefix in _UNIT_PREFIXES:
        if low.startswith(prefix + " "):
            return full[len(prefix) + 1 :].strip()
    return full


@cache
def gazetteer() -> Gazetteer:
    """Build the gazetteer once per process (about a second; read-only afterwards)."""
    gaz = Gazetteer({}, frozenset(), {}, {}, frozenset())
    current = _current_names()
    provinces = _data("provinces.csv")
    by_code: dict[str, Place] = {}
    for row in provinces:
        place = Place(row["name"], PROVINCE, row["name"], current[int(row["current_code"])])
        by_code[row["code"]] = place
        gaz.provinces[row["name"]] = place
        for surface in [row["name"], *filter(None, row["aliases"].split("|"))]:
            gaz.add(surface, place)
    mapping = _underthesea_mapping()
    _add_former_units(gaz, by_code, mapping)
    _add_current_wards(gaz, by_code, mapping)
    for row in _data("landmarks.csv"):
        home = gaz.provinces.get(row["province"])
        kind, now = (LANDMARK, home.current) if home else (NEUTRAL, "")
        place = Place(row["surface"], kind, row["province"], now, False, row["kind"])
        gaz.add(row["surface"], place)
    for row in _data("foreign.csv"):
        gaz.add(
            row["surface"], Place(row["country"] or row["surface"], FOREIGN, detail=row["kind"])
        )
    for row in _data("national.csv"):
        gaz.add(row["surface"], Place(row["surface"], NATIONAL, detail=row["kind"]))
    gaz.compounds = frozenset(match_key(row["words"]) for row in _data("compounds.csv"))
    gaz.seal()
    return gaz


def _add_former_units(
    gaz: Gazetteer, by_code: dict[str, Place], mapping: dict[str, object]
) -> None:
    """Former districts and wards (before July 2025), each with the ward it became."""
    old_names: dict[str, dict[str, str]] = mapping["old_province_names"]  # type: ignore[assignment]
    key_to_place = {key: by_code[info["code"]] for key, info in old_names.items()}
    district_homes: dict[str, set[str]] = defaultdict(set)
    ward_homes: dict[str, set[str]] = defaultdict(set)
    records: list[dict[str, str]] = mapping["ward_mapping"]  # type: ignore[assignment]
    for record in records:
        home = key_to_place[record["old_province_key"]]
        district = record["old_district"]
        district_homes[bare_name(district)].add(home.province)
        detail = f"{district}, {home.province}"
        if record["old_ward"]:
            ward_homes[bare_name(record["old_ward"])].add(home.province)
            place = Place(
                record["old_ward"],
                WARD,
                home.province,
                home.current,
                True,
                detail,
                record["new_ward"],
            )
            for spelling in _unit_spellings(record["old_ward"]):
                gaz.add(spelling, place)
        place = Place(district, DISTRICT, home.province, home.current, True, home.province)
        for spelling in _unit_spellings(district) + _town_spellings(district):
            gaz.add(spelling, place)
    _add_bare_district_names(gaz, district_homes)
    _add_bare_city_ward_names(gaz, ward_homes, district_homes)


def _add_bare_district_names(gaz: Gazetteer, homes: dict[str, set[str]]) -> None:
    """District names without "quận"/"huyện": "Cầu Giấy", "Diễn Châu", "Bình Thạnh".

    Two syllables or more and not a province's name; a name shared by districts of several
    provinces ("Hoàng Mai") is kept for each, for the detector to settle from context.
    """
    province_keys = {match_key(name) for name in gaz.provinces}
    for name, provinces in homes.items():
        if len(name.split()) < 2 or name[0].isdigit() or match_key(name) in province_keys:
            continue
        for province in sorted(provinces):
            home = gaz.provinces[province]
            gaz.add(name, Place(name, DISTRICT, province, home.current, True, "bare"))


def _add_bare_city_ward_names(
    gaz: Gazetteer, ward_homes: dict[str, set[str]], district_homes: dict[str, set[str]]
) -> None:
    """Former ward names of the two big cities without "phường" ("Khương Mai", "Dịch Vọng"):
    news names their streets and neighbourhoods that way. Only names no other province uses."""
    taken = {match_key(n) for n in district_homes} | {match_key(n) for n in gaz.provinces}
    for name, provinces in ward_homes.items():
        if provinces not in ({"Hà Nội"}, {"TP.HCM"}) or len(name.split()) < 2:
            continue
        if name[0].isdigit() or match_key(name) in taken:
            continue
        (province,) = provinces
        home = gaz.provinces[province]
        gaz.add(name, Place(name, WARD, province, home.current, True, "bare"))


def _add_current_wards(
    gaz: Gazetteer, by_code: dict[str, Place], mapping: dict[str, object]
) -> None:
    """Wards and communes since July 2025, with the former province most of each came from."""
    from vietnam_provinces import Ward

    old_names: dict[str, dict[str, str]] = mapping["old_province_names"]  # type: ignore[assignment]
    records: list[dict[str, str]] = mapping["ward_mapping"]  # type: ignore[assignment]
    origin: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for record in records:
        home = by_code[old_names[record["old_province_key"]]["code"]]
        origin[(record["new_province_key"], match_key(record["new_ward"]))][home.province] += 1
    current = _current_names()
    new_key = {name: key for key, name in _new_province_keys(mapping).items()}
    for ward in Ward.iter_all():
        province_name = current[int(ward.province_code)]
        counts = origin.get((new_key.get(province_name, ""), match_key(ward.name)))
        former = counts.most_common(1)[0][0] if counts else ""
        place = Place(ward.name, WARD, former, province_name, False, province_name, ward.name)
        for spelling in _unit_spellings(ward.name):
            gaz.add(spelling, place)


def _new_province_keys(mapping: dict[str, object]) -> dict[str, str]:
    """underthesea's key of each current province -> the province's name in vietnam-provinces."""
    names: dict[str, dict[str, str]] = mapping["province_names"]  # type: ignore[assignment]
    current = _current_names()
    return {key: current[int(info["code"])] for key, info in names.items()}
