"""Posts and comments from any connector or importer into the store: normalised, analysed,
stored once per platform id (a repeat refreshes the engagement counts), linked to the post
they answer, and placed in stories, a page at a time. Idempotent: the same items twice change
nothing more, and a sync cut short in the middle of a page is finished by the next one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from baochi.collect.social.items import SocialItem
from baochi.db import Store
from baochi.db.social_store import SocialStore
from baochi.db.store import social_address
from baochi.records import Article, Collected, Document, Keys, Social, digest
from baochi.settings import Settings
from baochi.social.reading import read_posts
from baochi.social.stories import Placed, place
from baochi.vi import normalize

TITLE_CHARS = 120
PAGE = 500  # items analysed together and written in one transaction


@dataclass
class IngestReport:
    """How many items were new, already known (counts refreshed), and placed in stories."""

    stored: int = 0
    known: int = 0
    placed: int = 0
    ids: list[int] = field(default_factory=list)


def _title(item: SocialItem, text: str) -> str:
    """The item's title, else the start of its first line (posts rarely have titles)."""
    if item.title.strip():
        return normalize(item.title).strip()
    line = text.strip().split("\n", 1)[0]
    return line if len(line) <= TITLE_CHARS else line[:TITLE_CHARS].rsplit(" ", 1)[0] + "…"


def _document(item: SocialItem, account_id: int | None) -> Document:
    """The item as a document: shown with its link, stored under its platform id (see
    social_address), so a comment given its post's link is a document of its own."""
    text = normalize(item.text)
    title = _title(item, text)
    url = item.url or social_address(item.platform, item.external_id)
    article = Article(
        url, title, "", text, item.published_at, (item.author,) if item.author else ()
    )
    keys = Keys(digest(f"{item.platform}:{item.external_id}"))
    social = Social(
        item.kind,
        item.platform,
        item.external_id,
        item.author,
        account_id,
        item.reactions,
        item.comments,
        item.shares,
        item.views,
    )
    return Document(article, keys, social=social)


def ingest(
    store: Store,
    items: Sequence[SocialItem],
    settings: Settings,
    account_id: int | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[IngestReport], object] | None = None,
) -> IngestReport:
    """Store and understand items a page at a time (posts before the comments that answer
    them): each page analysed in one batch and written in one transaction, and `progress`
    told of the report so far after each."""
    social = SocialStore(store.engine)
    report = IngestReport()
    latest = {(i.platform, i.external_id): i for i in items}  # the last copy of an item wins
    batch = sorted(latest.values(), key=lambda i: i.kind != "post")
    stamp = now or dt.datetime.now(dt.UTC)
    for start in range(0, len(batch), PAGE):
        _page(store, social, batch[start : start + PAGE], settings, account_id, stamp, report)
        if progress:
            progress(report)
    return report


def _answered(
    social: SocialStore,
    page: Sequence[SocialItem],
    new: set[int],
    known: dict[tuple[str, str], int],
) -> dict[int, int]:
    """Comments stored before the new items they answer (a file of comments imported before
    the file of their posts): comment id → the id of the item it answers, now stored."""
    here = {known[(item.platform, item.external_id)] for item in page}
    arrived: dict[str, list[str]] = {}
    for item in page:
        if known[(item.platform, item.external_id)] in new:
            arrived.setdefault(item.platform, []).append(item.external_id)
    linked = {}
    for platform, externals in arrived.items():
        for comment, parent in social.waiting_for(platform, externals).items():
            if comment not in here:  # linked with the rest of the page
                linked[comment] = known[(platform, parent)]
    return linked


def _ids(social: SocialStore, wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Stored document ids by (platform, platform id)."""
    by_platform: dict[str, list[str]] = {}
    for platform, external in wanted:
        by_platform.setdefault(platform, []).append(external)
    found: dict[tuple[str, str], int] = {}
    for platform, externals in by_platform.items():
        ids = social.ids_by_external(platform, externals)
        found.update({(platform, e): d for e, d in ids.items()})
    return found


def _page(
    store: Store,
    social: SocialStore,
    page: Sequence[SocialItem],
    settings: Settings,
    account_id: int | None,
    stamp: dt.datetime,
    report: IngestReport,
) -> None:
    """One page: the new items analysed and stored, every item's counts and parent refreshed,
    and the items not yet in a story placed — the new ones, and known ones a crash left out."""
    known = _ids(social, ((i.platform, i.external_id) for i in page))
    fresh = [i for i in page if (i.platform, i.external_id) not in known]
    documents = [_document(i, account_id) for i in fresh]
    readings = read_posts(
        [(d.article.title, d.article.body) for d in documents], settings.data / "models"
    )
    collected = [
        Collected(Document(d.article, d.keys, a, d.social, r), (), stamp)
        for d, (a, r) in zip(documents, readings, strict=True)
    ]
    results = store.save_documents(collected)
    new: set[int] = set()
    for item, (status, doc_id) in zip(fresh, results, strict=True):
        known[(item.platform, item.external_id)] = doc_id
        if status == "stored":
            new.add(doc_id)
            report.ids.append(doc_id)
    report.stored += len(new)
    report.known += len(page) - len(new)
    parents = {(i.platform, i.parent) for i in page if i.parent}
    known.update(_ids(social, parents - known.keys()))
    in_story = social.story_of(d for d in known.values() if d not in new)
    refresh, waiting = [], []
    for item in page:
        doc_id = known[(item.platform, item.external_id)]
        parent = known.get((item.platform, item.parent)) if item.parent else None
        refresh.append(
            {
                "id": doc_id,
                "reactions": item.reactions,
                "comments": item.comments,
                "shares": item.shares,
                "views": item.views,
                "parent_id": parent,
                "parent_external": item.parent if item.parent and parent is None else None,
            }
        )
        if doc_id not in in_story:
            when = item.published_at or stamp
            waiting.append(Placed(doc_id, item.kind, item.text, when, item.links, parent))
    answered = _answered(social, page, new, known)
    refresh += [{"id": doc_id, "parent_id": parent} for doc_id, parent in answered.items()]
    waiting += [Placed(doc_id, "comment", "", stamp, (), p) for doc_id, p in answered.items()]
    social.refresh(refresh)
    report.placed += place(social, waiting, settings.social_story_threshold)
