"""Copies: a republished wire report is found as a copy of the original, two outlets' own
reports of one event are not, and signatures are the same whatever the vocabulary's history."""

from __future__ import annotations

from baochi.stories.features import Vocabulary, tokens
from baochi.stories.fingerprints import COPY_JACCARD, CopyIndex, Signature, signature, similarity
from tests.stories.conftest import COPY, ORIGINAL, Corpus


def _signature(vocabulary: Vocabulary, words: list[str]) -> Signature:
    return signature(vocabulary.hashes[vocabulary.encode(words)])


def test_a_republished_report_is_a_copy_and_a_rewrite_is_not(corpus: Corpus) -> None:
    vocabulary = Vocabulary()
    original, copy = corpus.by_id[ORIGINAL], corpus.by_id[COPY]
    pair = next(p for p in corpus.pairs if p.pair == 2)  # two outlets' reports, one statement
    own_a, own_b = corpus.by_id[pair.a], corpus.by_id[pair.b]
    sig = {item.id: _signature(vocabulary, tokens(item)) for item in (original, copy, own_a, own_b)}
    assert similarity(sig[ORIGINAL], sig[COPY]) >= COPY_JACCARD
    assert similarity(sig[own_a.id], sig[own_b.id]) < COPY_JACCARD

    index = CopyIndex()
    index.add(ORIGINAL, sig[ORIGINAL], original.day)
    index.add(own_a.id, sig[own_a.id], own_a.day)
    assert index.original(sig[COPY], copy.day) == ORIGINAL
    assert index.original(sig[own_b.id], own_b.day) is None
    assert index.original(sig[COPY], copy.day + 30) is None  # a month later: not a copy anymore
    index.evict(copy.day + 30)
    assert index.original(sig[COPY], copy.day) is None


def test_signatures_do_not_depend_on_the_order_words_were_met(corpus: Corpus) -> None:
    item = corpus.by_id[ORIGINAL]
    fresh, used = Vocabulary(), Vocabulary()
    for other in corpus.slice[:50]:
        used.encode(tokens(other))
    assert (_signature(fresh, tokens(item)) == _signature(used, tokens(item))).all()
