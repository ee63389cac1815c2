"""Near-duplicate fingerprints: MinHash over word 4-grams, banded for LSH, to find copies.

Vietnamese outlets republish agency and partner articles with a new title and small edits; such a
copy shares most of its word 4-grams with the original, while two reports of one event rarely do.
The hashes are built from each word's CRC-32, so signatures are the same in every process.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

SHINGLE = 4
BANDS, ROWS = 20, 3
PERMUTATIONS = BANDS * ROWS
# Estimated Jaccard similarity of 4-gram sets from which an article counts as a copy.
COPY_JACCARD = 0.6
# How long (days) an article stays findable as the original of later copies.
COPY_WINDOW = 7.0

_rng = np.random.default_rng(20170206)
_A = _rng.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_BAND_SALT = _rng.integers(0, 2**63, BANDS, dtype=np.uint64)

Signature = npt.NDArray[np.uint32]


def signature(hashes: npt.NDArray[np.uint64]) -> Signature:
    """The MinHash signature of a text given the stable hash of each of its words, in order."""
    if len(hashes) == 0:
        return np.full(PERMUTATIONS, np.iinfo(np.uint32).max, np.uint32)
    shingles = hashes[: max(1, len(hashes) - SHINGLE + 1)].copy()
    for k in range(1, min(SHINGLE, len(hashes))):
        shingles = shingles * _MIX + hashes[k : k + len(shingles)]
    shingles = np.unique(shingles)
    values = (shingles[:, None] * _A[None, :] + _B[None, :]) >> np.uint64(32)
    return values.min(axis=0).astype(np.uint32)


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of the two texts' 4-gram sets."""
    return float(np.count_nonzero(a == b)) / PERMUTATIONS


@dataclass
class CopyIndex:
    """Recent signatures in LSH buckets; finds the earliest close copy of a new article."""

    threshold: float = COPY_JACCARD
    window: float = COPY_WINDOW
    _buckets: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _entries: dict[int, tuple[str, float, Signature, list[int]]] = field(default_factory=dict)
    _by_day: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    _next: int = 0

    def original(self, sig: Signature, day: float) -> str | None:
        """The id of the earliest indexed article this one copies, if any within the window."""
        seen: set[int] = set()
        best: tuple[float, str] | None = None
        for key in band_keys(sig):
            for slot in self._buckets.get(key, ()):
                if slot in seen:
                    continue
                seen.add(slot)
                article, when, other, _ = self._entries[slot]
                close = abs(day - when) <= self.window
                if close and similarity(sig, other) >= self.threshold:
                    best = min(best or (when, article), (when, article))
        return None if best is None else best[1]

    def add(self, article: str, sig: Signature, day: float) -> None:
        """Index an article so later copies can find it."""
        slot = self._next
        self._next += 1
        keys = band_keys(sig)
        self._entries[slot] = (article, day, sig, keys)
        self._by_day[int(day)].append(slot)
        for key in keys:
            self._buckets[key].append(slot)

    def evict(self, before: float) -> None:
        """Forget articles published before `before` (days), keeping memory bounded."""
        old: set[int] = set()
        for day in [d for d in self._by_day if d + 1 <= before]:
            old.update(self._by_day.pop(day))
        for slot in old:
            for key in self._entries.pop(slot)[3]:
                bucket = [s for s in self._buckets[key] if s not in old]
                if bucket:
                    self._buckets[key] = bucket
                else:
                    del self._buckets[key]


def band_keys(sig: Signature) -> list[int]:
    """One LSH bucket key per band of rows (the band number is mixed in)."""
    rows = sig.reshape(BANDS, ROWS).astype(np.uint64)
    keys = _BAND_SALT.copy()
    for r in range(ROWS):
        keys = keys * _MIX + rows[:, r]
    return [int(k) for k in keys]
