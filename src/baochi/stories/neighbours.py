"""Similar recent articles: TF-IDF cosine against a sliding window of article vectors.

The window holds only the last few days, in one sparse block per day, so a new batch is compared
with a few thousand vectors by sparse matrix products, however large the archive grows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from baochi.stories.features import FloatArray, IntArray


@dataclass(frozen=True, slots=True)
class Neighbour:
    """An earlier article similar to a new one: its id, cosine similarity and time (days)."""

    article: str
    similarity: float
    day: float


@dataclass
class _Block:
    """The vectors of one day's articles, with a cached sparse matrix of them."""

    articles: list[str] = field(default_factory=list)
    days: list[float] = field(default_factory=list)
    indices: list[IntArray] = field(default_factory=list)
    weights: list[FloatArray] = field(default_factory=list)
    matrix: sp.csr_matrix | None = None

    def csr(self, columns: int) -> sp.csr_matrix:
        if self.matrix is None or self.matrix.shape[1] != columns:
            indptr = np.zeros(len(self.indices) + 1, np.int64)
            np.cumsum([len(ix) for ix in self.indices], out=indptr[1:])
            self.matrix = sp.csr_matrix(
                (np.concatenate(self.weights), np.concatenate(self.indices), indptr),
                shape=(len(self.indices), columns),
            )
        return self.matrix


@dataclass
class Window:
    """Article vectors of the last `days` days, searchable by cosine similarity."""

    days: float
    _blocks: dict[int, _Block] = field(default_factory=dict)
    _columns: int = 1 << 16

    def search(
        self,
        articles: list[str],
        days: list[float],
        vectors: list[tuple[IntArray, FloatArray]],
        floor: float,
        reach: float,
    ) -> list[list[Neighbour]]:
        """For each new article, the indexed or earlier-in-batch ones within `reach` days whose
        similarity reaches `floor`, most similar first; the batch is then indexed."""
        if not articles:
            return []
        top = max((int(ix[-1]) for ix, _ in vectors if len(ix)), default=0)
        while self._columns <= top:
            self._columns *= 2
        batch = _matrix(vectors, self._columns)
        query = batch.T.tocsr()
        found: list[list[Neighbour]] = [[] for _ in articles]
        for key in range(math.floor(min(days) - reach), math.floor(max(days) + reach) + 1):
            block = self._blocks.get(key)
            if block is not None:
                sims = (block.csr(self._columns) @ query).toarray()
                _collect(sims, block.articles, block.days, days, floor, reach, found)
        inside = (batch @ query).toarray()
        for j in range(len(articles)):
            inside[j:, j] = -1.0  # only earlier articles of the batch count
        _collect(inside, articles, days, days, floor, reach, found)
        for j, article in enumerate(articles):
            found[j].sort(key=lambda n: -n.similarity)
            block = self._blocks.setdefault(int(days[j]), _Block())
            block.articles.append(article)
            block.days.append(days[j])
            block.indices.append(vectors[j][0])
            block.weights.append(vectors[j][1])
            block.matrix = None
        return found

    def evict(self, before: float) -> list[str]:
        """Drop the blocks of days wholly before `before`; the ids of the articles dropped."""
        gone: list[str] = []
        for key in [k for k in self._blocks if k + 1 <= before]:
            gone.extend(self._blocks.pop(key).articles)
        return gone

    def __len__(self) -> int:
        return sum(len(b.articles) for b in self._blocks.values())


def _matrix(vectors: list[tuple[IntArray, FloatArray]], columns: int) -> sp.csr_matrix:
    indptr = np.zeros(len(vectors) + 1, np.int64)
    np.cumsum([len(ix) for ix, _ in vectors], out=indptr[1:])
    return sp.csr_matrix(
        (
            np.concatenate([w for _, w in vectors]),
            np.concatenate([ix for ix, _ in vectors]),
            indptr,
        ),
        shape=(len(vectors), columns),
    )


def _collect(
    sims: np.ndarray,
    articles: list[str],
    their_days: list[float],
    days: list[float],
    floor: float,
    reach: float,
    found: list[list[Neighbour]],
) -> None:
    """Append to `found` the (row, column) pairs above the floor and within reach in time."""
    rows, cols = np.nonzero(sims >= floor)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if abs(their_days[r] - days[c]) <= reach:
            found[c].append(Neighbour(articles[r], float(sims[r, c]), their_days[r]))
