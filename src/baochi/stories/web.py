"""Chuỗi tin pages and API: the latest stories, and one story with its timeline, tone mix, places
and outlets, its articles (copies folded under the article they repeat) and its conflicting
reports side by side, with their outlets."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from baochi.db import DocumentRow
from baochi.db.stories_store import ConflictView, StoryArticle, StoryRow, StoryStore
from baochi.db.web_store import User
from baochi.hanoi_time import HANOI
from baochi.labels import TONES, label_name
from baochi.records import split_areas
from baochi.social.discussion import social_context
from baochi.stories.copies import disputed, grouped, repeats
from baochi.stories.disagreements import disagreements
from baochi.web.auth import READERS, require
from baochi.web.cache import DASHBOARD_SECONDS, cached
from baochi.web.exports import newest_only, page_link, xlsx_response
from baochi.web.paging import Page, page_of
from baochi.web.searching import search_link
from baochi.web.templating import NavItem, Panel, render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/stories", tags=["stories"])
NAV = (NavItem(30, "/stories", "Chuỗi tin", READERS),)
Reader = Annotated[User, Depends(require(*READERS))]
CONFLICT_TYPES = {
    "number": "Số liệu",
    "time_place": "Thời gian, địa điểm",
    "actor": "Người chịu trách nhiệm",
    "outcome": "Kết quả sự việc",
}
EXPORT_LIMIT = 5000
PAGE_SIZE = 100
# A story shorter than this is drawn hour by hour; a longer one day by day.
HOURLY_SPAN = dt.timedelta(days=3)


def _store(request: Request) -> StoryStore:
    return StoryStore(request.app.state.store.engine)


def _story(request: Request, story_id: int) -> StoryRow:
    story = _store(request).story(story_id)
    if story is None:
        raise HTTPException(404, "không tìm thấy chuỗi tin")
    return story


def timeline(story_id: int, articles: list[StoryArticle]) -> dict[str, Any]:
    """Articles per hour (or per day for a long story) in Hà Nội time, empty buckets included;
    a bar leads to the story's articles of its day."""
    if not articles:
        return {"labels": [], "series": [], "series_links": [], "hourly": True}
    times = [a.appeared_at.astimezone(HANOI) for a in articles]
    hourly = max(times) - min(times) <= HOURLY_SPAN
    step = dt.timedelta(hours=1) if hourly else dt.timedelta(days=1)
    start = min(times).replace(minute=0, second=0, microsecond=0)
    if not hourly:
        start = start.replace(hour=0)
    counts = [0] * (int((max(times) - start) / step) + 1)
    for moment in times:
        counts[int((moment - start) / step)] += 1
    shape = "%d/%m %Hh" if hourly else "%d/%m/%Y"
    buckets = [start + i * step for i in range(len(counts))]
    return {
        "labels": [b.strftime(shape) for b in buckets],
        "series": counts,
        "series_links": [
            search_link(f"story:{story_id} date:{b:%Y-%m-%d}") if n else ""
            for b, n in zip(buckets, counts, strict=True)
        ],
        "hourly": hourly,
    }


def marked(sentence: str, span: str) -> tuple[str, str, str]:
    """The sentence cut around the phrase, so the page can mark it (each part escaped)."""
    start = sentence.find(span)
    if not span or start < 0:
        return span, "", ""
    return sentence[:start], span, sentence[start + len(span) :]


@dataclass(frozen=True, slots=True)
class Side:
    """One side of a point of disagreement as a page shows it: its sentence cut around the
    phrase, and the articles stating it (outlet, document id, whether the outlet is the
    city's own), each linked."""

    sentence: tuple[str, str, str]
    articles: list[tuple[str, int, bool]]


def side_by_side(conflicts: list[ConflictView]) -> list[tuple[ConflictView, Side, Side]]:
    """Each point of disagreement once, however many pairs of articles state it, with every
    outlet on either side (a figure one outlet gives against five is one row, not five)."""
    article: dict[str, tuple[int, bool]] = {}
    for c in conflicts:
        article.setdefault(c.outlet or c.title, (c.document_id, c.official))
        article.setdefault(c.other_outlet or c.other_title, (c.other_id, c.other_official))
    named = [
        replace(c, outlet=c.outlet or c.title, other_outlet=c.other_outlet or c.other_title)
        for c in conflicts
    ]

    def side(sentence: str, span: str, outlets: list[str]) -> Side:
        return Side(marked(sentence, span), [(o, *article[o]) for o in outlets])

    return [
        (c, side(c.sentence, c.span, ours), side(c.other_sentence, c.other_span, theirs))
        for c, ours, theirs in disagreements(named)
    ]


