"""Stories: copies of one article, articles of one event grouped incrementally, and the facts
on which their reports disagree."""

from baochi.stories.cluster import Params, Story, StoryIndex
from baochi.stories.conflicts import Conflict, find_conflicts
from baochi.stories.evaluate import evaluate
from baochi.stories.features import Item, item_of
from baochi.stories.link import ArticleLink, Linker, link_batch
from baochi.stories.stored import StoryAssigner, assign, place_pending

__all__ = [
    "ArticleLink",
    "Conflict",
    "Item",
    "Linker",
    "Params",
    "Story",
    "StoryAssigner",
    "StoryIndex",
    "assign",
    "evaluate",
    "find_conflicts",
    "item_of",
    "link_batch",
    "place_pending",
]
