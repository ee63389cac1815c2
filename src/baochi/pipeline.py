"""The stages for one fetched document, composed; used by the collector and by re-processing."""

from __future__ import annotations

from baochi.extract import extract
from baochi.records import Document, Keys, Page
from baochi.settings import Settings


def process(page: Page, settings: Settings) -> Document:
    """Fetched page → extracted, normalised Document; raises Skip or Reject when not an article."""
    article = extract(page, settings)
    return Document(article, Keys.of(article))
