"""The per-document pipeline keeps collecting when a saved model is one it cannot read."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest

from baochi import pipeline
from baochi.records import Article
from baochi.vi.place_decision import NAME
from baochi.vi.places import detect_places


def test_an_older_place_decision_leaves_the_rules_deciding(settings, site_articles, caplog):
    models = settings.data / "models"
    models.mkdir(parents=True)
    np.savez(models / f"{NAME}.npz", coef=np.zeros((5, 17)), intercept=np.zeros(5))
    (models / f"{NAME}.json").write_text(json.dumps({"format": 1}), encoding="utf-8")
    pipeline.place_decision.cache_clear()
    real = site_articles[0]
    article = Article(f"http://127.0.0.1/{real['id']}", real["title"], "", real["text"], None)
    with caplog.at_level(logging.WARNING, logger="baochi.pipeline"):
        analysis = pipeline.analyse(article, settings)
    pipeline.place_decision.cache_clear()
    rules = detect_places(article.title, article.text)
    assert (analysis.place, analysis.hanoi) == (rules.main, rules.hanoi)
    assert "baochi train place" in caplog.text
    with pytest.raises(ValueError, match="format"):  # asked by name, the model is still refused
        pipeline.PlaceDecision.load(models)
