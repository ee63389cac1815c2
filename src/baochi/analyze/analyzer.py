"""Batch analysis for the pipeline: topic and tone of articles, sentiment and toxicity of posts.

Each head uses its trained model when the models folder has one, or else the rule-based
fallback; every result says which, per head, in its `model` field ("trained" or "rules").
Heads whose models share feature settings share one featurisation of the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import scipy.sparse as sp

from baochi.analyze.catalog import TASKS
from baochi.analyze.corpora import Example
from baochi.analyze.features import FeatureParams, Featurizer
from baochi.analyze.linear import LinearModel
from baochi.analyze.rules import RuleModel

ARTICLE_HEADS = ("topic", "tone")
POST_HEADS = ("sentiment", "toxicity", "toxic", "constructive")


class Analyzer:
    """Every head's classifier, trained or rule-based, ready to label batches."""

    def __init__(self, models: dict[str, LinearModel | RuleModel]) -> None:
        self.models = models

    @classmethod
    def load(cls, models_dir: Path | None) -> Analyzer:
        """Trained models found in `models_dir` (may be None or empty); rules for the rest."""
        models: dict[str, LinearModel | RuleModel] = {}
        for task in TASKS.values():
            for head in task.heads:
                if models_dir is not None and (models_dir / f"{head.name}.npz").is_file():
                    models[head.name] = LinearModel.load(models_dir, head.name)
                else:
                    models[head.name] = RuleModel(head.name, folded=task.applies_to == "posts")
        return cls(models)

    def kind(self, head: str) -> str:
        """Whether a head runs a trained model or the rules: "trained" or "rules"."""
        return "trained" if isinstance(self.models[head], LinearModel) else "rules"

    def _label(self, heads: Sequence[str], examples: Sequence[Example]) -> list[dict[str, Any]]:
        """Labels of every head for every example, featurising once per feature setting."""
        counts: dict[FeatureParams, sp.csr_matrix] = {}
        columns: dict[str, list[str]] = {}
        for head in heads:
            model = self.models[head]
            if isinstance(model, LinearModel):
                params = model.params.features
                if params not in counts:
                    counts[params] = Featurizer(params).counts(examples)
                columns[head] = model.predict(counts[params])
            else:
                columns[head] = model.predict_examples(examples)
        kinds = {head: self.kind(head) for head in heads}
        return [
            {head: columns[head][i] for head in heads} | {"model": kinds}
            for i in range(len(examples))
        ]

    def analyze_articles(self, articles: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
        """[{topic, tone, model}] for dicts with `title` and `text`."""
        examples = [Example(a.get("text") or "", "", a.get("title") or "") for a in articles]
        return self._label(ARTICLE_HEADS, examples)

    def analyze_posts(self, texts: Sequence[str]) -> list[dict[str, Any]]:
        """[{sentiment, toxicity, toxic, constructive, model}] for post or comment texts."""
        return self._label(POST_HEADS, [Example(t, "") for t in texts])
