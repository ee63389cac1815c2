"""Conflicting reports: where two articles of one story state incompatible facts — different
counts of the same thing, different times or dates of the same occurrence, different communes.

Two facts are about the same thing when they have the same key (what is counted, the date of a
clock time, the district) and enough shared words around them; they conflict when their values
cannot both be true, unless one is approximate and close, or either article also states the
other's value for the same thing (then it is a list, or an update, not a disagreement).
"""

from __future__ import annotations

from dataclasses import dataclass

from baochi.stories.facts import MONEY, Fact, Statements, statements
from baochi.stories.features import Item

# Shared context words (plus extra key words) that make two facts about the same thing; amounts
# of money and large numbers abound in a report, so they need twice as much.
AGREEMENT = 2
# Rounding tolerance when either value is approximate ("khoảng 50" vs "52").
ROUNDING = 0.10
# Two numbers more than this many times apart count different things, not one thing reported
# twice: a price and its change, a day's visitors and a year's.
MAGNITUDE = 10.0
# Clock times less than an hour apart may be the same moment when either is approximate.
CLOCK_SLACK = 60.0
TYPES = {"number": "number", "time": "time_place", "date": "time_place", "place": "time_place"}
# The version of these rules and of facts.py: raise it with any change that would find other
# conflicts in the same two articles, and the placer checks the stored ones again.
RULES = 2  # 2: a phrase shown no longer ends on a number cut from its unit


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two phrases, one from each article, that cannot both be true, and their sentences."""

    type: str  # number, time_place (actor and outcome are not detected yet)
    span: str
    other_span: str
    sentence: str = ""
    other_sentence: str = ""


def find_conflicts(a: Item, b: Item) -> list[Conflict]:
    """The conflicting facts of two reports of one event, the best supported first."""
    return conflicts_between(statements(a), statements(b))


def conflicts_between(a: Statements, b: Statements) -> list[Conflict]:
    """The same, from what each article states (read once per article when compared often)."""
    ours, theirs = a.facts, b.facts
    texts = (a.text, b.text)
    found: list[tuple[int, Conflict]] = []
    seen: set[tuple[str, str]] = set()
    for x in ours:
        for y in theirs:
            if not (_same_thing(x, y) and _incompatible(x, y)):
                continue
            if _states(ours, y) or _states(theirs, x):
                continue
            if x.kind == "place" and (str(y.value) in texts[0] or str(x.value) in texts[1]):
                continue  # both communes named in one article: two places, not a disagreement
            if (x.span, y.span) not in seen:
                seen.add((x.span, y.span))
                found.append(
                    (
                        _support(x, y),
                        Conflict(TYPES[x.kind], x.span, y.span, x.sentence, y.sentence),
                    )
                )
    found.sort(key=lambda hit: -hit[0])
    return [conflict for _, conflict in found]


def _support(x: Fact, y: Fact) -> int:
    """Shared words around the two facts, plus the words of their key beyond the first."""
    return len(x.context & y.context) + len(x.key.split()) - 1


def _same_thing(x: Fact, y: Fact) -> bool:
    if x.kind != y.kind or x.key != y.key:
        return False
    if x.kind in ("place", "time"):
        return True  # the key (district; date and time zone) says enough
    need = AGREEMENT
    if x.kind == "number":
        assert isinstance(x.value, float) and isinstance(y.value, float)
        low, high = sorted((x.value, y.value))
        if high > MAGNITUDE * low:  # a price's change ("150.000 đồng/lượng") and the price
            return False
        if MONEY & set(x.key.split()) or high >= 1000:
            need *= 2
    return _support(x, y) >= need


def _incompatible(x: Fact, y: Fact) -> bool:
    if x.value == y.value:
        return False
    if x.kind == "number":
        assert isinstance(x.value, float) and isinstance(y.value, float)
        low, high = sorted((x.value, y.value))
        return not ((x.approx or y.approx) and (high - low) / high <= ROUNDING)
    if x.kind == "time":
        assert isinstance(x.value, float) and isinstance(y.value, float)
        return abs(x.value - y.value) >= CLOCK_SLACK or not (x.approx or y.approx)
    return True


def _states(article: list[Fact], other: Fact) -> bool:
    """True when the article also states the other's value for the same thing."""
    return any(_same_thing(f, other) and not _incompatible(f, other) for f in article)
