"""Vietnamese text: normalisation, diacritic folding for matching and search."""

from baochi.vi.normalize import fold, normalize

__all__ = ["fold", "normalize"]
