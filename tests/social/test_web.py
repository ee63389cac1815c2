"""Social pages on real posts and comments: the latest items with offensive words marked and
hostile text escaped, the city's channels with their figures and answers to negative stories,
and a story's press coverage beside its social discussion."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, update

from baochi.collect.social.importers import read_export
from baochi.collect.social.items import SocialItem
from baochi.db import Store
from baochi.db.schema import documents
from baochi.db.social_imports import STALE, ImportsStore
from baochi.db.social_store import SocialStore
from baochi.db.web_store import WebStore
from baochi.phrase import phrase_of
from baochi.records import Article, Collected, Document, Keys
from baochi.settings import Settings
from baochi.social import ingest as ingest_module
from baochi.social import web as social_web
from baochi.social.ingest import ingest
from baochi.stories import assign
from baochi.web import i18n
from tests.social.conftest import needs_social_data
from tests.social.fake_api import social_texts
from tests.web import conftest as web_fixtures
from tests.web.conftest import csrf

app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes
closed_engine = web_fixtures.closed_engine
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


FLOOD = (
    "https://baothu.test/ngap.html",
    "Nhiều tuyến phố Hà Nội ngập sâu sau mưa lớn, người dân bức xúc",
    "Mưa lớn kéo dài khiến nhiều tuyến phố nội thành Hà Nội ngập sâu, giao thông ùn tắc, "
    "người dân bức xúc vì tình trạng ngập úng lặp lại nhiều năm.",
)


def _negative_article(
    store: Store, story: tuple[str, str, str] = FLOOD, hanoi: bool | None = None
) -> tuple[int, int]:
    """A negative press article in a story of its own, three hours ago."""
    when = NOW - dt.timedelta(hours=3)
    url, title, text = story
    article = Article(url, title, "", text, when)
    ((_, doc_id),) = store.save_documents(
        [Collected(Document(article, Keys.of(article)), (), when)]
    )
    with store.engine.begin() as conn:
        labels = {"tone": "negative", "hanoi": hanoi}
        conn.execute(update(documents).where(documents.c.id == doc_id).values(**labels))
    (link,) = assign(store.engine, [doc_id])
    return doc_id, int(link.story)


def test_social_pages_show_posts_channels_and_story_discussion(
    store: Store, settings: Settings, client_as, monkeypatch
):
    needs_social_data()
    _, story = _negative_article(store)
    social = SocialStore(store.engine)
    official, _ = social.add_account("facebook", "facebook", "1020304", "Cổng TTĐT Hà Nội",
                                     official=True, department="Sở Xây dựng")  # fmt: skip
    texts = social_texts(6)
    hostile = "<script>alert('x')</script> đéo chịu nổi"
    posts = [
        SocialItem("facebook", "p1", "post", "Thành phố trả lời về tình trạng ngập",
                   NOW - dt.timedelta(hours=1), url="https://www.facebook.com/1020304/posts/1",
                   reactions=120, comments=2, shares=7, links=("https://baothu.test/ngap.html",)),
        SocialItem("facebook", "p2", "post", texts[0], NOW - dt.timedelta(days=2), reactions=3),
        SocialItem("facebook", "c1", "comment", hostile, NOW - dt.timedelta(minutes=30),
                   parent="p1", author="Người dùng"),
        SocialItem("facebook", "c2", "comment", texts[1], NOW - dt.timedelta(minutes=20),
                   parent="p1"),
    ]  # fmt: skip
    ingest(store, posts, settings, official)

    leader = client_as("leader")
    page = leader.get("/social")
    assert page.status_code == 200
    assert "&lt;script&gt;" in page.text and "<script>alert" not in page.text
    assert "<mark>đéo</mark>" in page.text  # the offensive word is marked
    assert "Cổng TTĐT Hà Nội" in page.text

    listed = leader.get("/social").text
    assert f'<a href="/social?channel={official}">Cổng TTĐT Hà Nội</a>' in listed
    stranger = SocialItem("facebook", "p9", "post", "Bài của một trang khác về ngập úng",
                          NOW - dt.timedelta(hours=2))  # fmt: skip
    ingest(store, [stranger], settings)
    own = leader.get(f"/social?channel={official}").text  # the channel's posts and comments
    assert "Thành phố trả lời về tình trạng ngập" in own and stranger.text not in own
    assert stranger.text in leader.get("/social").text
    channels = leader.get("/social/channels")
    assert channels.status_code == 200
    assert "Thành phố trả lời về tình trạng ngập" in channels.text  # the best post
    data = leader.get("/api/v1/social/channels").json()
    (figures,) = data["channels"]
    assert figures["posts"] == 2 and figures["reactions"] == 123 and figures["shares"] == 7
    assert figures["engagement"] == 123 + 7 + 2 and figures["comments_pulled"] == 2
    assert ">66,0<" in channels.text  # engagement per post, written the Vietnamese way
    assert 'href="/social/channels/export.xlsx?days=30"' in channels.text
    book = load_workbook(io.BytesIO(leader.get("/social/channels/export.xlsx?days=30").content))
    preface, header, row = book.active.iter_rows(values_only=True)
    assert preface[0].startswith("Từ ") and header[:3] == ("Kênh", "Mạng xã hội", "Đơn vị")
    assert row[:9] == ("Cổng TTĐT Hà Nội", "Facebook", "Sở Xây dựng", 2, 123, 2, 7, 0, 66.0)
    (answer,) = data["responses"]
    assert answer["story_id"] == story and answer["hours"] == 2.0  # 3 h ago → 1 h ago
    assert data["median_hours"] == 2.0
    # unanswered: a negative story about Hà Nội is listed, one abroad is none of the city's
    _, city = _negative_article(store, (
        "https://baothu.test/cay-do.html", "Cây đổ đè xe máy trên phố Huế, Hà Nội",
        "Một cây xà cừ bật gốc trên phố Huế khiến hai người bị thương, giao thông ùn tắc.",
    ), hanoi=True)  # fmt: skip
    _negative_article(store, (
        "https://baothu.test/dong-dat.html", "Động đất mạnh tại Nhật Bản, nhiều người thương vong",
        "Trận động đất 6,8 độ richter làm rung chuyển miền bắc Nhật Bản sáng nay.",
    ), hanoi=False)  # fmt: skip
    listed = {
        r["story_id"]: r["hours"] for r in leader.get("/api/v1/social/channels").json()["responses"]
    }
    assert listed == {story: 2.0, city: None}
    monkeypatch.setattr("baochi.social.web.SHOWN_RESPONSES", 1)  # a year of stories is long
    page = leader.get("/social/channels").text
    assert page.count('<a href="/stories/') == 1 and "1 chuỗi tin mới nhất trong 2" in page

    story_page = leader.get(f"/stories/{story}")
    assert "Thảo luận trên mạng xã hội" in story_page.text
    assert "Thành phố trả lời về tình trạng ngập" in story_page.text
    assert "&lt;script&gt;" in story_page.text  # the comment joined through its post

    leader.get("/lang/en?next=/social")  # one post, one comment; counts that agree
    english = leader.get("/social").text
    assert "Post · Facebook" in english and "Comment · Facebook" in english
    assert "120 Reactions · 2 Comments · 7 Shares" in english

    assert client_as("officer").get("/social").status_code in (303, 403)


def _listening_csv(rows: list[list[str]]) -> bytes:
    """A listening tool's export as the office downloads it (Vietnamese headers, BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["ID", "Loại", "Nội dung", "Thời gian", "Link", "Tác giả", "Lượt thích"])
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def test_an_answer_is_the_first_official_post_after_the_coverage(store: Store, settings: Settings):
    """The city's page wrote about the flooded streets the day before the press did, then
    answered the press two hours after it: the answer is the later post, not "unanswered"."""
    from baochi.social.channels import responses

    needs_social_data()
    _, story = _negative_article(store, hanoi=True)  # three hours ago
    social = SocialStore(store.engine)
    official, _ = social.add_account("facebook", "facebook", "1020304", "Cổng TTĐT Hà Nội",
                                     official=True, department="Sở Xây dựng")  # fmt: skip
    link = (FLOOD[0],)
    posts = [
        SocialItem("facebook", "p0", "post", "Dự báo mưa lớn, nguy cơ ngập trên nhiều tuyến phố",
                   NOW - dt.timedelta(days=1), links=link),
        SocialItem("facebook", "p1", "post", "Thành phố trả lời về tình trạng ngập",
                   NOW - dt.timedelta(hours=1), links=link),
    ]  # fmt: skip
    ingest(store, posts, settings, official)
    (answer,) = responses(social, NOW - dt.timedelta(days=30), NOW + dt.timedelta(minutes=1))
    assert answer.story_id == story and answer.hours == 2.0
    with store.engine.connect() as conn:
        query = select(documents.c.external_id).where(documents.c.id == answer.document_id)
        assert conn.execute(query).scalar() == "p1"


