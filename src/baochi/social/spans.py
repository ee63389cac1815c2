"""Offensive spans in a comment: which words make it offensive, as character offsets, so the
page can highlight them. A CRF over the comment's tokens (word, its teencode-normalised and
folded forms, neighbours, the offensive lexicon matched as `rules.cue_forms` says), trained on
ViHOS; the lexicon alone stands in when no model is trained. Measured like the ViHOS and
SemEval-2021 toxic-spans papers: F1 of character offsets per comment, averaged (a comment with
no span and no prediction scores 1).
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import json
import re
import statistics
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pycrfsuite

from baochi.analyze.rules import cue_forms, lexicon
from baochi.vi import carries_diacritics, fold, normalize_social

MODEL_FILE = "spans.crfsuite"  # CRFsuite's own format: weights and labels, no Python objects
META_FILE = "spans.json"
FORMAT = 1
VIHOS = "vihos/Span_Extraction_based_version"
PARAMS = {"c1": 0.05, "c2": 0.05}  # left at these; ViHOS dev only measures
REFERENCE = (0.7770, "ViHOS paper, best model (XLM-R), span F1 on its test split")
_TOKEN = re.compile(r"\w+|[^\w\s]+")
Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment with the offsets of its offensive characters (gold or predicted)."""

    text: str
    offsets: frozenset[int]


def load_vihos(path: Path) -> list[Comment]:
    """One ViHOS split: `content` and `index_spans` (a list of character offsets)."""
    found = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            raw = (row.get("index_spans") or "").strip() or "[]"
            found.append(Comment(row["content"], frozenset(ast.literal_eval(raw))))
    return found


def tokens(text: str) -> list[tuple[str, int, int]]:
    """Words and runs of punctuation or emoji, with their offsets."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@cache
def _cues(plain: bool) -> frozenset[str]:
    """The forms of the lexicon's offensive and toxic cues to look for, in a text typed with
    diacritics or without (`plain`)."""
    entries = lexicon()
    words = [*entries["toxicity"]["cues"]["offensive"], *entries["toxic"]["cues"]["1"]]
    words += entries["toxicity"]["cues"].get("hate", [])
    return frozenset(form for w in words for form in cue_forms(w, plain))


@lru_cache(maxsize=100_000)
def _forms(word: str) -> tuple[str, str]:
    """(teencode-normalised lower form, its folded form) of one token."""
    normal = normalize_social(word).lower() or word.lower()
    return normal, fold(normal)


def _is_cue(word: str, cues: frozenset[str]) -> bool:
    """True when a token, as typed or teencode-normalised ("dm", "địt mẹ"), is a cue form."""
    return word.lower() in cues or _forms(word)[0] in cues


def features(words: Sequence[str], plain: bool) -> list[list[str]]:
    """CRF features of each token: itself, its forms, shape, lexicon, and its neighbours; `plain`
    when the text is typed without diacritics."""
    forms = [_forms(w) for w in words]
    cues = _cues(plain)
    hits = [_is_cue(w, cues) for w in words]
    out = []
    for i, word in enumerate(words):
        normal, folded = forms[i]
        feats = [
            f"w={word.lower()}",
            f"n={normal}",
            f"f={folded}",
            f"cue={hits[i]}",
            f"title={word.istitle()}",
            f"upper={word.isupper()}",
            f"alpha={word.isalpha()}",
            f"suf={folded[-2:]}",
        ]
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(words):
                feats.append(f"{d}:f={forms[j][1]}")
                feats.append(f"{d}:cue={hits[j]}")
            else:
                feats.append(f"{d}:edge")
        if i > 0:
            feats.append(f"bi={forms[i - 1][1]}|{folded}")
        if i + 1 < len(words):
            feats.append(f"bi+={folded}|{forms[i + 1][1]}")
        if i > 0 and f"{forms[i - 1][0]} {normal}" in cues:
            feats.append("cue2")
        out.append(feats)
    return out


def _labels(comment: Comment) -> list[str]:
    """B/I/O of each token from the gold character offsets."""
    labels, inside = [], False
    for _, start, end in tokens(comment.text):
        hit = any(k in comment.offsets for k in range(start, end))
        labels.append(("I" if inside else "B") if hit else "O")
        inside = hit
    return labels


def _offsets(text: str, labels: Sequence[str]) -> frozenset[int]:
    """Character offsets of tagged tokens, with the spaces inside a multi-word span."""
    found: set[int] = set()
    previous_end = None
    for (_, start, end), label in zip(tokens(text), labels, strict=True):
        if label == "O":
            previous_end = None
            continue
        if label == "I" and previous_end is not None:
            found.update(range(previous_end, start))
        found.update(range(start, end))
        previous_end = end
    return frozenset(found)


def spans_of(offsets: Iterable[int]) -> tuple[Span, ...]:
    """Offsets as (start, end) runs, for highlighting."""
    runs: list[list[int]] = []
    for k in sorted(offsets):
        if runs and runs[-1][1] == k:
            runs[-1][1] = k + 1
        else:
            runs.append([k, k + 1])
    return tuple((a, b) for a, b in runs)


def train(comments: Sequence[Comment], path: Path, c1: float = 0.05, c2: float = 0.05) -> Path:
    """Train the CRF on comments and write it to `path`."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for comment in comments:
        words = [w for w, _, _ in tokens(comment.text)]
        if words:
            trainer.append(features(words, not carries_diacritics(comment.text)), _labels(comment))
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": 150})
    path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(path))
    return path


