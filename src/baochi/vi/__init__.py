"""Vietnamese text: normalisation, diacritic folding for matching and search, charset repair."""

from baochi.vi.decode import decode_html_bytes
from baochi.vi.normalize import fold, normalize

__all__ = ["decode_html_bytes", "fold", "normalize"]
