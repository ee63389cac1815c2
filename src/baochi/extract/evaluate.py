"""Extraction quality on the article-extraction benchmark: our pipeline beside bare trafilatura.

The metric is the benchmark's own idea — precision and recall of the extracted text's tokens
against the gold article body — computed on token 4-gram shingles, as its evaluation does, so
that figures stand beside the published ones (trafilatura 2.0: F1 0.958).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections import Counter
from pathlib import Path
from statistics import mean

import trafilatura

from baochi.extract.article import extract
from baochi.failures import Failure
from baochi.records import Page
from baochi.settings import Settings

PUBLISHED_F1 = {"rs_trafilatura": 0.970, "trafilatura 2.0": 0.958, "newspaper4k": 0.949}
_TOKEN = re.compile(r"\w+", re.UNICODE)
SHINGLE = 4


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def prf(predicted: str, gold: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of predicted against gold text on 4-token shingles."""
    p, g = _shingles(predicted), _shingles(gold)
    if not p and not g:
        return 1.0, 1.0, 1.0
    overlap = sum((p & g).values())
    precision = overlap / sum(p.values()) if p else 0.0
    recall = overlap / sum(g.values()) if g else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _ours(html: bytes, url: str, settings: Settings) -> str:
    page = Page(url, url, 200, "text/html", None, html, dt.datetime.now(dt.UTC))
    try:
        return extract(page, settings).text
    except Failure:
        return ""


def _bare(html: bytes, url: str, fast: bool) -> str:
    text = trafilatura.extract(html.decode("utf-8", errors="replace"), url=url, fast=fast)
    return text or ""


SYSTEMS = ("baochi", "trafilatura_fast", "trafilatura_default")


def evaluate(
    data_dir: Path, settings: Settings, names: tuple[str, ...] = SYSTEMS
) -> dict[str, object]:
    """Mean precision, recall and F1 of our extraction and of bare trafilatura on the pages."""
    root = data_dir / "article-extraction-benchmark"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    every = {
        "baochi": lambda h, u: _ours(h, u, settings),
        "trafilatura_fast": lambda h, u: _bare(h, u, fast=True),
        "trafilatura_default": lambda h, u: _bare(h, u, fast=False),
    }
    systems = {name: every[name] for name in names}
    scores: dict[str, list[tuple[float, float, float]]] = {name: [] for name in systems}
    for key, item in sorted(truth.items()):
        html = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        for name, run in systems.items():
            scores[name].append(prf(run(html, item["url"]), item["articleBody"]))
    result: dict[str, object] = {"pages": len(truth), "published_f1": PUBLISHED_F1}
    for name, rows in scores.items():
        result[name] = {
            "precision": round(mean(r[0] for r in rows), 4),
            "recall": round(mean(r[1] for r in rows), 4),
            "f1": round(mean(r[2] for r in rows), 4),
        }
    return result
