"""English everywhere: every phrase a template, a card's title or a navigation entry shows has its
English, and a phrase shared by two areas reads the same in both."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import update

import baochi
from baochi.db.schema import documents
from baochi.web import i18n

SOURCE = Path(baochi.__file__).parent
# `_("…")` or `_('…')` in a template or a module, or `_n("…", count)`.
PHRASE = re.compile(r"""(?<!\w)_n?\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")
# `_n("…", count)`: a phrase that counts, whose English needs its forms for one and for more.
COUNTED = re.compile(r"""(?<!\w)_n\(\s*"((?:[^"\\]|\\.)*)"\s*,""")


# A card's title, the second argument of `Panel(order, "title", …)`.
PANEL = re.compile(r'Panel\(\s*\d+,\s*"([^"]+)"')


def _phrases() -> dict[str, set[str]]:
    """Each phrase marked for translation anywhere in the package, with the files that use it."""
    found: dict[str, set[str]] = {}
    for path in sorted(SOURCE.rglob("*")):
        if path.suffix in (".html", ".py"):
            source = path.read_text(encoding="utf-8")
            for match in PHRASE.finditer(source):
                text = match.group(1) or match.group(2)
                found.setdefault(text, set()).add(str(path.relative_to(SOURCE)))
            for match in PANEL.finditer(source):
                found.setdefault(match.group(1), set()).add(str(path.relative_to(SOURCE)))
    return found


def test_every_phrase_and_menu_entry_has_english(app: FastAPI) -> None:
    english = i18n.CATALOGUES["en"]
    wanted = _phrases()
    for item in app.state.nav:
        wanted.setdefault(item.label, set()).add(f"navigation {item.href}")
    missing = {text: sorted(where) for text, where in wanted.items() if text not in english}
    assert missing == {}, (
        "add these phrases to the area's templates/en.json (or the shell's web/i18n.py)"
    )


def test_a_counted_phrase_has_english_for_one_and_for_more(app: FastAPI) -> None:
    """`_n("bài", n)` reads "1 article", "2 articles": a phrase counted without its two forms
    would read "1 articles" again."""
    english = i18n.CATALOGUES["en"]
    counted = {
        match.group(1): str(path.relative_to(SOURCE))
        for path in sorted(SOURCE.rglob("*.html"))
        for match in COUNTED.finditer(path.read_text(encoding="utf-8"))
    }
    assert counted, "no template counts with _n any more?"
    single = {
        text: where for text, where in counted.items() if isinstance(english.get(text, ""), str)
    }
    assert single == {}, "give these phrases [for one, for more] in English"


def test_a_count_reads_singular_or_plural_in_english_and_the_same_in_vietnamese() -> None:
    english, vietnamese = i18n.counter("en"), i18n.counter("vi")
    assert [english("bài", n) for n in (0, 1, 2)] == ["articles", "article", "articles"]
    assert [vietnamese("bài", n) for n in (1, 2)] == ["bài", "bài"]
    assert i18n.translator("en")("bài") == "articles"  # without a count: the list's word
    assert english("Cơ quan báo chí", 1) == "Press agency"  # one entry of the list
    assert i18n.translator("en")("Cơ quan báo chí") == "Press agencies"
    assert english("Tổng quan", 1) == "Overview"  # a phrase with one form keeps it


def test_numbers_are_written_as_the_language_writes_them() -> None:
    assert i18n.number(1461, 0, "vi") == "1.461" and i18n.number(1461, 0, "en") == "1,461"
    assert i18n.number(0, 1, "vi") == "0,0" and i18n.number(1234.5, 1, "en") == "1,234.5"
    assert [i18n.figure(v, "en") for v in (62.5, 8.0, 1234.25)] == ["62.5", "8", "1,234.25"]
    assert [i18n.figure(v, "vi") for v in (62.5, 8.0, 1234.25)] == ["62,5", "8", "1.234,25"]


def test_a_phrase_reads_the_same_in_every_area() -> None:
    seen: dict[str, tuple[str, str]] = {text: (en, "web/i18n.py") for text, en in i18n.EN.items()}
    clashes = []
    for path in sorted(SOURCE.glob(f"*/templates/{i18n.AREA_CATALOGUE}")):
        for text, en in json.loads(path.read_text(encoding="utf-8")).items():
            where = str(path.relative_to(SOURCE))
            if text in seen and seen[text][0] != en:
                clashes.append((text, seen[text], (en, where)))
            seen.setdefault(text, (en, where))
    assert clashes == []


def test_an_area_page_reads_in_english(client_as) -> None:
    client = client_as("analyst")
    client.get("/lang/en?next=/stories")
    html = client.get("/stories").text
    assert (
        re.search(r"<h1[^>]*>Stories\s*<a[^>]*>Export Excel</a></h1>", html) and ">Copies<" in html
    )
    assert ">Most articles first<" in html and 'aria-label="Order"' in html


def test_the_places_that_are_not_provinces_read_in_english(client_as, articles, store) -> None:
    with store.engine.begin() as conn:
        for doc, place in zip(articles[1:4], ("không rõ", "toàn quốc", "nước ngoài"), strict=True):
            conn.execute(update(documents).where(documents.c.id == doc).values(place=place))
    client = client_as("analyst")
    client.get("/lang/en?next=/search")
    facet = client.get("/search", params={"q": "date:7d"}).text
    assert all(f">{name}</a>" in facet for name in ("unknown", "nationwide", "abroad"))


def test_the_labels_written_as_data_read_in_english(app: FastAPI) -> None:
    """Labels the pages translate from data, not from a template's phrase: the priorities of the
    shipped deadline rules, and the register's entities, columns and choices."""
    from baochi.cases.deadlines import load_rules
    from baochi.registry.model import ENTITIES
    from baochi.social.marks import SENTIMENTS, TOXICITY

    labels = {rule.label for rule in load_rules().priorities.values()}
    labels |= {*SENTIMENTS.values(), *TOXICITY.values()}  # a post's marks, inside a line
    for entity in ENTITIES.values():
        labels |= {entity.label, entity.plural}
        for spec in entity.fields:
            labels |= {spec.label, *(name for _, name in spec.choices)}
    assert sorted(labels - set(i18n.CATALOGUES["en"])) == []
