"""Compilation: the tree split between the indexes and the label columns, FTS5 expressions made
of quoted index tokens only, and SQL whose every user-supplied value is a bound parameter."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import sqlite

from baochi.search import parse
from baochi.search.fts5 import SQLiteBackend, match_text
from baochi.search.tokens import folded_syllables, interleave, phrase_tokens
from baochi.search.tree import describe, index_of, plan


def test_the_index_holds_syllables_and_pairs_so_a_phrase_is_consecutive_tokens() -> None:
    text = interleave(folded_syllables("Đà Nẵng: an toàn thực phẩm"))
    assert text == ("da da_nang nang nang_an an an_toan toan toan_thuc thuc thuc_pham pham")
    tokens = phrase_tokens(["an", "toan", "thuc", "pham"])
    assert " ".join(tokens) in text
    assert phrase_tokens(["da", "nang"]) == ["da_nang"]
    assert phrase_tokens(["ngap"]) == ["ngap"]


def test_the_users_example_compiles_to_one_folded_expression() -> None:
    split = plan(parse('hà nội AND (ngập OR "úng ngập") NOT title:"dự báo"'))
    assert split.ranked_by == "folded" and not split.rest
    assert match_text(split.text["folded"], "folded") == (
        '("ha_noi" AND ("ngap" OR "ung_ngap") NOT title : "du_bao")'
    )


def test_exact_words_go_to_the_exact_index_in_both_tone_placements() -> None:
    split = plan(parse('ngập ="Hoà Bình"'))
    assert set(split.text) == {"folded", "exact"}
    assert match_text(split.text["exact"], "exact") == '("hoà_bình" OR "hòa_bình")'
    assert match_text(parse("=Đồng"), "exact") == '"đồng"'


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
        "NEAR(ha noi) ^ngap * {title body}",
        'ngập" AND "title : x',
        "x' UNION SELECT * FROM users --",
    ],
)
def test_user_text_is_only_quoted_tokens_in_a_bound_parameter(attack: str) -> None:
    split = plan(parse(attack))
    expression = match_text(split.text["folded"], "folded")
    for token in expression.replace("(", " ").replace(")", " ").split():
        assert token in ("AND", "OR", "NOT", "title", ":") or (
            token.startswith('"') and token.endswith('"') and token[1:-1].replace("_", "").isalnum()
        ), token
    statement = SQLiteBackend.ids_query("folded", split.text["folded"])
    compiled = statement.compile(dialect=sqlite.dialect())
    assert list(compiled.params.values()) == [expression]
    sql = str(compiled).lower()
    assert "drop" not in sql and "union" not in sql and "ngap" not in sql and "?" in sql
