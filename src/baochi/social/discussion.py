"""A story's social discussion, for the story page beside its press coverage: the posts and
comments that joined it, newest first, with the labels and marks the social pages show."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from baochi.db.social_store import SocialStore
from baochi.social.marks import SENTIMENTS, TOXICITY, marked

SHOWN = 100


def social_context(engine: Engine, story_id: int) -> dict[str, Any]:
    """Template context of a story's posts and comments (empty before the social migration)."""
    store = SocialStore(engine)
    if not store.available():
        return {"social_rows": []}
    rows = store.items(story_id=story_id, limit=SHOWN)
    return {
        "social_rows": [(r, marked(r)) for r in rows],
        "sentiments": SENTIMENTS,
        "toxicity": TOXICITY,
    }
