"""CSV files as the office's spreadsheets save them, read one way by every import (registry,
sources, social exports): in whatever encoding Vietnamese software wrote, with the delimiter
its header uses; the csv module then reads quotes as spreadsheets write them ("" inside a
quoted cell)."""

from __future__ import annotations

from baochi.vi import decode_html_bytes

DELIMITERS = ",;\t"  # Excel writes ";" where the decimal mark is a comma, as in Vietnamese
# What a file with no charset of its own is taken to be when it is not UTF-8, unless another
# Vietnamese encoding reads clearly better: Vietnamese Excel's plain "CSV". (A web page's
# default, Windows-1252, won on a short file and made "Báo Hànộimới" into "Baìo HaÌnôòimõìi".)
UNDECLARED = "windows-1258"


def csv_text(data: bytes) -> tuple[str, str]:
    """A CSV file's text (UTF-8 or -16, Windows-1258, TCVN3, VNI or VISCII) and its delimiter:
    comma, semicolon or tab, whichever the header line has most of. Guessing from the rows, as
    csv.Sniffer does, is misled by what the first rows happen to hold."""
    text, _ = decode_html_bytes(data, UNDECLARED)
    header = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","
    return text, delimiter
