"""A learned last step of place detection: which kind of place the weighed evidence points to.

The rules in places.py weigh every name into scores per province, abroad and nationwide, then
decide with hand-set thresholds. This model reads the same scores, and where each came from, and
is fitted on labelled articles, so the thresholds come from data (`baochi train place`). It does
not read the rules' own answer: the rules were tuned on most of the labelled articles, so on
them that answer looks more reliable than it is on new ones, and the held-out figures rose
without it. It
chooses a kind (Hà Nội, another province, toàn quốc, nước ngoài, không rõ); the province itself
still comes from the rules. Saved as plain arrays and JSON: loading runs no code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from baochi.vi.place_names import HANOI

NATIONWIDE, ABROAD, UNKNOWN = "toàn quốc", "nước ngoài", "không rõ"
PROVINCE = "tỉnh"  # a province other than Hà Nội
KINDS = (HANOI, PROVINCE, NATIONWIDE, ABROAD, UNKNOWN)
# Where a target's evidence comes from (see places._parts).
PARTS = ("title", "unit", "local", "passing")
NAME = "place_decision"
FORMAT = 2


def kind_of(place: str) -> str:
    """The kind of a main place: one of KINDS."""
    return place if place in KINDS else PROVINCE


@dataclass(frozen=True)
class Evidence:
    """What the rules found in one article: scores per target and their own decision."""

    scores: Mapping[str, float]  # province, ABROAD or NATIONWIDE -> weighed evidence
    foreign_words: float  # weight of capitalised words that are no Vietnamese syllable
    rule_main: str
    parts: Mapping[str, tuple[float, ...]]  # target -> its evidence split by PARTS

    def other_province(self) -> str:
        """The best-supported province other than Hà Nội ("" when none)."""
        if kind_of(self.rule_main) == PROVINCE:
            return self.rule_main
        provinces = {k: v for k, v in self.scores.items() if kind_of(k) == PROVINCE}
        return max(provinces, key=lambda k: provinces[k]) if provinces else ""

    def vector(self) -> np.ndarray:
        """The numbers the model reads: each score as log and as presence, and
        where the evidence for Hà Nội, the best other province and the whole country comes from
        (a national event held in Hà Nội names it only as a venue; a Hà Nội story names its
        wards, streets and city authorities)."""
        others = sorted((v for k, v in self.scores.items() if kind_of(k) == PROVINCE), reverse=True)
        values = [
            self.scores.get(HANOI, 0.0),
            others[0] if others else 0.0,
            others[1] if len(others) > 1 else 0.0,
            self.scores.get(ABROAD, 0.0),
            self.scores.get(NATIONWIDE, 0.0),
            self.foreign_words,
        ]
        none = (0.0,) * len(PARTS)
        parts = [
            v
            for target in (HANOI, self.other_province(), NATIONWIDE)
            for v in self.parts.get(target, none)
        ]
        return np.array(
            [float(np.log1p(v)) for v in values + parts] + [float(v > 0) for v in values],
            dtype=np.float64,
        )


@dataclass
class PlaceDecision:
    """A multinomial logistic regression from evidence vectors to KINDS."""

    coef: np.ndarray  # kinds × features
    intercept: np.ndarray

    @classmethod
    def fit(
        cls, evidence: Sequence[Evidence], places: Sequence[str], c: float = 1.0
    ) -> PlaceDecision:
        """Fitted on articles' evidence and their labelled main places."""
        from sklearn.linear_model import LogisticRegression

        x = np.vstack([e.vector() for e in evidence])
        y = np.array([KINDS.index(kind_of(p)) for p in places])
        model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
        coef = np.zeros((len(KINDS), x.shape[1]))
        intercept = np.full(len(KINDS), -1e9)  # a kind never seen in training is never chosen
        coef[model.classes_] = model.coef_
        intercept[model.classes_] = model.intercept_
        return cls(coef, intercept)

    def decide(self, evidence: Evidence) -> str:
        """The main place: a kind from the model, the province from the rules' scores."""
        kind = KINDS[int(np.argmax(self.coef @ evidence.vector() + self.intercept))]
        if kind == PROVINCE:
            return evidence.other_province() or evidence.rule_main
        return kind

    def save(self, folder: Path, metadata: Mapping[str, Any]) -> None:
        """`place_decision.npz` (arrays only) and `place_decision.json` (kinds, metadata)."""
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / f"{NAME}.npz", coef=self.coef, intercept=self.intercept)
        meta = {"format": FORMAT, "kinds": list(KINDS)} | dict(metadata)
        (folder / f"{NAME}.json").write_text(
            json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path) -> PlaceDecision | None:
        """The saved model of a models folder, or None when there is none."""
        if not (folder / f"{NAME}.npz").is_file():
            return None
        meta = json.loads((folder / f"{NAME}.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("kinds") != list(KINDS):
            raise ValueError(
                f"{folder / NAME}: not a place decision of format {FORMAT}; "
                "train it again with `baochi train place`"
            )
        with np.load(folder / f"{NAME}.npz", allow_pickle=False) as arrays:
            return cls(arrays["coef"], arrays["intercept"])
