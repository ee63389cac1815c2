"""Posts and comments into stories: a post that shares an article's URL joins that article's
story; a post without such a link joins the story of the article it resembles most (TF-IDF
cosine over folded words, published within the story window) when close enough; a comment
joins the story of the post it answers. Nothing joins a story by being merely popular."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from baochi.db.social_store import SocialStore
from baochi.vi import fold

BEFORE = dt.timedelta(days=3)  # a post discusses news of the last days…
AFTER = dt.timedelta(days=1)  # …or comes a little before the press picks the story up
MIN_WORDS = 5  # shorter posts say too little to be placed by their words


@dataclass(frozen=True, slots=True)
class Placed:
    """A stored post or comment waiting for a story: its id, text, time, links and parent."""

    id: int
    kind: str
    text: str
    when: dt.datetime
    links: tuple[str, ...] = ()
    parent_id: int | None = None


def by_links(social: SocialStore, posts: Sequence[Placed]) -> list[tuple[int, int, str, None]]:
    """Posts sharing the URL of a stored article that is in a story."""
    found = social.article_stories({u for p in posts for u in p.links})
    joins = []
    for post in posts:
        for url in post.links:
            _, story = found.get(url, (0, None))
            if story is not None:
                joins.append((post.id, int(story), "link", None))
                break
    return joins


def by_content(
    social: SocialStore, posts: Sequence[Placed], threshold: float
) -> list[tuple[int, int, str, float]]:
    """Posts whose words are close enough to a recent article's (title and lead)."""
    posts = [p for p in posts if len(p.text.split()) >= MIN_WORDS]
    if not posts:
        return []
    start = min(p.when for p in posts) - BEFORE
    end = max(p.when for p in posts) + AFTER
    articles = social.recent_articles(start, end)
    if not articles:
        return []
    matches = best_matches([a[2] for a in articles], [p.text for p in posts])
    return [
        (post.id, articles[best][1], "content", round(score, 4))
        for post, (best, score) in zip(posts, matches, strict=True)
        if score >= threshold
    ]


def best_matches(articles: Sequence[str], posts: Sequence[str]) -> list[tuple[int, float]]:
    """For each post, the closest article (index) and its TF-IDF cosine over folded words."""
    vectorizer = TfidfVectorizer(preprocessor=fold, ngram_range=(1, 2), sublinear_tf=True)
    matrix = vectorizer.fit_transform([*articles, *posts])
    similarity = linear_kernel(matrix[len(articles) :], matrix[: len(articles)])
    return [(int(row.argmax()), float(row.max())) for row in similarity]


def place(social: SocialStore, items: Sequence[Placed], threshold: float) -> int:
    """Put the new posts and comments in stories; the number placed."""
    posts = [i for i in items if i.kind == "post"]
    joins: list[tuple[int, int, str, float | None]] = list(by_links(social, posts))
    linked = {j[0] for j in joins}
    joins += by_content(social, [p for p in posts if p.id not in linked], threshold)
    social.join_stories(joins)
    comments = [i for i in items if i.kind == "comment" and i.parent_id is not None]
    stories = social.story_of(c.parent_id for c in comments if c.parent_id is not None)
    answered = [
        (c.id, stories[c.parent_id], "parent", None)
        for c in comments
        if c.parent_id is not None and c.parent_id in stories
    ]
    social.join_stories(answered)
    return len(joins) + len(answered)
