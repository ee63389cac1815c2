"""Model files: arrays load without pickle and predict exactly as the model that was saved."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import f1_score

from baochi.analyze.catalog import TASKS
from baochi.analyze.linear import LinearModel
from baochi.analyze.metrics import figures
from baochi.analyze.semantic import augment, fold_back
from baochi.analyze.training import Counts, fit


def test_saved_model_round_trips_without_pickle(data_dir: Path, tmp_path: Path) -> None:
    head = TASKS["toxic"].heads[0]
    corpus = head.load(data_dir, False)
    model = fit(head, head.quick, corpus, [], Counts())
    model.save(tmp_path, "toxic", {"note": "test"})
    with np.load(tmp_path / "toxic.npz", allow_pickle=False) as arrays:
        assert {"idf", "columns", "weights", "intercept", "offsets"} <= set(arrays.files)
    meta = json.loads((tmp_path / "toxic.json").read_text())
    assert meta["labels"] == ["0", "1"] and meta["note"] == "test"
    loaded = LinearModel.load(tmp_path, "toxic")
    assert loaded.params == model.params
    sample = corpus.dev[:300] if corpus.dev else []
    assert loaded.predict_examples(sample) == model.predict_examples(sample)


def test_figures_agree_with_scikit_learn() -> None:
    truth = ["a", "b", "c", "a", "b", "a", "c", "c"]
    pred = ["a", "b", "b", "a", "c", "a", "c", "a"]
    got = figures("weighted_f1", ["a", "b", "c"], truth, pred)
    assert got["macro_f1"] == round(100 * f1_score(truth, pred, average="macro"), 2)
    assert got["headline_value"] == round(100 * f1_score(truth, pred, average="weighted"), 2)
    assert got["f1"]["b"] == round(100 * f1_score(truth, pred, labels=["b"], average="macro"), 2)


def test_latent_weights_fold_back_onto_the_columns() -> None:
    rng = np.random.default_rng(0)
    x = sp.random(50, 400, density=0.05, format="csr", dtype=np.float32, random_state=1)
    basis = sp.random(400, 8, density=0.3, format="csr", dtype=np.float32, random_state=2)
    coef = rng.normal(size=(408, 3)).astype(np.float32)
    augmented = augment(x, basis, 2.0) @ coef
    assert np.allclose(augmented, x @ fold_back(coef, basis, 2.0), atol=1e-4)
