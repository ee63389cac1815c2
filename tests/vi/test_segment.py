"""Word segmentation against hand-segmented sentences, and syllable n-grams."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from baochi.vi import segment, syllable_ngrams

GOLD = Path(__file__).parent / "data" / "segmentation_gold.txt"


def _spans(words: list[str]) -> set[tuple[int, int]]:
    spans, pos = set(), 0
    for word in words:
        n = len(word.split())
        spans.add((pos, pos + n))
        pos += n
    return spans


def test_segmenter_quality_on_hand_segmented_sentences() -> None:
    hit = predicted = expected = 0
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        gold = [w.replace("_", " ") for w in line.split()]
        words = segment(" ".join(gold))
        assert " ".join(words).split() == " ".join(gold).split()
        hit += len(_spans(gold) & _spans(words))
        predicted += len(words)
        expected += len(gold)
    precision, recall = hit / predicted, hit / expected
    assert 2 * precision * recall / (precision + recall) >= 0.93


def test_numbers_dates_and_urls_stay_whole() -> None:
    words = segment("Ngày 6/2/2017, giá vàng đạt 36,5 triệu đồng, xem tại https://vnexpress.net/a.")
    assert "6/2/2017" in words
    assert "36,5" in words
    assert any(w.startswith("https://vnexpress.net") for w in words)
    assert "giá vàng" in words or "giá" in words


def test_syllable_ngrams_stop_at_punctuation() -> None:
    grams = syllable_ngrams("Giá xăng tăng, điện giảm", max_n=2)
    assert grams == ["Giá", "xăng", "tăng", "Giá xăng", "xăng tăng", "điện", "giảm", "điện giảm"]
    assert syllable_ngrams("a b c", max_n=3, min_n=3) == ["a b c"]


def test_a_process_that_segments_leaves_no_temporary_file(tmp_path: Path) -> None:
    """pyvi's model used to stay in the temp folder of every process that ended abruptly."""
    code = "import os; from baochi.vi import segment; segment('Hà Nội mùa thu'); os._exit(0)"
    env = os.environ | {"TMPDIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert list(tmp_path.iterdir()) == []
