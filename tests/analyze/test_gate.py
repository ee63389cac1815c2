"""Quality gate: every task trained in its quick configuration must keep its pinned figures.

The figures are pinned in baseline.json; a drop of more than the tolerance fails. Raising the
pins after an improvement is explicit: run with BAOCHI_UPDATE_BASELINE=1 and commit the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from baochi.analyze import Analyzer, train
from baochi.analyze.evaluation import evaluate
from baochi.analyze.linear import LinearModel
from baochi.analyze.metrics import figures
from baochi.analyze.toxic import TASK as TOXIC

BASELINE = Path(__file__).with_name("baseline.json")
PINNED = ("headline_value", "macro_f1", "accuracy")


def _flatten(results: dict[str, Any]) -> dict[str, dict[str, float]]:
    """{head: {figure: value}} from train()'s nested result; a head's figures on another
    corpus's held-out set as "head on corpus"."""
    heads = {}
    for task, result in results.items():
        heads[task] = result["figures"]
        for key, value in result.items():
            if isinstance(value, dict) and "figures" in value:
                heads[key] = value["figures"]
    flat = {}
    for head, measured in heads.items():
        flat[head] = {k: measured[k] for k in PINNED}
        for corpus, held in measured.get("held_out", {}).items():
            flat[f"{head} on {corpus}"] = {k: held[k] for k in PINNED}
    return flat


@pytest.fixture(scope="module")
def quick(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    models = tmp_path_factory.mktemp("models")
    return models, train(None, data_dir, models, quick=True)


def test_no_figure_drops_below_its_pin(quick: tuple[Path, dict]) -> None:
    got = _flatten(quick[1])
    if os.environ.get("BAOCHI_UPDATE_BASELINE") == "1":
        BASELINE.write_text(json.dumps({"tolerance": 1.0, "figures": got}, indent=2) + "\n")
    baseline = json.loads(BASELINE.read_text())
    drops = [
        f"{head} {figure}: {got[head][figure]} < {pinned} - {baseline['tolerance']}"
        for head, figures in baseline["figures"].items()
        for figure, pinned in figures.items()
        if got[head][figure] < pinned - baseline["tolerance"]
    ]
    assert not drops, "figures dropped:\n" + "\n".join(drops)


def test_trained_models_are_used_and_marked(quick: tuple[Path, dict]) -> None:
    analyzer = Analyzer.load(quick[0])
    [article] = analyzer.analyze_articles(
        [{"title": "Tuyển Việt Nam thắng 3-0", "text": "Các cầu thủ đã ghi ba bàn thắng."}]
    )
    assert article["topic"] == "the_thao"
    assert set(article["model"].values()) == {"trained"}
    [post] = analyzer.analyze_posts(["Thầy dạy rất nhiệt tình và dễ hiểu"])
    assert post["sentiment"] == "positive" and post["toxicity"] == "clean"
    assert set(post["model"].values()) == {"trained"}


def test_saved_model_learns_dev_too_and_eval_measures_it_without(
    data_dir: Path, quick: tuple[Path, dict]
) -> None:
    models, trained = quick
    result = evaluate(["toxic"], data_dir, models)["toxic"]
    assert result["trained"]["n_train"] == 7000 + 2000
    assert result["figures"] == trained["toxic"]["figures"]  # dev unseen, as when trained
    head = TOXIC.heads[0]
    dev = head.load(data_dir, False).dev
    assert dev is not None
    seen = LinearModel.load(models, head.name).predict_examples(dev)
    on_seen = figures(head.headline, head.labels, [e.label for e in dev], seen)
    assert on_seen["headline_value"] > result["figures"]["headline_value"] + 20


def test_extra_labels_are_merged_and_reported(data_dir: Path, tmp_path: Path) -> None:
    extra = [
        {"text": "bọn này toàn lũ ăn hại, cút hết đi", "task": "toxic", "label": 1},
        {"text": "bài viết rất hay, cảm ơn tác giả", "task": "toxic", "label": "0"},
        {"text": "không liên quan", "task": "sentiment", "label": "neutral"},
    ]
    result = train(["toxic"], data_dir, tmp_path, extra, quick=True)["toxic"]
    assert result["extra_examples"] == 2
    assert result["before"]["n"] == result["after"]["n"] == 2000
    assert result["figures"] == result["after"]
    meta = json.loads((tmp_path / "toxic.json").read_text())
    assert meta["extra_examples"] == 2 and meta["n_train"] == 7000 + 2000 + 2
    with pytest.raises(ValueError, match="unknown task"):
        train(["toxic"], data_dir, tmp_path, [{"text": "x", "task": "spam", "label": "1"}])
    with pytest.raises(ValueError, match="label"):
        train(["toxic"], data_dir, tmp_path, [{"text": "x", "task": "toxic", "label": "2"}])
