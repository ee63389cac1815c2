"""Compilation: the tree split between the indexes and the label columns, FTS5 expressions made
of quoted index tokens only, and SQL whose every user-supplied value is a bound parameter."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.dialects import sqlite

from baochi.search import parse
from baochi.search.fts5 import SQLiteBackend, match_text
from baochi.search.tokens import COLUMNS, IndexText, phrase_tokens
from baochi.search.tree import describe, index_of, plan


def test_the_index_holds_syllables_and_pairs_so_a_phrase_is_adjacent_pairs() -> None:
    text = IndexText.of("Hà Nội", "Đà Nẵng: an toàn thực phẩm")
    assert text.words == {
        "title": "ha noi",
        "body": "da nang an toan thuc pham",
        "title_pairs": "ha_noi",
        "body_pairs": "da_nang nang_an an_toan toan_thuc thuc_pham",
    }
    assert text.exact["body_pairs"] == "đà_nẵng nẵng_an an_toàn toàn_thực thực_phẩm"
    tokens = phrase_tokens(["an", "toan", "thuc", "pham"])
    assert " ".join(tokens) in text.words["body_pairs"]
    assert phrase_tokens(["da", "nang"]) == ["da_nang"]
    assert phrase_tokens(["ngap"]) == ["ngap"]


def test_the_users_example_compiles_to_one_folded_expression() -> None:
    split = plan(parse('hà nội AND (ngập OR "úng ngập") NOT title:"dự báo"'))
    assert split.ranked_by == "folded" and not split.rest
    assert match_text(split.text["folded"], "folded") == (
        '({title_pairs body_pairs} : "ha_noi" AND ({title body} : "ngap" OR '
        '{title_pairs body_pairs} : "ung_ngap") NOT title_pairs : "du_bao")'
    )


def test_exact_words_go_to_the_exact_index_in_both_tone_placements() -> None:
    split = plan(parse('ngập ="Hoà Bình"'))
    assert set(split.text) == {"folded", "exact"}
    assert match_text(split.text["exact"], "exact") == (
        '({title_pairs body_pairs} : "hoà_bình" OR {title_pairs body_pairs} : "hòa_bình")'
    )
    assert match_text(parse("=Đồng"), "exact") == '{title body} : "đồng"'
    assert match_text(parse('title:"một hai ba"'), "folded") == 'title_pairs : "mot_hai hai_ba"'


@pytest.mark.parametrize(
    ("query", "text_parts", "rest"),
    [
        ("a b", {"folded": "(AND a b)"}, []),
        ("a NOT b", {"folded": "(AND a (NOT b))"}, []),
        ("NOT a", {}, ["(NOT a)"]),  # nothing positive: the label columns answer
        ("a OR tone:negative", {}, ['(OR a tone:"negative")']),
        ("a OR NOT b", {}, ["(OR a (NOT b))"]),
        ("a =b NOT =c", {"folded": "a", "exact": "(AND =b (NOT =c))"}, []),
        ("a NOT =c", {"folded": "a"}, ["(NOT =c)"]),
        ("a date:2017 outlet:x", {"folded": "a"}, ["date:2017-01-01..2017-12-31", 'outlet:"x"']),
    ],
)
def test_the_plan_gives_each_index_what_it_can_run_alone(
    query: str, text_parts: dict[str, str], rest: list[str]
) -> None:
    split = plan(parse(query))
    assert {k: describe(v) for k, v in split.text.items()} == text_parts
    assert [describe(n) for n in split.rest] == rest


def test_a_subtree_mixing_indexes_or_labels_has_no_single_index() -> None:
    assert index_of(parse("a OR =b")) is None
    assert index_of(parse("a OR title:b")) == "folded"
    assert index_of(parse("(a OR b) NOT c")) == "folded"
    assert index_of(parse("a tone:negative")) is None


@pytest.mark.parametrize(
    "attack",
    [
        "'; DROP TABLE documents; --",
        'ngập" OR "1',
        'NEAR(ha noi) ^"ngap*" {title body}',  # a bare * is refused: no prefix search
        'ngập" AND "title : x',
        'x\' UNION SELECT "a*" FROM users --',
    ],
)
def test_user_text_is_only_quoted_tokens_in_a_bound_parameter(attack: str) -> None:
    split = plan(parse(attack))
    expression = match_text(split.text["folded"], "folded")
    for token in re.sub(r"[(){}]", " ", expression).split():
        assert token in ("AND", "OR", "NOT", ":", *COLUMNS) or (
            token.startswith('"') and token.endswith('"') and token[1:-1].replace("_", "").isalnum()
        ), token
    statement = SQLiteBackend.ids_query("folded", split.text["folded"])
    compiled = statement.compile(dialect=sqlite.dialect())
    assert list(compiled.params.values()) == [expression]
    sql = str(compiled).lower()
    assert "drop" not in sql and "union" not in sql and "ngap" not in sql and "?" in sql
