"""The query language: precedence, words and phrases, fields, dates, and errors that point."""

from __future__ import annotations

import datetime as dt

import pytest

from baochi.search import QueryError, describe, narrow, parse
from baochi.search.errors import MESSAGES
from baochi.search.tree import conjoin

TODAY = dt.date(2017, 3, 20)


def tree(query: str) -> str:
    return describe(parse(query, TODAY))


def error(query: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse(query, TODAY)
    return caught.value


def test_the_users_example_with_and_without_diacritics() -> None:
    assert tree('hà nội AND (ngập OR "úng ngập") NOT title:"dự báo"') == (
        '(AND "hà nội" (OR ngập "úng ngập") (NOT title:"dự báo"))'
    )
    assert tree('ha noi AND (ngap OR "ung ngap") NOT title:"du bao"') == (
        '(AND "ha noi" (OR ngap "ung ngap") (NOT title:"du bao"))'
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("a b OR c", "(OR (AND a b) c)"),
        ("a OR b c", "(OR a (AND b c))"),
        ("a AND b OR c AND d", "(OR (AND a b) (AND c d))"),
        ("a OR (b OR c)", "(OR a b c)"),
        ("(a b) c", "(AND a b c)"),
        ("NOT a OR b", "(OR (NOT a) b)"),
        ("NOT NOT a", "(NOT (NOT a))"),
        ("a NOT b NOT c", "(AND a (NOT b) (NOT c))"),
        ("NOT (a OR b) c", "(AND (NOT (OR a b)) c)"),
        ("-a b", "(AND (NOT a) b)"),
        ("covid -19", "(AND covid 19)"),  # a minus before a digit is part of the number
    ],
)
def test_not_binds_tightest_then_and_then_or(query: str, expected: str) -> None:
    assert tree(query) == expected


def test_syllables_typed_together_are_grouped_into_words() -> None:
    assert tree("tai nạn giao thông hà nội") == '(AND "tai nạn" "giao thông" "hà nội")'
    assert tree("hà AND nội") == "(AND hà nội)"  # AND keeps syllables apart
    assert tree("NOT hà nội ngập") == '(AND (NOT "hà nội") ngập)'  # NOT takes the whole word
    assert tree("title:hà nội ngập") == '(AND title:"hà nội" ngập)'
    assert tree("Bà Rịa-Vũng Tàu") == '(AND bà "rịa vũng" tàu)'  # punctuation inside: a phrase


def test_quotes_make_phrases_and_equals_asks_for_exact_diacritics() -> None:
    assert tree('"Úng   NGẬP"') == '"úng ngập"'
    assert tree("“dự báo” thời tiết") == '(AND "dự báo" "thời tiết")'  # typographic quotes
    assert tree('=hồ ="Hà Nội"') == '(AND =hồ ="hà nội")'
    assert tree("'; DROP TABLE documents; --") == "(AND drop table documents)"


def test_fields_and_their_vietnamese_names() -> None:
    assert tree('title:"dự báo"') == 'title:"dự báo"'
    assert tree('tiêu_đề: "dự báo"') == 'title:"dự báo"'
    assert tree("outlet:(tuổi trẻ OR thanh niên)") == ('(OR outlet:"tuổi trẻ" outlet:"thanh niên")')
    assert tree('báo:"Hànộimới"') == 'outlet:"Hànộimới"'
    assert tree('topic:"Pháp luật"') == 'topic:"phap_luat"'
    assert tree("chude:phap_luat") == 'topic:"phap_luat"'
    assert tree("tone:tiêu_cực sacthai:positive") == '(AND tone:"negative" tone:"positive")'
    assert tree("place:hcm hanoi:có story:0042") == ('(AND place:"hcm" hanoi:"1" story:"42")')
    assert tree("Video: cháy") == "(AND video cháy)"  # a colon and a space: just text
    assert tree('kind:post loại:"bình luận"') == '(AND kind:"post" kind:"comment")'
    assert tree("platform:YouTube nền_tảng:facebook") == (
        '(AND platform:"youtube" platform:"facebook")'
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date:2017-03-15", "date:2017-03-15..2017-03-15"),
        ("date:15/03/2017", "date:2017-03-15..2017-03-15"),
        ("date:2017-02", "date:2017-02-01..2017-02-28"),
        ("date:12/2016", "date:2016-12-01..2016-12-31"),
        ("date:2016", "date:2016-01-01..2016-12-31"),
        ("ngày:2017-03..15/04/2017", "date:2017-03-01..2017-04-15"),
        ("date:2017-03-01..", "date:2017-03-01.."),
        ("date:..2017-03", "date:..2017-03-31"),
        ("date:7d", "date:2017-03-14..2017-03-20"),
        ("date:1d", "date:2017-03-20..2017-03-20"),
    ],
)
def test_dates_days_months_years_ranges_and_recent_days(query: str, expected: str) -> None:
    assert tree(query) == expected


def test_an_empty_query_is_everything_and_punctuation_is_not_a_word() -> None:
    assert tree("") == "*" and tree("  \t ") == "*"
    assert tree("ngập & lụt") == "(AND ngập lụt)" and tree("😀 ngập") == "ngập"


