"""Story pages on real articles: the latest stories, one story with a copy folded under its
original and the conflicting reports side by side; leaders read them, officers do not."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from dataclasses import replace
from urllib.parse import urlencode

from openpyxl import load_workbook
from sqlalchemy import update

from baochi import cases
from baochi.db import Store
from baochi.db.cases_store import CasesStore
from baochi.db.schema import documents
from baochi.db.schema_cases import cases as cases_table
from baochi.db.schema_stories import story_articles
from baochi.db.stories_store import StoryArticle, StoryStore
from baochi.pipeline import name_areas
from baochi.stories import assign
from baochi.stories import web as stories_web
from baochi.stories.features import Item
from baochi.stories.web import timeline
from baochi.vi.places import units_named
from tests.stories.conftest import COPY, ORIGINAL, Corpus, conflict_pair, save
from tests.web import conftest as web_fixtures
from tests.web.conftest import HOSTILE_TITLE, csrf

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"

# The web area's fixtures (a signed-in client per role), used here over the stories tables.
app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes
closed_engine = web_fixtures.closed_engine


def crash_and_drill(store: Store, corpus: Corpus) -> list[int]:
    """Two reports of a crash that disagree on its toll (the second from the city's own paper),
    then a drill's wire story and a copy of it: their document ids."""
    crash_a, crash_b = conflict_pair(corpus, 54)
    return [
        save(store, crash_a, "vnexpress.net"),
        save(store, crash_b, "hanoimoi.vn", city_outlet=True),
        save(store, corpus.by_id[ORIGINAL], "vietnamplus.vn"),
        save(store, corpus.by_id[COPY], "baotintuc.vn"),
    ]


def test_story_pages_show_copies_and_conflicts_side_by_side(
    store: Store, corpus: Corpus, client_as, monkeypatch
) -> None:
    crash_a, crash_b = conflict_pair(corpus, 54)
    hostile = replace(corpus.slice[0], title=HOSTILE_TITLE)  # crawled text is hostile input
    ids = [*crash_and_drill(store, corpus), save(store, hostile, "tuoitre.vn")]
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

    # the drill's coverage as a workbook, for the department a case goes to: each article with
    # its labels (an analyst's tone as it now stands) and the copy pointing at its original
    with store.engine.begin() as conn:
        where = documents.c.id == ids[2]
        conn.execute(update(documents).where(where).values(tone="positive", topic="xa_hoi"))
    assert (
        'tone-positive me-1" title="Sắc thái">Tích cực</span>'
        in leader.get(f"/stories/{drill}").text
    )
    exported = leader.get(f"/stories/{drill}/export.xlsx")
    disposition = exported.headers["content-disposition"]
    assert disposition.startswith(f'attachment; filename="chuoi-tin-{drill}.xlsx"; ')
    (title_line, link_line, header, *rows) = load_workbook(
        io.BytesIO(exported.content)
    ).active.iter_rows(values_only=True)
    assert title_line[1] == leader.get(f"/api/v1/stories/{drill}").json()["title"]
    assert str(link_line[1]).endswith(f"/stories/{drill}") and header[-1] == "Liên kết"
    original, copy = rows
    assert original[1:5] == ("vietnamplus.vn", corpus.by_id[ORIGINAL].title, "Xã hội", "Tích cực")
    assert original[7] is None and copy[1] == "baotintuc.vn" and copy[7] == "vietnamplus.vn"
    assert copy[-1] == f"https://baotintuc.vn/tin-{COPY}.html"
    assert leader.get("/stories/999999/export.xlsx").status_code == 404
    assert client_as("officer").get(f"/stories/{drill}/export.xlsx").status_code == 403

    data = leader.get(f"/api/v1/stories/{drill}").json()
    assert {i["document_id"]: i["duplicate_of"] for i in data["items"]} == {
        ids[2]: None,
        ids[3]: ids[2],
    }
    assert data["items"][0]["tone"] == "positive" and data["items"][0]["topic"] == "xa_hoi"
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
    monkeypatch.setattr(stories_web, "EXPORT_LIMIT", 2)  # cut at its newest N, it says so
    note, header, *first = load_workbook(
        io.BytesIO(leader.get("/stories/export.xlsx").content)
    ).active.iter_rows(values_only=True)
    assert note[0] == "Tệp này có 2 chuỗi tin mới nhất; các chuỗi tin cũ hơn không có trong tệp."
    assert header[0] == "Chuỗi tin" and first == rows[:2]
    monkeypatch.undo()

    # filtered to what Lan reads first: stories several outlets tell, or whose reports disagree
    def listed(query: str) -> set[str]:
        page = leader.get(f"/stories{query}")
        assert page.status_code == 200
        return set(re.findall(r'<a href="/stories/(\d+)" class="fw-medium">', page.text))

    alone = story_of[ids[4]]
    assert {str(crash), str(drill), str(alone)} <= listed("")
    assert listed("?outlets=2") == {str(crash), str(drill)}
    assert listed("?conflicts=true") == {str(crash)}
    assert listed("?outlets=2&conflicts=true") == {str(crash)}
    assert listed("?days=30") == set()  # the corpus' stories are of 2017
    largest = leader.get("/stories?sort=articles").text  # the biggest stories first, on asking
    order = re.findall(r'<a href="/stories/(\d+)" class="fw-medium">', largest)
    sizes = [StoryStore(store.engine).story(int(i)).articles for i in order]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]
    assert '<option value="articles" selected>Nhiều bài nhất trước</option>' in largest
    assert leader.get("/stories?sort=x").status_code == 422
    filtered = leader.get("/stories?outlets=2&conflicts=true").text
    assert 'href="/stories/export.xlsx?outlets=2&amp;conflicts=true"' in filtered
    book = load_workbook(io.BytesIO(leader.get("/stories/export.xlsx?conflicts=true").content))
    assert [
        str(r[-1]).rsplit("/", 1)[1] for r in list(book.active.iter_rows(values_only=True))[1:]
    ] == [str(crash)]
    assert "Không có chuỗi tin nào khớp bộ lọc." in leader.get("/stories?outlets=5").text
    shared = leader.get("/stories?outlets=4&days=14").text  # a link typed by hand stays as sent
    assert '<option value="4" selected>Từ 4 cơ quan báo chí</option>' in shared
    assert '<option value="14" selected>14 ngày qua</option>' in shared
    assert leader.get("/stories?outlets=0").status_code == 422
    monkeypatch.setattr(stories_web, "PAGE_SIZE", 1)  # a page at a time, the filters kept
    pages = [leader.get(f"/stories?outlets=2&page={n}").text for n in (1, 2, 3)]
    first, second = (listed(f"?outlets=2&page={n}") for n in (1, 2))
    assert len(first) == len(second) == 1 and first | second == {str(crash), str(drill)}
    assert 'rel="next" href="/stories?outlets=2&amp;page=2"' in pages[0]
    assert 'rel="prev" href="/stories?outlets=2&amp;page=1"' in pages[1]
    assert 'rel="next"' not in pages[1]
    assert "Trang này đã quá trang cuối của danh sách." in pages[2]  # not "nothing matches"
    assert 'href="/stories?outlets=2&amp;page=1">← Trang đầu</a>' in pages[2]
    paged = [leader.get(f"/api/v1/stories?outlets=2&limit=1&offset={n}").json()["items"]
             for n in (0, 1, 2)]  # fmt: skip
    assert [len(items) for items in paged] == [1, 1, 0]
    assert {paged[0][0]["id"], paged[1][0]["id"]} == {crash, drill}
    assert leader.get("/api/v1/stories?offset=-1").status_code == 422
    api = leader.get("/api/v1/stories?outlets=2&conflicts=true").json()["items"]
    assert [item["id"] for item in api] == [crash]
    assert client_as("officer").get("/stories").status_code == 403


