"""Story pages on real articles: the latest stories, one story with a copy folded under its
original and the conflicting reports side by side; leaders read them, officers do not."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from dataclasses import replace

from openpyxl import load_workbook
from sqlalchemy import update

from baochi.db import Store
from baochi.db.schema import documents
from baochi.db.stories_store import StoryArticle
from baochi.stories import assign
from baochi.stories.web import timeline
from tests.stories.conftest import COPY, ORIGINAL, Corpus, conflict_pair, save
from tests.web import conftest as web_fixtures
from tests.web.conftest import HOSTILE_TITLE, csrf

# The web area's fixtures (a signed-in client per role), used here over the stories tables.
app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes
closed_engine = web_fixtures.closed_engine


def test_story_pages_show_copies_and_conflicts_side_by_side(
    store: Store, corpus: Corpus, client_as
) -> None:
    crash_a, crash_b = conflict_pair(corpus, 54)
    hostile = replace(corpus.slice[0], title=HOSTILE_TITLE)  # crawled text is hostile input
    ids = [
        save(store, crash_a, "vnexpress.net"),
        save(store, crash_b, "hanoimoi.vn", city_outlet=True),
        save(store, corpus.by_id[ORIGINAL], "vietnamplus.vn"),
        save(store, corpus.by_id[COPY], "baotintuc.vn"),
        save(store, hostile, "tuoitre.vn"),
    ]
    story_of = {int(link.article): int(link.story) for link in assign(store.engine, ids)}
    crash, drill = story_of[ids[0]], story_of[ids[2]]
    assert story_of[ids[1]] == crash and story_of[ids[3]] == drill

    leader = client_as("leader")
    listing = leader.get("/stories")
    assert listing.status_code == 200
    assert html.escape(crash_a.title) in listing.text or html.escape(crash_b.title) in listing.text
    assert "<script>alert" not in listing.text and "&lt;script&gt;" in listing.text

    page = leader.get(f"/stories/{crash}")
    assert page.status_code == 200
    assert "<mark>3 người thương vong</mark>" in page.text
    assert "<mark>5 người thương vong</mark>" in page.text
    assert "vnexpress.net" in page.text and "hanoimoi.vn" in page.text
    assert page.text.count("nguồn chính thức</span>") == 1  # the city's own paper's side
    assert re.search(r'id="story-outlets">[^<]*(hanoimoi\.vn|vnexpress\.net) \(1\), ', page.text)
    chart = json.loads(re.search(r'id="chart-data">(.*?)</script>', page.text, re.S).group(1))
    assert sum(chart["series"]) == 2 and len(chart["labels"]) == len(chart["series"])

    drill_page = leader.get(f"/stories/{drill}")
    # The copy is one line under its original, not an item of its own.
    assert f'Bản sao: <a href="/documents/{ids[3]}">baotintuc.vn</a>' in drill_page.text

    data = leader.get(f"/api/v1/stories/{drill}").json()
    assert {i["document_id"]: i["duplicate_of"] for i in data["items"]} == {
        ids[2]: None,
        ids[3]: ids[2],
    }
    (conflict,) = leader.get(f"/api/v1/stories/{crash}").json()["conflict_list"]
    assert conflict["type"] == "number"
    assert {conflict["official"], conflict["other_official"]} == {True, False}
    assert leader.get("/stories/999999").status_code == 404

    # a case opened from the story is listed on the story's page
    analyst = client_as("analyst")
    token = csrf(analyst, f"/stories/{crash}")
    opened = analyst.post(
        "/cases",
        data={"csrf": token, "story_id": str(crash), "title": "Tai nạn: số thương vong"},
        follow_redirects=False,
    )
    case_id = int(opened.headers["location"].rsplit("/", 1)[1])
    listed = leader.get(f"/stories/{crash}").text
    assert f'<a href="/cases/{case_id}">#{case_id} Tai nạn: số thương vong</a>' in listed
    assert 'id="story-cases"' not in leader.get(f"/stories/{drill}").text
    book = load_workbook(io.BytesIO(leader.get("/stories/export.xlsx").content))
    header, *rows = book.active.iter_rows(values_only=True)
    assert header[0] == "Chuỗi tin" and header[-1] == "Liên kết"
    (crash_row,) = [r for r in rows if str(r[-1]).endswith(f"/stories/{crash}")]
    assert crash_row[0] in (crash_a.title, crash_b.title) and crash_row[3:7] == (2, 0, 2, 1)
    assert any(r[0] == HOSTILE_TITLE for r in rows)  # kept as text, never a formula
    assert client_as("officer").get("/stories").status_code == 403


def test_a_timeline_counts_hours_of_a_short_story_and_days_of_a_long_one() -> None:
    def at(*moments: str) -> list[StoryArticle]:
        return [
            StoryArticle(n, "", "", "", dt.datetime.fromisoformat(m), None)
            for n, m in enumerate(moments)
        ]

    short = timeline(
        at("2026-11-27T23:10+00:00", "2026-11-28T01:59+00:00", "2026-11-28T02:00+00:00")
    )
    assert short == {
        "labels": ["28/11 06h", "28/11 07h", "28/11 08h", "28/11 09h"],
        "series": [1, 0, 1, 1],
    }  # Hà Nội hours, the empty one included
    long = timeline(at("2026-11-20T18:00+00:00", "2026-11-28T03:00+00:00"))
    assert long["labels"][0] == "21/11/2026" and long["labels"][-1] == "28/11/2026"
    assert long["series"] == [1, 0, 0, 0, 0, 0, 0, 1]


def test_a_corrected_tone_is_counted_in_its_story_at_once(
    store: Store, corpus: Corpus, client_as
) -> None:
    ids = [
        save(store, corpus.by_id[ORIGINAL], "vietnamplus.vn"),
        save(store, corpus.by_id[COPY], "baotintuc.vn"),
    ]
    with store.engine.begin() as conn:  # as the pipeline labelled them
        conn.execute(update(documents).where(documents.c.id.in_(ids)).values(tone="neutral"))
    (story,) = {int(link.story) for link in assign(store.engine, ids)}
    analyst = client_as("analyst")
    assert "Trung tính 2<" in analyst.get(f"/stories/{story}").text
    token = csrf(analyst, f"/documents/{ids[0]}")
    form = {"task": "tone", "label": "negative", "csrf": token}
    assert analyst.post(f"/documents/{ids[0]}/labels", data=form).status_code == 200
    page = analyst.get(f"/stories/{story}").text
    assert "Tiêu cực 1<" in page and "Trung tính 1<" in page
