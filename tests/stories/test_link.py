"""link_batch on real articles, as `baochi analyze` calls it: one entry per article in the
input's order, story ids shared within a story, copies and conflicts on both sides."""

from __future__ import annotations

from typing import Any

from baochi.stories import link_batch
from tests.stories.conftest import COPY, ORIGINAL, Corpus


def _record(corpus: Corpus, article: str, as_int: bool = False) -> dict[str, Any]:
    item = corpus.by_id[article]
    return {
        "id": int(article) if as_int else article,
        "title": item.title,
        "text": item.text,
        "published_at": item.published.isoformat(),
    }


def test_link_batch_gives_story_copy_and_conflicts_per_article(corpus: Corpus) -> None:
    crash = next(c for c in corpus.conflicts if c.pair == 54)
    mosul = next(p for p in corpus.pairs if p.pair == 2)
    # Not in publication order; on the same day, the input order is the arrival order.
    records = [
        _record(corpus, crash.b, as_int=True),
        _record(corpus, mosul.a),
        _record(corpus, ORIGINAL),
        _record(corpus, crash.a, as_int=True),
        _record(corpus, COPY),
        _record(corpus, mosul.b),
    ]
    out = link_batch(records)
    assert len(out) == len(records)
    assert all(set(entry) == {"story", "duplicate_of", "conflicts"} for entry in out)
    first, un_a, original, second, copy, un_b = out
    assert first["story"] == second["story"] == int(crash.b)  # ids keep their type
    assert un_a["story"] == un_b["story"] != first["story"]
    assert copy["duplicate_of"] == ORIGINAL and original["duplicate_of"] is None
    assert copy["story"] == original["story"] == ORIGINAL
    assert first["conflicts"] == [
        {"with": int(crash.a), "type": "number", "span": "5 người thương vong",
         "other_span": "3 người thương vong"}
    ]  # fmt: skip
    assert second["conflicts"][0]["with"] == int(crash.b)
    assert not copy["conflicts"] and not original["conflicts"]


def test_one_outlets_differing_figures_are_an_update_not_a_conflict(corpus: Corpus) -> None:
    crash = next(c for c in corpus.conflicts if c.pair == 54)
    records = [_record(corpus, crash.a), _record(corpus, crash.b)]
    same = link_batch([r | {"outlet": "vnexpress.net"} for r in records])
    assert same[0]["story"] == same[1]["story"] and not same[1]["conflicts"]
    outlets = ("vnexpress.net", "hanoimoi.vn")
    two = link_batch([r | {"outlet": o} for r, o in zip(records, outlets, strict=True)])
    assert two[1]["conflicts"][0]["with"] == crash.a


def test_a_copy_that_changes_a_figure_conflicts_with_its_original(corpus: Corpus) -> None:
    crash = next(c for c in corpus.conflicts if c.pair == 54)
    original = _record(corpus, crash.a) | {"outlet": "vnexpress.net"}
    changed = {k: original[k].replace("3 người th", "4 người th") for k in ("title", "text")}
    copied = original | changed | {"id": "copy", "outlet": "hanoimoi.vn"}
    verbatim = original | {"id": "verbatim", "outlet": "laodong.vn"}
    first, copy, same = link_batch([original, copied, verbatim])
    # Contradicting its original, the changed one is an article of its own, not its copy.
    assert copy["duplicate_of"] is None and same["duplicate_of"] == crash.a
    assert [(c["with"], c["span"], c["other_span"]) for c in copy["conflicts"]] == [
        (crash.a, "4 người thương vong", "3 người thương vong"),
        ("verbatim", "4 người thương vong", "3 người thương vong"),
    ]
    # A word-for-word copy agrees with its original and disagrees with the changed one.
    assert [c["with"] for c in first["conflicts"]] == [c["with"] for c in same["conflicts"]]
    assert [c["with"] for c in same["conflicts"]] == ["copy"]


def test_link_batch_of_nothing_is_nothing() -> None:
    assert link_batch([]) == []