def test_a_story_counts_in_english_one_copy_or_more(
    store: Store, corpus: Corpus, client_as
) -> None:
    """The drill's wire story and its copy: "1 copy", not "1 copies"; Vietnamese has one word."""
    ids = crash_and_drill(store, corpus)
    drill = {int(link.article): int(link.story) for link in assign(store.engine, ids)}[ids[2]]
    leader = client_as("leader")
    leader.get("/lang/en")
    line = re.search(
        r'<p class="text-secondary small mb-3">(.*?)</p>', leader.get(f"/stories/{drill}").text
    )
    assert line is not None and " · 2 articles · 2 press agencies · 1 copy" in line.group(1)
    leader.get("/lang/vi")
    line = re.search(
        r'<p class="text-secondary small mb-3">(.*?)</p>', leader.get(f"/stories/{drill}").text
    )
    assert line is not None and " · 2 bài · 2 cơ quan báo chí · 1 bản sao" in line.group(1)


def test_an_article_page_shows_its_story_copies_conflicts_and_cases(
    store: Store, corpus: Corpus, client_as
) -> None:
    """Lan reads an article: its story, the article it repeats or the copies repeating it, the
    reports that disagree with it (its own side first), and the cases it is already part of,
    before she opens a second one on it."""
    ids = [*crash_and_drill(store, corpus), save(store, corpus.slice[0], "tuoitre.vn")]
    analyst = client_as("analyst")
    assert 'id="document-story"' not in analyst.get(f"/documents/{ids[0]}").text  # not placed
    story_of = {int(link.article): int(link.story) for link in assign(store.engine, ids)}
    assert 'id="document-story"' not in analyst.get(f"/documents/{ids[4]}").text  # alone

    for mine, theirs in ((ids[0], ids[1]), (ids[1], ids[0])):
        page = analyst.get(f"/documents/{mine}").text
        assert f'<a href="/stories/{story_of[mine]}" class="fw-medium">' in page
        table = page[page.index("Bài này mâu thuẫn với") :]
        assert table.index(f'href="/documents/{mine}"') < table.index(f'href="/documents/{theirs}"')
        assert table.count("<mark>") == 2 and "thương vong</mark>" in table
    copy = analyst.get(f"/documents/{ids[3]}").text
    assert re.search(
        rf'id="document-original">[^<]*<a href="/documents/{ids[2]}">vietnamplus', copy
    )
    assert "Bài này mâu thuẫn với" not in copy and 'id="document-cases"' not in copy
    original = analyst.get(f"/documents/{ids[2]}").text
    assert re.search(
        rf'id="document-copies">[^<]*<a href="/documents/{ids[3]}">baotintuc', original
    )

    token = csrf(analyst, f"/documents/{ids[0]}")

    def open_case(title: str) -> int:
        form = {"csrf": token, "document_id": str(ids[0]), "title": title}
        opened = analyst.post("/cases", data=form, follow_redirects=False)
        return int(opened.headers["location"].rsplit("/", 1)[1])

    earlier = open_case("Tai nạn: đã trả lời năm ngoái")
    with store.engine.begin() as conn:  # closed, and due long ago
        done = {"status": "closed", "due_on": dt.date(2025, 1, 2)}
        conn.execute(update(cases_table).where(cases_table.c.id == earlier).values(**done))
    case_id = open_case("Tai nạn: số thương vong")
    listed = f'<a href="/cases/{case_id}">#{case_id} Tai nạn: số thương vong</a>'
    for reader in (analyst, client_as("leader")):  # the story's other report is in it too
        for doc_id in ids[:2]:
            page = reader.get(f"/documents/{doc_id}").text
            assert listed in page and "Bài đưa tin" in page
    page = analyst.get(f"/documents/{ids[0]}").text
    assert page.index(f'href="/cases/{case_id}"') < page.index(f'href="/cases/{earlier}"')
    # beside the form that opens a case: seen before a second one is opened on the article
    assert page.index('id="doc-aside"') < page.index('id="document-cases"')
    assert page.index('id="document-cases"') < page.index('id="open-case"')
    form = re.search(r'id="open-case">.*?</details>', page, re.S)
    assert form is not None and "Khẩn (5 ngày)" in form.group(0)  # a deadline, as a story's
    assert 'id="document-cases"' not in analyst.get(f"/documents/{ids[2]}").text
    assert client_as("officer").get(f"/documents/{ids[0]}").status_code == 403


