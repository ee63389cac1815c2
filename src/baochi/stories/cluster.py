"""Incremental same-event clustering: a new article joins the story of its closest recent
neighbour, or starts a story of its own; nothing already placed is ever recomputed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from baochi.stories.features import Item, Vocabulary, headline_dates, tokens
from baochi.stories.fingerprints import COPY_WINDOW, CopyIndex, signature
from baochi.stories.neighbours import Neighbour, Window

# The best F1 on story-pairs/dev with at most 20 % of related pairs merged (evaluate.choose);
# repeated 5-fold cross-validation of that choice is what bench/stories.py reports.
THRESHOLD = 0.36


@dataclass(frozen=True, slots=True)
class Params:
    """The clustering rule: join when cosine − decay · days apart ≥ threshold."""

    threshold: float = THRESHOLD
    # Same-event reports come within a day or two; follow-ups of a case come days later.
    decay: float = 0.08
    # Days between an article and the neighbour it links to.
    reach: float = 2.0
    # Days from a story's first to its last article: one event, not a whole saga.
    span: float = 3.0


DEFAULTS = Params()


@dataclass
class Story:
    """A story as the monitoring views show it, kept up to date as articles join."""

    id: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    articles: int = 0
    outlets: Counter[str] = field(default_factory=Counter)
    tones: Counter[str] = field(default_factory=Counter)
    topics: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)
    title: str = ""
    # Summed similarity of each member to the others: the most central one gives the title.
    _centrality: dict[str, float] = field(default_factory=dict, repr=False)
    _titles: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def topic(self) -> str:
        """The most frequent topic of its articles ("" when none is known)."""
        return self.topics.most_common(1)[0][0] if self.topics else ""

    def join(self, item: Item, similar: Sequence[Neighbour]) -> None:
        """Count a new member and re-choose the title."""
        self.articles += 1
        self.first_seen = min(self.first_seen, item.published)
        self.last_seen = max(self.last_seen, item.published)
        for counter, value in ((self.outlets, item.outlet), (self.tones, item.tone)):
            if value:
                counter[value] += 1
        if item.topic:
            self.topics[item.topic] += 1
        self.places.update(item.places)
        self._titles[item.id] = item.title
        self._centrality[item.id] = sum(n.similarity for n in similar)
        for n in similar:
            if n.article in self._centrality:
                self._centrality[n.article] += n.similarity
        best = max(self._centrality, key=lambda a: self._centrality[a])
        self.title = self._titles[best]

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain data (for JSON output and the store)."""
        return {
            "id": self.id,
            "title": self.title,
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "articles": self.articles,
            "outlets": dict(self.outlets),
            "tones": dict(self.tones),
            "topic": self.topic,
            "places": dict(self.places),
        }


@dataclass(frozen=True, slots=True)
class Link:
    """Where one article went: its story and the story's title once it joined, the earlier
    article it copies, and the members of the story most similar to it (the ones worth checking
    for conflicting facts)."""

    article: str
    story: str
    title: str
    duplicate_of: str | None
    similar: tuple[Neighbour, ...]


class Placer:
    """The decision rule alone, apart from similarity search, so evaluation can replay it."""

    def __init__(self, params: Params) -> None:
        self.params = params
        self.story_of: dict[str, str] = {}
        self.bounds: dict[str, tuple[float, float]] = {}

    def place(
        self, article: str, day: float, neighbours: Sequence[Neighbour], original: str | None
    ) -> tuple[str, list[Neighbour]]:
        """The story the article joins and its neighbours in that story; a copy joins its
        original's story whenever that story is still open."""
        p = self.params
        story = self.story_of.get(original) if original else None
        if story is None:
            best = p.threshold
            for n in neighbours:
                candidate = self.story_of.get(n.article)
                if candidate is None:
                    continue
                first, last = self.bounds[candidate]
                if max(last, day) - min(first, day) > p.span:
                    continue
                score = n.similarity - p.decay * abs(day - n.day)
                if score >= best and (story is None or score > best):
                    story, best = candidate, score
        if story is None:
            story = article
            self.bounds[story] = (day, day)
        else:
            first, last = self.bounds[story]
            self.bounds[story] = (min(first, day), max(last, day))
        self.story_of[article] = story
        return story, [n for n in neighbours if self.story_of.get(n.article) == story]

    def forget(self, articles: Iterable[str]) -> set[str]:
        """Forget articles that left the window; the stories left without any are closed."""
        touched = set()
        for article in articles:
            story = self.story_of.pop(article, None)
            if story is not None:
                touched.add(story)
        closed = touched - set(self.story_of.values())
        for story in closed:
            del self.bounds[story]
        return closed


