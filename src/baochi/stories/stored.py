"""Stories of stored documents, a background stage after collection: documents in no story yet
are linked into stories by an index kept in memory, rebuilt from the store after a restart or
after another process wrote placements, and persisted. Conflicts that older conflict rules found
are checked again with today's before new documents are placed.

One process places at a time, the holder of the placer lease; any worker may take it over.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Sequence

from sqlalchemy import Engine

from baochi.db.stories_store import Assignment, ConflictRecord, StoryDocument, StoryStore
from baochi.stories.cluster import DEFAULTS, Params
from baochi.stories.conflicts import RULES, Conflict, find_conflicts
from baochi.stories.features import Item
from baochi.stories.link import ArticleLink, Linker

# Older documents whose words warm the term weights when the index is rebuilt.
WARM_DAYS = 14.0
WARM_LIMIT = 20_000
PLACE_BATCH = 500  # documents linked and written per transaction by place_pending
RECHECK_BATCH = 200  # pairs of articles whose older conflicts are checked per transaction


def item_of_document(doc: StoryDocument) -> Item:
    """The story stage's view of a stored document."""
    return Item(str(doc.id), doc.title, doc.text, doc.appeared_at, doc.outlet)


class StoryAssigner:
    """Links stored documents into stories and writes the result; thread-safe."""

    def __init__(self, engine: Engine, params: Params = DEFAULTS) -> None:
        self.store = StoryStore(engine)
        self.params = params
        self._linker: Linker | None = None
        self._generation = -1  # the store's generation that the in-memory index reflects
        self._lock = threading.Lock()

    def assign(self, document_ids: Sequence[int]) -> list[ArticleLink]:
        """Place the documents not yet in a story, in arrival order, and persist stories,
        copies and conflicts; ids already placed are skipped, so a repeat does nothing."""
        with self._lock:
            docs = self.store.documents(document_ids)
            if not docs:
                return []
            if self._linker is None or self.store.generation() != self._generation:
                self._generation = self.store.generation()
                self._linker = self._rebuild()
            linker = self._linker
            links = linker.link([item_of_document(d) for d in docs])
            assignments = [
                Assignment(
                    int(link.article),
                    int(link.story),
                    None if link.duplicate_of is None else int(link.duplicate_of),
                    link.similarity,
                )
                for link in links
            ]
            conflicts = [
                _record(int(link.story), int(link.article), int(other), c)
                for link in links
                for other, c in link.conflicts
            ]
            titles = {int(link.story): link.story_title for link in links}  # the latest wins
            now = dt.datetime.now(dt.UTC)
            generation = self.store.save(assignments, conflicts, titles, now, RULES)
            if generation == self._generation + 1:
                self._generation = generation
            else:  # another process wrote placements meanwhile: the index misses them
                self._linker = None
            return links

    def place_pending(self, owner: str, lease_seconds: float, batch: int = PLACE_BATCH) -> int:
        """Check older rules' conflicts again, then place every stored document that is in no
        story yet, batch by batch, while holding the placer lease; how many were placed (0 when
        another process holds the lease)."""
        placed = 0
        try:
            while True:
                now = dt.datetime.now(dt.UTC)
                until = now + dt.timedelta(seconds=lease_seconds)
                if not self.store.claim_placer(owner, now, until):
                    break
                if self.recheck_conflicts():
                    continue  # older rules' flags first, a batch of pairs per renewed lease
                pending = self.store.unplaced(batch)
                links = self.assign(pending) if pending else []
                if not links:
                    break
                placed += len(links)
        finally:
            self.store.release_placer(owner)
        return placed

    def recheck_conflicts(self, batch: int = RECHECK_BATCH) -> int:
        """Check again, with today's rules, pairs of articles whose conflicts older rules found:
        a pair that no longer conflicts loses its flag, one that still does keeps when it was
        first flagged. How many pairs were checked (0 when none is left)."""
        with self._lock:
            pairs = self.store.stale_conflicts(RULES, batch)
            if not pairs:
                return 0
            ids = sorted({i for _, later, earlier in pairs for i in (later, earlier)})
            found = {d.id: item_of_document(d) for d in self.store.documents(ids, unplaced=False)}
            conflicts = [
                _record(story, later, earlier, c)
                for story, later, earlier in pairs
                if later in found and earlier in found
                for c in find_conflicts(found[later], found[earlier])
            ]
            self.store.replace_conflicts(pairs, conflicts, RULES, dt.datetime.now(dt.UTC))
            return len(pairs)

    def catch_up(self, since: dt.datetime) -> list[ArticleLink]:
        """Assign every document since `since` that is in no story yet (after a crash between
        storing and assigning, or for documents stored before stories were enabled)."""
        pending = [d.id for d in self.store.history(since) if d.story_id is None]
        return self.assign(pending)

    def _rebuild(self) -> Linker:
        """A linker holding the recent assigned documents where they were placed."""
        linker = Linker(self.params)
        latest = self.store.latest_appearance()
        if latest is None:
            return linker
        start = latest - dt.timedelta(days=linker.index.window.days)
        warm = self.store.history(start - dt.timedelta(days=WARM_DAYS), start, limit=WARM_LIMIT)
        linker.index.warm(item_of_document(d) for d in warm)
        recent = [d for d in self.store.history(start) if d.story_id is not None]
        known = {
            str(d.id): (str(d.story_id), None if d.duplicate_of is None else str(d.duplicate_of))
            for d in recent
        }
        linker.restore([item_of_document(d) for d in recent], known)
        return linker


def _record(story: int, later: int, earlier: int, c: Conflict) -> ConflictRecord:
    """A conflict of two stored articles of a story, as the store writes it."""
    return ConflictRecord(
        story, later, earlier, c.type, c.span, c.other_span, c.sentence, c.other_sentence
    )


_assigners: weakref.WeakKeyDictionary[Engine, StoryAssigner] = weakref.WeakKeyDictionary()
_assigners_lock = threading.Lock()


def _assigner(engine: Engine) -> StoryAssigner:
    """The assigner of this engine in this process, with its in-memory index."""
    with _assigners_lock:
        assigner = _assigners.get(engine)
        if assigner is None:
            assigner = _assigners[engine] = StoryAssigner(engine)
    return assigner


def assign(engine: Engine, document_ids: Sequence[int]) -> list[ArticleLink]:
    """Link these stored documents into stories (those not in one yet)."""
    return _assigner(engine).assign(document_ids)


def place_pending(engine: Engine, owner: str, lease_seconds: float) -> int:
    """Place every document in no story yet, if no other process holds the placer lease; the
    collection loop runs this after each pass, `baochi collect --once` after its pass."""
    return _assigner(engine).place_pending(owner, lease_seconds)
