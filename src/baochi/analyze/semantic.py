"""Latent directions of the unlabelled corpus (LSA), so 1,500 labelled articles generalise further.

A truncated SVD of the unlabelled articles' word n-grams gives a basis (hashed column ×
direction). During training each row also gets its projection on that basis; afterwards the
weights learned on the projection are folded back onto the word columns, so the saved model is an
ordinary sparse linear model and prediction costs nothing more.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD

from baochi.analyze.features import fit_idf, tfidf

MIN_DF = 20  # columns rarer than this in the unlabelled corpus stay out of the basis


def fit_basis(unlabelled: sp.csr_matrix, blocks: int, dims: int) -> sp.csr_matrix:
    """A (width × dims) basis from the word block of unlabelled count rows."""
    width = unlabelled.shape[1]
    words = unlabelled[:, : width // blocks]
    df = np.bincount(words.indices, minlength=words.shape[1])
    kept = np.flatnonzero(df >= MIN_DF)
    x = tfidf(words[:, kept].tocsr(), fit_idf(words[:, kept].tocsr()), 1)
    svd = TruncatedSVD(dims, n_iter=4, random_state=0).fit(x)
    components = svd.components_.T.astype(np.float32)  # kept columns × dims
    rows = np.repeat(kept, dims)
    cols = np.tile(np.arange(dims), len(kept))
    return sp.csr_matrix((components.ravel(), (rows, cols)), shape=(width, dims))


def augment(x: sp.csr_matrix, basis: sp.csr_matrix, weight: float) -> sp.csr_matrix:
    """Rows with their projection on the basis appended as extra columns."""
    return sp.hstack([x, (x @ basis) * weight], format="csr", dtype=np.float32)


def fold_back(coef: np.ndarray, basis: sp.csr_matrix, weight: float) -> np.ndarray:
    """Weights on (columns + projection) as weights on the columns alone."""
    width = basis.shape[0]
    return coef[:width] + weight * np.asarray(basis @ coef[width:])
