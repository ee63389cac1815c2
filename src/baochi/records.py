"""The typed records that flow through the pipeline: a fetched Page, then an Article."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from baochi.vi import fold


def digest(text: str) -> str:
    """A short stable hash (128-bit BLAKE2b, hex) for URLs and contents."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Page:
    """What the fetcher got: the bytes as sent and where they really came from."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    fetched_at: dt.datetime
    etag: str = ""
    last_modified: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """An extracted, normalised article: lead (sapo) and body kept apart, text is both."""

    url: str
    title: str
    lead: str
    body: str
    published_at: dt.datetime | None
    authors: tuple[str, ...] = ()
    language: str = "vi"
    encoding: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """The whole article text: the lead, then the body."""
        return f"{self.lead}\n{self.body}" if self.lead else self.body

    @property
    def content_hash(self) -> str:
        """Same words in the same order → same hash, whatever the markup or spacing."""
        return digest(" ".join(fold(self.body).split()))
