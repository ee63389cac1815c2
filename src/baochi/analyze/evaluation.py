"""Figures of the models in a models folder, beside the rule-based fallback and the references.

The saved model saw every labelled example, dev included, so its figures come from its
parameters trained again without the examples scored: on train and scored on dev, or by 5-fold
cross-validation on news-labels, which has no dev split. They are quoted beside the figures
recorded when it was trained.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from baochi.analyze.catalog import select
from baochi.analyze.linear import LinearModel
from baochi.analyze.metrics import figures
from baochi.analyze.rules import RuleModel
from baochi.analyze.task import Head, Task, no_data, place
from baochi.analyze.training import Counts, measure


def evaluate(
    tasks: list[str] | None,
    data_dir: Path,
    models_dir: Path | None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Per task: the figures of the model in force, the fallback's figures and the reference;
    `progress` is told each head's name as its measuring starts (minutes for some)."""
    counts = Counts()
    results: dict[str, Any] = {}
    for task in select(tasks):
        for i, head in enumerate(task.heads):
            progress(head.name)
            try:
                result = _evaluate_head(task, head, data_dir, models_dir, counts)
            except FileNotFoundError as exc:
                result = no_data(exc.filename)
            place(results, task, i, head, result)
    return results


def _evaluate_head(
    task: Task, head: Head, data_dir: Path, models_dir: Path | None, counts: Counts
) -> dict[str, Any]:
    """Trained figures when a model exists, rules figures always."""
    saved = models_dir is not None and (models_dir / f"{head.name}.npz").is_file()
    model = LinearModel.load(models_dir, head.name) if models_dir is not None and saved else None
    corpus = head.load(data_dir, bool(model and model.params.needs_unlabelled))
    gold = corpus.dev if corpus.dev is not None else corpus.train
    truth = [e.label for e in gold]
    rules = RuleModel(head.name, folded=task.applies_to == "posts")
    split = "dev" if corpus.dev is not None else "all labelled (no training)"
    result: dict[str, Any] = {
        "model": "trained" if model else "rules",
        "reference": vars(head.reference) if head.reference else None,
        "rules": {"split": split}
        | figures(head.headline, head.labels, truth, rules.predict_examples(gold)),
    }
    if model is None:
        result["figures"] = result["rules"]
        return result
    result["figures"] = measure(head, model.params, corpus, [], counts)
    assert models_dir is not None
    meta = json.loads((models_dir / f"{head.name}.json").read_text(encoding="utf-8"))
    result["trained"] = {k: meta[k] for k in ("data_digest", "n_train", "trained_at", "results")}
    result["data_changed"] = meta["data_digest"] != corpus.digest
    return result