def test_the_dashboard_calls_rising_what_several_outlets_told_most_today(
    store: Store, corpus: Corpus, client_as
) -> None:
    now = dt.datetime.now(dt.UTC)

    def today(item: Item) -> Item:
        return replace(item, published=now - dt.timedelta(hours=2))

    def yesterday(item: Item) -> Item:
        return replace(item, published=now - dt.timedelta(hours=30))

    crash_a, crash_b = conflict_pair(corpus, 54)
    crash = [
        save(store, today(crash_a), "vnexpress.net"),
        save(store, today(crash_b), "hanoimoi.vn"),
        save(store, today(crash_b), "tuoitre.vn", body=crash_b.text + "\nBài viết được cập nhật."),
    ]
    drill = [
        save(store, today(corpus.by_id[ORIGINAL]), "vietnamplus.vn"),
        save(store, yesterday(corpus.by_id[COPY]), "baotintuc.vn"),
    ]
    alone = save(store, today(corpus.slice[0]), "dantri.com.vn")
    story_of = {
        int(link.article): int(link.story) for link in assign(store.engine, [*crash, *drill, alone])
    }
    assert story_of[drill[0]] == story_of[drill[1]] and len({story_of[i] for i in crash}) == 1
    rising = StoryStore(store.engine).rising(now - dt.timedelta(days=1), 8, 2)
    assert [r.story.id for r in rising] == [story_of[crash[0]]]  # the drill's 2nd outlet: yesterday
    again = today(corpus.by_id[COPY])
    drill.append(save(store, again, "nld.com.vn", body=again.text + "\nBài viết được cập nhật."))
    assert {int(link.story) for link in assign(store.engine, drill[2:])} == {story_of[drill[0]]}
    told = corpus.slice[0]  # told by three outlets yesterday, by two today: fading
    when = {"vov.vn": today, "zingnews.vn": yesterday, "laodong.vn": yesterday,
            "thanhnien.vn": yesterday}  # fmt: skip
    fading = [
        save(store, day(told), outlet, body=f"{told.text}\nCập nhật lần {n}.")
        for n, (outlet, day) in enumerate(when.items())
    ]
    assert {int(link.story) for link in assign(store.engine, fading)} == {story_of[alone]}

    page = client_as("analyst").get("/").text
    panel = page[page.index("Chuỗi tin đang nổi") :].split("</ul>")[0]
    items = {
        int(re.search(r'href="/stories/(\d+)"', item).group(1)): item
        for item in panel.split("</li>")
        if 'href="/stories/' in item
    }
    new, growing, fading_ = (items[story_of[i]] for i in (crash[0], drill[0], alone))
    assert next(iter(items)) == story_of[crash[0]] and len(items) == 3
    assert "+3 bài trong 24 giờ" in new and ">mới</span>" in new and "trước đó" not in new
    assert "+2 bài trong 24 giờ" in growing and ">mới</span>" not in growing
    assert '(24 giờ trước đó: 1 <span class="text-danger" title="tăng">▲</span>)' in growing
    assert '(24 giờ trước đó: 3 <span title="giảm">▼</span>)' in fading_
    assert 'href="/stories?outlets=2&amp;days=1"' in panel


