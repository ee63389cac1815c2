"""The stages for one fetched document, composed; used by the collector and by re-processing."""

from __future__ import annotations

from baochi.extract import extract
from baochi.records import Article, Page
from baochi.settings import Settings


def process(page: Page, settings: Settings) -> Article:
    """Fetched page → normalised Article; raises Skip or Reject when it is not one."""
    return extract(page, settings)