@dataclass(frozen=True, slots=True)
class Shown:
    """The stories list's filters, as its links carry them."""

    outlets: int = 1  # told by at least this many outlets
    conflicts: bool = False  # only those whose reports disagree
    days: int = 0  # seen in the last days; 0 for any time
    largest: bool = False  # the most articles first, instead of the latest

    @property
    def filtered(self) -> bool:
        """Whether any filter is set (the list then says when nothing passes)."""
        return self != Shown()

    def stories(self, request: Request, limit: int, offset: int = 0) -> list[StoryRow]:
        """The stories that pass, in the order asked, from `offset` on."""
        return _store(request).stories(
            self.since(), limit, self.outlets, self.conflicts, offset, self.largest
        )

    def since(self) -> dt.datetime | None:
        """The start of the time shown, None for any time."""
        return dt.datetime.now(dt.UTC) - dt.timedelta(days=self.days) if self.days else None

    def query(self) -> dict[str, str]:
        """The filters as link parameters, the defaults left out."""
        return {
            "outlets": str(self.outlets) if self.outlets > 1 else "",
            "conflicts": "true" if self.conflicts else "",
            "days": str(self.days) if self.days else "",
            "sort": "articles" if self.largest else "",
        }


def _shown(
    outlets: Annotated[int, Query(ge=1, le=100)] = 1,
    conflicts: bool = False,
    days: Annotated[int, Query(ge=0, le=3660)] = 0,
    sort: Annotated[str, Query(pattern="^(|latest|articles)$")] = "",
) -> Shown:
    """The filters from the query string, checked: a wrong one is a 422 that names it."""
    return Shown(outlets, conflicts, days, sort == "articles")


Filters = Annotated[Shown, Depends(_shown)]


@router.get("/stories")
def stories_page(request: Request, user: Reader, shown: Filters, page: Page = 1) -> Response:
    """The latest stories, a page at a time: when seen, how many articles, copies, outlets and
    conflicts."""
    found, following = page_of(partial(shown.stories, request), page, PAGE_SIZE)
    context = {
        "title": "Chuỗi tin",
        "stories": found,
        "shown": shown,
        "page": page,
        "following": following,
    }
    return render(request, "stories/list.html", context)


@router.get("/stories/export.xlsx")
def export_stories(request: Request, user: Reader, shown: Filters) -> Response:
    """The latest stories as filtered, as an Excel workbook with a link to each."""
    listed, preface = newest_only(
        shown.stories(request, EXPORT_LIMIT + 1), EXPORT_LIMIT, "chuỗi tin"
    )
    rows = [
        (
            s.title,
            s.first_seen,
            s.last_seen,
            s.articles,
            s.copies,
            s.outlets,
            s.conflicts,
            label_name("topic", s.summary.get("topic")),
            page_link(request, f"/stories/{s.id}"),
        )
        for s in listed
    ]
    header = (
        "Chuỗi tin",
        "Xuất hiện",
        "Gần nhất",
        "Bài",
        "Bản sao",
        "Cơ quan báo chí",
        "Mâu thuẫn",
        "Chủ đề",
        "Liên kết",
    )
    return xlsx_response("chuoi-tin.xlsx", "Chuỗi tin", header, rows, preface)


@router.get("/stories/{story_id:id}")
def story_page(request: Request, story_id: int, user: Reader) -> Response:
    """One story: its articles with their copies, where it happens (the main places, and the
    districts and wards its articles name up front), and where its reports disagree."""
    story = _story(request, story_id)
    store = _store(request)
    conflicts = store.conflicts(story_id)
    articles = store.articles(story_id)
    items = grouped(articles, disputes=disputed(conflicts))
    context = {
        "title": story.title,
        "story": story,
        "articles": items,
        "copies": sum(len(copies) for _, copies in items),
        "conflicts": side_by_side(conflicts),
        "types": CONFLICT_TYPES,
        "tones": [(t, TONES[t], n) for t in TONES if (n := story.summary.get("tone", {}).get(t))],
        "places": _ranked(story.summary.get("place", {})),
        "areas": _ranked(Counter(a for article in articles for a in split_areas(article.areas))),
        "outlets": _ranked(story.summary.get("outlets", {})),
        "chart": timeline(story.id, articles),
        "panels": [
            panel
            for make in getattr(request.app.state, "story_panels", ())
            if (panel := make(request, user, story.id)) is not None
        ],
        **social_context(request.app.state.store.engine, story_id),
    }
    return render(request, "stories/story.html", context)