def test_a_timeline_counts_hours_of_a_short_story_and_days_of_a_long_one() -> None:
    def at(*moments: str) -> list[StoryArticle]:
        return [
            StoryArticle(n, "", "", "", dt.datetime.fromisoformat(m), None)
            for n, m in enumerate(moments)
        ]

    short = timeline(
        7, at("2026-11-27T23:10+00:00", "2026-11-28T01:59+00:00", "2026-11-28T02:00+00:00")
    )
    day = "/search?q=story%3A7+date%3A2026-11-28"  # a bar leads to the story's articles that day
    assert short == {
        "labels": ["28/11 06h", "28/11 07h", "28/11 08h", "28/11 09h"],
        "series": [1, 0, 1, 1],
        "series_links": [day, "", day, day],
        "hourly": True,
    }  # Hà Nội hours, the empty one included
    long = timeline(7, at("2026-11-20T18:00+00:00", "2026-11-28T03:00+00:00"))
    assert long["labels"][0] == "21/11/2026" and long["labels"][-1] == "28/11/2026"
    assert long["series"] == [1, 0, 0, 0, 0, 0, 0, 1] and not long["hourly"]
    assert long["series_links"][0] == "/search?q=story%3A7+date%3A2026-11-21"


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


def test_a_story_and_its_article_list_the_districts_and_wards_named(
    store: Store, corpus: Corpus, client_as
) -> None:
    def named(item: Item) -> set[str]:
        return units_named(item.title, item.text.partition("\n")[0], "Hà Nội")

    item = next(i for i in corpus.slice if named(i))
    doc = save(store, item, "hanoimoi.vn")
    with store.engine.begin() as conn:  # as the pipeline placed it, before areas were named
        conn.execute(update(documents).values(place="Hà Nội"))
    assert name_areas(store) == 1
    (story,) = {int(link.story) for link in assign(store.engine, [doc])}
    page = client_as("leader").get(f"/stories/{story}").text
    listed = re.search(r'id="story-areas">(.*?)</div>', page, re.S)
    assert listed is not None
    article = client_as("analyst").get(f"/documents/{doc}").text
    for area in named(item):
        query = urlencode({"q": f'story:{story} place:"{area}"'})
        assert f'<a href="/search?{html.escape(query)}">{area}</a> (1)' in listed.group(1)
        query = urlencode({"q": f'place:"{area}"'})
        assert f'<a href="/search?{html.escape(query)}">{area}</a>' in article
    # a case opened from the story says where it happens, for the department that answers
    analyst = client_as("analyst")
    form = {"csrf": csrf(analyst, f"/stories/{story}"), "story_id": str(story), "title": "Xử lý"}
    case = analyst.post("/cases", data=form)
    where = re.search(r'id="case-areas">([^<]*)<', case.text)
    assert where is not None and set(where.group(1).split(": ")[1].split(", ")) == named(item)


