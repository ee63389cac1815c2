"""The one training and measuring core that every task uses: fit, cross-validate or score on dev.

Tasks with a dev split are measured by training on train and scoring dev; news-labels has none,
so its tasks are measured by 5-fold cross-validation. The saved model is then trained the same
way on every labelled example there is (train and dev), as the figures' recipe on more data.
Analysts' own labels join the training side only, never the figures' test side, so figures
before and after them are comparable.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import StratifiedKFold

from baochi.analyze.catalog import TASKS, select
from baochi.analyze.corpora import Corpus, Example
from baochi.analyze.features import FeatureParams, Featurizer
from baochi.analyze.linear import LinearModel, ModelParams
from baochi.analyze.metrics import figures
from baochi.analyze.semantic import fit_basis
from baochi.analyze.task import Head, no_data, place

FOLDS = 5


class Counts:
    """Featurised corpora, remembered for one run: topic and tone share texts, so do two heads."""

    def __init__(self) -> None:
        self._memo: dict[tuple[str, str, FeatureParams], sp.csr_matrix] = {}
        self._bases: dict[tuple[str, FeatureParams, int], sp.csr_matrix] = {}

    def of(self, corpus: Corpus, part: str, params: FeatureParams) -> sp.csr_matrix:
        """Count rows of `corpus.train`, `.dev` or `.unlabelled`."""
        key = (corpus.digest, part, params)
        if key not in self._memo:
            self._memo[key] = Featurizer(params).counts(getattr(corpus, part) or [])
        return self._memo[key]

    def basis(self, corpus: Corpus, params: FeatureParams, dims: int) -> sp.csr_matrix:
        """The LSA basis of the corpus's unlabelled texts (the same for every fold and head)."""
        key = (corpus.digest, params, dims)
        if key not in self._bases:
            unlabelled = self.of(corpus, "unlabelled", params)
            self._bases[key] = fit_basis(unlabelled, params.blocks, dims)
        return self._bases[key]


def extra_examples(extra_labels: Sequence[dict[str, Any]] | None, head: Head) -> list[Example]:
    """The office's own labels for this head: dicts with text, task, label and maybe title."""
    examples = []
    for item in extra_labels or ():
        if item["task"] != head.name:
            continue
        label = str(item["label"])
        if label not in head.labels:
            raise ValueError(f"{head.name}: label {label!r} not in {', '.join(head.labels)}")
        examples.append(Example(item["text"], label, item.get("title", "")))
    return examples


def fit(
    head: Head,
    params: ModelParams,
    corpus: Corpus,
    extra: list[Example],
    counts: Counts,
    *,
    with_dev: bool = False,
) -> LinearModel:
    """A model on the corpus's training side plus the extra examples, and its dev split too when
    `with_dev` (the model to save, once the figures are measured without it)."""
    x = counts.of(corpus, "train", params.features)
    y = _indices(head, corpus.train)
    if with_dev and corpus.dev:
        x = sp.vstack([x, counts.of(corpus, "dev", params.features)], format="csr")
        y = np.concatenate([y, _indices(head, corpus.dev)])
    return _fit(head, params, x, y, extra, corpus, counts)


def _fit(
    head: Head,
    params: ModelParams,
    x: sp.csr_matrix,
    y: np.ndarray,
    extra: list[Example],
    corpus: Corpus,
    counts: Counts,
) -> LinearModel:
    """A model on count rows `x` with labels `y`, the extra examples appended."""
    if extra:
        x = sp.vstack([x, Featurizer(params.features).counts(extra)], format="csr")
        y = np.concatenate([y, _indices(head, extra)])
    unlabelled = counts.of(corpus, "unlabelled", params.features) if params.unlabelled_idf else None
    basis = None
    if params.semantic_dims:
        basis = counts.basis(corpus, params.features, params.semantic_dims)
    return LinearModel.fit(head.labels, params, x, y, head.headline, unlabelled, basis)


def measure(
    head: Head, params: ModelParams, corpus: Corpus, extra: list[Example], counts: Counts
) -> dict[str, Any]:
    """Figures on the dev split (and the corpus's other held-out sets), or of 5-fold
    cross-validation when the corpus has no dev split."""
    if corpus.dev is not None:
        model = fit(head, params, corpus, extra, counts)
        predicted = model.predict(counts.of(corpus, "dev", params.features))
        truth = [e.label for e in corpus.dev]
        result = {"split": "dev"} | figures(head.headline, head.labels, truth, predicted)
        for name, held in corpus.checks.items():
            guessed = model.predict_examples(held)
            result.setdefault("held_out", {})[name] = figures(
                head.headline, head.labels, [e.label for e in held], guessed
            )
        return result
    x = counts.of(corpus, "train", params.features)
    y = _indices(head, corpus.train)
    chosen = np.zeros(len(y), dtype=int)
    folds = StratifiedKFold(FOLDS, shuffle=True, random_state=0)
    for tr, te in folds.split(np.zeros(len(y)), y):
        model = _fit(head, params, x[tr], y[tr], extra, corpus, counts)
        chosen[te] = model.scores(x[te]).argmax(1)
    truth = [e.label for e in corpus.train]
    guessed = [head.labels[i] for i in chosen.tolist()]
    return {"split": f"{FOLDS}-fold CV"} | figures(head.headline, head.labels, truth, guessed)


def train(
    tasks: list[str] | None,
    data_dir: Path,
    models_dir: Path,
    extra_labels: list[dict[str, Any]] | None = None,
    *,
    quick: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Train, measure and save every head of the tasks; figures before and after extra labels.
    `progress` is told each head's name as its training starts."""
    known = {head.name for task in TASKS.values() for head in task.heads}
    unknown = {str(item["task"]) for item in extra_labels or ()} - known
    if unknown:
        raise ValueError(f"extra labels for unknown task(s): {', '.join(sorted(unknown))}")
    counts = Counts()
    results: dict[str, Any] = {}
    for task in select(tasks):
        for i, head in enumerate(task.heads):
            progress(head.name)
            params = head.quick if quick else head.params
            try:
                corpus = head.load(data_dir, params.needs_unlabelled)
            except FileNotFoundError as exc:
                place(results, task, i, head, no_data(exc.filename))
                continue
            extra = extra_examples(extra_labels, head)
            result: dict[str, Any] = {"figures": measure(head, params, corpus, [], counts)}
            if extra:
                result["before"] = result["figures"]
                result["after"] = result["figures"] = measure(head, params, corpus, extra, counts)
                result["extra_examples"] = len(extra)
            result["reference"] = vars(head.reference) if head.reference else None
            model = fit(head, params, corpus, extra, counts, with_dev=True)
            model.save(models_dir, head.name, _metadata(task.name, corpus, extra, result))
            place(results, task, i, head, result)
    return results


def _metadata(task: str, corpus: Corpus, extra: list[Example], result: dict[str, Any]) -> dict:
    """What a saved model was made from and how well it did."""
    extra_digest = hashlib.sha256(
        json.dumps([(e.title, e.text, e.label) for e in extra], ensure_ascii=False).encode()
    ).hexdigest()
    return {
        "task": task,
        "data_digest": corpus.digest,
        "extra_examples": len(extra),
        "extra_digest": extra_digest if extra else None,
        "n_train": len(corpus.train) + len(corpus.dev or ()) + len(extra),
        "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "results": result,
    }


def _indices(head: Head, examples: Sequence[Example]) -> np.ndarray:
    index = {label: i for i, label in enumerate(head.labels)}
    return np.array([index[e.label] for e in examples], dtype=int)
