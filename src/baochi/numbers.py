"""Numbers as Vietnamese writes them, for stored and printed text (alert reasons, reports,
exports); a page in another language writes them through baochi.web.i18n."""

from __future__ import annotations

import math


def vi_number(value: float, decimals: int = 1) -> str:
    """A number as Vietnamese writes it: "1.234,5" (dot for thousands, comma for decimals)."""
    if not math.isfinite(value):
        return str(value)
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vi_figure(value: float) -> str:
    """A reported figure as Vietnamese writes it, with the decimals it has (to two): 8.0 reads
    "8", 62.5 "62,5", 1234.25 "1.234,25"."""
    text = vi_number(value, 2)
    return text.rstrip("0").rstrip(",") if "," in text else text