class StoryIndex:
    """The in-memory index of recent articles: copies, neighbours and stories, fed in arrival
    order and rebuilt from the store after a restart."""

    def __init__(self, params: Params = DEFAULTS) -> None:
        self.params = params
        self.vocabulary = Vocabulary()
        self.window = Window(days=params.span + params.reach)
        self.copies = CopyIndex()
        self.placer = Placer(params)
        self.stories: dict[str, Story] = {}
        self.latest = float("-inf")
        self._headline: dict[str, frozenset[tuple[int, int]]] = {}
        # When a list: every placement's (article, day, neighbours, original), for replays.
        self.trace: list[tuple[str, float, list[Neighbour], str | None]] | None = None

    def warm(self, items: Iterable[Item]) -> None:
        """Count older articles' words only, so weights are right from the first new article."""
        for item in items:
            self.vocabulary.count([self.vocabulary.encode(tokens(item))])

    def add(
        self, items: Sequence[Item], known: Mapping[str, tuple[str, str | None]] | None = None
    ) -> list[Link]:
        """Place a batch of new articles, in the order given (arrival order).

        `known` maps article id → (story, duplicate_of) for articles placed before a restart:
        they are indexed where they were, not placed again.
        """
        encoded = [self.vocabulary.encode(tokens(item)) for item in items]
        vectors = [self.vocabulary.vector(terms) for terms in self.vocabulary.count(encoded)]
        days = [item.day for item in items]
        found = self.window.search(
            [item.id for item in items], days, vectors, self.params.threshold, self.params.reach
        )
        links = []
        for item, ids, day, near in zip(items, encoded, days, found, strict=True):
            sig = signature(self.vocabulary.hashes[ids])
            dates = self._headline[item.id] = headline_dates(item.title)
            # Headlines naming different days ("Giá vàng hôm nay 13.6" and "12/6") are reports
            # of different days, however alike their words.
            neighbours = [n for n in near if _same_days(dates, self._headline[n.article])]
            if known is not None and item.id in known:
                story, original = known[item.id]
                self._restore(item, day, story, neighbours)
            else:
                original = self.copies.original(sig, day)
                if self.trace is not None:
                    self.trace.append((item.id, day, neighbours, original))
                story, similar = self.placer.place(item.id, day, neighbours, original)
                summary = self._summary(story, item)
                summary.join(item, similar)
                links.append(Link(item.id, story, summary.title, original, tuple(similar)))
            self.copies.add(item.id, sig, day)
            self.latest = max(self.latest, day)
        self._evict()
        return links

    def _restore(self, item: Item, day: float, story: str, neighbours: list[Neighbour]) -> None:
        placer = self.placer
        first, last = placer.bounds.get(story, (day, day))
        placer.bounds[story] = (min(first, day), max(last, day))
        placer.story_of[item.id] = story
        similar = [n for n in neighbours if placer.story_of.get(n.article) == story]
        self._summary(story, item).join(item, similar)

    def _summary(self, story: str, item: Item) -> Story:
        summary = self.stories.get(story)
        if summary is None:
            summary = self.stories[story] = Story(story, item.published, item.published)
        return summary

    def _evict(self) -> None:
        """Keep only what a new article can still link to."""
        horizon = self.latest - self.window.days
        gone = self.window.evict(horizon)
        for article in gone:
            self._headline.pop(article, None)
        for story in self.placer.forget(gone):
            self.stories.pop(story, None)
        self.copies.evict(self.latest - COPY_WINDOW)


def _same_days(a: frozenset[tuple[int, int]], b: frozenset[tuple[int, int]]) -> bool:
    """False only when both headlines name dates and none of them is shared."""
    return not a or not b or bool(a & b)
