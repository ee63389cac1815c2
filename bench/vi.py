"""Speed of the Vietnamese text layer on real articles, and the place-detection figures.

    .venv/bin/python bench/vi.py [--data ../shared/data] [--articles 3000] [--no-underthesea]

Measures normalisation + folding (MB/s), HTML byte decoding (MB/s, UTF-8 and TCVN3 pages),
tone-placement keys, social-text normalisation, word segmentation (pyvi, and underthesea for
comparison: syllables/s and F1 on the hand-segmented sentences of tests/vi/data), place
detection (articles/s), the whole text layer per article beside trafilatura's extraction of
real pages in the same run, and news-labels accuracy. Prints figures, writes
bench/results/vi.json.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from baochi.vi import (
    decode_html_bytes,
    fold,
    match_key,
    normalize,
    normalize_social,
    segment,
)
from baochi.vi.legacy import TCVN3_PAGE
from baochi.vi.places import PlaceResult, detect_places, units_named
from baochi.vi.places_eval import evaluate

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "vi.json"
GOLD = ROOT / "tests" / "vi" / "data" / "segmentation_gold.txt"


def _articles(data: Path, n: int) -> list[tuple[str, str]]:
    """The last n baomoi articles (mostly not among the labelled ones)."""
    with gzip.open(data / "baomoi-2017" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [(r["title"], r["text"]) for r in rows[-n:]]


def _timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _best_of(fn: Callable[[], object], runs: int = 3) -> float:
    """Shortest of a few runs: the machine is shared, the minimum is the code's own cost."""
    return min(_timed(fn) for _ in range(runs))


def _segmentation_f1(tokenize: Callable[[str], list[str]]) -> float:
    """Word F1 against the hand-segmented sentences."""
    hit = predicted = expected = 0
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        gold = [w.replace("_", " ") for w in line.split()]
        words = tokenize(" ".join(gold))

        def spans(ws: list[str]) -> set[tuple[int, int]]:
            out, pos = set(), 0
            for w in ws:
                out.add((pos, pos + len(w.split())))
                pos += len(w.split())
            return out

        hit += len(spans(gold) & spans(words))
        predicted += len(words)
        expected += len(gold)
    precision, recall = hit / predicted, hit / expected
    return round(2 * precision * recall / (precision + recall), 4)


def _text_speed(texts: list[str]) -> dict[str, float]:
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    normalized = [normalize(t) for t in texts]
    t_norm = _best_of(lambda: [normalize(t) for t in texts])
    t_fold = _best_of(lambda: [fold(t) for t in normalized])
    t_key = _best_of(lambda: [match_key(t) for t in texts[:500]], 1)
    key_mb = sum(len(t.encode("utf-8")) for t in texts[:500]) / 1e6
    return {
        "megabytes": round(megabytes, 2),
        "normalize_mb_s": round(megabytes / t_norm, 1),
        "fold_mb_s": round(megabytes / t_fold, 1),
        "normalize_plus_fold_mb_s": round(megabytes / (t_norm + t_fold), 1),
        "match_key_mb_s": round(key_mb / t_key, 1),
    }


def _decode_speed(texts: list[str]) -> dict[str, float]:
    pages = [
        f"<html><head><meta charset='utf-8'></head><body><p>{t}</p></body></html>" for t in texts
    ]
    utf8 = [p.encode("utf-8") for p in pages]
    to_tcvn3 = {c: i for i, c in enumerate(TCVN3_PAGE) if i >= 0x80}
    tcvn3 = [
        bytes(
            to_tcvn3.get(c, ord(c) if ord(c) < 128 else 63)
            for c in p.lower().replace("charset='utf-8'", "")
        )
        for p in pages[:300]
    ]
    mb_utf8 = sum(map(len, utf8)) / 1e6
    mb_tcvn3 = sum(map(len, tcvn3)) / 1e6
    t_utf8 = _best_of(lambda: [decode_html_bytes(b, None) for b in utf8])
    t_tcvn3 = _best_of(lambda: [decode_html_bytes(b, None) for b in tcvn3], 1)
    detected = {decode_html_bytes(b, None)[1] for b in tcvn3}
    return {
        "utf8_mb_s": round(mb_utf8 / t_utf8, 1),
        "tcvn3_detect_convert_mb_s": round(mb_tcvn3 / t_tcvn3, 1),
        "tcvn3_detected_as": sorted(detected),
    }