def test_an_analyst_imports_a_listening_export_checked_row_by_row(store: Store, client_as):
    needs_social_data()
    texts = social_texts(4)
    when = (NOW - dt.timedelta(hours=2)).strftime("%d/%m/%Y %H:%M")
    good = [
        [f"fb-{i}", "Bài viết" if i == 0 else "Bình luận", text, when, "", "Người dùng", "3"]
        for i, text in enumerate(texts[:3])
    ]
    bad = ["fb-9", "Bình luận", "", when, "", "", ""]  # no text: row 5 of the file
    analyst = client_as("analyst")

    def upload(data: bytes, name: str = "lang-nghe.csv", **form: str):
        token = csrf(analyst, "/social")
        files = {"file": (name, data, "text/csv")}
        return analyst.post("/social/import", data={"csrf": token, **form}, files=files)

    refused = upload(_listening_csv([*good, bad]))
    assert refused.status_code == 422
    assert (
        "1/4 dòng lỗi, chưa ghi gì" in refused.text
        and "Dòng 5: cột &#39;Nội dung&#39;: trống" in refused.text
    )
    assert SocialStore(store.engine).items(limit=10) == []  # nothing written

    done = upload(_listening_csv([*good, bad]), skip_bad="true")
    assert done.status_code == 200 and [r.status_code for r in done.history] == [303]
    assert re.fullmatch(r"/social/imports/\d+", done.url.path)  # the import's own page
    assert "4 dòng — 3 mới, 0 đã có" in done.text and "1 dòng lỗi bỏ qua" in done.text
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", "", done.text)).split())
    assert all(" ".join(t.split())[:40] in shown for t in texts[:3])  # listed on the page
    assert "Bình luận · Facebook · Người dùng" in shown
    stored = SocialStore(store.engine).items(limit=10)
    assert {r.kind for r in stored} == {"post", "comment"} and all(r.sentiment for r in stored)
    assert "3 dòng — 0 mới, 3 đã có" in upload(_listening_csv(good)).text  # sent twice
    # An export of one of the channels followed is counted as that channel's.
    social = SocialStore(store.engine)
    page_id, _ = social.add_account("facebook", "import", "trang-ha-noi", "Trang tin Hà Nội")
    again = [[f"kenh-{i}", *row[1:]] for i, row in enumerate(good)]
    assert "3 mới" in upload(_listening_csv(again), account=str(page_id)).text
    assert [a.items_total for a in social.accounts() if a.id == page_id] == [3]

    # Day and month swapped by a spreadsheet: 01/12 read as 1 December, weeks ahead.
    ahead = (NOW + dt.timedelta(days=20)).strftime("%d/%m/%Y %H:%M")
    swapped = upload(_listening_csv([["fb-tuong-lai", "Bình luận", texts[0], ahead, "", "", ""]]))
    assert (
        swapped.status_code == 422
        and f"Dòng 2: cột &#39;Thời gian&#39;: ở tương lai: {ahead}" in swapped.text
    )
    assert upload(b"x", name="notes.txt").status_code == 422
    long_name = upload(_listening_csv(good), platform="mạng xã hội của thành phố")
    assert long_name.status_code == 422 and "chữ thường không dấu" in long_name.text
    broken = upload(b"PK\x03\x04 not a workbook", name="lang-nghe.xlsx")
    assert broken.status_code == 422 and "Không đọc được tệp" in broken.text
    pasted = _listening_csv([["fb-dai", "Bình luận", "x" * 200_000, when, "", "", ""]])
    too_long = upload(pasted)  # a cell past the csv module's limit: refused, naming the line
    assert too_long.status_code == 422 and "không đọc được CSV ở dòng 2" in too_long.text
    mac = upload(_listening_csv(again).replace(b"\r\n", b"\r"))  # Excel for Mac's line ends
    assert "3 dòng — 0 mới, 3 đã có" in mac.text
    empty = upload(b"")  # refused, not "0 dòng — 0 mới"
    assert empty.status_code == 422 and "tệp trống" in empty.text
    analyst.get("/lang/en")
    assert "3 rows — 0 new" in upload(_listening_csv(again)).text  # not "3 row"
    analyst.get("/lang/vi")
    leader = client_as("leader")
    files = {"file": ("a.csv", _listening_csv(good), "text/csv")}
    form = {"csrf": csrf(leader, "/social")}
    assert leader.post("/social/import", data=form, files=files).status_code == 403
    logged = WebStore(store.engine).audit_entries(limit=1)[0]
    assert (logged["action"], logged["username"]) == ("social.import", "lan")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_file_not_taken_is_refused_in_the_pages_language(client_as, monkeypatch, lang) -> None:
    monkeypatch.setattr(social_web, "MAX_BYTES", 2**20)
    analyst = client_as("analyst")
    analyst.get(f"/lang/{lang}")
    token = csrf(analyst, "/social")

    def refused(name: str, data: bytes, status: int, **form: str) -> str:
        files = {"file": (name, data, "text/csv")}
        page = analyst.post("/social/import", data={"csrf": token, **form}, files=files)
        assert page.status_code == status, name
        found = re.search(r'id="import-result">\s*(.*?)\s*</div>', page.text, re.S)
        return html.unescape(found.group(1)) if found else page.text[:300]

    said = [
        refused("ghi-chu.txt", b"x", 422),
        refused("lang-nghe.csv", b"x", 422, platform="Mạng xã hội"),
        refused("lang-nghe.csv", b"x" * (2**20 + 1), 413),
    ]
    assert said == (
        [
            "File 'ghi-chu.txt': only .csv, .xlsx, .xlsm, .json files are taken.",
            "Social network name 'mạng xã hội': lower-case letters without diacritics, digits"
            " and '-' (at most 20).",
            "File 'lang-nghe.csv' is larger than 1 MB.",
        ]
        if lang == "en"
        else [
            "Tệp 'ghi-chu.txt': chỉ nhận .csv, .xlsx, .xlsm, .json.",
            "Tên mạng xã hội 'mạng xã hội': chữ thường không dấu, số, '-' (tối đa 20).",
            "Tệp 'lang-nghe.csv' lớn hơn 1 MB.",
        ]
    )


