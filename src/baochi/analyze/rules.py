"""The fallback when a model is missing: hand-written Vietnamese cue phrases (data/lexicon.json).

Each cue that occurs votes for its label (a title counts twice); a negator just before a
sentiment cue ("không tốt") turns the vote over; no vote gives the head's default label. Its
figures are measured like a model's, so nobody mistakes it for one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from baochi.analyze.corpora import Example
from baochi.vi import fold, normalize, normalize_social

ARTICLE_CHARS = 1500
_OPPOSITE = {"positive": "negative", "negative": "positive"}


@cache
def lexicon() -> dict[str, Any]:
    """The lexicon file, read once."""
    path = resources.files("baochi.analyze") / "data" / "lexicon.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


class RuleModel:
    """Cue-phrase voting for one head; posts are matched without diacritics."""

    def __init__(self, head: str, folded: bool) -> None:
        entry = lexicon()[head]
        self.default: str = entry["default"]
        self.folded = folded
        self._label: dict[str, str] = {}
        for label, cues in entry["cues"].items():
            for cue in cues:
                self._label.setdefault(self._key(cue), label)
        alternatives = "|".join(re.escape(c) for c in sorted(self._label, key=len, reverse=True))
        self._cues = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        negators = [self._key(n) for n in entry.get("negators", [])]
        self._negated = (
            re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, negators))})\s+$")
            if negators
            else None
        )

    def _key(self, text: str) -> str:
        return fold(text) if self.folded else normalize(text).lower()

    def _votes(self, text: str, weight: int, votes: Counter[str]) -> None:
        for match in self._cues.finditer(text):
            label = self._label[match.group()]
            before = text[max(0, match.start() - 12) : match.start()]
            if self._negated is not None and label in _OPPOSITE and self._negated.search(before):
                label = _OPPOSITE[label]
            votes[label] += weight

    def predict_one(self, example: Example) -> str:
        """The label with most votes, or the default."""
        votes: Counter[str] = Counter()
        if not self.folded:
            self._votes(self._key(example.title), 2, votes)
            self._votes(self._key(example.text[:ARTICLE_CHARS]), 1, votes)
        else:
            self._votes(self._key(normalize_social(example.text)), 1, votes)
        if not votes:
            return self.default
        return votes.most_common(1)[0][0]

    def cue_tokens(self, example: Example, lead_chars: int) -> str:
        """The evidence as words for a model's feature block: `t<label>` per cue in the title,
        `l<label>` per cue in the first `lead_chars` of the text, `r<label>` for the decision."""
        title: Counter[str] = Counter()
        lead: Counter[str] = Counter()
        self._votes(self._key(example.title), 1, title)
        self._votes(self._key(example.text[:lead_chars]), 1, lead)
        tokens = [f"t{label}" for label in title.elements()]
        tokens += [f"l{label}" for label in lead.elements()]
        return " ".join([*tokens, f"r{self.predict_one(example)}"])

    def predict_examples(self, examples: Sequence[Example]) -> list[str]:
        """Labels for a batch."""
        return [self.predict_one(e) for e in examples]