def test_a_case_opened_on_a_story_page_goes_to_the_officer_and_back(
    store: Store, corpus: Corpus, client_as, people
) -> None:
    ids = crash_and_drill(store, corpus)
    story_of = {int(link.article): int(link.story) for link in assign(store.engine, ids)}
    crash = story_of[ids[0]]
    department = people["officer"].department_id

    # Lan opens it on the story page: routed to Minh's department, urgent, with a note.
    analyst = client_as("analyst")
    page = analyst.get(f"/stories/{crash}").text
    form = re.search(r'<details class="card mb-3" id="open-case">.*?</details>', page, re.S)
    assert form is not None and f'name="story_id" value="{crash}"' in form.group(0)
    assert f'<option value="{department}">Sở Xây dựng</option>' in form.group(0)
    assert "Khẩn (5 ngày)" in form.group(0)
    title = html.escape(StoryStore(store.engine).story(crash).title)
    assert f'name="title" value="{title}"' in form.group(0)  # shown to edit, as an article's
    opened = analyst.post(
        "/cases",
        data={
            "csrf": csrf(analyst, f"/stories/{crash}"),
            "story_id": str(crash),
            "title": "",
            "priority": "urgent",
            "department": str(department),
            "issue": "Hai báo đưa số người thương vong khác nhau.",
        },
        follow_redirects=False,
    )
    case_id = int(opened.headers["location"].rsplit("/", 1)[1])
    case = cases.get_case(store.engine, cases.Actor("admin"), case_id)
    assert case.title == StoryStore(store.engine).story(crash).title  # none typed: the story's
    assert (case.status, case.priority, case.responsible) == ("assigned", "urgent", (department,))
    assert case.issue == "Hai báo đưa số người thương vong khác nhau."
    # The story's articles are the case's coverage at once, not at the next scheduled run.
    linked = CasesStore(store.engine).case_documents(case_id)
    assert sorted(d.document_id for d in linked) == sorted(ids[:2])

    # Minh reads that coverage inside his case, and no other article.
    officer = client_as("officer")
    case_page = officer.get(f"/cases/{case_id}").text
    title = StoryStore(store.engine).story(crash).title
    assert f"<title>#{case_id} {html.escape(title, quote=False)} · baochi</title>" in case_page
    assert f'href="/cases/{case_id}/documents/{ids[0]}"' in case_page
    article = officer.get(f"/cases/{case_id}/documents/{ids[0]}")
    assert article.status_code == 200
    crash_a, _ = conflict_pair(corpus, 54)
    assert html.escape(crash_a.text.partition("\n")[0][:80]) in article.text
    assert officer.get(f"/cases/{case_id}/documents/{ids[2]}").status_code == 404
    assert officer.get(f"/documents/{ids[0]}").status_code == 403
    other = cases.open_case(store.engine, cases.Actor("admin"), "Khác", story_id=crash)
    assert officer.get(f"/cases/{other}/documents/{ids[0]}").status_code == 404
    # The office reads the article where it always does.
    assert f'href="/documents/{ids[0]}"' in analyst.get(f"/cases/{case_id}").text

    # A wire story and its copy are one item of a case's coverage, the copy named under it.
    wire, drill = ids[2:], story_of[ids[2]]
    assert story_of[ids[3]] == drill
    drill_case = cases.open_case(
        store.engine, cases.Actor("admin"), "", story_id=drill, responsible=[department]
    )
    drill_page = officer.get(f"/cases/{drill_case}").text
    copy_link = f'<a href="/cases/{drill_case}/documents/{wire[1]}">baotintuc.vn</a>'
    assert f'id="copies-{wire[0]}">Bản sao: {copy_link}</div>' in drill_page
    assert drill_page.count(f"/cases/{drill_case}/documents/{wire[1]}") == 1  # no item of its own

    # Minh answers with the letter; Lan confirms the city paper's article as the correction.
    assert "PDF, DOCX, XLSX, PNG, JPEG · ≤ 20 MB" in case_page
    officer.post(
        f"/cases/{case_id}/answer",
        data={"csrf": csrf(officer, f"/cases/{case_id}"), "answer": "Đã xác minh.\nĐã báo cáo."},
        files={"file": ("cong-van.pdf", PDF, "application/pdf")},
    )
    confirm = f'action="/cases/{case_id}/replies/{ids[1]}"'
    assert confirm in analyst.get(f"/cases/{case_id}").text
    analyst.post(
        f"/cases/{case_id}/replies/{ids[1]}",
        data={"csrf": csrf(analyst, f"/cases/{case_id}"), "relation": "correction"},
    )
    page = analyst.get(f"/cases/{case_id}").text
    assert '<span class="badge text-bg-success">Cải chính</span>' in page and confirm not in page
    assert '<p class="pre-line" id="case-answer">Đã xác minh.\nĐã báo cáo.</p>' in page
    assert f"cong-van.pdf</a> ({len(PDF)} byte)" in page
    history = re.findall(
        r'<li class="list-group-item">\d\d/\d\d/\d{4} \d\d:\d\d · (.*?)</li>', page
    )
    (correction,) = CasesStore(store.engine).documents_text([ids[1]])
    correction_title = correction["title"]
    assert history == [
        'Mở hồ sơ → Đã giao<div class="text-secondary">Lan</div>',
        'Trả lời → Đã trả lời<div class="text-secondary">Minh</div>',
        'Đóng → Đã đóng<div class="text-secondary">Lan</div>'  # and what closed it
        f'<div class="text-secondary">Cải chính: «{html.escape(correction_title)}»</div>',
    ]