# A file the import cannot read, said after its own name (not the server's copy's).
UNREAD_SAID = {
    "vi": [
        "Không đọc được tệp 'trang.json': không phải tệp JSON (lỗi ở dòng 1, cột 2)",
        "Không đọc được tệp 'trang.json': không phải tệp JSON UTF-8",
        "Không đọc được tệp 'trang.json': tệp không có danh sách bài đăng hay bình luận",
        "Không đọc được tệp 'lang-nghe.csv': không có dạng tệp 'khác'; các dạng: baochi,"
        " listening, youtube-takeout, facebook-export",
        "Dòng 1: cột 'timestamp': không phải ngày giờ: 'hôm qua'",
        "Dòng 2: không có dạng bài đăng hay bình luận của Facebook",
    ],
    "en": [
        "File 'trang.json' cannot be read: not a JSON file (error at line 1, column 2)",
        "File 'trang.json' cannot be read: not a UTF-8 JSON file",
        "File 'trang.json' cannot be read: the file holds no list of posts or comments",
        "File 'lang-nghe.csv' cannot be read: no file type 'khác'; the types: baochi, listening,"
        " youtube-takeout, facebook-export",
        "Row 1: column 'timestamp': not a date and time: 'hôm qua'",
        "Row 2: not shaped as a Facebook post or comment",
    ],
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_file_the_import_cannot_read_is_said_in_the_pages_language(client_as, lang) -> None:
    """Why a file or an export's entry cannot be read, in the page's language, naming the file
    as uploaded; before, English on either page, after the server's copy's name."""
    analyst = client_as("analyst")
    analyst.get(f"/lang/{lang}")
    token = csrf(analyst, "/social")

    def said(name: str, data: bytes, preset: str = "facebook-export") -> list[str]:
        lines = _refused(analyst, token, (name, data, "application/json"), preset)
        return [line for line in lines if not line.startswith(name)]

    entries = [{"timestamp": "hôm qua", "data": [{"post": "x"}]}, ["không phải một mục"]]
    shown = [
        *said("trang.json", b"{khong phai JSON"),
        *said("trang.json", "[]".encode("utf-16")),
        *said("trang.json", b'"x"'),
        *said("lang-nghe.csv", _listening_csv([]), "khác"),
        *said("trang.json", json.dumps(entries).encode()),
    ]
    assert shown == UNREAD_SAID[lang]


# A time of "0", as the import says it.
TOO_EARLY_SAID = {
    "vi": "Dòng 3: cột 'Thời gian': '0' đọc theo giờ Unix là ngày 01/01/1970, trước năm 2004:"
    " không phải lúc đăng",
    "en": "Row 3: column 'Thời gian': '0' read as Unix time is 01/01/1970, before 2004: not"
    " when anything was posted",
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_unix_time_of_0_is_refused_in_the_pages_language(client_as, lang):
    """Before, a time of "0" was taken for 1 January 1970."""
    analyst = client_as("analyst")
    analyst.get(f"/lang/{lang}")
    when = (NOW - dt.timedelta(hours=2)).strftime("%d/%m/%Y %H:%M")
    rows = [["a1", "Bài viết", "x", when, "", "", ""], ["a2", "Bài viết", "x", "0", "", "", ""]]
    file = ("lang-nghe.csv", _listening_csv(rows), "text/csv")
    _, said = _refused(analyst, csrf(analyst, "/social"), file, "listening")
    assert said == TOO_EARLY_SAID[lang]


def _every_bad_row(ahead: str) -> bytes:
    """A listening export whose every row is wrong in its own way, on rows 2 to 10."""
    when = (NOW - dt.timedelta(hours=2)).strftime("%d/%m/%Y %H:%M")
    return _listening_csv(
        [
            ["a1", "Bài viết", "", when, "", "", ""],
            ["a2", "Ảnh", "x", when, "", "", ""],
            ["a3", "Bài viết", "x", "hôm qua", "", "", ""],
            ["a4", "Bài viết", "x", when, "", "", "-4"],
            ["a5", "Bài viết", "x", when, "www.hanoimoi.vn", "", ""],
            ["a6", "Bài viết", "x", ahead, "", "", ""],
            ["a7", "Bài viết", "x" * 100_001, when, "", "", ""],
            ["a8", "Bài viết", "x", when, "", "", "", "thừa"],  # a comma not quoted
            ["a9", "Bình luận"],
        ]
    )


# A page's JSON export: an entry with no time, another with no text.
FACEBOOK_EXPORT = json.dumps([{"data": [{"post": "x"}]}, {"timestamp": 1488340900, "data": []}])


# What the import says of them, after the file's name; the future time is `ahead`.
BAD_ROWS_SAID = {
    "vi": [
        "9/9 dòng lỗi, chưa ghi gì. Sửa tệp, hoặc chọn chỉ ghi các dòng đúng.",
        "Dòng 2: cột 'Nội dung': trống",
        "Dòng 3: cột 'Loại': 'Ảnh' không phải bài đăng hay bình luận",
        "Dòng 4: cột 'Thời gian': không phải ngày giờ: 'hôm qua'",
        "Dòng 5: cột 'Lượt thích': không phải số đếm: '-4'",
        "Dòng 6: cột 'Link': không phải địa chỉ web: 'www.hanoimoi.vn'",
        "Dòng 7: cột 'Thời gian': ở tương lai: {ahead}",
        "Dòng 8: cột 'Nội dung': dài quá 100000 ký tự",
        "Dòng 9: nhiều hơn dòng tiêu đề 1 ô: có thể nội dung có dấu phẩy, dấu chấm phẩy hay dấu"
        ' ngoặc kép (") mà không được đặt trong ngoặc kép',
        "Dòng 10: thiếu 5 ô so với dòng tiêu đề (từ cột 'Nội dung')",
        "2/2 dòng lỗi, chưa ghi gì. Sửa tệp, hoặc chọn chỉ ghi các dòng đúng.",
        "Dòng 1: cột 'timestamp': trống",
        "Dòng 2: không có nội dung bài đăng hay bình luận",
        "Không đọc được tệp 'lang-nghe.csv': dòng tiêu đề 1 không có cột 'Comment ID', 'Comment"
        " text'; các cột: 'ID', 'Loại', 'Nội dung', 'Thời gian', 'Link', 'Tác giả', 'Lượt thích'",
    ],
    "en": [  # the columns named as the file has them
        "9/9 rows are wrong; nothing was stored. Mend the file, or choose to store the good rows"
        " only.",
        "Row 2: column 'Nội dung': empty",
        "Row 3: column 'Loại': 'Ảnh' is neither a post nor a comment",
        "Row 4: column 'Thời gian': not a date and time: 'hôm qua'",
        "Row 5: column 'Lượt thích': not a count: '-4'",
        "Row 6: column 'Link': not a web address: 'www.hanoimoi.vn'",
        "Row 7: column 'Thời gian': in the future: {ahead}",
        "Row 8: column 'Nội dung': longer than 100000 characters",
        "Row 9: 1 cell more than the header row: the text may hold commas, semicolons or double"
        ' quotes (") not put inside double quotes',
        "Row 10: 5 cells fewer than the header row (from the column 'Nội dung')",
        "2/2 rows are wrong; nothing was stored. Mend the file, or choose to store the good rows"
        " only.",
        "Row 1: column 'timestamp': empty",
        "Row 2: no text of a post or a comment",
        "File 'lang-nghe.csv' cannot be read: the header row 1 has no columns 'Comment ID',"
        " 'Comment text'; its columns: 'ID', 'Loại', 'Nội dung', 'Thời gian', 'Link', 'Tác giả',"
        " 'Lượt thích'",
    ],
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_export_s_bad_rows_are_said_in_the_pages_language(store, client_as, lang) -> None:
    """Every way a row can be wrong, and a header that lacks a column, said in Vietnamese or in
    English; nothing is written."""
    analyst = client_as("analyst")
    analyst.get(f"/lang/{lang}")
    token = csrf(analyst, "/social")

    def said(name: str, data: bytes, preset: str = "listening") -> list[str]:
        lines = _refused(analyst, token, (name, data, "text/csv"), preset)
        return [line.removeprefix(f"{name}: ") for line in lines]

    ahead = (NOW + dt.timedelta(days=20)).strftime("%d/%m/%Y %H:%M")
    shown = [
        *said("lang-nghe.csv", _every_bad_row(ahead)),
        *said("your_posts_1.json", FACEBOOK_EXPORT.encode(), "facebook-export"),
        *said("lang-nghe.csv", _every_bad_row(ahead), "youtube-takeout"),
    ]
    assert shown == [line.format(ahead=ahead) for line in BAD_ROWS_SAID[lang]]
    assert SocialStore(store.engine).items(limit=10) == []


def test_every_problem_the_import_page_says_has_english(tmp_path) -> None:
    """Each phrase a bad row or a header asks the catalogue for has its English."""
    english = i18n.EN | json.loads(
        (Path(social_web.__file__).parent / "templates" / i18n.AREA_CATALOGUE).read_text("utf-8")
    )
    table, export = tmp_path / "lang-nghe.csv", tmp_path / "your_posts_1.json"
    table.write_bytes(_every_bad_row((NOW + dt.timedelta(days=20)).strftime("%d/%m/%Y %H:%M")))
    export.write_text(FACEBOOK_EXPORT)
    latest = NOW + dt.timedelta(minutes=10)
    problems = [
        problem
        for path, preset in ((table, "listening"), (export, "facebook-export"))
        for _, problem in read_export(path, preset, "facebook", latest=latest).errors
    ]
    with pytest.raises(ValueError) as lacking:
        read_export(table, "youtube-takeout", "youtube")
    asked: set[str] = set()

    def say(text: str, count: float) -> str:
        asked.add(text)
        return text

    for problem in [*problems, phrase_of(lacking.value)]:
        problem.said(say)
    worded = {text for text in asked if re.search(r"[^\W\d_]", re.sub(r"\{[^}]*\}", "", text))}
    assert len(worded) > 11 and sorted(worded - set(english)) == []


def test_an_import_cut_short_says_how_far_it_got_and_importing_again_finishes_it(
    store: Store, client_as, monkeypatch
) -> None:
    needs_social_data()
    when = (NOW - dt.timedelta(hours=1)).strftime("%d/%m/%Y %H:%M")
    rows = [[f"fb-{i}", "Bình luận", t, when, "", "", ""] for i, t in enumerate(social_texts(6))]
    analyst = client_as("analyst")

    def upload():
        files = {"file": ("lang-nghe.csv", _listening_csv(rows), "text/csv")}
        return analyst.post("/social/import", data={"csrf": csrf(analyst, "/social")}, files=files)

    monkeypatch.setattr(ingest_module, "PAGE", 2)  # three pages of two rows
    real, pages = ingest_module.read_posts, []

    def crashing(texts, models):
        pages.append(len(texts))
        if len(pages) == 2:
            raise MemoryError("hết bộ nhớ")
        return real(texts, models)

    monkeypatch.setattr(ingest_module, "read_posts", crashing)
    cut = upload()
    shown = " ".join(html.unescape(re.sub(r"<[^>]+>", "", cut.text)).split())
    assert "lang-nghe.csv: dừng lại sau 2/6 dòng (hết bộ nhớ)" in shown
    assert len(SocialStore(store.engine).items(limit=10)) == 2  # the first page stays
    monkeypatch.setattr(ingest_module, "read_posts", real)
    again = upload()
    assert "6 dòng — 4 mới, 2 đã có" in again.text

    # A running import's page asks again until it ends; one not heard from has stopped.
    import_id = int(again.url.path.rsplit("/", 1)[1])
    imports = ImportsStore(store.engine)
    imports.update(import_id, dt.datetime.now(dt.UTC), status="running", known=0)
    running = analyst.get(f"/social/imports/{import_id}").text
    assert 'hx-trigger="every 2s"' in running and "Đang nhập lang-nghe.csv: 4/6" in running
    imports.update(import_id, dt.datetime.now(dt.UTC) - STALE * 2)
    stopped = analyst.get(f"/social/imports/{import_id}").text
    assert "dừng lại sau 4/6" in stopped and "every 2s" not in stopped
    assert analyst.get("/social/imports/999999").status_code == 404
    assert client_as("leader").get(f"/social/imports/{import_id}").status_code == 403


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_saved_import_says_its_bad_rows_in_the_pages_language(store, client_as, lang) -> None:
    """The bad rows left out of an import, on its own page, in the page's language; before,
    stored as Vietnamese text, they stayed Vietnamese on the English page. An import stored
    before still shows its text."""
    when = (NOW - dt.timedelta(hours=2)).strftime("%d/%m/%Y %H:%M")
    rows = [
        ["fb-1", "Bài viết", "Mưa lớn làm ngập nhiều tuyến phố nội thành", when, "", "", ""],
        ["fb-2", "Bình luận", "", when, "", "", ""],
        ["fb-3", "Ảnh", "x", when, "", "", ""],
    ]
    analyst = client_as("analyst")
    analyst.get(f"/lang/{lang}")
    files = {"file": ("lang-nghe.csv", _listening_csv(rows), "text/csv")}
    form = {"csrf": csrf(analyst, "/social"), "skip_bad": "true"}
    done = analyst.post("/social/import", data=form, files=files)
    assert done.status_code == 200 and done.history[0].status_code == 303

    def listed(page: str) -> list[str]:
        result = re.search(r'id="import-result"(.*?)</div>', page, re.S)
        assert result is not None, page[:300]
        return [html.unescape(item) for item in re.findall(r"<li>(.*?)</li>", result[1])]

    assert listed(analyst.get(done.url.path).text) == {
        "vi": ["Dòng 3: cột 'Nội dung': trống", "Dòng 4: cột 'Loại': 'Ảnh' không phải bài đăng"
               " hay bình luận"],
        "en": ["Row 3: column 'Nội dung': empty", "Row 4: column 'Loại': 'Ảnh' is neither a post"
               " nor a comment"],
    }[lang]  # fmt: skip
    import_id = int(done.url.path.rsplit("/", 1)[1])
    ImportsStore(store.engine).update(import_id, NOW, errors="[[7, \"cột 'A': trống\"]]")
    row = {"vi": "Dòng", "en": "Row"}[lang]
    assert listed(analyst.get(done.url.path).text) == [f"{row} 7: cột 'A': trống"]


def test_the_hostile_filter_and_the_export_reach_past_the_newest_items(
    store: Store, settings: Settings, client_as, monkeypatch
):
    needs_social_data()
    hostile = "<script>alert('x')</script> đéo chịu nổi"
    oldest = SocialItem("facebook", "c0", "comment", hostile, NOW - dt.timedelta(days=3))
    newer = [
        SocialItem("facebook", f"c{i}", "comment", text, NOW - dt.timedelta(minutes=i))
        for i, text in enumerate(social_texts(960)[::3], start=1)  # students' feedback
    ]
    ingest(store, [oldest, *newer], settings)
    hostile_ids = {
        r.id for r in SocialStore(store.engine).items(limit=1000) if r.toxicity != "clean"
    }
    # students' feedback, hardly any offensive (the rules read 98 of them so, for words like
    # "các" that fold as a vulgar one does)
    assert 1 <= len(hostile_ids) < 10

    leader = client_as("leader")
    page = leader.get("/social?toxic=true")
    assert page.text.count('class="list-group-item') == len(hostile_ids)
    assert "&lt;script&gt;alert" in page.text  # three days old, behind 320 newer comments

    book = load_workbook(io.BytesIO(leader.get("/social/export.xlsx?toxic=true").content))
    header, *rows = book.active.iter_rows(values_only=True)
    assert header[:8] == ("Thời điểm", "Mạng xã hội", "Kênh", "Loại", "Tác giả", "Nội dung",
                          "Cảm xúc", "Độc hại")  # fmt: skip
    assert len(rows) == len(hostile_ids) and {r[7] for r in rows} <= {"xúc phạm", "thù ghét"}
    assert rows[-1][5] == hostile and rows[-1][1] == "Facebook" and rows[-1][3] == "Bình luận"
    assert 'href="/social/export.xlsx?toxic=true"' in page.text
    assert 'href="/social/export.xlsx"' in leader.get("/social").text
    everything = load_workbook(io.BytesIO(leader.get("/social/export.xlsx").content))
    assert everything.active.max_row == 1 + 321  # all of them, not the page's hundred
    monkeypatch.setattr(social_web, "EXPORT_LIMIT", 300)  # a file cut at its limit says so
    note, header, *rows = load_workbook(
        io.BytesIO(leader.get("/social/export.xlsx").content)
    ).active.iter_rows(values_only=True)
    assert note[0] == "Tệp này có 300 mục mới nhất; các mục cũ hơn không có trong tệp."
    assert header[0] == "Thời điểm" and len(rows) == 300
    listed = [leader.get(f"/social?page={n}").text for n in (1, 2, 3, 4)]
    assert [p.count('class="list-group-item') for p in listed] == [100, 100, 100, 21]
    assert 'rel="next" href="/social?page=2"' in listed[0] and 'rel="next"' not in listed[3]
    assert "&lt;script&gt;alert" in listed[3]  # the oldest comment is on the last page
    assert "khớp bộ lọc" not in listed[0]
    unknown = leader.get("/social?channel=9999").text  # a channel not followed (any more)
    assert "Không có bài đăng hay bình luận nào khớp bộ lọc." in unknown
    assert client_as("officer").get("/social/export.xlsx").status_code in (303, 403)
    social = SocialStore(store.engine)
    negative = [r for r in social.items(limit=1000) if r.sentiment == "negative"]
    shown = leader.get("/social?sentiment=negative")
    assert 'href="/social/export.xlsx?sentiment=negative"' in shown.text
    assert shown.text.count('class="list-group-item') == min(len(negative), 100) > 0
    book = load_workbook(io.BytesIO(leader.get("/social/export.xlsx?sentiment=negative").content))
    assert {r[6] for r in list(book.active.iter_rows(values_only=True))[1:]} == {"tiêu cực"}


def test_the_export_links_a_post_by_its_web_address_only(
    store: Store, settings: Settings, client_as
):
    """A comment stored without a link was exported with the address it is stored under
    ("social:facebook/c1") in the links column."""
    needs_social_data()
    link = "https://facebook.com/hanoi/posts/1"
    post, said = social_texts(2)
    ingest(store, [
        SocialItem("facebook", "p1", "post", post, NOW - dt.timedelta(hours=1), url=link),
        SocialItem("facebook", "c1", "comment", said, NOW - dt.timedelta(minutes=5), parent="p1"),
    ], settings)  # fmt: skip
    book = load_workbook(io.BytesIO(client_as("leader").get("/social/export.xlsx").content))
    header, *rows = book.active.iter_rows(values_only=True)
    assert header[12] == "Liên kết"
    assert [(r[5], r[12]) for r in rows] == [(said, None), (post, link)]


def _refused(
    client: TestClient, token: str, file: tuple[str, bytes, str], preset: str
) -> list[str]:
    """The lines of an import's refusal (422) as the page shows them, each without its tags."""
    page = client.post(
        "/social/import", data={"csrf": token, "preset": preset}, files={"file": file}
    )
    assert page.status_code == 422, file[0]
    result = re.search(r'id="import-result">(.*?)</div>', page.text, re.S)
    assert result is not None, page.text[:300]
    lines = [" ".join(html.unescape(t).split()) for t in re.split(r"<[^>]+>", result[1])]
    return [line for line in lines if line]
