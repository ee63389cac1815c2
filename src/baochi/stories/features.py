"""Words of an article as numbers: token ids, online document frequencies and TF-IDF vectors.

Weights follow the news as it arrives (document frequencies counted over every article seen), so no
word list or table derived from a research corpus ships with the code.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from baochi.vi import normalize

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]

# Annotators judge a pair from its title and opening; further down, background paragraphs shared
# by every development of a case make different events look alike.
TEXT_CHARS = 2000
# Added to log(N/df): a word in every article keeps a little weight, a rare name dominates.
IDF_OFFSET = 0.5
# Words in more than this share of articles ("của", "và", "được") are left out of the products:
# they barely move a cosine, yet they would make every pair of articles a candidate.
COMMON = 0.3
COMMON_AFTER = 1000
LOCAL = dt.timezone(dt.timedelta(hours=7))
_TOKEN = re.compile(r"\w+")
_HEADLINE_DATE = re.compile(r"(?<![\d/.,-])(\d{1,2})\s?[/.-]\s?(\d{1,2})(?![\d]|[.,/-]\d)")


@dataclass(frozen=True, slots=True)
class Item:
    """One article as the story stage needs it; the optional parts feed the story's summary."""

    id: str
    title: str
    text: str
    published: dt.datetime
    outlet: str = ""
    tone: str = ""
    topic: str = ""
    places: tuple[str, ...] = ()

    @property
    def day(self) -> float:
        """Time in days since the epoch, the unit of every window and decay."""
        return self.published.timestamp() / 86400.0


def as_datetime(value: Any) -> dt.datetime:
    """An aware datetime from a datetime, a date or an ISO string; dates are local midnight."""
    if isinstance(value, str):
        value = (
            dt.datetime.fromisoformat(value)
            if "T" in value or " " in value
            else (dt.date.fromisoformat(value))
        )
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=LOCAL)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), LOCAL)
    raise TypeError(f"not a publication time: {value!r}")


def item_of(record: Mapping[str, Any]) -> Item:
    """An Item from a plain dict with id, title, text, published_at (or published_estimate)."""
    when = record.get("published_at") or record.get("published_estimate")
    places = record.get("places") or ()
    return Item(
        id=str(record["id"]),
        title=record.get("title") or "",
        text=record.get("text") or "",
        published=as_datetime(when),
        outlet=record.get("outlet") or "",
        tone=record.get("tone") or "",
        topic=record.get("topic") or "",
        places=(places,) if isinstance(places, str) else tuple(places),
    )


@dataclass(frozen=True, slots=True)
class Terms:
    """The distinct token ids of a document and how often each occurs."""

    ids: IntArray
    counts: IntArray


def headline_dates(title: str) -> frozenset[tuple[int, int]]:
    """The day/month dates a headline names ("Giá vàng hôm nay 13.6", "ngày 6/2")."""
    found = set()
    for m in _HEADLINE_DATE.finditer(title):
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.add((day, month))
    return frozenset(found)


def tokens(item: Item) -> list[str]:
    """Lower-case syllables of the title and the opening of the text."""
    return _TOKEN.findall(normalize(f"{item.title}\n{item.text[:TEXT_CHARS]}").lower())


@dataclass
class Vocabulary:
    """Token ids, a stable hash per token, and how many articles contained each token."""

    ids: dict[str, int] = field(default_factory=dict)
    hashes: npt.NDArray[np.uint64] = field(default_factory=lambda: np.zeros(1024, np.uint64))
    df: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(1024))
    documents: int = 0

    def encode(self, words: Sequence[str]) -> IntArray:
        """The ids of the words, new words getting new ids (and their CRC-32 as stable hash)."""
        found = list(map(self.ids.get, words))
        if None in found:
            for k, word in enumerate(words):
                if found[k] is None:
                    found[k] = self.ids.get(word)
                    if found[k] is None:
                        found[k] = self._new(word)
        return np.array(found, np.int64)

    def _new(self, word: str) -> int:
        index = self.ids[word] = len(self.ids)
        if index >= len(self.hashes):
            self._grow()
        self.hashes[index] = zlib.crc32(word.encode())
        return index

    def _grow(self) -> None:
        size = 2 * len(self.hashes)
        self.hashes = np.resize(self.hashes, size)
        self.hashes[size // 2 :] = 0
        df = np.zeros(size)
        df[: len(self.df)] = self.df
        self.df = df

    def count(self, documents: Iterable[IntArray]) -> list[Terms]:
        """Count each document once for every distinct token it holds; its distinct tokens."""
        out = []
        for ids in documents:
            unique, counts = np.unique(ids, return_counts=True)
            self.df[unique] += 1
            self.documents += 1
            out.append(Terms(unique, counts))
        return out

    def vector(self, terms: Terms) -> tuple[IntArray, FloatArray]:
        """Sorted token ids and their L2-normalised weights, (1 + log tf) · idf, without the
        words too common to tell events apart (they stay in the norm)."""
        idf = np.log((self.documents + 1) / (self.df[terms.ids] + 1)) + IDF_OFFSET
        weights = (1.0 + np.log(terms.counts)) * idf
        weights /= float(np.linalg.norm(weights)) or 1.0
        if self.documents >= COMMON_AFTER:
            keep = self.df[terms.ids] <= COMMON * self.documents
            return terms.ids[keep], weights[keep].astype(np.float32)
        return terms.ids, weights.astype(np.float32)