def _social_speed(data: Path) -> dict[str, float]:
    path = data / "vihsd" / "train.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as f:
        comments = [
            row["free_text"] for row, _ in zip(csv.DictReader(f), range(5000), strict=False)
        ]
    seconds = _best_of(lambda: [normalize_social(c) for c in comments], 1)
    return {"comments": len(comments), "comments_per_s": round(len(comments) / seconds)}


def _segmentation(texts: list[str], underthesea: bool) -> dict[str, Any]:
    sample = texts[:300]
    syllables = sum(len(t.split()) for t in sample)
    segment("khởi động")
    seconds = _timed(lambda: [segment(t) for t in sample])
    words = sum(len(segment(t)) for t in sample[:50]) / sum(len(t.split()) for t in sample[:50])
    figures: dict[str, Any] = {
        "segmenter": "pyvi",
        "pyvi_syllables_per_s": round(syllables / seconds),
        "pyvi_words_per_s": round(syllables * words / seconds),
        "pyvi_ms_per_article": round(1000 * seconds / len(sample), 2),
        "pyvi_f1_gold": _segmentation_f1(segment),
    }
    if underthesea:
        from underthesea import word_tokenize

        word_tokenize("khởi động")
        seconds = _timed(lambda: [word_tokenize(t) for t in sample])
        figures |= {
            "underthesea_syllables_per_s": round(syllables / seconds),
            "underthesea_ms_per_article": round(1000 * seconds / len(sample), 2),
            "underthesea_f1_gold": _segmentation_f1(word_tokenize),
        }
    return figures


def _extraction_ms(data: Path) -> float | None:
    """trafilatura's extraction of the real pages of the extraction benchmark, ms per page."""
    folder = data / "article-extraction-benchmark" / "html"
    if not folder.exists():
        return None
    import trafilatura

    pages = [
        gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in sorted(folder.iterdir())
    ]
    trafilatura.extract(pages[0])
    seconds = _timed(lambda: [trafilatura.extract(p, with_metadata=True) for p in pages])
    return round(1000 * seconds / len(pages), 2)


def _text_layer(title: str, text: str) -> tuple[str, PlaceResult, set[str]]:
    """What the pipeline's text layer does to one article: the search key, its places, and the
    main place's districts and wards named in the title and lead."""
    found = detect_places(title, text)
    areas = units_named(title, text.partition("\n")[0], found.main)
    return fold(normalize(title) + "\n" + normalize(text)), found, areas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--no-underthesea", action="store_true")
    args = parser.parse_args()

    articles = _articles(args.data, args.articles)
    texts = [f"{title}\n{text}" for title, text in articles]
    figures: dict[str, Any] = {"articles": len(articles)}
    figures["text"] = _text_speed(texts)
    print("normalise + fold:", figures["text"])
    figures["decode"] = _decode_speed(texts[:2000])
    print("decode:", figures["decode"])
    figures["social"] = _social_speed(args.data)
    print("social:", figures["social"])

    detect_places("khởi động", "")  # builds the gazetteer once
    seconds = _best_of(lambda: [detect_places(t, x) for t, x in articles], 2)
    layer = _timed(lambda: [_text_layer(t, x) for t, x in articles])
    figures["places"] = {
        "articles_per_s": round(len(articles) / seconds),
        "ms_per_article": round(1000 * seconds / len(articles), 2),
    }
    figures["text_layer_ms_per_article"] = round(1000 * layer / len(articles), 2)
    figures["extraction_ms_per_page"] = _extraction_ms(args.data)
    print("places:", figures["places"])
    print(
        f"text layer (normalise + fold + places + areas): "
        f"{figures['text_layer_ms_per_article']} ms/art;"
        f" trafilatura extraction in this run: {figures['extraction_ms_per_page']} ms/page"
    )
    figures["segmentation"] = _segmentation(texts, not args.no_underthesea)
    print("segmentation:", figures["segmentation"])
    figures["places_eval"] = evaluate(args.data)
    shown = {k: v for k, v in figures["places_eval"].items() if k != "confusion"}
    print("news-labels:", json.dumps(shown, ensure_ascii=False))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
