"""Stories in the store: placement writes stories, copies and conflicts once, an index rebuilt
after a restart keeps joining new articles to the stories already stored, and the background
stage places every unplaced document under a lease, whichever process runs it, after checking
again the conflicts that older rules found."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys

from sqlalchemy import inspect, text, update

from baochi.db import Store
from baochi.db.schema_stories import story_placer
from baochi.db.stories_store import Assignment, ConflictRecord, StoryStore
from baochi.stories import StoryAssigner, assign, place_pending
from baochi.stories.conflicts import RULES
from baochi.stories.data import read_corpus
from tests.conftest import SHARED_DATA
from tests.stories.conftest import ORIGINAL, Corpus, conflict_pair, save


def test_assign_writes_stories_copies_and_conflicts_once(store: Store, corpus: Corpus) -> None:
    crash_a, crash_b = conflict_pair(corpus, 54)  # "3 người thương vong" vs "5 người thương vong"
    other = corpus.slice[0]
    ids = [
        save(store, crash_a, "vnexpress.net"),
        save(store, crash_b, "dantri.com.vn"),
        save(store, other, "tuoitre.vn"),
    ]
    links = assign(store.engine, ids)
    assert [int(link.article) for link in links] == ids  # arrival order: June, then July
    stories = StoryStore(store.engine)
    story_of = {int(link.article): int(link.story) for link in links}
    assert story_of[ids[0]] == story_of[ids[1]] != story_of[ids[2]]
    story = stories.story(story_of[ids[0]])
    assert story is not None
    assert (story.articles, story.outlets, story.conflicts, story.copies) == (2, 2, 1, 0)
    assert story.title in (crash_a.title, crash_b.title)
    assert story.first_seen == min(crash_a.published, crash_b.published)
    assert story.summary["outlets"] == {"vnexpress.net": 1, "dantri.com.vn": 1}
    (conflict,) = stories.conflicts(story.id)
    assert conflict.type == "number"
    sides = {conflict.outlet: conflict.span, conflict.other_outlet: conflict.other_span}
    assert sides == {"vnexpress.net": "3 người thương vong", "dantri.com.vn": "5 người thương vong"}
    assert conflict.span in conflict.sentence and conflict.other_span in conflict.other_sentence
    assert [a.document_id for a in stories.articles(story.id)] == ids[:2]
    if "story_id" in {c["name"] for c in inspect(store.engine).get_columns("documents")}:
        with store.engine.connect() as conn:
            labels = dict(conn.execute(text("SELECT id, story_id FROM documents")).all())
        assert labels == story_of  # search facets and spike counts see the stories

    assert assign(store.engine, ids) == []  # a repeat writes nothing
    assert stories.story(story.id) == story
    assert len(stories.conflicts(story.id)) == 1


def test_a_restarted_index_joins_new_articles_to_stored_stories(
    store: Store, corpus: Corpus
) -> None:
    first, second = conflict_pair(corpus, 2)  # one UN statement on Mosul, two outlets
    first_id = save(store, first, "vietnamplus.vn")
    (link,) = StoryAssigner(store.engine).assign([first_id])
    assert link.story == str(first_id) and link.duplicate_of is None

    restarted = StoryAssigner(store.engine)  # a new process: the index comes from the store
    body = first.text.partition("\n")[2]
    sentences = body.split(". ")
    copy_id = save(store, first, "baotintuc.vn", body=". ".join(sentences[:-1]))
    second_id = save(store, second, "nhandan.vn")
    links = {int(x.article): x for x in restarted.assign([copy_id, second_id])}
    assert links[copy_id].duplicate_of == str(first_id)
    assert links[copy_id].story == links[second_id].story == str(first_id)
    stored = StoryStore(store.engine).story(first_id)
    assert stored is not None and (stored.articles, stored.copies, stored.outlets) == (3, 1, 3)
    articles = StoryStore(store.engine).articles(first_id)
    assert {a.document_id: a.duplicate_of for a in articles} == {
        first_id: None,
        copy_id: first_id,
        second_id: None,
    }


def test_catch_up_assigns_what_was_stored_before_stories_ran(store: Store, corpus: Corpus) -> None:
    first, second = conflict_pair(corpus, 54)
    ids = [save(store, first, "vnexpress.net"), save(store, second, "dantri.com.vn")]
    assigner = StoryAssigner(store.engine)
    links = assigner.catch_up(min(first.published, second.published))
    assert sorted(int(link.article) for link in links) == ids
    assert len({link.story for link in links}) == 1
    assert assigner.catch_up(first.published) == []


def test_place_pending_places_what_is_unplaced_once_under_the_lease(
    store: Store, corpus: Corpus
) -> None:
    first, second = conflict_pair(corpus, 54)
    ids = [save(store, first, "vnexpress.net"), save(store, second, "dantri.com.vn")]
    stories = StoryStore(store.engine)
    now = dt.datetime.now(dt.UTC)
    assert stories.claim_placer("other", now, now + dt.timedelta(minutes=5))
    assert place_pending(store.engine, "me", 60) == 0  # another worker holds the lease
    assert stories.unplaced(10) == ids
    stories.release_placer("other")
    assert place_pending(store.engine, "me", 60) == 2
    assert stories.unplaced(10) == []
    assert place_pending(store.engine, "me", 60) == 0  # a repeat places nothing
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM story_articles")).scalar() == 2
    # the lease was given back: another worker can take it at once
    assert stories.claim_placer("other", now, now + dt.timedelta(minutes=5))


def test_a_placer_lease_of_a_killed_process_of_this_machine_is_free_at_once(
    store: Store,
) -> None:
    """A killed `collect --once` held story placement for the whole lease; another machine's
    holder, or a live one, is still waited for."""
    stories = StoryStore(store.engine)
    now = dt.datetime.now(dt.UTC)
    until = now + dt.timedelta(minutes=10)
    with subprocess.Popen([sys.executable, "-c", ""]) as ended:
        pass  # waited for: its pid names no process now
    here = socket.gethostname()
    for holder in (f"{here}x:{ended.pid}:0badf00d", f"{here}:{os.getpid()}:1badf00d"):
        stories.release_placer("me")
        with store.engine.begin() as conn:
            conn.execute(update(story_placer).values(owner=holder, lease_until=until))
        assert not stories.claim_placer("me", now, until), holder
    with store.engine.begin() as conn:
        conn.execute(update(story_placer).values(owner=f"{here}:{ended.pid}:2badf00d"))
    assert stories.claim_placer("me", now, until)
    assert not stories.claim_placer("other", now, until)  # and now "me" holds it


def test_a_placer_rebuilds_its_index_after_another_process_placed(
    store: Store, corpus: Corpus
) -> None:
    first, second = conflict_pair(corpus, 2)  # two reports of one statement
    here, there = StoryAssigner(store.engine), StoryAssigner(store.engine)
    others = (i for i in corpus.by_id.values() if i.id not in (first.id, second.id))
    neighbour = min(others, key=lambda i: abs(i.published - first.published))  # same days
    unrelated = save(store, neighbour, "tuoitre.vn")
    here.place_pending("here", 60)  # `here` holds an index built before `there` writes
    first_id = save(store, first, "vietnamplus.vn")
    assert there.place_pending("there", 60) == 1
    second_id = save(store, second, "nhandan.vn")
    assert here.place_pending("here", 60) == 1
    articles = {a.document_id for a in StoryStore(store.engine).articles(first_id)}
    assert articles == {first_id, second_id}  # `here` saw the story `there` started
    assert unrelated not in articles


def test_conflicts_older_rules_found_are_checked_again_and_not_announced_again(
    store: Store, corpus: Corpus
) -> None:
    """After an upgrade, a conflict that an older baochi flagged and today's rules do not find
    (a gold price against its change) goes; a true one stays, flagged when it was first."""
    stories = StoryStore(store.engine)
    crash_a, crash_b = conflict_pair(corpus, 54)
    crash = [save(store, crash_a, "vtv.vn"), save(store, crash_b, "vov.vn")]
    assert place_pending(store.engine, "me", 60) == 2
    flagged = dt.datetime(2026, 11, 1, 7, tzinfo=dt.UTC)
    with store.engine.begin() as conn:  # as the older version stored it
        conn.execute(text("UPDATE story_conflicts SET rules = 0, found_at = :t"), {"t": flagged})
    (true,) = stories.conflicts(crash[0])
    assert true.found_at == flagged
    gold_a, gold_b = read_corpus(SHARED_DATA, lambda n: n in (21472255, 21472965))
    gold = [save(store, gold_a, "sjc.com.vn"), save(store, gold_b, "thanhnien.vn")]
    stale = ConflictRecord(
        gold[0], gold[1], gold[0], "number", "37,20 triệu đồng/lượng", "150.000 đồng/lượng"
    )
    placed = [Assignment(i, gold[0], None, None) for i in gold]
    stories.save(placed, [stale], {gold[0]: gold_a.title}, flagged, rules=0)
    assert [s.conflicts for s in map(stories.story, (crash[0], gold[0])) if s] == [1, 1]
    assert len(stories.stale_conflicts(RULES, 10)) == 2

    assert place_pending(store.engine, "me", 60) == 0  # nothing to place, two pairs rechecked
    assert stories.stale_conflicts(RULES, 10) == []
    assert stories.conflicts(gold[0]) == []
    assert [s.conflicts for s in map(stories.story, (crash[0], gold[0])) if s] == [1, 0]
    assert stories.conflicts(crash[0]) == [true]  # the same row, flagged when it was first
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    assert stories.conflicts_found(flagged, later) == []  # no alert announces it again
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT rules FROM story_conflicts")).scalars().all() == [RULES]


def test_a_wire_story_word_for_word_in_two_outlets_is_a_copy_in_its_story(
    store: Store, corpus: Corpus
) -> None:
    """The store keeps the second outlet's identical text, and its story counts both outlets
    and shows the later as a copy of the first."""
    wire = corpus.by_id[ORIGINAL]
    ids = [save(store, wire, "vietnamplus.vn"), save(store, wire, "baotintuc.vn")]
    links = assign(store.engine, ids)
    assert [link.duplicate_of for link in links] == [None, str(ids[0])]
    story = StoryStore(store.engine).story(int(links[0].story))
    assert story is not None and (story.articles, story.copies, story.outlets) == (2, 1, 2)
