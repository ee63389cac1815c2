"""Readers for the public labelled corpora in the shared data folder, each in its own file format.

Every reader returns plain (text, label) pairs with the corpus's own label codes; the task modules
map those codes to the task's labels. Texts are NFC-normalised here, once, at the boundary.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from baochi.vi import normalize

NEWS_LABELS = "news-labels/train.jsonl"
BAOMOI = "baomoi-2017/articles.jsonl.gz"
_ITEM_ID = re.compile(r"train_\d+")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text; `title` is set for articles only."""

    text: str
    label: str
    title: str = ""


@dataclass(frozen=True)
class Corpus:
    """A task's data: train, a dev split when the corpus has one, unlabelled texts, files digest,
    and held-out sets of other kinds of text, by name (measured, never trained on)."""

    train: list[Example]
    dev: list[Example] | None
    unlabelled: list[Example]
    digest: str
    checks: dict[str, list[Example]] = field(default_factory=dict)


def digest(paths: Iterable[Path]) -> str:
    """SHA-256 over the files' bytes, so metadata says exactly which data a model was trained on."""
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.name.encode())
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def news_articles(data_dir: Path, field: str, unlabelled: bool) -> Corpus:
    """news-labels joined to baomoi texts by id; the other baomoi articles as unlabelled text."""
    labels = {}
    with (data_dir / NEWS_LABELS).open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            labels[row["id"]] = row[field]
    train: dict[str, Example] = {}
    rest: list[Example] = []
    with gzip.open(data_dir / BAOMOI, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            label = labels.get(row["id"])
            if label is None and not unlabelled:
                continue
            example = Example(normalize(row["text"]), label or "", normalize(row["title"]))
            if label is None:
                rest.append(example)
            else:
                train[row["id"]] = example
    ordered = [train[i] for i in labels if i in train]
    return Corpus(ordered, None, rest, digest([data_dir / NEWS_LABELS, data_dir / BAOMOI]))


def csv_rows(path: Path, text: str, label: str) -> list[Example]:
    """(text, label) columns of a CSV file with a header row."""
    with path.open(encoding="utf-8", newline="") as f:
        return [Example(normalize(r[text] or ""), r[label]) for r in csv.DictReader(f)]


def parallel_lines(folder: Path) -> list[Example]:
    """UIT-VSFC layout: sents.txt and sentiments.txt, one item per line in the same order."""
    sents = (folder / "sents.txt").read_text(encoding="utf-8").splitlines()
    codes = (folder / "sentiments.txt").read_text(encoding="utf-8").splitlines()
    return [
        Example(normalize(s), c.strip()) for s, c in zip(sents, codes, strict=False) if c.strip()
    ]


def crash_blocks(path: Path) -> list[Example]:
    """AIVIVN 2019 layout: an id line, a quoted (multi-line) text, a label line, a blank line."""
    examples = []
    for block in _blocks(path.read_text(encoding="utf-8").splitlines()):
        lines = [line for line in block[1:] if line.strip()]
        if len(lines) >= 2:
            body = "\n".join(lines[:-1]).strip().strip('"').strip()
            examples.append(Example(normalize(body), lines[-1].strip()))
    return examples


def _blocks(lines: list[str]) -> Iterator[list[str]]:
    """Lines grouped from one `train_NNNNNN` id line to the next."""
    block: list[str] = []
    for line in lines:
        if _ITEM_ID.fullmatch(line.strip()) and block:
            yield block
            block = []
        block.append(line)
    if block:
        yield block


def line_files(folder: Path, names: dict[str, str]) -> list[Example]:
    """VLSP 2016 layout: one file per label, one non-empty line per item."""
    examples = []
    for name, label in names.items():
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                examples.append(Example(normalize(line.strip()), label))
    return examples
