"""Numbers as Vietnamese writes them, for stored and printed text (alert reasons, reports,
exports); a page in another language writes them through baochi.web.i18n."""

from __future__ import annotations

import math
import re

from baochi.phrase import Phrase


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


# A number as typed: 62,5 or 62.5, or thousands grouped by dots with a decimal comma (1.234,5).
_PLAIN = re.compile(r"[+-]?\d+(?:[.,]\d+)?", re.ASCII)
_GROUPED = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?", re.ASCII)
_ONE_GROUP = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}", re.ASCII)


def read_number(text: str) -> float:
    """A number as the office types it, with a comma or a dot for decimals. "1.234" alone is
    refused: Vietnamese reads it 1234 and a spreadsheet 1.234, and a figure wrong a
    thousandfold would pass unnoticed; so are "nan", "inf" and "1e3", which float() takes."""
    typed = text.strip()
    if _ONE_GROUP.fullmatch(typed):
        whole, decimal = typed.replace(".", ""), typed.replace(".", ",")
        raise ValueError(
            Phrase(
                "«{text}» có thể là {whole} hay {decimal}: viết một trong hai cách đó",
                text=typed,
                whole=whole,
                decimal=decimal,
            )
        )
    if _PLAIN.fullmatch(typed):
        return float(typed.replace(",", "."))
    if _GROUPED.fullmatch(typed):
        return float(typed.replace(".", "").replace(",", "."))
    raise ValueError(Phrase("«{text}» không phải là số", text=text))
