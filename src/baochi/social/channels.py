"""The city's own channels measured: reach and engagement per channel over weeks, the posts
that worked, the hours the audience answers, and how fast official posts followed negative
press stories (first negative article → first official post in the same story)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from baochi.db.social_store import AccountRow, SocialRow, SocialStore
from baochi.hanoi_time import HANOI

MAX_ITEMS = 20_000


@dataclass
class ChannelFigures:
    """One channel's figures over a period: totals, per week, best posts, active hours."""

    account: AccountRow
    posts: int = 0
    comments: int = 0
    reactions: int = 0
    shares: int = 0
    views: int = 0
    comment_count: int = 0  # as the platform counts them (includes comments not pulled)
    weeks: dict[str, dict[str, int]] = field(default_factory=dict)  # Monday dd/mm/yyyy → sums
    best: list[SocialRow] = field(default_factory=list)
    hours: list[int] = field(default_factory=lambda: [0] * 24)  # comments by hour, Hà Nội

    @property
    def engagement(self) -> int:
        """Reactions, comments and shares of the period's posts."""
        return self.reactions + self.comment_count + self.shares

    @property
    def per_post(self) -> float:
        """Mean engagement of a post."""
        return self.engagement / self.posts if self.posts else 0.0

    @property
    def busiest_hour(self) -> int | None:
        """The hour of the day (Hà Nội) with most comments, when there are any."""
        return max(range(24), key=lambda h: self.hours[h]) if any(self.hours) else None


@dataclass(frozen=True, slots=True)
class Response:
    """A negative press story and the first official post in it after the coverage began
    (None when none yet)."""

    story_id: int
    title: str
    first_negative: dt.datetime
    first_official: dt.datetime | None
    document_id: int | None

    @property
    def hours(self) -> float | None:
        """Hours from the first negative article to the first official post."""
        if self.first_official is None:
            return None
        return round((self.first_official - self.first_negative).total_seconds() / 3600, 1)


def _monday(when: dt.datetime) -> str:
    local = when.astimezone(HANOI).date()
    return (local - dt.timedelta(days=local.weekday())).strftime("%d/%m/%Y")


def channel_figures(
    social: SocialStore, account: AccountRow, since: dt.datetime, until: dt.datetime
) -> ChannelFigures:
    """A channel's figures between two times."""
    figures = ChannelFigures(account)
    rows = social.items(account_id=account.id, since=since, until=until, limit=MAX_ITEMS)
    weeks: dict[str, Counter[str]] = defaultdict(Counter)
    posts = []
    for row in rows:
        week = weeks[_monday(row.appeared_at)]
        if row.kind == "comment":
            figures.comments += 1
            figures.hours[row.appeared_at.astimezone(HANOI).hour] += 1
            continue
        posts.append(row)
        figures.posts += 1
        figures.reactions += row.reactions
        figures.shares += row.shares
        figures.views += row.views
        figures.comment_count += row.comments
        week.update(posts=1, reactions=row.reactions, comments=row.comments, shares=row.shares,
                    views=row.views)  # fmt: skip
    figures.weeks = {
        k: dict(v)
        for k, v in sorted(weeks.items(), key=lambda kv: kv[0][6:] + kv[0][3:5] + kv[0][:2])
    }
    figures.best = sorted(posts, key=lambda r: (-r.engagement, -r.id))[:5]
    return figures


def responses(social: SocialStore, since: dt.datetime, until: dt.datetime) -> list[Response]:
    """Negative press stories of the period and how soon an official post answered each: those
    about Hà Nội, answered or not, and any other an official post answered (the city's channels
    owe no answer to a crash abroad)."""
    posts = social.official_posts(since)
    found = []
    for story_id, (first, title, about_hanoi) in social.negative_story_starts(
        since, until, posts
    ).items():
        # the first post at or after the coverage: one before it did not answer it
        after = [(when, doc_id) for when, doc_id in posts.get(story_id, ()) if when >= first]
        when, doc_id = after[0] if after else (None, None)
        if about_hanoi or when is not None:
            found.append(Response(story_id, title, first, when, doc_id))
    return sorted(found, key=lambda r: r.first_negative, reverse=True)


def median_hours(found: list[Response]) -> float | None:
    """The median time to answer, over the stories that were answered."""
    answered = [r.hours for r in found if r.hours is not None]
    return round(statistics.median(answered), 1) if answered else None
