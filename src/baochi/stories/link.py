"""Stories for articles as they come: story, copy-of and conflicting reports per article, for a
batch of plain dicts (`baochi analyze`) or through a long-lived Linker (the collector)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from baochi.stories.cluster import DEFAULTS, Params, Story, StoryIndex
from baochi.stories.conflicts import Conflict, conflicts_between
from baochi.stories.facts import Statements, statements
from baochi.stories.features import Item, item_of

BATCH = 64
# Story members a new article is checked against for conflicts: the most similar ones of other
# outlets, published within a day of it (further apart, a different figure is mostly an update).
MAX_COMPARED = 10
CONFLICT_REACH = 1.0


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """Where a new article went (and the story's title then), the earlier article it copies
    (never one it contradicts), its cosine to the closest member of its story (None when it
    started the story), and the earlier articles it contradicts."""

    article: str
    story: str
    story_title: str
    duplicate_of: str | None
    similarity: float | None
    conflicts: tuple[tuple[str, Conflict], ...]


class Linker:
    """A story index plus the recent articles' texts, so that each new article is also checked
    for conflicts with the members of its story most similar to it."""

    def __init__(self, params: Params = DEFAULTS) -> None:
        self.index = StoryIndex(params)
        self._items: dict[str, Item] = {}
        self._said: dict[str, Statements] = {}  # read when first compared, kept while indexed

    @property
    def stories(self) -> dict[str, Story]:
        """The open stories, by id (the id of their first article)."""
        return self.index.stories

    def link(self, items: Sequence[Item]) -> list[ArticleLink]:
        """Place new articles, in arrival order, and check them against their story."""
        out = []
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            self._items.update((item.id, item) for item in batch)
            for link in self.index.add(batch):
                found: list[tuple[str, Conflict]] = []
                item = self._items[link.article]
                for n in link.similar[:MAX_COMPARED]:
                    # A copy is checked too: one republished with a figure changed disagrees.
                    if n.article not in self._items:
                        continue
                    if abs(n.day - item.day) > CONFLICT_REACH:
                        continue
                    if item.outlet and item.outlet == self._items[n.article].outlet:
                        continue  # one outlet's later figure is an update, not a disagreement
                    ours, theirs = self._statements(link.article), self._statements(n.article)
                    found.extend((n.article, c) for c in conflicts_between(ours, theirs))
                closest = link.similar[0].similarity if link.similar else None
                # A near-copy that contradicts its original is an article of its own (copies.py).
                contradicted = any(other == link.duplicate_of for other, _ in found)
                out.append(
                    ArticleLink(
                        link.article,
                        link.story,
                        link.title,
                        None if contradicted else link.duplicate_of,
                        closest,
                        tuple(found),
                    )
                )
            self._forget()
        return out

    def _statements(self, article: str) -> Statements:
        said = self._said.get(article)
        if said is None:
            said = self._said[article] = statements(self._items[article])
        return said

    def restore(self, items: Sequence[Item], known: Mapping[str, tuple[str, str | None]]) -> None:
        """Index articles placed before a restart where they were: (story, duplicate_of) by id."""
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            self._items.update((item.id, item) for item in batch)
            self.index.add(batch, known)
        self._forget()

    def _forget(self) -> None:
        """Keep the texts of the articles the index still holds, and no others."""
        live = self.index.placer.story_of
        for article in [a for a in self._items if a not in live]:
            del self._items[article]
            self._said.pop(article, None)


def link_batch(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Story, copy and conflicts of each article, in the input's order.

    Each article is a dict with id, title, text and published_at (a datetime or ISO string;
    outlet, tone, topic and places are used when present). Articles are placed in order of
    publication; each gets {"story": the id of its story's first article, "duplicate_of": the id
    of the earlier article it copies or None, "conflicts": [{"with", "type", "span",
    "other_span"}]}, conflicts listed on both articles.
    """
    items = [item_of(article) for article in articles]
    original = {item.id: article["id"] for item, article in zip(items, articles, strict=True)}
    order = sorted(range(len(items)), key=lambda k: (items[k].published, k))
    linker = Linker()
    links = {link.article: link for link in linker.link([items[k] for k in order])}
    conflicts: dict[str, list[dict[str, Any]]] = {item.id: [] for item in items}
    for link in links.values():
        for other, c in link.conflicts:
            conflicts[link.article].append(
                {
                    "with": original[other],
                    "type": c.type,
                    "span": c.span,
                    "other_span": c.other_span,
                }
            )
            conflicts[other].append(
                {"with": original[link.article], "type": c.type, "span": c.other_span,
                 "other_span": c.span}
            )  # fmt: skip
    out = []
    for item in items:
        link = links[item.id]
        copied = None if link.duplicate_of is None else original[link.duplicate_of]
        out.append(
            {"story": original[link.story], "duplicate_of": copied, "conflicts": conflicts[item.id]}
        )
    return out