@pytest.mark.parametrize(
    ("query", "code", "position"),
    [
        ('hà nội AND (ngập OR "úng ngập"', "unclosed_paren", 11),
        ("hà nội) ngập", "unopened_paren", 6),
        ("ngập (((", "unclosed_paren", 7),  # the innermost, with nothing after it
        ("ngập AND (", "unclosed_paren", 9),
        ('ngập "úng', "unclosed_quote", 5),
        ("ngập AND", "missing_right", 5),
        ("AND ngập", "missing_left", 0),
        ("ngập OR", "missing_right", 5),
        ("ngập OR OR lụt", "missing_right", 5),
        ("(OR lụt)", "missing_left", 1),
        ("ngập NOT", "missing_right", 5),
        ("ngập ()", "empty_parens", 5),
        ('ngập ""', "empty_phrase", 5),
        ("= ngập", "dangling_exact", 0),
        ("ngập titel:lụt", "unknown_field", 5),
        ("title:", "missing_value", 0),
        ("title: AND x", "missing_value", 0),
        ("title:(a outlet:b)", "nested_field", 9),
        ("date:2017-13-01", "bad_date", 5),
        ("date:31/02/2017", "bad_date", 5),
        ("date:2017-04..2017-03", "reversed_dates", 5),
        ("date:2017-03..x", "bad_date", 14),
        ("tone:angry", "bad_value", 5),
        ("story:one", "bad_value", 6),
        ("hanoi:maybe", "bad_value", 6),
        ("kind:tweet", "bad_value", 5),
        # symbols alone would have searched nothing, that is listed every document
        ("  & … ", "no_words", 2),
        ("😀", "no_words", 0),
        ("_", "no_words", 0),
        ("\x00", "no_words", 0),
        ("\ufffd", "no_words", 0),
        # no prefix search: "a*" searched the syllable "a" alone
        ("a*", "no_prefix", 1),
        ("ngập OR lụ*t", "no_prefix", 10),
        ("title:*", "no_prefix", 6),
        ("story:-1", "bad_value", 6),  # was story 1
        ("story:1.5", "bad_value", 6),
    ],
)
def test_errors_say_what_and_where(query: str, code: str, position: int) -> None:
    found = error(query)
    assert (found.code, found.position) == (code, position)
    assert found.message("vi") and found.message("en") and str(found) == found.message("en")


def test_the_pointer_shows_the_query_with_a_caret_under_the_mistake() -> None:
    query = 'hà nội AND (ngập OR "úng ngập"'
    lines = error(query).pointer(query).splitlines()
    assert lines[0] == "Thiếu dấu ) cho dấu ( này (vị trí 12)"
    assert lines[1] == "  " + query
    assert lines[2] == "  " + " " * 11 + "^"
    assert "position 12" in error(query).pointer(query, "en")


def test_every_message_exists_in_both_languages() -> None:
    for vi, en in MESSAGES.values():
        assert vi and en and vi != en


def test_oversized_queries_are_refused() -> None:
    assert error("x" * 1001).code == "too_long"
    assert error(" OR ".join(f"w{i}" for i in range(65))).code == "too_many_terms"
    assert error("(" * 40 + "a" + ")" * 40).code == "too_deep"
    assert error("NOT " * 40 + "a").code == "too_deep"
    assert tree("(" * 30 + "a" + ")" * 30) == "a"


def test_a_repeated_term_is_one_term() -> None:
    """Every copy would be scored and looked for again in each matching text."""
    assert tree("zz (a OR a OR (a) OR A)") == "(AND zz a)"
    assert tree("hà nội hà nội") == '"hà nội"'
    assert tree("a OR =a OR title:a") == "(OR a =a title:a)"  # not the same terms


def test_a_letter_that_lowers_to_two_is_one_syllable_as_the_index_folds_it() -> None:
    """ "İ" lowers to "i" and a combining dot, which split "i stanbul" while the words index
    holds "istanbul"; exact terms stay as the exact index holds them."""
    assert tree("İstanbul") == tree("Istanbul") == "istanbul"
    assert tree("=İstanbul") == '="i stanbul"'


@pytest.mark.parametrize(
    ("query", "narrowed"),
    [
        ("xsstitle OR cháy", '(xsstitle OR cháy) outlet:"Tuổi Trẻ"'),
        ("hà nội", 'hà nội outlet:"Tuổi Trẻ"'),  # as typed where nothing changes
        ("outlet:(a OR b) x", 'outlet:(a OR b) x outlet:"Tuổi Trẻ"'),
        ("a OR a", '(a OR a) outlet:"Tuổi Trẻ"'),  # one term in the tree, an OR in the text
    ],
)
def test_a_query_narrowed_to_a_facet_keeps_its_meaning(query: str, narrowed: str) -> None:
    term = 'outlet:"Tuổi Trẻ"'
    assert narrow(query, term) == narrowed
    assert tree(narrowed) == describe(conjoin([parse(query, TODAY), parse(term, TODAY)]))
    assert narrow(" ", term) == term
