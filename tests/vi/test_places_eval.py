"""Place detection measured on news-labels stays above a pinned floor."""

from __future__ import annotations

from pathlib import Path

import pytest

from baochi.vi.places_eval import evaluate

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
# Pinned a little below the figures measured on 2026-11-28 (held-out third 0.843 / 0.848; all of
# train 0.859 / 0.911). Raise them when the rules improve; never lower them to pass.
FLOORS = {
    "holdout": {"place_accuracy": 0.82, "hanoi_f1": 0.82},
    "train": {"place_accuracy": 0.84, "hanoi_f1": 0.89},
}


def test_place_figures_stay_above_floor() -> None:
    if not (DATA / "news-labels" / "train.jsonl").exists():
        pytest.skip(f"news-labels not found under {DATA} (../shared/data is absent)")
    figures = evaluate(DATA)
    assert figures["n"] == figures["splits"]["holdout"]["n"] > 400
    for split, floors in FLOORS.items():
        for name, floor in floors.items():
            assert figures["splits"][split][name] >= floor, (split, name, figures["splits"][split])
