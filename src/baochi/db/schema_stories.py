"""The stories tables: each story with its summary, which story every article joined (and the
earlier article it copies), and the facts its reports disagree on.

A story's id is the id of its first document, so it is stable and needs no sequence; documents
are referenced by key since they live in the root revision.
"""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, String, Table, Text

from baochi.db.schema import UTCDateTime, metadata

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # its first document's id
    Column("title", Text, nullable=False),  # the title of its most central article
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("articles", Integer, nullable=False),
    Column("copies", Integer, nullable=False, server_default="0"),
    Column("outlets", Integer, nullable=False, server_default="0"),  # distinct outlets
    Column("conflicts", Integer, nullable=False, server_default="0"),
    Column(
        "summary", Text, nullable=False, server_default="{}"
    ),  # JSON: outlets, tones, topic, places
    Column("updated_at", UTCDateTime, nullable=False),
)
Index("ix_stories_last_seen", stories.c.last_seen)

story_articles = Table(
    "story_articles",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("duplicate_of", Integer, ForeignKey("documents.id")),  # the earlier copy, if any
    Column("similarity", Float),  # cosine to its closest member when it joined
    Column("added_at", UTCDateTime, nullable=False),
)
Index("ix_story_articles_story", story_articles.c.story_id)
Index("ix_story_articles_copy", story_articles.c.duplicate_of)  # an article's copies

# One row per conflicting pair of phrases; `fingerprint` makes a repeated assignment write nothing.
story_conflicts = Table(
    "story_conflicts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),  # the later one
    Column("other_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("type", String(20), nullable=False),  # number, time_place, actor, outcome
    Column("span", Text, nullable=False),
    Column("other_span", Text, nullable=False),
    Column("sentence", Text, nullable=False, server_default=""),
    Column("other_sentence", Text, nullable=False, server_default=""),
    Column("fingerprint", String(32), nullable=False, unique=True),
    Column("found_at", UTCDateTime, nullable=False),  # when its pair of articles was first flagged
    Column("rules", Integer, nullable=False, server_default="0"),  # conflicts.RULES that found it
)
Index("ix_story_conflicts_story", story_conflicts.c.story_id)
Index("ix_story_conflicts_rules", story_conflicts.c.rules)  # each placer pass asks for older ones

# One row: which worker places new documents in stories now (a lease, as for hosts), and a
# generation bumped by every write of placements, so a process whose in-memory index missed
# another's writes knows to rebuild it.
story_placer = Table(
    "story_placer",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1
    Column("owner", String(200), nullable=False, server_default=""),
    Column("lease_until", UTCDateTime),
    Column("generation", Integer, nullable=False, server_default="0"),
)
