"""The place detector's evidence as words for a feature block: a story about abroad is the_gioi.

Over the title and lead, the rules' main place kind (Hà Nội, a province, nationwide, abroad,
unknown), the strength of each kind of evidence and how many foreign places are named become
tokens; a strength is spelt as one token per level reached, so a linear model weighs levels.
"""

from __future__ import annotations

from collections.abc import Sequence

from baochi.analyze.corpora import Example
from baochi.vi.gazetteer import FOREIGN
from baochi.vi.normalize import normalize
from baochi.vi.place_decision import ABROAD, NATIONWIDE, PROVINCE, kind_of
from baochi.vi.place_names import HANOI
from baochi.vi.places import weigh

_KIND = {HANOI: "hanoi", PROVINCE: "province", NATIONWIDE: "nation", ABROAD: "abroad"}
_STRENGTH = (0.5, 1.0, 2.0, 4.0, 8.0)
_WORDS = (1.0, 2.0, 4.0, 8.0)
_COUNT = (1.0, 2.0, 3.0, 5.0)


def _levels(name: str, value: float, cuts: Sequence[float]) -> list[str]:
    """`name0`, `name1`, ... for each cut that `value` reaches."""
    return [f"{name}{i}" for i, cut in enumerate(cuts) if value >= cut]


def place_words(example: Example, lead_chars: int) -> str:
    """Tokens of where the title and the first `lead_chars` of the text say the story is."""
    resolved, found = weigh(example.title, normalize(example.text)[:lead_chars])
    scores = found.scores
    local = max((v for k, v in scores.items() if k not in (ABROAD, NATIONWIDE)), default=0.0)
    foreign = [(hit, place) for hit, place in resolved if place and place.kind == FOREIGN]
    tokens = [f"pm{_KIND.get(kind_of(found.rule_main), 'unknown')}"]
    tokens += _levels("pab", scores.get(ABROAD, 0.0), _STRENGTH)
    tokens += _levels("pna", scores.get(NATIONWIDE, 0.0), _STRENGTH)
    tokens += _levels("pvn", local, _STRENGTH)
    tokens += _levels("pfw", found.foreign_words, _WORDS)
    tokens += _levels("pnf", len({hit.surface.lower() for hit, _ in foreign}), _COUNT)
    if any(hit.field == "title" for hit, _ in foreign):
        tokens.append("pftitle")
    return " ".join(tokens)
