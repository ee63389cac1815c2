"""The fallback when a model is missing: hand-written Vietnamese cue phrases (data/lexicon.json).

Each cue that occurs votes for its label (a title counts twice); a negator just before a
sentiment cue ("không tốt") turns the vote over; no vote gives the head's default label. A post
is matched with its diacritics ("các" is not "cặc"), folded only when typed without them. Its
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
from baochi.vi import carries_diacritics, fold, normalize, normalize_social

ARTICLE_CHARS = 1500
_OPPOSITE = {"positive": "negative", "negative": "positive"}


@cache
def lexicon() -> dict[str, Any]:
    """The lexicon file, read once."""
    path = resources.files("baochi.analyze") / "data" / "lexicon.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@cache
def _everyday() -> frozenset[str]:
    """The lexicon's everyday words, folded: a cue folding like one is matched only as spelled."""
    return frozenset(fold(word) for word in lexicon()["everyday"])


def cue_forms(cue: str, plain: bool) -> list[str]:
    """The forms a cue is looked for in, in lower-case text: as spelled, or in text typed without
    diacritics (`plain`) as spelled only when that carries some (teencode expansions do) and
    folded unless an everyday word folds the same ("cac" reads as "các", not "cặc")."""
    spelled = normalize(cue).lower()
    if not plain:
        return [spelled]
    folded = fold(cue)
    forms = [] if spelled == folded else [spelled]
    return forms if folded in _everyday() else [*forms, folded]


class _Matcher:
    """One head's cues and negators as patterns over text typed with diacritics or without."""

    def __init__(self, entry: dict[str, Any], plain: bool) -> None:
        self.label: dict[str, str] = {}
        for label, cues in entry["cues"].items():
            for cue in cues:
                for form in cue_forms(cue, plain):
                    self.label.setdefault(form, label)
        alternatives = "|".join(re.escape(c) for c in sorted(self.label, key=len, reverse=True))
        self.cues = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        negators = [form for n in entry.get("negators", []) for form in cue_forms(n, plain)]
        self.negated = (
            re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, negators))})\s+$")
            if negators
            else None
        )


class RuleModel:
    """Cue-phrase voting for one head; `folded` (posts): text typed without diacritics is matched
    folded."""

    def __init__(self, head: str, folded: bool) -> None:
        entry = lexicon()[head]
        self.default: str = entry["default"]
        self.folded = folded
        self._matchers = {False: _Matcher(entry, plain=False)}
        if folded:
            self._matchers[True] = _Matcher(entry, plain=True)

    def _votes(self, text: str, weight: int, votes: Counter[str]) -> None:
        plain = self.folded and not carries_diacritics(text)
        matcher = self._matchers[plain]
        text = (normalize_social(text) if self.folded else normalize(text)).lower()
        for match in matcher.cues.finditer(text):
            label = matcher.label[match.group()]
            before = text[max(0, match.start() - 12) : match.start()]
            if (
                matcher.negated is not None
                and label in _OPPOSITE
                and matcher.negated.search(before)
            ):
                label = _OPPOSITE[label]
            votes[label] += weight

    def predict_one(self, example: Example) -> str:
        """The label with most votes, or the default."""
        votes: Counter[str] = Counter()
        if not self.folded:
            self._votes(example.title, 2, votes)
            self._votes(example.text[:ARTICLE_CHARS], 1, votes)
        else:
            self._votes(example.text, 1, votes)
        if not votes:
            return self.default
        return votes.most_common(1)[0][0]

    def cue_tokens(self, example: Example, lead_chars: int) -> str:
        """The evidence as words for a model's feature block: `t<label>` per cue in the title,
        `l<label>` per cue in the first `lead_chars` of the text, `r<label>` for the decision."""
        title: Counter[str] = Counter()
        lead: Counter[str] = Counter()
        self._votes(example.title, 1, title)
        self._votes(example.text[:lead_chars], 1, lead)
        tokens = [f"t{label}" for label in title.elements()]
        tokens += [f"l{label}" for label in lead.elements()]
        return " ".join([*tokens, f"r{self.predict_one(example)}"])

    def predict_examples(self, examples: Sequence[Example]) -> list[str]:
        """Labels for a batch."""
        return [self.predict_one(e) for e in examples]
