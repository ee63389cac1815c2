"""Imports, tokens at rest, stories and offensive spans, on real social text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import signal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from baochi.collect.social.importers import PRESETS, ImportReport, read_facebook_export, read_table
from baochi.collect.social.items import SocialItem
from baochi.collect.social.mapping import FieldMap
from baochi.collect.social.tokens import TokenError, encrypt, reveal
from baochi.db import Store
from baochi.db.social_store import SocialStore
from baochi.records import Article, Collected, Document, Keys
from baochi.search import run_query
from baochi.settings import Settings
from baochi.social import ingest as ingest_module
from baochi.social.ingest import ingest
from baochi.social.spans import SpanTagger, load_vihos, span_f1, spans_of, train
from baochi.stories import assign
from tests.conftest import SHARED_DATA, needs_corpus
from tests.social.fake_api import social_texts
from tests.vi.legacy_encoders import to_cp1258, to_tcvn3

WHEN = dt.datetime(2017, 3, 1, 3, 0, tzinfo=dt.UTC)


def written(report: ImportReport) -> list[tuple[int, str]]:
    """A report's bad rows as the CLI prints them: each row's number and why, in Vietnamese."""
    return [(number, str(problem)) for number, problem in report.errors]


def test_a_listening_tool_csv_and_xlsx_are_checked_row_by_row(tmp_path: Path, store: Store,
                                                               settings: Settings):  # fmt: skip
    texts = social_texts(4)
    header = list(PRESETS["listening"].values())
    rows = [
        ["a1", "Bài viết", texts[0], "", "2017-03-01T08:00:00+07:00", "https://fb.com/a1",
         "Lan", "12", "3", "1", "", ""],
        ["a2", "Bình luận", texts[1], "", "2017-03-01T09:00:00+07:00", "", "Minh", "", "", "",
         "", "a1"],
        ["a3", "Bài viết", texts[2], "", "hôm qua", "", "", "", "", "", "", ""],
        ["a4", "Bài viết", "", "", "2017-03-01T09:00:00+07:00", "", "", "", "", "", "", ""],
        ["a5", "Bài viết", texts[3], "", "", "", "", "-4", "", "", "", ""],
    ]  # fmt: skip
    fields = FieldMap.parse(PRESETS["listening"])
    sheet = tmp_path / "listening.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
        # a text with a comma, written by hand without quotes; a row cut short
        f.write(f"a6,Bình luận,{texts[0][:30]}, rồi,,2017-03-01T09:00:00+07:00,,,,,,,\n")
        f.write("a7,Bài viết\n")
    report = read_table(sheet, "facebook", fields)
    assert [i.external_id for i in report.items] == ["a1", "a2"]
    assert written(report) == [
        (4, "cột 'Thời gian': không phải ngày giờ: 'hôm qua'"),
        (5, "cột 'Nội dung': trống"),
        (6, "cột 'Lượt thích': không phải số đếm: '-4'"),
        (7, "nhiều hơn dòng tiêu đề 1 ô: có thể nội dung có dấu phẩy, dấu chấm phẩy hay dấu "
            'ngoặc kép (") mà không được đặt trong ngoặc kép'),
        (8, "thiếu 10 ô so với dòng tiêu đề (từ cột 'Nội dung')"),
    ]  # fmt: skip
    comment = report.items[1]
    assert comment.kind == "comment" and comment.parent == "a1" and comment.author == "Minh"

    book = Workbook()
    book.active.append(header)
    for row in rows[:2]:
        book.active.append(row)
    book.save(tmp_path / "listening.xlsx")
    same = read_table(tmp_path / "listening.xlsx", "facebook", fields)
    assert [i.text for i in same.items] == [texts[0], texts[1]] and not same.errors
    typed = Workbook()  # a time typed into Excel: a date cell with no zone, Hà Nội's wall clock
    typed.active.append(header)
    typed.active.append([*rows[0][:4], dt.datetime(2017, 3, 1, 8, 0), *rows[0][5:]])
    typed.save(tmp_path / "typed.xlsx")
    (post,) = read_table(tmp_path / "typed.xlsx", "facebook", fields).items
    assert post.published_at == dt.datetime(2017, 3, 1, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội

    # a blank line between two groups of rows: a bad row keeps the number the sheet shows
    book.active.append([])
    book.active.append(rows[2])
    book.save(tmp_path / "listening.xlsx")
    with sheet.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows[:2], [], rows[2]])
    for path in (sheet, tmp_path / "listening.xlsx"):
        spaced = written(read_table(path, "facebook", fields))
        assert spaced == [(5, "cột 'Thời gian': không phải ngày giờ: 'hôm qua'")], path.name

    done = ingest(store, report.items, settings)
    assert done.stored == 2
    again = ingest(store, report.items, settings)  # idempotent
    assert again.stored == 0 and again.known == 2
    with store.engine.connect() as conn:
        parent = conn.execute(
            text("SELECT p.external_id FROM documents c JOIN documents p ON p.id = c.parent_id")
        ).scalar()
    assert parent == "a1"


def test_a_report_with_its_title_and_period_above_the_table_is_read(tmp_path: Path):
    """A listening tool's Excel report: its name, the period and a blank line above the table;
    the rows are read under the header, and a bad one is named by its row in the sheet."""
    texts = social_texts(2)
    header = list(PRESETS["listening"].values())
    book = Workbook()
    book.active.append(["BÁO CÁO THẢO LUẬN TRÊN MẠNG XÃ HỘI"])
    book.active.append(["Từ ngày 01/03/2017 đến ngày 07/03/2017"])
    book.active.append([])
    book.active.append(header)
    book.active.append(["a1", "Bài viết", texts[0], "", "2017-03-01T08:00:00+07:00"])
    book.active.append(["a2", "Bài viết", texts[1], "", "hôm qua"])
    path = tmp_path / "bao-cao.xlsx"
    book.save(path)
    fields = FieldMap.parse(PRESETS["listening"])
    report = read_table(path, "facebook", fields, "listening")
    assert [i.external_id for i in report.items] == ["a1"]
    assert written(report) == [(6, "cột 'Thời gian': không phải ngày giờ: 'hôm qua'")]
    as_csv = tmp_path / "bao-cao.csv"
    with as_csv.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([row for row in book.active.iter_rows(values_only=True)])
    again = read_table(as_csv, "facebook", fields, "listening")
    assert [i.text for i in again.items] == [texts[0]] and written(again) == written(report)
    # the wrong preset: said once, of the header, not once per row
    with pytest.raises(ValueError) as caught:
        read_table(path, "facebook", FieldMap.parse(PRESETS["youtube-takeout"]), "youtube-takeout")
    assert str(caught.value).startswith(
        "dòng tiêu đề 4 không có cột 'Comment ID', 'Comment text'; các cột: 'ID', 'Loại', "
        "'Nội dung'"
    )


def test_quotes_doubled_after_the_first_rows_keep_a_row_in_line(tmp_path: Path):
    # Real comments, the first rows without a quote; then one quoting a book's title, written
    # as every spreadsheet writes it ("" inside the quoted cell).
    texts = [t.replace('"', "") for t in social_texts(60)]
    quoted = 'Anh em có đọc sách " dạy làm người " chưa? Đọc rồi, hay lắm, nên đọc.'
    header = list(PRESETS["listening"].values())
    rest = [""] * 7
    rows = [[f"c{n}", "Bình luận", t, "", "29/11/2026 08:00", *rest] for n, t in enumerate(texts)]
    rows.append(["q1", "Bình luận", quoted, "", "29/11/2026 09:00", *rest])
    sheet = tmp_path / "lang-nghe.csv"
    with sheet.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    assert sheet.read_text(encoding="utf-8-sig").index('""') > 4096
    report = read_table(sheet, "facebook", FieldMap.parse(PRESETS["listening"]), "listening")
    assert not report.errors and report.items[-1].text == quoted

    # Comments saved by older Vietnamese software, in Windows-1258 or TCVN3 (ABC): those with
    # nothing such software could not write (an emoji).
    def writable(row: list[str]) -> bool:
        try:
            return bool(to_cp1258(row[2]) and to_tcvn3(row[2]))
        except (UnicodeEncodeError, KeyError):
            return False

    old = [row for row in rows if writable(row)]
    table = io.StringIO()
    csv.writer(table).writerows([header, *old])
    assert len(old) > 20
    for encode in (to_cp1258, to_tcvn3):
        sheet.write_bytes(encode(table.getvalue()))
        again = read_table(sheet, "facebook", FieldMap.parse(PRESETS["listening"]), "listening")
        assert [i.text for i in again.items] == [row[2] for row in old], encode.__name__


def test_an_empty_or_unreadable_table_is_refused_without_dumping_it(tmp_path: Path):
    """An empty file, a header with no row under it, or random bytes: refused, and the columns
    a refusal names are a few, each cut short (random bytes read as a CSV listed kilobytes of
    "columns" and made the page 2,000 px wide); an empty file was a successful import of 0 rows."""
    fields = FieldMap.parse(PRESETS["listening"])
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match=r"^tệp trống$"):
        read_table(empty, "facebook", fields)
    headed = tmp_path / "headed.csv"
    headed.write_text(",".join(PRESETS["listening"].values()) + "\n", "utf-8")
    with pytest.raises(ValueError, match=r"^tệp không có dòng nào dưới dòng tiêu đề 1$"):
        read_table(headed, "facebook", fields)
    noise = tmp_path / "noise.csv"
    noise.write_bytes(bytes(range(256)) * 40 + b"," * 100 + b"x" * 5000)
    with pytest.raises(ValueError) as refused:
        read_table(noise, "facebook", fields)
    said = str(refused.value)
    assert said.startswith("dòng tiêu đề") and len(said) < 1500, len(said)


def test_a_mapping_names_only_known_fields():
    with pytest.raises(ValueError, match="không có trường likes; các trường: id, kind"):
        FieldMap.parse({"likes": "Lượt thích"})


def test_a_facebook_export_is_read_with_its_latin1_escapes(tmp_path: Path):
    message = "Thành phố trả lời phản ánh về ngập úng"
    escaped = message.encode("utf-8").decode("latin-1")  # how the export writes it
    export = [
        {"timestamp": 1488340800, "data": [{"post": escaped}], "title": "Cổng TTĐT",
         "attachments": [{"data": [{"external_context": {"url": "https://hanoimoi.vn/a.html"}}]}]},
        {"timestamp": 1488340900, "data": []},
    ]  # fmt: skip
    path = tmp_path / "your_posts_1.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    report = read_facebook_export(path, "Cổng TTĐT Hà Nội")
    (post,) = report.items
    assert post.text == message and post.links == ("https://hanoimoi.vn/a.html",)
    assert written(report) == [(2, "không có nội dung bài đăng hay bình luận")]


def test_a_facebook_export_s_time_is_unix_seconds_or_milliseconds_never_a_flag(tmp_path: Path):
    """A timestamp of true, or of 0, was a post of 1970; one in milliseconds was refused."""
    export = [
        {"timestamp": True, "data": [{"post": "Hồ Gươm sáng nay đông người"}]},
        {"timestamp": 0, "data": [{"post": "Đường Láng ngập sâu sau mưa"}]},
        {"timestamp": 1764400000000, "data": [{"post": "Nước đã rút ở Đường Láng"}]},
    ]
    path = tmp_path / "your_posts_1.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    report = read_facebook_export(path)
    assert [i.published_at for i in report.items] == [
        dt.datetime(2025, 11, 29, 7, 6, 40, tzinfo=dt.UTC)
    ]
    assert written(report) == [
        (1, "cột 'timestamp': không phải ngày giờ: True"),
        (2, "cột 'timestamp': 0 đọc theo giờ Unix là ngày 01/01/1970, trước năm 2004: không"
            " phải lúc đăng"),
    ]  # fmt: skip


def test_a_platform_id_is_one_post_s_only(tmp_path: Path):
    """Two rows of one id in a file: the second is a bad row, not a silent overwrite of the
    first; a spreadsheet's number id reads as its digits, one it rounded (19 digits) is refused
    (two posts would have merged), as is a BOM-led or absurdly nested Facebook export's fault."""
    fields = FieldMap.parse(PRESETS["listening"])
    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Nội dung", "Thời gian", "Bài gốc"])
    sheet.append([42.0, "Đường Láng ngập sâu sau mưa", "01/03/2017 08:00", None])
    sheet.append(["43", "Nước đã rút ở Đường Láng", "01/03/2017 09:00", 42.0])
    sheet.append([1.234567890123457e18, "Phố Huế tắc đường", "01/03/2017 09:30", None])
    sheet.append(["42", "Một bài khác cùng mã", "01/03/2017 10:00", None])
    path = tmp_path / "nghe.xlsx"
    book.save(path)
    report = read_table(path, "facebook", fields)
    assert [(i.external_id, i.parent) for i in report.items] == [("42", ""), ("43", "42")]
    assert written(report) == [
        (4, "cột 'ID': mã 1.234567890123457e+18 đã bị bảng tính làm tròn: định dạng cột là Văn"
            " bản rồi xuất lại"),
        (5, "cột 'ID': trùng mã với dòng 2"),
    ]  # fmt: skip
    export = [
        {"timestamp": 1488340800, "data": [{"post": "Hồ Gươm sáng nay"}]},
        {"timestamp": 1488340900, "data": [{"post": {"text": "không phải chữ"}}]},
    ]
    bom = tmp_path / "your_posts_1.json"
    bom.write_bytes("\ufeff".encode() + json.dumps(export).encode())
    report = read_facebook_export(bom)
    assert [i.text for i in report.items] == ["Hồ Gươm sáng nay"]
    assert written(report) == [(2, "không có nội dung bài đăng hay bình luận")]
    deep = tmp_path / "deep.json"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ValueError, match=r"^không phải tệp JSON: lồng quá sâu$"):
        read_facebook_export(deep)


