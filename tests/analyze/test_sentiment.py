"""The sentiment corpus on the real data: student feedback plus reviews, with a fifth of VLSP 2016
kept out of training to measure how the model reads text that is not student feedback."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from baochi.analyze.sentiment import AIVIVN, VLSP, load


def test_reviews_join_training_and_a_fifth_of_vlsp_is_held_out(data_dir: Path) -> None:
    corpus = load(data_dir, False)
    held = corpus.checks[VLSP]
    assert 900 < len(held) < 1150  # about one in five of 5,100
    assert Counter(e.label for e in held).keys() == {"negative", "neutral", "positive"}
    learnt = {e.text for e in corpus.train}
    assert not any(e.text in learnt for e in held)
    assert 11_426 + 5_100 - len(held) + 15_900 < len(corpus.train) < 11_426 + 5_100 + 16_087
    assert corpus.dev is not None and len(corpus.dev) == 1_583


def test_without_the_reviews_it_learns_student_feedback_alone(
    data_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "uit-vsfc").symlink_to(data_dir / "uit-vsfc")
    alone = load(tmp_path, False)
    assert len(alone.train) == 11_426 and alone.checks == {}
    (tmp_path / VLSP).symlink_to(data_dir / VLSP)
    (tmp_path / AIVIVN).parent.mkdir()
    (tmp_path / AIVIVN).symlink_to(data_dir / AIVIVN)
    assert load(tmp_path, False).digest == load(data_dir, False).digest != alone.digest