class SpanTagger:
    """Offensive spans from the trained CRF, or from the lexicon when none is trained."""

    def __init__(self, model: Path | None) -> None:
        self._tagger: pycrfsuite.Tagger | None = None
        if model is not None and model.is_file():
            self._tagger = pycrfsuite.Tagger()
            self._tagger.open(str(model))

    @property
    def kind(self) -> str:
        """ "trained" or "rules", as every analysis head says."""
        return "trained" if self._tagger is not None else "rules"

    def offsets(self, text: str) -> frozenset[int]:
        """The offensive characters of a text."""
        found = tokens(text)
        if not found:
            return frozenset()
        words = [w for w, _, _ in found]
        plain = not carries_diacritics(text)
        if self._tagger is not None:
            labels = self._tagger.tag(features(words, plain))
        else:
            cues = _cues(plain)
            labels = ["B" if _is_cue(w, cues) else "O" for w in words]
        return _offsets(text, labels)

    def spans(self, text: str) -> tuple[Span, ...]:
        """The offensive spans of a text as (start, end) pairs."""
        return spans_of(self.offsets(text))


def span_f1(gold: frozenset[int], predicted: frozenset[int]) -> float:
    """Per-comment F1 of character offsets (1.0 when both are empty)."""
    if not gold and not predicted:
        return 1.0
    if not gold or not predicted:
        return 0.0
    overlap = len(gold & predicted)
    if not overlap:
        return 0.0
    precision, recall = overlap / len(predicted), overlap / len(gold)
    return 2 * precision * recall / (precision + recall)


def evaluate(tagger: SpanTagger, comments: Sequence[Comment]) -> dict[str, object]:
    """Mean per-comment span F1 of a tagger on gold comments, beside the published figure."""
    scores = [span_f1(c.offsets, tagger.offsets(c.text)) for c in comments]
    return {
        "span_f1": round(statistics.fmean(scores), 4),
        "comments": len(comments),
        "model": tagger.kind,
        "reference": {"value": REFERENCE[0], "source": REFERENCE[1]},
    }


def train_model(data: Path, models: Path) -> dict[str, object]:
    """`baochi train spans`: the CRF trained on ViHOS train and dev, written to the models folder
    with its metadata (`spans.json`: what it learnt from, its settings, and its figure on dev,
    measured as the same CRF trained on train alone)."""
    folder = data / VIHOS
    train_set, dev = load_vihos(folder / "train.csv"), load_vihos(folder / "dev.csv")
    train([*train_set, *dev], models / MODEL_FILE, **PARAMS)
    meta: dict[str, object] = {
        "format": FORMAT,
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "data": [f"{VIHOS}/train.csv", f"{VIHOS}/dev.csv"],
        "train": len(train_set) + len(dev),
        "params": PARAMS,
        "dev": _unseen_dev(train_set, dev),
    }
    (models / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")
    return meta


def _unseen_dev(train_set: Sequence[Comment], dev: Sequence[Comment]) -> dict[str, object]:
    """Span F1 on dev of the CRF trained on train alone: the saved one has seen dev."""
    with tempfile.TemporaryDirectory() as tmp:
        return evaluate(SpanTagger(train(train_set, Path(tmp) / MODEL_FILE, **PARAMS)), dev)


def measure(data: Path, models: Path | None) -> dict[str, object]:
    """`baochi eval spans`: span F1 on ViHOS dev of the lexicon and, when a model is trained, of
    the same CRF trained on train alone, beside the published figure."""
    folder = data / VIHOS
    dev = load_vihos(folder / "dev.csv")
    figures: dict[str, object] = {"rules": evaluate(SpanTagger(None), dev)}
    if models is not None and (models / MODEL_FILE).is_file():
        figures["trained"] = _unseen_dev(load_vihos(folder / "train.csv"), dev)
    return figures


def train_and_measure(data: Path, models: Path) -> dict[str, object]:
    """Train on ViHOS train and dev, measure on dev (rules, and the CRF without dev), write the
    model."""
    meta = train_model(data, models)
    rules = evaluate(SpanTagger(None), load_vihos(data / VIHOS / "dev.csv"))
    return {"rules": rules, "trained": meta["dev"], "train": meta["train"]}
