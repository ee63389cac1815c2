"""The daily brief on real collected data: its numbers are the database's, its summaries are
sentences of its stories' articles, and DOCX, PDF and HTML carry the same Vietnamese text."""

from __future__ import annotations

import copy
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from markupsafe import escape

from baochi import records
from baochi.db.reports_store import ReportsStore
from baochi.db.watch_store import WatchStore
from baochi.hanoi_time import HANOI as HANOI_TZ
from baochi.reports import brief as brief_module
from baochi.reports.brief import make_brief
from baochi.reports.formats import render
from baochi.reports.paper import Paper
from baochi.reports.period import Period
from baochi.reports.scope import EVERYTHING, HANOI, ScopeError, resolve
from baochi.reports.summarize import split_sentences
from baochi.vi import normalize
from tests.reports.conftest import DAY, Collected, scalar

HANOI_ARTICLES = "SELECT count(*) FROM documents WHERE hanoi"


@pytest.fixture(scope="module")
def brief(collected: Collected) -> Paper:
    return make_brief(collected.store, collected.settings, DAY, HANOI)


def section(paper: Paper, heading: str):
    (found,) = [s for s in paper.sections if s.heading == heading]
    return found


def flat(text: str) -> str:
    """Whitespace folded, as a PDF's extracted text breaks lines anywhere."""
    return " ".join(text.split())


def test_headline_numbers_are_the_databases(brief: Paper, collected: Collected) -> None:
    store = collected.store
    overview = section(brief, "Tổng quan")
    rows = {row[0]: row for row in overview.tables[0].rows}
    hanoi = scalar(store, HANOI_ARTICLES)
    assert 0 < hanoi < 120
    assert rows["Bài viết"][1] == str(hanoi)
    assert rows["Bài viết"][2] == "0,0"  # nothing was collected in the week before
    assert rows["Chuỗi tin"][1] == str(
        scalar(store, "SELECT count(DISTINCT story_id) FROM documents WHERE hanoi")
    )
    negative = scalar(store, f"{HANOI_ARTICLES} AND tone = 'negative'")
    assert rows["Tiêu cực (tỷ lệ)"][1].startswith(f"{negative} (")
    assert f"đăng {hanoi} bài về Hà Nội" in overview.paragraphs[0]
    assert brief.subtitle == "Thông tin báo chí về Hà Nội ngày 06/02/2017"
    assert brief.date_line == "Hà Nội, ngày 07 tháng 02 năm 2017"


def test_story_summaries_are_sentences_of_their_articles(brief, collected) -> None:
    entries = [e for e in brief.entries() if e.key.startswith("story:")]
    assert len([e for e in entries if e.included]) == 6  # brief_stories; the rest offered
    texts = ReportsStore(collected.store.engine)
    day = Period(DAY, DAY)
    rows = {r.id: r for r in texts.rows(day.start, day.end, hanoi_only=True)}
    by_story: dict[int, list[int]] = {}
    for row in rows.values():
        by_story.setdefault(row.story_id or -row.id, []).append(row.id)
    for entry in entries:
        ids = by_story[int(entry.key.split(":")[1])]
        articles = [normalize(t.text) for t in texts.texts(ids).values()]
        assert entry.text and entry.text == entry.source
        for sentence in split_sentences(entry.text):
            assert any(sentence in a for a in articles), (entry.title, sentence)
        assert entry.links and all(link.url.startswith("http://127.0.0.1:") for link in entry.links)
        assert " bài, " in entry.meta


def test_cases_negative_conflicts_and_spikes_sections(brief, collected) -> None:
    cases = section(brief, "Vụ việc")
    assert cases.paragraphs == [
        "Mở mới 2 vụ việc, 1 vụ việc được trả lời; 1 vụ việc quá hạn trả lời."
    ]
    (overdue,) = cases.tables[0].rows
    assert overdue == [
        "Phản ánh của báo chí về dự thảo Quy tắc ứng xử nơi công cộng",
        collected.department,
        "03/02/2017",
    ]
    negative = section(brief, "Tin bài tiêu cực cần chú ý")
    main = [s for s in brief.sections if s.level == 2]
    assert main and all(e.key.startswith("story:") for s in main for e in s.entries)
    keys = [e.key for s in main for e in s.entries] + [e.key for e in negative.entries]
    assert len(keys) == len(set(keys))  # each story once: negative ones apart
    assert section(brief, "Thông tin trái chiều")
    assert section(brief, "Tăng đột biến")


