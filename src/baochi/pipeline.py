"""The stages for one fetched document, composed; used by the collector and by re-processing.

Runs inside the extraction worker processes, so the models are loaded once per process.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from baochi.analyze import Analyzer
from baochi.db import Store
from baochi.extract import extract
from baochi.records import Analysis, Article, Document, Keys, Page
from baochi.settings import Settings
from baochi.vi.gazetteer import gazetteer
from baochi.vi.place_decision import PlaceDecision
from baochi.vi.places import detect_places, units_named

log = logging.getLogger(__name__)


@cache
def analyzer(models: Path) -> Analyzer:
    """The trained models of the data folder (rules where none is trained), loaded once."""
    return Analyzer.load(models if models.is_dir() else None)


@cache
def place_decision(models: Path) -> PlaceDecision | None:
    """The trained decision of place detection in the data folder, if any, loaded once.

    A model this version cannot read (saved by an older one) leaves the rules deciding, with a
    warning, so an upgrade never stops collection before `baochi train place` is run again.
    """
    try:
        return PlaceDecision.load(models)
    except ValueError as error:
        log.warning("place decision not used, the rules decide: %s", error)
        return None


def warm(settings: Settings) -> None:
    """Load the models and the gazetteer now, so a new worker's first article is not slow."""
    analyzer(settings.data / "models")
    place_decision(settings.data / "models")
    gazetteer()


def analyse(article: Article, settings: Settings) -> Analysis:
    """Topic and tone from the models, place and Hà Nội from the gazetteer and its decision,
    and the main place's districts and wards that the title and lead name (where the news is)."""
    (labels,) = analyzer(settings.data / "models").analyze_articles(
        [{"title": article.title, "text": article.text}]
    )
    decision = place_decision(settings.data / "models")
    where = detect_places(article.title, article.text, decision=decision)
    model = "trained" if "trained" in labels["model"].values() else "rules"
    areas = sorted(units_named(article.title, article.lead, where.main))
    return Analysis(labels["topic"], labels["tone"], where.main, where.hanoi, tuple(areas), model)


def process(page: Page, settings: Settings) -> Document:
    """Fetched page → extracted, normalised, analysed Document; Skip or Reject if no article."""
    article = extract(page, settings)
    return Document(article, Keys.of(article), analyse(article, settings))


def name_areas(store: Store, batch: int = 2000) -> int:
    """Name the areas of every document stored before they were named (see `analyse`), a batch
    per transaction; how many were named."""
    named = 0
    while found := store.unnamed(batch):
        store.name_areas(
            {doc: sorted(units_named(title, text, main)) for doc, main, title, text in found}
        )
        named += len(found)
    return named
