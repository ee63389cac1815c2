"""The two text indexes (SQLite FTS5), kept in step with the documents through a queue that
triggers fill: every folded syllable and every pair of neighbouring syllables, and the same with
diacritics (one tone placement) for exact terms.

A Vietnamese word is two or three syllables drawn from a few thousand ("hà nội", "giao thông"), so
a phrase over single syllables reads the position lists of the commonest tokens of the language;
indexing the pairs too makes a two-syllable word one short token lookup.

    "Hà Nội ngập" → "ha ha_noi noi noi_ngap ngap"      (positions 0..4)

A phrase of n syllables is the run "s1_s2 s2 s2_s3 … sn-1_sn": consecutive positions, so FTS5's
own phrase matching stays exact.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.engine import Connection

from baochi.db.schema import documents
from baochi.db.schema_search import search_pending
from baochi.vi import fold, match_key
from baochi.vi.syllables import split_tone

# Contentless FTS5 tables forget the text: deleting a row means giving its tokens again.
_INSERT_WORDS = text("INSERT INTO search_words(rowid, title, body) VALUES (:id, :title, :body)")
_INSERT_EXACT = text("INSERT INTO search_exact(rowid, title, body) VALUES (:id, :title, :body)")
_DELETE_WORDS = text(
    "INSERT INTO search_words(search_words, rowid, title, body) "
    "VALUES ('delete', :id, :title, :body)"
)
_DELETE_EXACT = text(
    "INSERT INTO search_exact(search_exact, rowid, title, body) "
    "VALUES ('delete', :id, :title, :body)"
)
_EMPTY = (
    text("INSERT INTO search_words(search_words) VALUES ('delete-all')"),
    text("INSERT INTO search_exact(search_exact) VALUES ('delete-all')"),
)
PAIR = "_"
BATCH = 500
MAX_SPELLINGS = 16
_SYLLABLE = re.compile(r"[^\W_]+")


def interleave(syllables: Sequence[str]) -> str:
    """Syllables with each neighbouring pair joined in between: a b c → a a_b b b_c c."""
    out: list[str] = []
    for i, syllable in enumerate(syllables):
        out.append(syllable)
        if i + 1 < len(syllables):
            out.append(syllable + PAIR + syllables[i + 1])
    return " ".join(out)


def folded_syllables(text: str) -> list[str]:
    """Syllables without diacritics, đ → d, lower-case: what the words index matches."""
    return _SYLLABLE.findall(fold(text))


def exact_syllables(text: str) -> list[str]:
    """Lower-case syllables with their diacritics as written (NFC): what the exact index holds."""
    return _SYLLABLE.findall(text.lower())


def tone_spellings(syllable: str) -> tuple[str, ...]:
    """A lower-case syllable as typed and in both tone placements the press uses: classic on the
    first vowel of an open "oa", "oe", "uy" (hòa, khỏe, thủy), newer on the second (hoà, khoẻ)."""
    classic = match_key(syllable)
    plain, marks = split_tone(classic)
    spellings = [syllable, classic]
    # Only when the classic mark sits on the first vowel of the pair ("quý" has one placement).
    if len(marks) == 1 and plain[-2:] in ("oa", "oe", "uy") and classic[-2] != plain[-2]:
        spellings.append(plain[:-1] + unicodedata.normalize("NFC", plain[-1] + marks))
    return tuple(dict.fromkeys(spellings))


def exact_phrases(syllables: Sequence[str]) -> list[tuple[str, ...]]:
    """Every spelling of an exact phrase over tone placements; just as typed if too many."""
    options = [tone_spellings(s) for s in exact_syllables(" ".join(syllables))]
    if math.prod(len(o) for o in options) > MAX_SPELLINGS:
        return [tuple(o[0] for o in options)]
    return list(itertools.product(*options))


def phrase_tokens(syllables: Sequence[str]) -> list[str]:
    """The index tokens whose consecutive run means this phrase (one syllable: itself)."""
    tokens = [syllables[0]] if len(syllables) == 1 else []
    for i in range(len(syllables) - 1):
        if i:
            tokens.append(syllables[i])
        tokens.append(syllables[i] + PAIR + syllables[i + 1])
    return tokens


def _rows(docs: Sequence[tuple[int, str, str]]) -> tuple[list[dict], list[dict]]:
    words = [
        {"id": i, "title": interleave(folded_syllables(t)), "body": interleave(folded_syllables(b))}
        for i, t, b in docs
    ]
    exact = [
        {"id": i, "title": interleave(exact_syllables(t)), "body": interleave(exact_syllables(b))}
        for i, t, b in docs
    ]
    return words, exact


def _write(conn: Connection, docs: Sequence[tuple[int, str, str]], remove: bool) -> None:
    """Insert index rows, or delete them by giving their old tokens."""
    if not docs:
        return
    words, exact = _rows(docs)
    conn.execute(_DELETE_WORDS if remove else _INSERT_WORDS, words)
    conn.execute(_DELETE_EXACT if remove else _INSERT_EXACT, exact)


def add(conn: Connection, docs: Sequence[tuple[int, str, str]]) -> None:
    """Index new documents given as (id, title, text), on the caller's transaction."""
    _write(conn, docs, remove=False)
    conn.execute(delete(search_pending).where(search_pending.c.doc_id.in_([d[0] for d in docs])))


def rebuild(engine: Engine) -> None:
    """Empty both indexes and queue every document, for `sync` to index again."""
    with engine.begin() as conn:
        for statement in _EMPTY:
            conn.execute(statement)
        conn.execute(delete(search_pending))
        conn.execute(search_pending.insert().from_select(["doc_id"], select(documents.c.id)))


def pending(engine: Engine) -> int:
    """How many documents wait to be indexed (new, edited or deleted)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(search_pending)).scalar_one())


def sync(engine: Engine, limit: int | None = None) -> int:
    """Bring the indexes up to date with the queue (all of it, or `limit` documents); how many."""
    done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        with engine.begin() as conn:
            query = (
                select(search_pending, documents.c.title, documents.c.lead, documents.c.body)
                .outerjoin(documents, documents.c.id == search_pending.c.doc_id)
                .order_by(search_pending.c.doc_id)
                .limit(size)
            )
            batch = list(conn.execute(query))
            if not batch:
                break
            old = [(r.doc_id, r.old_title, r.old_text) for r in batch if r.old_text is not None]
            new = [(r.doc_id, r.title, f"{r.lead}\n{r.body}") for r in batch if r.title is not None]
            _write(conn, old, remove=True)
            _write(conn, new, remove=False)
            ids = [r.doc_id for r in batch]
            conn.execute(delete(search_pending).where(search_pending.c.doc_id.in_(ids)))
        done += len(batch)
    return done