def test_grouped_by_department(collected) -> None:
    paper = make_brief(collected.store, collected.settings, DAY, HANOI, group_by="department")
    groups = {s.heading for s in paper.sections if s.level == 2}
    assert "Chưa giao sở, ngành" in groups
    biggest = f"story:{_biggest(collected)}"
    everything = {e.key: s.heading for s in paper.sections for e in s.entries}
    if biggest in everything and everything[biggest] != "Tin bài tiêu cực cần chú ý":
        assert everything[biggest] == collected.department


def _save_at(store, site_articles, hours: list[tuple[dt.date, int]]) -> None:
    """Store one real article at each (day, hour) of Hà Nội."""
    items = []
    for (day, hour), record in zip(hours, site_articles, strict=False):
        at = dt.datetime.combine(day, dt.time(hour), HANOI_TZ).astimezone(dt.UTC)
        url = f"https://bao.example.vn/{record['id']}.html"
        article = records.Article(url, record["title"], "", record["text"], at)
        items.append(records.Collected(records.Document(article, records.Keys.of(article)), (), at))
    store.save_documents(items)


def _biggest(collected) -> int:
    from tests.reports.conftest import biggest_hanoi_story

    return biggest_hanoi_story(collected.store)


def test_scope_everything_and_watchlist(collected, monkeypatch) -> None:
    from baochi.watch import matching

    searched: list[str] = []
    run_query = matching.run_query

    def recorded(store, query: str, **options):
        searched.append(query)
        return run_query(store, query, **options)

    monkeypatch.setattr(matching, "run_query", recorded)
    store = collected.store
    paper = make_brief(store, collected.settings, DAY, EVERYTHING)
    rows = {row[0]: row for row in section(paper, "Tổng quan").tables[0].rows}
    assert rows["Bài viết"][1] == "120"
    watch = WatchStore(store.engine)
    if not watch.watchlists():
        watch.add_watchlist("Tuyển sinh", "tuyển sinh", dt.datetime.now(dt.UTC))
    scope = resolve(store, "watchlist:Tuyển sinh")
    matched = make_brief(store, collected.settings, DAY, scope)
    count = int(section(matched, "Tổng quan").tables[0].rows[0][1])
    assert 0 < count < 120
    assert matched.subtitle == "Thông tin báo chí về Tuyển sinh ngày 06/02/2017"
    # the search reads the brief's eight days (the day and the usual), not all since then
    assert searched and all(q.endswith(" AND date:2017-01-30..2017-02-06") for q in searched)
    with pytest.raises(ScopeError):
        resolve(store, "watchlist:không có")


def test_docx_is_an_administrative_document_with_the_numbers(brief, collected) -> None:
    doc = Document(io.BytesIO(render(brief, "docx")))
    header = doc.tables[0]
    assert "UBND THÀNH PHỐ HÀ NỘI" in header.cell(0, 0).text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    assert "Độc lập - Tự do - Hạnh phúc" in header.cell(0, 1).text
    assert "Hà Nội, ngày 07 tháng 02 năm 2017" in header.cell(0, 1).text
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "ĐIỂM BÁO" in text
    assert "I. Tổng quan" in text
    first = next(e for e in brief.entries() if e.included and e.key.startswith("story:"))
    assert first.title in text and first.text in text  # diacritics intact, NFC
    numbers = doc.tables[1]
    assert numbers.cell(1, 0).text == "Bài viết"
    assert numbers.cell(1, 1).text == str(scalar(collected.store, HANOI_ARTICLES))
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert doc.inline_shapes  # the chart, as an image
    assert "Nơi nhận:" in doc.tables[-1].cell(0, 0).text
    assert "GIÁM ĐỐC" in doc.tables[-1].cell(0, 1).text


