"""A linear classifier over TF-IDF rows, saved as plain arrays (.npz without pickle) plus JSON.

Only the columns with a non-zero weight are stored, so a model over 2 million hashed columns is a
few megabytes. Per-class offsets, tuned on out-of-fold scores, move the decision towards the
task's headline figure (macro-F1 wants rare classes predicted more often than plain argmax does).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from baochi.analyze.corpora import Example
from baochi.analyze.features import FeatureParams, Featurizer, fit_idf, tfidf
from baochi.analyze.metrics import Headline, headline_value
from baochi.analyze.semantic import augment, fold_back

FORMAT = 1
_OFFSET_GRID = np.linspace(-1.0, 1.0, 41)


@dataclass(frozen=True)
class ModelParams:
    """Everything that decides a model besides its data; stored in the metadata."""

    features: FeatureParams = field(default_factory=FeatureParams)
    c: float = 0.5  # inverse regularisation of the linear SVM
    balanced: bool = True  # weigh classes inversely to their frequency
    tune_offsets: bool = True  # per-class offsets from 3-fold out-of-fold scores
    unlabelled_idf: bool = False  # IDF over the task's unlabelled texts as well
    semantic_dims: int = 0  # LSA directions of the unlabelled texts used in training (0: none)
    semantic_weight: float = 1.0  # scale of the projection beside the sparse columns

    @property
    def needs_unlabelled(self) -> bool:
        """Whether training reads the task's unlabelled texts."""
        return self.unlabelled_idf or self.semantic_dims > 0

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values for the metadata file."""
        return {
            "features": self.features.to_json(),
            "c": self.c,
            "balanced": self.balanced,
            "tune_offsets": self.tune_offsets,
            "unlabelled_idf": self.unlabelled_idf,
            "semantic_dims": self.semantic_dims,
            "semantic_weight": self.semantic_weight,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ModelParams:
        """Back from the metadata file."""
        rest = {k: v for k, v in data.items() if k != "features"}
        return cls(features=FeatureParams.from_json(data["features"]), **rest)


def fit_weights(
    x: sp.csr_matrix, y: np.ndarray, k: int, params: ModelParams, basis: sp.csr_matrix | None
) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest linear SVM: (width × k weights, k intercepts); binary tasks get ±w columns."""
    svm = LinearSVC(C=params.c, class_weight="balanced" if params.balanced else None)
    if basis is None:
        svm.fit(x, y)
        coef = svm.coef_.T
    else:
        svm.fit(augment(x, basis, params.semantic_weight), y)
        coef = fold_back(svm.coef_.T, basis, params.semantic_weight)
    intercept = svm.intercept_
    if k == 2:
        coef, intercept = np.hstack([-coef, coef]), np.concatenate([-intercept, intercept])
    return coef.astype(np.float32), intercept.astype(np.float32)


def tune_offsets(
    scores: np.ndarray, y: np.ndarray, labels: Sequence[str], headline: Headline
) -> np.ndarray:
    """Per-class additive offsets maximising the headline on held-out scores (coordinate ascent)."""
    offsets = np.zeros(scores.shape[1], dtype=np.float32)
    best = headline_value(headline, labels, y, scores.argmax(1))
    for _ in range(2):
        for j in range(scores.shape[1]):
            for value in _OFFSET_GRID:
                trial = offsets.copy()
                trial[j] = value
                got = headline_value(headline, labels, y, (scores + trial).argmax(1))
                if got > best + 1e-9:
                    best, offsets = got, trial
    return offsets


@dataclass
class LinearModel:
    """Learned state: IDF, the non-zero weight columns, intercepts, offsets, label names."""

    labels: list[str]
    params: ModelParams
    idf: np.ndarray
    columns: np.ndarray
    weights: np.ndarray
    intercept: np.ndarray
    offsets: np.ndarray

    @classmethod
    def fit(
        cls,
        labels: Sequence[str],
        params: ModelParams,
        counts: sp.csr_matrix,
        y: np.ndarray,
        headline: Headline,
        unlabelled: sp.csr_matrix | None = None,
        basis: sp.csr_matrix | None = None,
    ) -> LinearModel:
        """Train on count rows with label indices `y`; unlabelled rows feed the IDF, the basis
        (from `semantic.fit_basis`) the latent directions."""
        idf_rows = counts if unlabelled is None else sp.vstack([counts, unlabelled], format="csr")
        idf = fit_idf(idf_rows)
        x = tfidf(counts, idf, params.features.blocks)
        coef, intercept = fit_weights(x, y, len(labels), params, basis)
        offsets = np.zeros(len(labels), dtype=np.float32)
        if params.tune_offsets:
            held_out = np.zeros((len(y), len(labels)), dtype=np.float32)
            folds = StratifiedKFold(3, shuffle=True, random_state=0)
            for tr, te in folds.split(np.zeros(len(y)), y):
                w, b = fit_weights(x[tr], y[tr], len(labels), params, basis)
                held_out[te] = x[te] @ w + b
            offsets = tune_offsets(held_out, y, labels, headline)
        used = np.flatnonzero(np.abs(coef).sum(1))
        return cls(list(labels), params, idf, used, coef[used], intercept, offsets)

    def scores(self, counts: sp.csr_matrix) -> np.ndarray:
        """Decision scores (rows × classes), offsets included."""
        x = tfidf(counts, self.idf, self.params.features.blocks)
        return np.asarray((x @ self._matrix).toarray()) + self.intercept + self.offsets

    @cached_property
    def _matrix(self) -> sp.csr_matrix:
        """The stored weight columns spread back over the full width, as a sparse matrix."""
        k = len(self.labels)
        rows = np.repeat(self.columns, k)
        cols = np.tile(np.arange(k), len(self.columns))
        return sp.csr_matrix((self.weights.ravel(), (rows, cols)), shape=(len(self.idf), k))

    def predict(self, counts: sp.csr_matrix) -> list[str]:
        """Label names for count rows made by this model's featurizer."""
        return [self.labels[i] for i in self.scores(counts).argmax(1)]

    def predict_examples(self, examples: Sequence[Example]) -> list[str]:
        """Label names for examples, featurised here."""
        return self.predict(Featurizer(self.params.features).counts(examples))

    def save(self, folder: Path, name: str, metadata: dict[str, Any]) -> None:
        """`<name>.npz` (arrays only) and `<name>.json` (labels, params, metadata)."""
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / f"{name}.npz",
            idf=self.idf,
            columns=self.columns.astype(np.int32),
            weights=self.weights,
            intercept=self.intercept,
            offsets=self.offsets,
        )
        meta = {"format": FORMAT, "labels": self.labels, "params": self.params.to_json()}
        (folder / f"{name}.json").write_text(
            json.dumps(meta | metadata, ensure_ascii=False, indent=2), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path, name: str) -> LinearModel:
        """Read a saved model back; arrays load with allow_pickle=False, so no code runs."""
        meta = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{folder / name}: model format {meta.get('format')}, want {FORMAT}")
        with np.load(folder / f"{name}.npz", allow_pickle=False) as arrays:
            return cls(
                labels=list(meta["labels"]),
                params=ModelParams.from_json(meta["params"]),
                idf=arrays["idf"],
                columns=arrays["columns"].astype(np.int64),
                weights=arrays["weights"],
                intercept=arrays["intercept"],
                offsets=arrays["offsets"],
            )
