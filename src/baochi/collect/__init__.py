"""Collection: fetch feeds, sitemaps and pages politely and safely, and store new articles."""

from baochi.collect.collector import Collector, Summary, collect_once
from baochi.collect.sources import SourceImportError, default_sources, import_file

__all__ = [
    "Collector",
    "SourceImportError",
    "Summary",
    "collect_once",
    "default_sources",
    "import_file",
]
