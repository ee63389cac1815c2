"""Queries end to end on real labelled articles: the same documents as a plain reading of the
text would find, facets that add up, labels and dates, ranking, paging and safe snippets."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from functools import lru_cache

import pytest

from baochi.records import Article, Collected, Document, Keys
from baochi.search import QueryError, parse, run_query, search, sync
from baochi.search.snippets import snippet
from baochi.search.tree import And, Dates, Everything, Label, Node, Not, Or, Words, words_of
from baochi.vi import contains, fold, match_key
from tests.search.conftest import Archive, Item


@lru_cache(maxsize=1024)
def keyed(text: str) -> str:
    return match_key(text)


def exact_in(text: str, syllables: tuple[str, ...]) -> bool:
    """The syllables, diacritics as given (one tone placement), on syllable boundaries."""
    wanted = [match_key(s) for s in syllables]
    body = r"[\W_]+".join(re.escape(s) for s in wanted)
    return re.search(rf"(?<![^\W_]){body}(?![^\W_])", keyed(text)) is not None


def reading(node: Node, item: Item) -> bool:
    """Whether a reader applying the query to the article by hand would say it matches."""
    if isinstance(node, Words):
        places = [item.title] if node.title_only else [item.title, item.text]
        if node.exact:
            return any(exact_in(p, node.syllables) for p in places)
        return any(contains(p, " ".join(node.syllables)) for p in places)
    if isinstance(node, And):
        return all(reading(i, item) for i in node.items)
    if isinstance(node, Or):
        return any(reading(i, item) for i in node.items)
    if isinstance(node, Not):
        return not reading(node.item, item)
    if isinstance(node, Label):
        return {
            "outlet": contains(item.outlet, node.value),
            "topic": item.topic == node.value,
            "tone": item.tone == node.value,
            "place": any(contains(p, node.value) for p in (item.place, *item.areas)),
            "hanoi": item.hanoi == (node.value == "1"),
            "kind": item.kind == node.value,
            "platform": item.platform == node.value,
        }[node.name]
    if isinstance(node, Dates):
        return (not node.start or item.day >= node.start.isoformat()) and (
            not node.end or item.day <= node.end.isoformat()
        )
    assert isinstance(node, Everything)
    return True


def expected(archive: Archive, query: str) -> set[int]:
    node = parse(query)
    return {i for i, item in archive.items.items() if reading(node, item)}


def found(archive: Archive, query: str, **options) -> set[int]:
    result = run_query(archive.store, query, limit=500, **options)
    assert len(result.hits) == result.total
    return {hit.doc.id for hit in result.hits}


QUERIES = [
    'hà nội AND (ngập OR "úng ngập") NOT title:"dự báo"',
    "hà nội",
    "hà AND nội",
    "tai nạn giao thông",
    '"an toàn thực phẩm" OR "vệ sinh thực phẩm"',
    "đà nẵng OR hải phòng",
    "cháy NOT rừng",
    'title:"hà nội"',
    "NOT hà nội",
    "=hồ",
    '="Hòa Bình" OR =thuỷ',
    "tone:negative hà nội",
    "topic:phap_luat OR topic:xa_hoi",
    'place:"ha noi" NOT hanoi:yes',
    "place:hcm tone:tiêu_cực",
    "outlet:(tuổi trẻ OR vnexpress) công an",
    "date:2017-02-07..2017-02-10 NOT outlet:thanh",
    "hà nội OR tone:positive",
    "(ngập OR cháy) AND NOT date:..2017-02-08",
    "kind:post hà nội",
    "kind:comment OR platform:youtube",
    "NOT kind:article tone:negative",
    'loại:"bình luận" nền_tảng:facebook',
    "platform:facebook NOT kind:comment",
    'place:"hai bà trưng" OR place:"Sóc Sơn"',
    'place:"Hoàn Kiếm" OR (place:"Quận 8" NOT kind:post)',
]


@pytest.mark.parametrize("query", QUERIES)
def test_matches_what_a_reader_would_find(archive: Archive, query: str) -> None:
    assert found(archive, query) == expected(archive, query)


def test_the_users_example_finds_the_same_with_or_without_diacritics(archive: Archive) -> None:
    accented = found(archive, 'hà nội AND (ngập OR "úng ngập") NOT title:"dự báo"')
    plain = found(archive, 'ha noi AND (ngap OR "ung ngap") NOT title:"du bao"')
    assert accented == plain and accented


def test_exact_diacritics_narrow_the_folded_match(archive: Archive) -> None:
    folded, exact = found(archive, "hồ"), found(archive, "=hồ")
    assert exact and exact < folded
    assert exact == found(archive, "hồ", exact=True)
    assert found(archive, "=hoà") == found(archive, "=hòa")  # either tone placement


def test_syllables_match_whole_never_inside_a_longer_one(archive: Archive) -> None:
    hits = run_query(archive.store, "an", limit=50).hits
    assert hits
    for hit in hits:
        item = hit.doc.title + "\n" + hit.doc.text
        assert contains(item, "an")
        assert "<mark>" in hit.snippet
        for marked in re.findall(r"<mark>(.*?)</mark>", hit.snippet + hit.title):
            assert fold(marked) == "an"


def test_facets_count_every_match(archive: Archive) -> None:
    query = "hà nội OR tone:positive"
    result = run_query(archive.store, query, limit=5)
    items = [archive.items[i] for i in expected(archive, query)]
    assert result.total == len(items) and len(result.hits) == 5
    for field in ("outlet", "topic", "tone", "place", "kind", "platform", "area"):
        counted = {f.value: f.count for f in result.facets[field]}
        values = (item.areas if field == "area" else {getattr(item, field)} for item in items)
        truth = Counter(v for found in values for v in found if v)
        assert all(truth[value] == n for value, n in counted.items())  # the top 20, ties aside
        assert len(counted) == min(20, len(truth))
        left_out = [n for value, n in truth.items() if value not in counted]
        assert min(counted.values(), default=0) >= max(left_out, default=0)
    assert {f.value: f.count for f in result.facets["day"]} == Counter(i.day for i in items)


def test_the_area_facet_counts_districts_and_wards_and_selects_them(archive: Archive) -> None:
    areas = run_query(archive.store, "place:hà nội", limit=5).facets["area"]
    assert areas and all(a.term.startswith("place:") for a in areas)
    for area in areas:
        chosen = found(archive, f"place:hà nội {area.term}")
        assert len(chosen) == area.count
        assert all(area.value in archive.items[i].areas for i in chosen)


def test_a_facet_term_selects_its_bucket(archive: Archive) -> None:
    result = run_query(archive.store, "hà nội")
    for field in ("outlet", "topic", "tone", "place", "kind", "platform", "day"):
        facet = result.facets[field][0]
        narrowed = run_query(archive.store, f"hà nội {facet.term}", facets=False)
        assert narrowed.total == facet.count, (field, facet)


NAMED = {"facebook": "Facebook", "youtube": "YouTube"}  # as the pages name the platforms


def test_hits_name_a_posts_platform_where_an_article_names_its_outlet(archive: Archive) -> None:
    hits = run_query(archive.store, "", limit=500, facets=False).hits
    for hit in hits:
        item = archive.items[hit.doc.id]
        assert (hit.doc.kind, hit.doc.origin) == (
            item.kind,
            item.outlet if item.kind == "article" else NAMED[item.platform],
        )
    assert {h.doc.kind for h in hits} == {"article", "post", "comment"}


def test_results_are_ranked_title_first_then_pages_follow(archive: Archive) -> None:
    target = next(i for i in archive.items.values() if len(i.title.split()) > 6)
    first = run_query(archive.store, f'"{target.title}"', limit=3).hits
    assert first[0].doc.id == target.id
    ranked = run_query(archive.store, "hà nội", limit=20)
    scores = [h.score for h in ranked.hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    second = run_query(archive.store, "hà nội", limit=10, offset=10).hits
    assert [h.doc.id for h in second] == [h.doc.id for h in ranked.hits[10:]]
    assert ranked.ranked == ranked.total


def test_newest_first_sorts_by_publication_day(archive: Archive) -> None:
    hits = run_query(archive.store, "hà nội", sort="newest", limit=100).hits
    days = [archive.items[h.doc.id].day for h in hits]
    assert days == sorted(days, reverse=True)


def test_an_empty_query_browses_everything_with_facets(archive: Archive) -> None:
    result = run_query(archive.store, "", limit=3)
    assert result.total == len(archive.items) and result.understood == "*"
    assert sum(f.count for f in result.facets["tone"]) == len(archive.items)


@pytest.mark.parametrize(
    "attack",
    [
        "'; DROP TABLE documents; --",
        "1 OR 1=1 --",
        "NEAR(hà nội) ^ngập * OR {title body}: x",
        'hà nội" OR "',
        "title:* AND body:x",
    ],
)
def test_injection_attempts_are_only_words(archive: Archive, attack: str) -> None:
    try:
        node = parse(attack)
    except QueryError:
        with pytest.raises(QueryError):
            run_query(archive.store, attack)
    else:
        assert not isinstance(node, Everything)
        assert found(archive, attack) == expected(archive, attack)
    assert run_query(archive.store, "", facets=False).total == len(archive.items)


def test_search_keeps_its_old_shape_and_never_raises(archive: Archive) -> None:
    hits = search(archive.store, "da nang", limit=300)
    assert {doc.id for doc, _ in hits} == expected(archive, "da nang")
    assert all(score > 0 for _, score in hits)
    assert search(archive.store, "  ") == []
    assert search(archive.store, 'hà nội AND (ngập OR "úng') == search(
        archive.store, "hà nội and ngập or úng"
    )


def test_syntax_errors_raise_with_a_position(archive: Archive) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(archive.store, "ngập AND (lụt")
    assert caught.value.position == 9


def test_limit_zero_counts_and_facets_without_hits(archive: Archive) -> None:
    for sort in ("relevance", "newest"):
        result = run_query(archive.store, "hà nội", limit=0, sort=sort)
        assert result.hits == [] and result.total == len(expected(archive, "hà nội"))
        assert sum(f.count for f in result.facets["tone"]) == result.total


def test_a_dotted_capital_i_finds_what_the_plain_one_finds(archive: Archive) -> None:
    typed = next(w for w in ("Internet", "Iran", "Ít") if found(archive, w))
    assert found(archive, "İ" + typed[1:]) == found(archive, typed)


@pytest.mark.parametrize("query", ["😀", "_", "\x00", "\ufffd"])
def test_symbols_alone_are_refused_not_every_document(archive: Archive, query: str) -> None:
    with pytest.raises(QueryError):
        run_query(archive.store, query)
    assert search(archive.store, query) == []


def test_snippets_of_a_long_text_stop_at_enough_matches(store) -> None:
    """A megabyte of one repeated word, asked for 62 times: every occurrence of every copy was
    found and scored (20.7 s on the audit's store; 16.6 s for the snippet alone)."""
    query = "zzhuge (" + " OR ".join(["a"] * 62) + ")"
    text = "a " * 500_000
    began = time.perf_counter()
    cut = snippet(text, words_of(parse(query)) + [Words(("a",))] * 62)
    assert time.perf_counter() - began < 5 and cut.count("<mark>") > 10
    outlet = store.add_outlet("Báo Thử")
    now = dt.datetime.now(dt.UTC)
    article = Article(
        url="https://thu.example.vn/a.html", title="zzhuge", lead="", body=text, published_at=now
    )
    store.save_documents([Collected(Document(article, Keys.of(article)), (), now, outlet)])
    sync(store.engine)
    began = time.perf_counter()
    result = run_query(store, query)
    assert time.perf_counter() - began < 5 and result.total == 1
    assert "<mark>a</mark>" in result.hits[0].snippet
