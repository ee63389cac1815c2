"""The shared data folder for the analysis tests; they skip where it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """../shared/data, or a skip with the reason."""
    if not (DATA / "news-labels" / "train.jsonl").is_file():
        pytest.skip(f"shared data not found at {DATA}")
    return DATA
