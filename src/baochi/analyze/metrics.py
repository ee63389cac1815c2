"""The figures every task reports: accuracy, macro-F1, per-class F1, and its headline figure.

Figures are percentages with two decimals, the way the published references are quoted. Computed
from one confusion matrix with numpy, because offset tuning calls them thousands of times.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

# A task's headline: "macro_f1", "weighted_f1", or "f1:<label>" for one class (e.g. "f1:1").
Headline = str


def _f1s(truth: np.ndarray, pred: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-class F1 and support, from label indices 0..k-1."""
    confusion = np.bincount(truth * k + pred, minlength=k * k).reshape(k, k)
    tp = np.diag(confusion).astype(float)
    support = confusion.sum(1)
    predicted = confusion.sum(0)
    denom = support + predicted
    f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
    return f1, support


def headline_value(
    headline: Headline, labels: Sequence[str], truth: np.ndarray, pred: np.ndarray
) -> float:
    """The headline figure (0–1) from label indices; fast, for tuning."""
    f1, support = _f1s(truth, pred, len(labels))
    if headline == "macro_f1":
        return float(f1.mean())
    if headline == "weighted_f1":
        return float((f1 * support).sum() / max(support.sum(), 1))
    if headline.startswith("f1:"):
        return float(f1[list(labels).index(headline[3:])])
    raise ValueError(f"unknown headline figure {headline!r}")


def figures(
    headline: Headline, labels: Sequence[str], truth: Sequence[str], pred: Sequence[str]
) -> dict[str, Any]:
    """Accuracy, macro-F1, weighted-F1, per-class F1 and the headline, in percent."""
    index = {label: i for i, label in enumerate(labels)}
    t = np.array([index[x] for x in truth])
    p = np.array([index[x] for x in pred])
    f1, support = _f1s(t, p, len(labels))
    return {
        "n": len(t),
        "accuracy": _pct(float((t == p).mean()) if len(t) else 0.0),
        "macro_f1": _pct(float(f1.mean())),
        "weighted_f1": _pct(float((f1 * support).sum() / max(support.sum(), 1))),
        "f1": {label: _pct(float(f1[i])) for i, label in enumerate(labels)},
        "headline": headline,
        "headline_value": _pct(headline_value(headline, labels, t, p)),
    }


def _pct(value: float) -> float:
    return round(100 * value, 2)