def test_a_workbook_with_one_far_cell_is_read_by_the_cells_it_holds(tmp_path: Path):
    """One cell at XFD1048576 padded every row to 16,384 cells over a million rows: minutes of
    a server's thread (guarded here by an alarm); now the far cell's row is one bad row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Nội dung", "Thời gian"])
    sheet.append(["1", "Hồ Gươm sáng nay đông người", "01/03/2017 08:00"])
    sheet["XFD1048576"] = "x"
    path = tmp_path / "xa.xlsx"
    book.save(path)
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(60)
    try:
        report = read_table(path, "facebook", FieldMap.parse(PRESETS["listening"]))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert [i.external_id for i in report.items] == ["1"]
    assert written(report) == [(1048576, "cột 'ID': trống")]


def test_tokens_are_encrypted_at_rest(settings: Settings):
    sealed = encrypt("EAAG-secret", settings)
    assert sealed.startswith("enc:") and "EAAG-secret" not in sealed
    assert reveal(sealed, settings) == "EAAG-secret"
    assert (settings.data / "social.key").stat().st_mode & 0o777 == 0o600
    assert reveal("from-the-environment", settings) == "from-the-environment"
    other = settings.replace(social_secret_key="x" * 43 + "=")
    with pytest.raises(TokenError, match="does not open"):
        reveal(sealed, other)
    assert "EAAG" not in repr(settings.replace(facebook_token="EAAG-secret"))


def _article(store: Store, doc: dict, url: str) -> int:
    article = Article(url, doc["title"], "", doc["text"], WHEN)
    ((_, doc_id),) = store.save_documents(
        [Collected(Document(article, Keys.of(article)), (), WHEN)]
    )
    return doc_id


def test_posts_join_stories_by_link_by_content_and_through_their_post(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    needs_corpus()
    from tests.site.server import load_articles

    articles = load_articles(n=40)
    ids = [_article(store, a, f"https://baomoi.test/{a['id']}.html") for a in articles[:30]]
    assign(store.engine, ids)
    social = SocialStore(store.engine)
    stories = social.story_of(ids)
    target, other = articles[3], articles[10]
    lead = other["text"].split("\n")[0]
    comments = social_texts(2)
    items = [
        SocialItem("facebook", "p1", "post", "Mời cả nhà đọc bài này", WHEN, links=(
            f"https://baomoi.test/{target['id']}.html",)),
        SocialItem("facebook", "p2", "post", f"{other['title']}. {lead}", WHEN),
        SocialItem("facebook", "p3", "post", social_texts(30)[-1], WHEN),
        SocialItem("facebook", "c1", "comment", comments[0], WHEN, parent="p1"),
        SocialItem("facebook", "c2", "comment", comments[1], WHEN, parent="p2"),
    ]  # fmt: skip
    with monkeypatch.context() as crash:  # the worker dies after the page is stored
        crash.setattr(ingest_module, "place", _die)
        with pytest.raises(RuntimeError):
            ingest(store, items, settings)
    report = ingest(store, items, settings)  # the next sync finishes the page
    assert (report.stored, report.known, report.placed) == (0, 5, 4)
    assert ingest(store, items, settings).placed == 0
    assert len(social.items(limit=50)) == 5
    with store.engine.connect() as conn:
        joined = dict(
            conn.execute(
                text("SELECT d.external_id, s.story_id || ':' || s.via FROM story_social s "
                     "JOIN documents d ON d.id = s.document_id")
            ).all()
        )  # fmt: skip
    link_story = stories[ids[3]]
    content_story = stories[ids[10]]
    assert joined == {
        "p1": f"{link_story}:link",
        "p2": f"{content_story}:content",
        "c1": f"{link_story}:parent",
        "c2": f"{content_story}:parent",
    }  # p3, a student's feedback, joins no story
    press = social.items(story_id=link_story)
    assert {r.title for r in press} >= {"Mời cả nhà đọc bài này"}


def test_comments_imported_before_their_post_are_linked_when_it_arrives(
    store: Store, settings: Settings
):
    """A listening tool's comments exported apart from its posts, and the comments' file
    imported first: the comments waited for their post, which they answer once it arrives,
    and they join its story; before, they stayed linked to nothing for good."""
    needs_corpus()
    from tests.site.server import load_articles

    article = load_articles(n=1)[0]
    story_of_article = _article(store, article, f"https://baomoi.test/{article['id']}.html")
    assign(store.engine, [story_of_article])
    social = SocialStore(store.engine)
    texts = social_texts(3)
    comments = [
        SocialItem("facebook", "c1", "comment", texts[0], WHEN, parent="p1"),
        SocialItem("facebook", "c2", "comment", texts[1], WHEN, parent="p1"),
    ]
    assert ingest(store, comments, settings).placed == 0  # nothing to answer yet
    post = SocialItem("facebook", "p1", "post", texts[2], WHEN, links=(
        f"https://baomoi.test/{article['id']}.html",))  # fmt: skip
    ingest(store, [post], settings)
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT c.external_id, p.external_id, s.story_id FROM documents c "
                 "JOIN documents p ON p.id = c.parent_id "
                 "LEFT JOIN story_social s ON s.document_id = c.id ORDER BY c.external_id")
        ).all()  # fmt: skip
    story = social.story_of([story_of_article])[story_of_article]
    assert [tuple(r) for r in rows] == [("c1", "p1", story), ("c2", "p1", story)]
    assert ingest(store, [post, *comments], settings).placed == 0  # once only


def test_a_reply_joins_the_story_when_the_comment_it_answers_does(store: Store, settings: Settings):
    """A reply to a comment that waited for its post joins the post's story when the post
    arrives, as does a reply that comes with its post and comment; not at the next sync."""
    needs_corpus()
    from tests.site.server import load_articles

    article = load_articles(n=1)[0]
    url = f"https://baomoi.test/{article['id']}.html"
    assign(store.engine, [article_id := _article(store, article, url)])
    texts = social_texts(6)
    ingest(store, [
        SocialItem("facebook", "c1", "comment", texts[0], WHEN, parent="p1"),
        SocialItem("facebook", "r1", "comment", texts[1], WHEN, parent="c1"),
    ], settings)  # fmt: skip
    ingest(store, [SocialItem("facebook", "p1", "post", texts[2], WHEN, links=(url,))], settings)
    ingest(store, [
        SocialItem("facebook", "p2", "post", texts[3], WHEN, links=(url,)),
        SocialItem("facebook", "c2", "comment", texts[4], WHEN, parent="p2"),
        SocialItem("facebook", "r2", "comment", texts[5], WHEN, parent="c2"),
    ], settings)  # fmt: skip
    with store.engine.connect() as conn:
        placed = dict(
            conn.execute(
                text("SELECT d.external_id, s.story_id FROM documents d "
                     "LEFT JOIN story_social s ON s.document_id = d.id WHERE d.kind != 'article'")
            ).all()
        )  # fmt: skip
    story = SocialStore(store.engine).story_of([article_id])[article_id]
    assert placed == dict.fromkeys(("p1", "c1", "r1", "p2", "c2", "r2"), story)


def test_a_post_names_its_districts_and_wards_as_an_article_does(store: Store, settings: Settings):
    said = "Nước ngập đến đầu gối ở phường Trung Hòa, quận Cầu Giấy, Hà Nội sáng nay, xe chết máy."
    items = [SocialItem("facebook", "ngap-1", "post", said, WHEN)]
    ingest(store, items, settings)
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT place, areas FROM documents")).one()
    assert tuple(stored) == ("Hà Nội", "Cầu Giấy|Trung Hòa")
    found = run_query(store, 'place:"cau giay" kind:post').hits
    assert [hit.doc.title for hit in found] == [said]  # short: the post is its own title


def _die(*_: object) -> int:
    raise RuntimeError("killed")


def test_offensive_spans_are_found_and_measured():
    folder = SHARED_DATA / "vihos" / "Span_Extraction_based_version"
    if not folder.is_dir():
        pytest.skip(f"ViHOS not found at {folder}")
    assert span_f1(frozenset(), frozenset()) == 1.0
    assert span_f1(frozenset({1, 2}), frozenset()) == 0.0
    assert spans_of([3, 4, 5, 9]) == ((3, 6), (9, 10))
    dev = load_vihos(folder / "dev.csv")[:300]
    rules = SpanTagger(None)
    comment = next(c for c in dev if "đéo" in c.text)
    start = comment.text.index("đéo")
    assert (start, start + 3) in rules.spans(comment.text)
    assert rules.kind == "rules"


def test_the_trained_span_model_beats_the_lexicon(tmp_path: Path):
    folder = SHARED_DATA / "vihos" / "Span_Extraction_based_version"
    if not folder.is_dir():
        pytest.skip(f"ViHOS not found at {folder}")
    model = train(load_vihos(folder / "train.csv")[:2000], tmp_path / "spans.crfsuite")
    dev = load_vihos(folder / "dev.csv")
    trained, rules = SpanTagger(model), SpanTagger(None)
    f1 = [sum(span_f1(c.offsets, t.offsets(c.text)) for c in dev) / len(dev)
          for t in (trained, rules)]  # fmt: skip
    assert trained.kind == "trained"
    assert f1[0] > 0.70 and f1[0] > f1[1] + 0.1, f1


def test_posts_and_comments_are_searched_with_the_same_language(store: Store, settings: Settings):
    texts = social_texts(3)
    items = [
        SocialItem("facebook", "s1", "post", "Dân phản ánh ngập úng ở phố Hàng Bài", WHEN),
        SocialItem("facebook", "s2", "comment", f"ko biết bao giờ mới hết ngập. {texts[0]}",
                   WHEN, parent="s1"),
        SocialItem("youtube", "s3", "post", texts[1], WHEN),
    ]  # fmt: skip
    ingest(store, items, settings)
    found = {hit.doc.title for hit in run_query(store, "ngap AND hang bai", facets=False).hits}
    assert found == {"Dân phản ánh ngập úng ở phố Hàng Bài"}
    tone = run_query(store, "ngập (tone:negative OR tone:neutral OR tone:positive)", facets=False)
    assert len(tone.hits) == 2  # tone: reads a post's sentiment
    comments = run_query(store, "ngập kind:comment", facets=False)
    assert [h.doc.title for h in comments.hits] == [f"ko biết bao giờ mới hết ngập. {texts[0]}"]
    every = run_query(store, "", limit=0)
    assert {f.value: f.count for f in every.facets["kind"]} == {"post": 2, "comment": 1}
    assert {f.value: f.count for f in every.facets["platform"]} == {"facebook": 2, "youtube": 1}
    assert run_query(store, "nền_tảng:youtube NOT loại:bài_báo", limit=0).total == 1


def _too_slow(signum: int, frame: object) -> None:
    raise TimeoutError("still reading after a minute")