@router.get("/stories/{story_id:id}/export.xlsx")
def export_story(request: Request, story_id: int, user: Reader) -> Response:
    """One story's coverage as an Excel workbook: every article, its labels, and the article a
    copy repeats, for the department a case is sent to or the leader's office."""
    story = _story(request, story_id)
    articles = _store(request).articles(story_id)
    titles = {a.document_id: a.outlet or a.title for a in articles}
    rows = [
        (
            a.appeared_at,
            a.outlet,
            a.title,
            label_name("topic", a.topic),
            label_name("tone", a.tone),
            a.place or "",
            ", ".join(split_areas(a.areas)),
            titles.get(a.duplicate_of, "") if a.duplicate_of else "",
            a.url,
        )
        for a in articles
    ]
    header = (
        "Thời gian",
        "Cơ quan báo chí",
        "Tiêu đề",
        "Chủ đề",
        "Sắc thái",
        "Địa điểm",
        "Quận, phường, xã",
        "Bản sao của",
        "Liên kết",
    )
    preface = [("Chuỗi tin", story.title), ("Liên kết", page_link(request, f"/stories/{story_id}"))]
    return xlsx_response(f"chuoi-tin-{story_id}.xlsx", "Các bài", header, rows, preface)


COPIES_SHOWN = 20  # a wire story's copies beyond these are on the story page


def document_panel(request: Request, user: User, doc: DocumentRow) -> Panel | None:
    """An article's story on its page: how big it is, the earlier article this one copies or
    the copies that repeat it, and where other reports of the story disagree with this one."""
    store = _store(request)
    if user.role not in READERS or not store.available():
        return None
    story_id = store.story_of(doc.id)
    story = store.story(story_id) if story_id is not None else None
    if story is None:
        return None
    conflicts = store.document_conflicts(story.id, doc.id)
    disputes = disputed(conflicts)
    this = store.article(doc.id)
    copied = repeats(this, disputes) if this else None
    original = store.article(copied) if copied else None
    copies = [c for c in store.copies_of(doc.id) if repeats(c, disputes) == doc.id]
    if story.articles < 2 and not (original or copies or conflicts):
        return None  # an article alone in its story: the card would only repeat its labels
    context = {
        "story": story,
        "original": original,
        "copies": copies[:COPIES_SHOWN],
        "more_copies": len(copies) - COPIES_SHOWN,
        "conflicts": side_by_side([c.facing(doc.id) for c in conflicts]),
        "types": CONFLICT_TYPES,
    }
    return Panel(10, "Chuỗi tin của bài này", "stories/_document.html", context)


def _ranked(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


RISING = Shown(outlets=2, days=1)  # what the dashboard calls rising: told by several outlets today


def dashboard_panel(request: Request, user: User) -> Panel | None:
    """The stories with most new articles in the last day among those several outlets told in
    it, each beside its day before (new, growing or fading), shared by readers for as long as
    the dashboard's own figures."""
    store = _store(request)
    if user.role not in READERS or not store.available():
        return None
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=RISING.days)
    rising = cached(
        request.app.state.cache,
        "stories.rising",
        DASHBOARD_SECONDS,
        lambda: store.rising(since, 8, RISING.outlets),
    )
    return Panel(
        25,
        "Chuỗi tin đang nổi",
        "stories/_panel.html",
        {"stories": rising, "query": RISING.query()},
    )


def _story_json(story: StoryRow) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "first_seen": story.first_seen.isoformat(),
        "last_seen": story.last_seen.isoformat(),
        "articles": story.articles,
        "copies": story.copies,
        "outlets": story.outlets,
        "conflicts": story.conflicts,
        "summary": story.summary,
    }


def _conflict_json(c: ConflictView) -> dict[str, Any]:
    return {
        "type": c.type,
        "document_id": c.document_id,
        "outlet": c.outlet,
        "official": c.official,
        "span": c.span,
        "sentence": c.sentence,
        "other_id": c.other_id,
        "other_outlet": c.other_outlet,
        "other_official": c.other_official,
        "other_span": c.other_span,
        "other_sentence": c.other_sentence,
    }


@api.get("")
def api_stories(
    request: Request,
    user: Reader,
    shown: Filters,
    limit: int = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """The latest stories, filtered as the list page is (`outlets`, `conflicts`, `days`), from
    `offset` on, so a client can read past the first page."""
    found = shown.stories(request, max(1, min(limit, 500)), offset)
    return {"items": [_story_json(s) for s in found]}


@api.get("/{story_id:id}")
def api_story(request: Request, story_id: int, user: Reader) -> dict[str, Any]:
    """One story with its articles (copies pointing at their original) and its conflicts."""
    story = _story(request, story_id)
    store = _store(request)
    return {
        **_story_json(story),
        "items": [
            {
                "document_id": a.document_id,
                "title": a.title,
                "url": a.url,
                "outlet": a.outlet,
                "appeared_at": a.appeared_at.isoformat(),
                "duplicate_of": a.duplicate_of,
                "topic": a.topic,
                "tone": a.tone,
                "place": a.place,
            }
            for a in store.articles(story_id)
        ],
        "conflict_list": [_conflict_json(c) for c in store.conflicts(story_id)],
    }


APIS = (api,)  # the JSON API, apart from the pages: OpenAPI lists it
