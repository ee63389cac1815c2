"""The PostgreSQL compilation, without a server: tsquery text made of quoted index tokens only,
FTS5's phrase order, the frequencies FTS5 reports, its BM25, and the tsvector layout."""

from __future__ import annotations

import re

import numpy as np
import pytest
from sqlalchemy.dialects import postgresql

from baochi.search import parse
from baochi.search.tokens import IndexText
from baochi.search.tree import describe, plan
from baochi.search.tsquery import (
    Columns,
    _parts,
    bm25,
    condition,
    idf,
    phrases,
    query_text,
    settle,
)
from baochi.search.tsvector import tsvector_text


def test_the_users_example_compiles_to_one_tsquery() -> None:
    node = plan(parse('hà nội AND (ngập OR "úng ngập") NOT title:"dự báo"')).text["folded"]
    assert query_text(node) == ("((('ha_noi')) & ((('ngap')) | (('ung_ngap'))) & !(('du_bao')))")
    assert [p.tokens for p in phrases(node)] == [("ha_noi",), ("ngap",), ("ung_ngap",), ("du_bao",)]


@pytest.mark.parametrize(
    "attack",
    ["'; DROP TABLE documents; --", "ngập' | 'x", 'x\' <-> !"y:*" & z', "a\\' OR 1=1"],
)
def test_user_text_is_only_quoted_tokens(attack: str) -> None:
    node = plan(parse(attack)).text["folded"]
    for token in re.sub(r"[()&|!]|<->", " ", query_text(node)).split():
        assert re.fullmatch(r"'[^\W_]+(_[^\W_]+)*'", token), token


def test_phrases_of_an_and_that_fails_count_nothing_as_in_fts5() -> None:
    node = plan(parse('"thành phố hồ chí minh" OR tp hcm')).text["folded"]
    matched, reported = settle(node, np.array([[3.0, 2.0, 0.0], [0.0, 2.0, 1.0], [0.0, 2.0, 0.0]]))
    assert matched.tolist() == [True, True, False]
    assert reported.tolist() == [[3.0, 0.0, 0.0], [0.0, 2.0, 1.0], [0.0, 0.0, 0.0]]


def test_bm25_is_fts5s_formula() -> None:
    weights = [idf(1000, 10), idf(1000, 900)]
    assert weights[1] == 1e-6  # a phrase in most rows is floored, as FTS5 does
    score = bm25(weights, [4.0, 1.0], 120, 100.0)
    k = 1.2 * (1 - 0.75 + 0.75 * 120 / 100.0)
    assert score == pytest.approx(weights[0] * 4 * 2.2 / (4 + k) + 1e-6 * 2.2 / (1 + k))


def test_the_body_starts_after_a_gap_so_no_phrase_spans_title_and_body() -> None:
    vectors = tsvector_text(IndexText.of("Hà Nội", "Nội thành ngập").words)
    assert vectors.size == 2 + 3 + 1 + 2
    assert vectors.whole == (
        "'ha':1A 'noi':2A,4 'ha_noi':1A 'thanh':5 'ngap':6 'noi_thanh':4 'thanh_ngap':5"
    )
    assert vectors.title == "'ha':1A 'noi':2A 'ha_noi':1A"


def _sql(node_query: str) -> str:
    node = plan(parse(node_query)).text["folded"]
    where = condition(node, Columns.of("folded"))
    return str(where.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def test_title_terms_are_asked_of_the_titles_own_tsvector_and_the_rest_in_one_tsquery() -> None:
    sql = _sql('hà nội AND (ngập OR "úng ngập") NOT title:"dự báo"')
    assert sql.count("search_text.words @@") == 1 and sql.count("search_titles.words @@") == 1
    assert "search_text.doc_id NOT IN (SELECT search_titles.doc_id" in sql
    assert "'du_bao'" in sql and ":A" not in sql


def test_an_or_keeps_phrases_apart_from_what_gin_answers_alone() -> None:
    node = plan(parse('"thành phố hồ chí minh" OR tp hcm OR ùn tắc OR title:"đà nẵng"'))
    parts = _parts(node.text["folded"])  # type: ignore[arg-type]
    assert [describe(p) for p in parts] == [
        '"thành phố hồ chí minh"',
        '(OR (AND tp hcm) "ùn tắc")',
        'title:"đà nẵng"',
    ]