def test_docx_leaves_out_what_xml_cannot_hold(brief) -> None:
    """A control character in an article's title, a noncharacter pasted in a note or a table
    cell: Word's file has the text without them, as the page and the PDF show it."""
    paper = copy.deepcopy(brief)
    entry = next(e for e in paper.entries() if e.included)
    entry.title, entry.text = "Tin\x01 nóng\x1f", "Tóm\x0b tắt"
    paper.note = "Ghi chú\ufffex\uffff"
    table = next(t for s in paper.sections for t in s.tables)
    table.rows[0][0] = "Bài\x00 viết"
    doc = Document(io.BytesIO(render(paper, "docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "1. Tin nóng" in text and "Tóm tắt" in text and "Ghi chúx" in text
    assert any(c.text == "Bài viết" for t in doc.tables for r in t.rows for c in r.cells)


def test_todays_brief_is_of_the_day_so_far(store, settings, site_articles) -> None:
    """Made at noon for the day itself, the brief counts the morning and compares it with the
    usual mornings, saying so, rather than a half day with whole ones ("−90 %")."""
    before = [DAY - dt.timedelta(days=i) for i in range(1, 8)]
    hours = [(DAY, 7), (DAY, 9), (DAY, 14)] + [(d, h) for d in before for h in (8, 16)]
    _save_at(store, site_articles, hours)
    noon = dt.datetime.combine(DAY, dt.time(12), HANOI_TZ)
    overview = section(make_brief(store, settings, DAY, EVERYTHING, now=noon), "Tổng quan")
    heads = ["Trong ngày, đến 12:00", "Trung bình 7 ngày, cùng giờ"]
    assert overview.tables[0].columns[1:3] == heads
    assert overview.tables[0].rows[0][1:3] == ["2", "1,0"]  # 8 o'clock's, not 16's
    assert overview.paragraphs[0].startswith("Ngày 06/02/2017, đến 12:00, báo chí đăng 2 bài")
    assert "(trung bình 7 ngày trước, cùng giờ: 1,0 bài/ngày)" in overview.paragraphs[0]
    whole = section(make_brief(store, settings, DAY, EVERYTHING), "Tổng quan")
    assert whole.tables[0].rows[0][1:4] == ["3", "2,0", "+50,0\u00a0%"]


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_text_and_first_page_render(brief, collected, tmp_path: Path) -> None:
    pdf = tmp_path / "diem-bao.pdf"
    pdf.write_bytes(render(brief, "pdf"))
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    words = flat(normalize(extracted))
    assert "ĐIỂM BÁO" in words
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in words
    assert f"báo chí đăng {scalar(collected.store, HANOI_ARTICLES)} bài về Hà Nội" in words
    first = next(e for e in brief.entries() if e.included and e.key.startswith("story:"))
    assert flat(first.title) in words
    assert flat(first.text)[:80] in words
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    (png,) = tmp_path.glob("p-*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    # Vietnamese letters in the same typeface as the rest, not patched from a fallback font
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    names = {line.split()[0].split("+")[-1] for line in fonts.stdout.splitlines()[2:]}
    assert names and all(n.startswith("Liberation-Serif") for n in names), names


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_wraps_an_endless_word_instead_of_cutting_it(brief, tmp_path: Path) -> None:
    """A title or summary holding one word longer than the line (a pasted link, a hash) is
    printed whole over several lines; the page's edge cut it after some 60 letters."""
    edited = Paper.from_dict(brief.to_dict())
    entry = next(e for e in edited.entries() if e.included and e.key.startswith("story:"))
    entry.title = "Hà Nội: " + "Ă" * 500
    word = "https://bao.example.vn/" + "b" * 700
    edited.edit({e.key for e in edited.entries() if e.included}, {entry.key: f"Xem {word} ."})
    pdf = tmp_path / "diem-bao.pdf"
    pdf.write_bytes(render(edited, "pdf"))
    extracted = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    letters = "".join(normalize(extracted).split())
    assert "Ă" * 500 in letters and word in letters


def test_html_escapes_and_drops_what_the_analyst_left_out(brief) -> None:
    edited = Paper.from_dict(brief.to_dict())
    stories = [e for e in edited.entries() if e.key.startswith("story:")]
    kept, dropped = stories[0], stories[1]
    edited.edit(
        {e.key for e in edited.entries() if e.included} - {dropped.key},
        {kept.key: 'Tóm tắt đã sửa <script>alert("x")</script>'},
    )
    html = render(edited, "html").decode("utf-8")
    assert "Tóm tắt đã sửa &lt;script&gt;" in html
    assert "<script>" not in html
    assert str(escape(dropped.title)) not in html


def test_a_long_spike_list_is_cut_and_the_rest_named(collected, monkeypatch) -> None:
    def spikes() -> tuple[list[str], list[str]]:
        paper = make_brief(collected.store, collected.settings, DAY, EVERYTHING)
        found = section(paper, "Tăng đột biến")
        return [e.title for e in found.entries], found.paragraphs

    monkeypatch.setattr(brief_module, "LISTED", 1000)
    every, _ = spikes()
    assert len(every) >= 3  # the first day of the site: every topic and place is new
    monkeypatch.setattr(brief_module, "LISTED", 2)
    shown, (rest,) = spikes()
    assert shown == every[:2]
    assert rest == (
        f"{len(every)} mục tăng đột biến; dưới đây là 2 mục tăng mạnh nhất. "
        f"Các mục khác: {', '.join(every[2:])}."
    )


def test_conflicts_are_cut_per_story_and_overall_and_counted(store, settings, monkeypatch):
    from baochi.stories import place_pending
    from baochi.stories.data import read_conflicts, read_corpus
    from tests.conftest import SHARED_DATA
    from tests.stories.conftest import save

    # conflicts/dev pairs, each from two outlets: one story of 6 Feb 2017 with five points of
    # disagreement, and three stories of 12 May 2017 with one each
    chosen = {163: "feb", 199: "feb", 294: "feb", 58: "may", 317: "may", 469: "may"}
    pairs = [c for c in read_conflicts(SHARED_DATA) if c.pair in chosen]
    wanted = {i for c in pairs for i in (c.a, c.b)}
    items = {i.id: i for i in read_corpus(SHARED_DATA, lambda n: str(n) in wanted)}
    for pair in pairs:
        save(store, items[pair.a], f"{chosen[pair.pair]}-a{pair.pair}.vn")
        save(store, items[pair.b], f"{chosen[pair.pair]}-b{pair.pair}.vn")
    place_pending(store.engine, "reports-tests", settings.lease_seconds)

    def conflicts(day: dt.date) -> tuple[list[str], list[str]]:
        found = section(make_brief(store, settings, day, EVERYTHING), "Thông tin trái chiều")
        return [e.key.rsplit(":", 1)[0] for e in found.entries], found.paragraphs

    feb, may = dt.date(2017, 2, 6), dt.date(2017, 5, 12)
    monkeypatch.setattr(brief_module, "LISTED", 2)
    (story, *more), said = conflicts(feb)
    assert more == [story] and said == [  # two points of the five
        "Phát hiện 5 điểm trái chiều; dưới đây là 2 điểm của các chuỗi tin nổi bật nhất "
        "(tối đa 2 điểm mỗi chuỗi tin); xem đầy đủ trên trang Chuỗi tin."
    ]
    shown, (said,) = conflicts(may)
    assert len(set(shown)) == 2 and said.startswith("Phát hiện 3 điểm trái chiều; dưới đây là 2")
    monkeypatch.setattr(brief_module, "LISTED", 1000)
    monkeypatch.setattr(brief_module, "CONFLICTS_PER_STORY", 1000)
    assert conflicts(feb) == ([story] * 5, [])
    assert len(set(conflicts(may)[0])) == 3


def test_a_figure_carried_by_two_outlets_is_one_point_naming_both(store, settings) -> None:
    """A crash report copied word for word by a second outlet disagrees with a third outlet's
    figure twice, one conflict per copy: the leader reads one point with both outlets named."""
    from baochi.stories import place_pending
    from baochi.stories.data import read_conflicts, read_corpus
    from tests.conftest import SHARED_DATA
    from tests.stories.conftest import save

    (pair,) = [c for c in read_conflicts(SHARED_DATA) if c.pair == 54]  # 3 vs 5 casualties
    items = {i.id: i for i in read_corpus(SHARED_DATA, lambda n: str(n) in (pair.a, pair.b))}
    first, later = sorted((items[pair.a], items[pair.b]), key=lambda i: i.published)
    save(store, first, "vtv.vn")
    save(store, later, "vov.vn")
    save(store, later, "dantri.com.vn")  # the same text in a second outlet
    place_pending(store.engine, "reports-tests", settings.lease_seconds)
    day = (later.published + dt.timedelta(hours=7)).date()
    found = section(make_brief(store, settings, day, EVERYTHING), "Thông tin trái chiều")
    (point,) = found.entries
    assert point.text.startswith("vov.vn, dantri.com.vn: «") and "» — vtv.vn: «" in point.text
    assert point.meta == "«5 người thương vong» so với «3 người thương vong»"
    assert found.paragraphs == []


def test_the_usual_day_is_written_with_its_decimal_so_the_change_adds_up(
    store, settings, site_articles
) -> None:
    """Two articles a day on three of the week's days is a mean of 0,9 a day: the table writes
    "0,9", which with the day's 3 gives the "+250,0 %" beside it ("1" would read +200 %)."""
    before = [DAY - dt.timedelta(days=i) for i in (1, 2, 3)]
    hours = [(DAY, 7), (DAY, 8), (DAY, 9)] + [(d, h) for d in before for h in (8, 16)]
    _save_at(store, site_articles, hours)
    overview = section(make_brief(store, settings, DAY, EVERYTHING), "Tổng quan")
    assert overview.tables[0].rows[0][1:4] == ["3", "0,9", "+250,0\u00a0%"]
    assert "(trung bình 7 ngày trước: 0,9 bài/ngày)" in overview.paragraphs[0]


def test_a_day_without_stories_says_so_under_the_main_stories(store, settings) -> None:
    """The main stories' heading is not left with its introduction over nothing."""
    main = section(make_brief(store, settings, DAY, EVERYTHING), "Tin bài nổi bật")
    assert main.paragraphs == ["Không có chuỗi tin nổi bật trong ngày."]


def _disputed_story(store, settings, outlets: list[str]) -> tuple[dt.date, object]:
    """A crash report (5 casualties) carried by `outlets`, and vtv.vn's (3 casualties); the
    brief's entry of the story vov.vn is in."""
    from baochi.stories import place_pending
    from baochi.stories.data import read_conflicts, read_corpus
    from tests.conftest import SHARED_DATA
    from tests.stories.conftest import save

    (pair,) = [c for c in read_conflicts(SHARED_DATA) if c.pair == 54]  # 3 vs 5 casualties
    items = {i.id: i for i in read_corpus(SHARED_DATA, lambda n: str(n) in (pair.a, pair.b))}
    first, later = sorted((items[pair.a], items[pair.b]), key=lambda i: i.published)
    save(store, first, "vtv.vn")
    for outlet in outlets:
        save(store, later, outlet)
    place_pending(store.engine, "reports-tests", settings.lease_seconds)
    day = (later.published + dt.timedelta(hours=7)).date()
    entries = make_brief(store, settings, day, EVERYTHING).entries()
    (entry,) = [e for e in entries if any(link.outlet == "vov.vn" for link in e.links)]
    return day, entry


def test_a_summary_does_not_state_a_figure_the_outlets_dispute(store, settings) -> None:
    """Outlets disagree on the casualties (3 or 5): the story's summary takes neither figure
    as fact; the leader reads both in the conflicts section."""
    _, entry = _disputed_story(store, settings, ["vov.vn"])
    assert entry.meta.startswith("2 bài, 2 báo")  # type: ignore[attr-defined]
    assert entry.text and "người thương vong" not in entry.text, entry.text  # type: ignore[attr-defined]


def test_a_story_links_every_outlet_it_counts(store, settings) -> None:
    """Six outlets carry one text: "6 báo", and six links, one each (not the first five)."""
    outlets = ["vov.vn", "dantri.com.vn", "vnexpress.net", "tuoitre.vn", "laodong.vn", "nld.vn"]
    _, entry = _disputed_story(store, settings, outlets)
    assert "6 bài, 6 báo" in entry.meta  # type: ignore[attr-defined]
    linked = [link.outlet for link in entry.links]  # type: ignore[attr-defined]
    assert sorted(linked) == sorted(outlets)