# -- A near-copy that contradicts its original; disagreements told once; the dashboard -------


def test_a_copy_that_changes_a_figure_is_its_own_article_and_each_disagreement_is_told_once(
    store: Store, corpus: Corpus, client_as
) -> None:
    """Hànộimới's crash report, carried word for word by two outlets, and VnExpress's near-copy
    of it with another headline and another toll: VnExpress's is an article of its own (never
    'a copy' of one it contradicts), its disagreement one row against the three outlets, and the
    dashboard's attention card names the story."""
    now = dt.datetime.now(dt.UTC)
    _, told = conflict_pair(corpus, 54)
    assert "5 người thương vong" in told.text

    def at(hours: float, **changes: str) -> Item:
        return replace(told, published=now - dt.timedelta(hours=hours), **changes)

    changed = told.text.replace("5 người thương vong", "7 người thương vong")
    ids = [
        save(store, at(5), "hanoimoi.vn", city_outlet=True),
        save(store, at(4), "tuoitre.vn", body=told.text + "\nBài viết được cập nhật."),
        save(store, at(3), "baotintuc.vn", body=told.text + "\nNguồn: TTXVN."),
        save(store, at(2, title="Tai nạn nghiêm trọng, 7 người thương vong", text=changed),
             "vnexpress.net"),
    ]  # fmt: skip
    (story,) = {int(link.story) for link in assign(store.engine, ids)}
    analyst = client_as("analyst")
    assert analyst.get(f"/api/v1/stories/{story}").json()["items"][3]["duplicate_of"] is None

    def check() -> None:
        page = analyst.get(f"/stories/{story}").text
        assert re.search(
            rf'Bản sao: <a href="/documents/{ids[1]}">tuoitre.vn</a>, '
            rf'<a href="/documents/{ids[2]}">baotintuc.vn</a></div>',
            page,
        )
        assert f'<a href="/documents/{ids[3]}">Tai nạn nghiêm trọng, 7 người' in page
        line = re.search(r'<p class="text-secondary small mb-3">(.*?)</p>', page)
        assert line is not None and " · 2 bản sao" in line.group(1)
        panel = page[page.index("Thông tin mâu thuẫn") : page.index("</table>")]
        assert panel.count("<tr>") == 2 and panel.count("<mark>") == 2  # header, one point
        assert "<mark>7 người thương vong</mark>" in panel
        assert "<mark>5 người thương vong</mark>" in panel
        assert all(f'href="/documents/{i}"' in panel for i in ids)
        assert panel.count("nguồn chính thức</span>") == 1  # beside hanoimoi.vn only

        doc = analyst.get(f"/documents/{ids[3]}").text
        assert 'id="document-original"' not in doc and "Bài này lặp lại" not in doc
        table = doc[doc.index("Bài này mâu thuẫn với") :]
        assert table.count("<mark>") == 2 and table.count("<tr>") == 2
        title = html.escape(analyst.get(f"/api/v1/stories/{story}").json()["title"])
        assert re.search(
            rf'id="doc-story"><span[^>]*>Chuỗi tin</span>\s*<a [^>]*href="/stories/{story}">'
            rf"{re.escape(title)}</a>",
            doc,
        )
        assert "Câu chuyện" not in doc
        original = analyst.get(f"/documents/{ids[0]}").text
        copies = re.search(r'id="document-copies">(.*?)</div>', original, re.S)
        assert copies is not None and f"/documents/{ids[3]}" not in copies.group(1)

    check()
    # placed before this rule, the near-copy was stored as a copy: shown apart all the same
    with store.engine.begin() as conn:
        where = story_articles.c.document_id == ids[3]
        conn.execute(update(story_articles).where(where).values(duplicate_of=ids[0]))
    check()
    # a case on the story lists its coverage as the story does
    form = {"csrf": csrf(analyst, f"/stories/{story}"), "story_id": str(story), "title": "Tai nạn"}
    opened = analyst.post("/cases", data=form, follow_redirects=False)
    case_page = analyst.get(opened.headers["location"]).text
    copies = re.search(rf'id="copies-{ids[0]}">(.*?)</div>', case_page)
    assert copies is not None and f'documents/{ids[1]}"' in copies.group(1)
    assert f'documents/{ids[3]}"' not in copies.group(1) and f'documents/{ids[3]}"' in case_page

    dashboard = analyst.get("/").text
    attention = dashboard[dashboard.index("Cần chú ý") :].split("</ul>")[0]
    assert f'<a href="/stories/{story}">' in attention and "1 điểm mâu thuẫn" in attention
    assert "Mọi nguồn tin đều hoạt động." not in attention
    assert "Chuỗi tin đang nổi" in dashboard and "Câu chuyện" not in dashboard
