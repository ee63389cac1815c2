"""The analyse stage for posts and comments: sentiment, toxicity and offensive spans from the
models (rules where none is trained), topic and place as for articles, on text whose teencode
the Vietnamese layer has normalised; one batch at a time, models loaded once per process."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from baochi.pipeline import analyzer
from baochi.records import Analysis, Reading
from baochi.social.spans import MODEL_FILE, SpanTagger
from baochi.vi.places import detect_places, units_in


@cache
def span_tagger(models: Path) -> SpanTagger:
    """The trained span model of the data folder (the lexicon when none), loaded once."""
    return SpanTagger(models / MODEL_FILE)


def read_posts(texts: Sequence[tuple[str, str]], models: Path) -> list[tuple[Analysis, Reading]]:
    """For (title, text) pairs: the article-like labels (tone is the post's sentiment, so
    `tone:` searches and story tone mixes read posts too) and the post reading."""
    if not texts:
        return []
    heads = analyzer(models)
    posts = heads.analyze_posts([f"{title}\n{text}".strip() for title, text in texts])
    topics = heads.analyze_articles([{"title": t, "text": x} for t, x in texts])
    tagger = span_tagger(models)
    out = []
    for (title, text), post, topic in zip(texts, posts, topics, strict=True):
        where = detect_places(title, text)
        trained = "trained" if "trained" in post["model"].values() else "rules"
        areas = tuple(sorted(units_in(where, title, text, where.main)))
        analysis = Analysis(
            topic["topic"], post["sentiment"], where.main, where.hanoi, areas, trained
        )
        # Spans are shown on what is offensive: the tagger, trained on offensive comments,
        # marks words in a fifth of clean ones ("bố mẹ" from spans such as "bố mẹ mày").
        spans = tagger.spans(text) if post["toxicity"] != "clean" else ()
        reading = Reading(post["sentiment"], post["toxicity"], spans, trained)
        out.append((analysis, reading))
    return out
