"""The pages on real articles: dashboard, search, article, sources, admin; hostile text as text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time
from dataclasses import replace
from html import escape, unescape
from itertools import islice
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from alembic import command
from openpyxl import load_workbook
from sqlalchemy import insert, inspect, select, text, update

from baochi.analyze.commands import office_labels
from baochi.collect.schedule import after_failure
from baochi.db import backup
from baochi.db.schema import documents
from baochi.db.schema_web import departments
from baochi.db.schema_web import label_corrections as label_corrections_t
from baochi.db.watch_store import WatchStore
from baochi.db.web_store import label_corrections
from baochi.hanoi_time import HANOI
from baochi.records import Analysis, Article, Collected, Document, Keys, Social
from baochi.search import query
from baochi.settings import Settings
from baochi.web.routes import admin as admin_routes
from baochi.web.routes import alerts as alerts_routes
from baochi.web.routes import documents as documents_routes
from baochi.web.routes import search as search_routes
from baochi.web.templating import filesize, today_start
from tests.conftest import migrations
from tests.races import at_once, held_after_looking
from tests.web.conftest import HOSTILE_TITLE, csrf, sign_in

NOW = dt.datetime.now(dt.UTC)
DATE = re.compile(r"\b\d{2}/\d{2}/20\d{2} \d{2}:\d{2}\b")


def total(html: str) -> int:
    """The number of results a search page announces."""
    return int(re.search(r'id="total">([\d.]+)<', html).group(1).replace(".", ""))


def test_dashboard_shows_volume_hanoi_today_and_attention(client_as, articles, store) -> None:
    with store.engine.begin() as conn:  # the districts the pipeline found named up front
        conn.execute(
            update(documents).where(documents.c.id == articles[0]).values(areas="Hoàn Kiếm")
        )
    page = client_as("analyst").get("/")
    html = page.text
    assert page.status_code == 200
    assert "Tổng quan" in html and "Mới về Hà Nội hôm nay" in html
    query = escape(urlencode({"q": 'place:"Hoàn Kiếm" date:7d'}))
    assert f'<a class="link-secondary" href="/search?{query}">Hoàn Kiếm</a>' in html
    assert DATE.search(html)  # dd/mm/yyyy HH:MM, Hà Nội time
    assert 'id="chart-data"' in html and '"series": [' in html
    assert "&lt;script&gt;alert" in html and "<script>alert" not in html  # the hostile one is new


def test_the_tone_chart_says_its_numbers_and_each_tone_opens_its_articles(
    client_as, articles, store
) -> None:
    """The doughnut is read without hovering: each tone with its count and share, as a link."""
    tones = ["negative"] * 15 + ["neutral"] * 30 + ["positive"] * 15
    with store.engine.begin() as conn:
        for doc, tone in zip(articles[1:], tones, strict=True):
            conn.execute(update(documents).where(documents.c.id == doc).values(tone=tone))
    client = client_as("analyst")
    html = client.get("/").text
    legend = html[html.index('id="tone-legend"') :].split("</ul>")[0]
    items = [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", li)).split())
        for li in re.findall(r"<li.*?</li>", legend)
    ]
    assert items == ["Trung tính 30 · 50 %", "Tiêu cực 15 · 25 %", "Tích cực 15 · 25 %"]
    link = re.search(r'href="(/search\?q=tone[^"]+)">(?:<[^>]+>)*Tiêu cực', legend)
    assert link is not None
    found = client.get(link.group(1).replace("&amp;", "&")).text
    assert '<span id="total">15</span>' in found


def test_volume_card_weighs_yesterday_and_today_so_far_against_their_usual(
    client_as, store
) -> None:
    """At 7:30 today's count is a morning's: it is set beside the usual count by this hour,
    and the whole day that can be judged is yesterday, beside the seven days before it."""
    now = dt.datetime.now(dt.UTC)
    midnight = today_start().astimezone(dt.UTC)
    elapsed = now - midnight
    made = iter(range(1000))

    def publish(when: dt.datetime, social: Social | None = None) -> None:
        n = next(made)
        article = Article(
            f"https://bao.example.vn/{n}.html", f"Tin {n}", "", f"Bài {n}. " * 40, when
        )
        store.save_document(Document(article, Keys.of(article), social=social), [], now)

    for _ in range(12):  # yesterday, late: after this hour of the day
        publish(midnight - dt.timedelta(seconds=30))
    for days in range(2, 9):  # four a day before yesterday, early: before this hour
        for _ in range(4):
            publish(midnight - dt.timedelta(days=days) + elapsed / 2)
    for _ in range(2):
        publish(midnight + elapsed / 2)
    for k in range(20):  # a burst of comments yesterday and today: not the press's volume
        comment = Social("comment", "facebook", f"c{k}")
        publish(midnight - dt.timedelta(hours=k % 2 * 12 + 1) + elapsed / 2, comment)
    card = client_as("analyst").get("/").text.split('class="card kpi', 2)[1]
    text = " ".join(re.sub(r"<[^>]+>", " ", card).split())
    hour = now.astimezone(HANOI).strftime("%H:%M")
    assert "Bài viết hôm qua 12 +8 so với trung bình 7 ngày trước (4)" in text, text
    assert f"Hôm nay đến {hour}: 2 (thường 3 đến giờ này)" in text, text


def test_hanoi_today_is_news_about_the_city_not_every_mention(client_as, store) -> None:
    """Labelled articles count by their label; one not labelled yet, by naming Hà Nội."""

    def save(title: str, lead: str, hanoi: bool | None, social: Social | None = None) -> int:
        now = dt.datetime.now(dt.UTC)
        url = f"https://bao.example.vn/{abs(hash(title))}.html"
        article = Article(url, title, lead, f"{title}. {lead} " * 20, now)
        place = "Hà Nội" if hanoi else "toàn quốc"
        analysis = None if hanoi is None else Analysis("xa_hoi", "neutral", place, hanoi, (), "")
        document = Document(article, Keys.of(article), analysis, social=social)
        return store.save_document(document, [], now)[1]

    city = save("Cấm đường quanh hồ Hoàn Kiếm", "Phố đi bộ mở rộng từ tối nay.", True)
    venue = save("Hội nghị ngành y toàn quốc", "Hội nghị diễn ra tại Hà Nội.", False)
    unlabelled = save("Tin chưa phân tích", "Người dân Hà Nội đổ ra đường.", None)
    post = save(
        "Hà Nội mưa to", "Ai ở Hà Nội thấy mưa không?", True, Social("post", "facebook", "p")
    )
    html = client_as("analyst").get("/").text
    panel = html[html.index("Mới về Hà Nội hôm nay") :].split("</ul>")[0]
    assert f'href="/documents/{city}"' in panel and f'href="/documents/{unlabelled}"' in panel
    assert f'href="/documents/{venue}"' not in panel
    assert f'href="/documents/{post}"' not in panel  # a post is the social area's
    assert f'Trung tính</span><a class="fw-medium" href="/documents/{city}"' in panel  # its tone
    line = next(li for li in panel.split("<li") if f'href="/documents/{unlabelled}"' in li)
    assert "badge tone-" not in line  # not analysed yet: no tone to show
    link = re.search(r'<a class="small" href="(/search\?q=[^"]+)"', panel).group(1)
    listed = client_as("analyst").get(link.replace("&amp;", "&")).text
    assert all(f'href="/documents/{doc}"' in listed for doc in (city, unlabelled))
    assert f'href="/documents/{venue}"' not in listed


def _save(store, title: str, lead: str, body: str) -> int:
    """An article as the collector stores it, before the analysis labels it."""
    now = dt.datetime.now(dt.UTC)
    article = Article(f"https://bao.example.vn/{abs(hash(title))}.html", title, lead, body, now)
    return store.save_document(Document(article, Keys.of(article)), [], now)[1]


def test_an_article_lists_the_places_it_names_with_what_they_are_now(client_as, store) -> None:
    doc = _save(
        store,
        "Đình chỉ cô giáo đánh trẻ ở phường Minh Khai, quận Hai Bà Trưng",
        "Sở GD-ĐT Hà Nội đã yêu cầu quận xử lý nghiêm; phụ huynh từ Hà Giang đến Hồ Gươm.",
        "Quận Hai Bà Trưng cho biết đã đình chỉ nhóm lớp.",
    )
    page = client_as("analyst").get(f"/documents/{doc}").text
    listed = re.search(r'id="doc-places">(.*?)</ul>', page, re.S)
    assert listed is not None
    items = re.findall(r"<li[^>]*>(.*?)</li>", listed.group(1), re.S)
    assert [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items] == [
        "Phường Minh Khai (cũ) Hà Nội · nay là Phường Bạch Mai, Phường Tương Mai",
        "Quận Hai Bà Trưng (cũ) ×2 Hà Nội",
        "Hà Nội Hà Nội",
        "Hà Giang Hà Giang · nay là Tuyên Quang",
        "Hồ Gươm Hà Nội",
    ]


def test_a_corrected_place_names_the_districts_of_the_new_place(client_as, store) -> None:
    doc = _save(
        store,
        "Cháy nhà trong hẻm ở phường 1, quận 8",
        "Lửa bùng lên lúc rạng sáng, người dân phá cửa cứu hai cháu nhỏ.",
        "Lực lượng chữa cháy đã dập tắt đám cháy sau 30 phút.",
    )
    with store.engine.begin() as conn:  # as the pipeline placed it, wrongly
        conn.execute(
            update(documents).where(documents.c.id == doc).values(place="Hà Nội", areas="")
        )
    analyst = client_as("analyst")
    form = {"task": "place", "label": "TP.HCM", "csrf": csrf(analyst, f"/documents/{doc}")}
    assert analyst.post(f"/documents/{doc}/labels", data=form).status_code == 200
    analysis = analyst.get(f"/api/v1/documents/{doc}").json()["analysis"]
    assert (analysis["place"], analysis["hanoi"]) == ("TP.HCM", False)
    assert analysis["areas"] == ["Phường 1", "Quận 8"]
    found = analyst.get("/api/v1/search", params={"q": 'place:"quận 8"'}).json()["items"]
    assert [hit["id"] for hit in found] == [doc]


def test_hostile_article_is_shown_as_text_everywhere(client_as, articles) -> None:
    client = client_as("analyst")
    for path in ("/", f"/documents/{articles[0]}", "/search?q=c%E1%BA%A3nh+gi%C3%A1c"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert" in html, path
    assert client.get(f"/api/v1/documents/{articles[0]}").json()["title"] == HOSTILE_TITLE


def test_an_address_that_is_no_web_address_is_not_a_link(client_as, store) -> None:
    """A row whose address is "javascript:…" (no collector stores one; a hand-made row could)
    shows it as text: no link runs it, whatever the page's policy would do."""
    now = dt.datetime.now(dt.UTC)
    url = "javascript:alert(document.cookie)"
    article = Article(url, "Tin có địa chỉ lạ", "", "Nội dung bài viết về Hà Nội. " * 20, now)
    doc = store.save_document(Document(article, Keys.of(article)), [], now)[1]
    page = client_as("analyst").get(f"/documents/{doc}").text
    assert 'href="javascript:' not in page and url in page
    assert "Xem bài gốc" not in page


def test_search_finds_without_diacritics_with_facets_and_marks(client_as, articles) -> None:
    client = client_as("analyst")
    html = client.get("/search", params={"q": "ha noi"}).text
    assert "<mark>Hà Nội</mark>" in html or "<mark>Hà nội</mark>" in html
    assert "Theo báo" in html and "Báo Hànộimới" in html and "Theo ngày" in html
    count = total(html)
    assert re.search(
        rf'kind%3A%22b%C3%A0i\+b%C3%A1o%22">Bài báo</a>\s*<span class="count">{count}<', html
    )
    facets = re.findall(r'<a href="(/search\?[^"]+)">[^<]+</a>\s*<span class="count">(\d+)', html)
    link, size = next(f for f in facets if int(f[1]) < count)
    narrowed = client.get(link.replace("&amp;", "&")).text  # a facet link narrows the search
    assert total(narrowed) == int(size)
    assert "Không tìm thấy bài nào." in client.get("/search", params={"q": "zzzqqq"}).text


def test_an_estimated_total_is_marked_with_what_was_counted(
    client_as, articles, monkeypatch
) -> None:
    monkeypatch.setattr(query, "MATCH_WINDOW", 20)
    monkeypatch.setattr(query, "RANK_WINDOW", 2)
    client = client_as("analyst")
    html = client.get("/search", params={"q": "ha noi"}).text
    counted = re.search(r'id="counted" class="small">\(ước tính; đếm đủ (\d+) trong 20 ', html)
    assert counted and "≈ <span" in html
    assert int(counted.group(1)) < total(html)


def test_exports_are_csv_and_xlsx_with_formulas_defused(client_as, articles, store) -> None:
    labels = {
        "topic": "do_thi",
        "tone": "negative",
        "place": "Hà Nội",
        "areas": "Hoàn Kiếm|Hàng Bạc",
    }
    with store.engine.begin() as conn:  # as the pipeline labelled the first one
        conn.execute(update(documents).where(documents.c.id == articles[0]).values(**labels))
    client = client_as("analyst")
    text = client.get("/search/export.csv", params={"q": "ha noi"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Mã bài", "Ngày đăng", "Báo"] and len(rows) > 2
    (hostile,) = [r for r in rows if r[3] == HOSTILE_TITLE]
    named = dict(zip(rows[0], hostile, strict=True))
    assert (named["Chủ đề"], named["Sắc thái"], named["Địa điểm"]) == (
        "Đô thị",
        "Tiêu cực",
        "Hà Nội",
    )
    assert named["Quận, phường, xã"] == "Hoàn Kiếm, Hàng Bạc"
    assert all(r[5:9] == ["", "", "", ""] for r in rows[1:] if r is not hostile)  # unlabelled
    book = load_workbook(io.BytesIO(client.get("/search/export.xlsx?q=ha+noi").content))
    sheet = book["Kết quả"]
    assert sheet["A1"].value == "Truy vấn" and sheet["B1"].value == "ha noi"
    assert sheet["A2"].value == "Kết quả" and sheet["B2"].value == len(rows) - 1  # a number
    assert sheet.max_row == len(rows) + 2
    # the id a number and the time a date, in Hà Nội as the CSV writes it, so that both sort
    doc_id, published = sheet["A4"].value, sheet["B4"]
    assert isinstance(doc_id, int) and str(doc_id) == rows[1][0]
    minute = published.value.replace(second=0, microsecond=0)
    assert minute == dt.datetime.strptime(rows[1][1], "%d/%m/%Y %H:%M")
    assert published.number_format == "dd/mm/yyyy hh:mm"
    assert sheet.column_dimensions["D"].width == 60  # the title has room
    typed = client.get("/search/export.xlsx", params={"q": "=ha noi\x00"})  # a query on top too
    assert load_workbook(io.BytesIO(typed.content))["Kết quả"]["B1"].value == "'=ha noi"


def test_an_export_cut_at_its_limit_says_so_on_the_page_and_in_the_file(
    client_as, articles, monkeypatch
) -> None:
    """A file of the first N results must not pass for the whole result."""
    monkeypatch.setattr(search_routes, "EXPORT_LIMIT", 3)
    client = client_as("analyst")
    total = int(re.search(r'id="total">([\d.]+)<', client.get("/search?q=ha+noi").text)[1])
    assert total > 3
    page = client.get("/search?q=ha+noi").text
    assert "Tệp xuất có 3 kết quả đầu" in page
    sheet = load_workbook(io.BytesIO(client.get("/search/export.xlsx?q=ha+noi").content))["Kết quả"]
    assert [sheet["A2"].value, sheet["B2"].value, sheet["C2"].value] == [
        "Kết quả",
        total,
        "tệp này có 3 kết quả đầu, theo thứ tự xếp hạng",
    ]
    assert sheet.max_row == 3 + 3  # query, count, header, three rows
    whole = client.get("/search?q=" + quote(HOSTILE_TITLE)).text
    assert "Tệp xuất có" not in whole  # a result within the limit is exported whole


def test_analyst_corrects_a_label_kept_with_who_and_when(client_as, articles, web, store) -> None:
    client = client_as("analyst")
    doc = articles[3]
    with store.engine.begin() as conn:  # as the model labelled it
        conn.execute(update(documents).where(documents.c.id == doc).values(tone="positive"))
    token = csrf(client, f"/documents/{doc}")
    client.post(
        f"/documents/{doc}/labels", data={"task": "tone", "label": "neutral", "csrf": token}
    )
    first = web.audit_entries()[0]
    assert json.loads(first["before"]) == {"tone": "positive"}  # the model's, it replaced
    page = client.post(
        f"/documents/{doc}/labels", data={"task": "tone", "label": "negative", "csrf": token}
    )
    assert "Tiêu cực" in page.text and "lan" in page.text
    bad = client.post(
        f"/documents/{doc}/labels", data={"task": "tone", "label": "x", "csrf": token}
    )
    assert bad.status_code == 422
    typo = {"task": "place", "label": "Hà Nộ", "csrf": token}  # htmx swaps only a 200 answer
    refused = client.post(f"/documents/{doc}/labels", data=typo, headers={"HX-Request": "true"})
    assert refused.status_code == 200
    assert "Không nhận ra «Hà Nộ» là một địa điểm: chưa lưu." in refused.text
    assert 'value="Hà Nộ"' in refused.text  # kept, to be corrected
    client.post(
        f"/documents/{doc}/labels", data={"task": "place", "label": "Hà Đông", "csrf": token}
    )
    rows = label_corrections(store.engine)
    assert [(r["document_id"], r["task"], r["label"], r["user"]) for r in rows] == [
        (doc, "tone", "negative", "lan"),
        (doc, "place", "Hà Nội", "lan"),  # a former district of Hà Nội is its main place
    ]
    entry = web.audit_entries()[1]
    assert entry["action"] == "label.correct" and entry["username"] == "lan"
    assert json.loads(entry["before"]) == {"tone": "neutral"}
    assert json.loads(entry["after"]) == {"tone": "negative"}


def test_a_correction_wins_over_the_model_in_search_and_training(
    client_as, articles, store, settings: Settings, capsys
) -> None:
    doc, other = articles[7], articles[8]
    machine = {"topic": "the_thao", "tone": "neutral", "place": "TP.HCM", "hanoi": False}
    with store.engine.begin() as conn:  # as the pipeline labelled them
        conn.execute(update(documents).where(documents.c.id.in_([doc, other])).values(**machine))
        conn.execute(  # a label kept by an older version, before the forms checked topics
            insert(label_corrections_t).values(
                document_id=other, task="topic", label="Y tế", username="lan", at=NOW
            )
        )
    client = client_as("analyst")
    token = csrf(client, f"/documents/{doc}")
    for task, label in (("topic", "Giáo dục"), ("tone", "negative"), ("place", "Hồ Gươm")):
        answer = client.post(
            f"/documents/{doc}/labels", data={"task": task, "label": label, "csrf": token}
        )
        assert answer.status_code == 200, (task, label)
    wrong = {"task": "topic", "label": "Y tế", "csrf": token}
    assert client.post(f"/documents/{doc}/labels", data=wrong).status_code == 422
    page = client.get(f"/documents/{doc}").text
    assert "Giáo dục" in page and "máy: Thể thao" in page and "máy: Trung tính" in page
    assert '<option value="giao_duc" selected>' in page  # the topic form starts from it
    assert 'value="negative" type="submit" aria-pressed="true"' in page
    found = client.get("/search", params={"q": "topic:giao_duc tone:negative hanoi:yes"}).text
    assert f"/documents/{doc}" in found and f"/documents/{other}" not in found
    assert "Giáo dục" in found and "Tiêu cực" in found  # facets by name, not code
    # the hit itself shows the corrected labels: its tone as a badge, its topic and place
    hit = found[found.index('<ul class="list-group list-group-flush results">') :]
    assert re.search(
        rf'tone-negative me-1"[^>]*>Tiêu cực</span><a[^>]*href="/documents/{doc}"', hit
    )
    assert re.search(r"· Giáo dục · Hà Nội</div>", hit)
    assert f"/documents/{doc}" not in client.get("/search", params={"q": "topic:the_thao"}).text
    labels = office_labels(settings)
    assert sorted((r["task"], r["label"]) for r in labels) == [
        ("tone", "negative"),
        ("topic", "giao_duc"),
    ]
    assert "'Y tế' is not a topic" in capsys.readouterr().err


def test_corrections_made_before_they_were_applied_are_applied_by_the_upgrade(
    articles, store, web
) -> None:
    doc, other = articles[9], articles[10]
    machine = {"topic": "the_thao", "tone": "neutral", "place": "TP.HCM", "hanoi": False}
    with store.engine.begin() as conn:
        config = migrations(conn)
        command.downgrade(config, "web_0001")  # corrections were kept on the side only
        conn.execute(update(documents).where(documents.c.id.in_([doc, other])).values(**machine))
        for document, task, label in (
            (doc, "tone", "neutral"),
            (doc, "tone", "Tiêu cực"),  # the latest one, by name
            (doc, "place", "Hà Đông"),
            (other, "topic", "Y tế"),  # no topic: stays on the page only
        ):
            conn.execute(
                text(
                    "INSERT INTO label_corrections (document_id, task, label, username, at) "
                    "VALUES (:d, :t, :l, 'lan', :at)"
                ),
                {"d": document, "t": task, "l": label, "at": NOW},
            )
        command.upgrade(config, "heads")
    with store.engine.connect() as conn:
        d = documents.c
        chosen = select(d.id, d.topic, d.tone, d.place, d.hanoi).where(d.id.in_([doc, other]))
        rows = conn.execute(chosen.order_by(d.id)).all()
    assert [tuple(r) for r in rows] == [
        (doc, "the_thao", "negative", "Hà Nội", True),
        (other, "the_thao", "neutral", "TP.HCM", False),
    ]
    assert web.machine_labels(doc) | {"story_id": None} == machine | {"story_id": None}


def test_flag_shows_on_the_dashboard_once_however_often_it_is_sent(
    client_as, articles, web, monkeypatch
) -> None:
    """A double click, or three requests at once, flag an article once: the dashboard counts
    articles to look at, not clicks. Another note, or another analyst, is a flag of its own."""
    from baochi.db.web_store import WebStore

    client = client_as("analyst")
    token = csrf(client)
    for _ in range(2):
        flagged = {"note": "số liệu lệch", "csrf": token}
        client.post(f"/documents/{articles[5]}/flags", data=flagged)
    html = client.get("/").text
    assert "số liệu lệch" in html and f"/documents/{articles[5]}" in html
    assert len(web.flags(articles[5])) == 1

    held_after_looking(monkeypatch, WebStore, "repeated_flag")
    analyst = next(u for u in web.users() if u.role == "analyst")
    at_once(3, lambda _: web.add_flag(articles[6], "nghi tin giả", analyst))
    assert len(web.flags(articles[6])) == 1
    second = {"note": "cần trả lời", "csrf": token}
    client.post(f"/documents/{articles[6]}/flags", data=second)
    assert len(web.flags(articles[6])) == 2

    def attention() -> tuple[str, list[str]]:
        """The flagged articles' count, and the flag lines of "Cần chú ý"."""
        html = client.get("/").text
        kpi = re.search(r'Bài được gắn cờ</div>\s*<div class="kpi-value[^"]*">(\d+)<', html)
        return kpi.group(1), re.findall(r'Gắn cờ</span>\s*<a href="(/documents/\d+)">', html)

    # one line per article (its two flags counted on it), and the count is of articles
    assert attention() == ("2", [f"/documents/{articles[6]}", f"/documents/{articles[5]}"])
    assert client_as("leader").post(f"/documents/{articles[6]}/flags/resolve").status_code == 403
    client.post(f"/documents/{articles[6]}/flags/resolve", data={"csrf": token})
    assert attention() == ("1", [f"/documents/{articles[5]}"])  # handled: off the overview
    page = client.get(f"/documents/{articles[6]}").text
    assert page.count("đã xử lý") == 2 and 'id="resolve-flags"' not in page  # kept, dated
    assert web.audit_entries(1)[0]["action"] == "flag.resolve"


def test_every_flagged_article_is_listed_beyond_the_six_of_the_overview(
    client_as, articles, monkeypatch
) -> None:
    """The overview names six and counts them all; the count and "và N bài khác" open the
    list of every flagged article, newest first, a page at a time."""
    client = client_as("analyst")
    token = csrf(client)
    flagged = articles[10:18]
    for doc in flagged:
        client.post(f"/documents/{doc}/flags", data={"note": f"xem bài {doc}", "csrf": token})
    html = client.get("/").text
    assert re.search(r'<a class="card kpi[^"]*" href="/flags">', html)
    assert re.search(r'<a href="/flags">\s*và 2 bài khác', html)
    monkeypatch.setattr(documents_routes, "FLAGS_PAGE", 5)
    first, second = (client_as("leader").get(f"/flags?page={n}").text for n in (1, 2))
    listed = [re.findall(r'<a href="/documents/(\d+)"', page) for page in (first, second)]
    assert listed == [[str(d) for d in flagged[::-1][:5]], [str(d) for d in flagged[::-1][5:]]]
    assert f"xem bài {flagged[-1]}" in first and 'rel="next" href="/flags?page=2"' in first
    assert 'href="/flags/export.xlsx"' in first
    header, *rows = load_workbook(
        io.BytesIO(client.get("/flags/export.xlsx").content)
    ).active.iter_rows(values_only=True)
    assert header[:3] == ("Bài", "Số cờ", "Ghi chú mới nhất") and len(rows) == len(flagged)
    assert rows[0][2] == f"xem bài {flagged[-1]}" and rows[0][-1].endswith(f"/{flagged[-1]}")
    client.post(f"/documents/{flagged[0]}/flags/resolve", data={"csrf": token})
    assert f'href="/documents/{flagged[0]}"' not in client.get("/flags?page=2").text


def test_sources_add_disable_enable_are_audited(client_as, store, web) -> None:
    client = client_as("analyst")
    token = csrf(client)
    form = {"url": "https://hanoimoi.vn/rss/xa-hoi", "outlet": "Báo Hànộimới", "csrf": token}
    added = client.post("/sources", data=form)
    assert "Đã thêm nguồn tin: bộ thu thập tải nó ở lượt kế tiếp." in added.text
    again = client.post("/sources", data=form)  # the same feed twice: said, not added
    assert "Nguồn tin này đã có trong danh sách: không thêm lần nữa." in again.text
    assert len(store.sources()) == 1
    source = store.sources()[0]
    assert source.url == "https://hanoimoi.vn/rss/xa-hoi"
    client.post(f"/sources/{source.id}/disable", data={"reason": "chặn crawler", "csrf": token})
    html = client.get("/sources").text
    assert "Đã tắt" in html and "chặn crawler" in html
    kinds = re.search(r'<select[^>]*name="kind">(.*?)</select>', html).group(1)
    assert kinds == (  # Vietnamese names, the same values sent
        '<option value="auto">Tự nhận biết</option><option value="feed">RSS/Atom</option>'
        '<option value="sitemap">Sitemap</option><option value="page">Trang chuyên mục</option>'
    )
    client.post(f"/sources/{source.id}/enable", data={"csrf": token})
    assert store.sources()[0].enabled
    actions = [e["action"] for e in web.audit_entries()]
    assert actions[:3] == ["source.enable", "source.disable", "source.add"]
    bad = client.post("/sources", data={"url": "ftp://x", "outlet": "A", "csrf": token})
    assert bad.status_code == 422
    # an address inside the network is refused at once, not left to fail at every poll
    for inside in ("http://192.168.1.10/rss", "http://10.0.0.5:8080/feed", "http://[::1]/rss",
                   "http://169.254.169.254/latest", "http://[::ffff:10.1.2.3]/rss"):  # fmt: skip
        page = client.post("/sources", data={"url": inside, "outlet": "A", "csrf": token})
        assert page.status_code == 422 and "mạng nội bộ" in page.text, inside
    loopback = client.post(
        "/sources", data={"url": "http://[::1]/rss", "outlet": "A", "csrf": token}
    )
    assert "là địa chỉ nội bộ (loopback) ::1: baochi không tải" in loopback.text
    assert "loopback address" not in loopback.text
    secret = {"url": "https://lan:mat-khau-9@hanoimoi.vn/rss", "outlet": "A", "csrf": token}
    refused = client.post("/sources", data=secret)
    assert (
        refused.status_code == 422 and "«https://hanoimoi.vn/rss» không dùng được" in refused.text
    )
    assert "mat-khau-9" not in refused.text  # the password typed is never shown back
    client.get("/lang/en")
    said = unescape(client.post("/sources", data={**secret, "url": "http://[::1]/rss"}).text)
    assert "«http://[::1]/rss» is an internal (loopback) address ::1: baochi fetches" in said
    said = unescape(client.post("/sources", data=secret).text)
    assert "«https://hanoimoi.vn/rss» cannot be used" in said and "mat-khau-9" not in said
    client.get("/lang/vi")
    allowed = {"url": "http://127.0.0.1:8123/rss", "outlet": "A", "csrf": token}
    assert client.post("/sources", data=allowed).status_code == 200  # the allowlist's network
    assert len(store.sources()) == 2


def test_admin_adds_a_user_shown_once_and_reads_the_audit(client_as, web, monkeypatch) -> None:
    admin = client_as("admin")
    page = admin.post(
        "/admin/users",
        data={
            "username": "thu",
            "role": "officer",
            "department": "Sở Xây dựng",
            "csrf": csrf(admin),
        },
    )
    first = re.search(r'id="new-secret">thu: (\S+)<', page.text)
    assert first and web.user_by_name("thu").department == "Sở Xây dựng"
    # the same form sent again (a second click, whose answer replaces the first in the
    # browser): thu gets a new password to hand over, not "thu exists"
    form = {"username": "thu", "role": "officer", "department": "so xay dung"}
    again = admin.post("/admin/users", data={**form, "csrf": csrf(admin)})
    second = re.search(r'id="new-secret">thu: (\S+)<', again.text)
    assert second and second.group(1) != first.group(1)
    assert sum(u.username == "thu" for u in web.users()) == 1
    other = admin.post("/admin/users", data={**form, "role": "leader", "csrf": csrf(admin)})
    assert other.status_code == 422 and "Người dùng «thu» đã có." in other.text
    alone = {**form, "username": "khanh", "department": " ", "csrf": csrf(admin)}
    nowhere = admin.post("/admin/users", data=alone)
    assert (
        nowhere.status_code == 422 and "Cán bộ sở, ngành phải thuộc một phòng ban." in nowhere.text
    )
    assert "--department" not in nowhere.text  # the page's field, not the CLI's option
    audit = admin.get("/admin/audit").text
    assert "Thêm người dùng" in audit and "hoa" in audit
    assert '<span class="text-secondary" title="username">Tên đăng nhập</span>: thu' in audit
    thu = web.user_by_name("thu")
    admin.post(
        f"/admin/users/{thu.id}",
        data={
            "action": "save",
            "role": "leader",
            "department_id": str(thu.department_id),
            "csrf": csrf(admin),
        },
    )
    newest = re.search(r"<tbody>\s*<tr>(.*?)</tr>", admin.get("/admin/audit").text, re.S)
    assert "Đổi tên hiển thị, vai trò, phòng ban hoặc trạng thái" in newest.group(1)
    role = '<span class="text-secondary" title="role">Vai trò</span>: '
    role += "<del>Cán bộ sở, ngành</del> → Lãnh đạo"
    assert role in newest.group(1)  # the roles' names, not their codes
    assert "department" not in newest.group(1)  # what did not change is not shown
    monkeypatch.setattr(admin_routes, "AUDIT_EXPORT", 2)  # a log longer than its export says so
    note, header, *rows = load_workbook(
        io.BytesIO(admin.get("/admin/audit/export.xlsx").content)
    ).active.iter_rows(values_only=True)
    assert (
        note[0] == "Tệp này có 2 mục nhật ký mới nhất; các mục nhật ký cũ hơn không có trong tệp."
    )
    assert (
        header[0] == "Thời điểm"
        and rows[0][2] == "Đổi tên hiển thị, vai trò, phòng ban hoặc trạng thái"
    )
    assert rows[0][5] == "user.change"  # the code kept beside the words
    assert len(rows) == 2
    admin.post(
        f"/admin/users/{thu.id}",
        data={"action": "save", "role": "leader", "department_id": "", "csrf": csrf(admin)},
    )
    assert web.user_by_name("thu").department_id is None  # "—" takes the department away
    refused = admin.post(
        f"/admin/users/{thu.id}",
        data={"action": "save", "role": "officer", "department_id": "", "csrf": csrf(admin)},
    )
    assert refused.status_code == 422 and "phải thuộc một phòng ban" in refused.text
    locked = admin.post(f"/admin/users/{thu.id}", data={"action": "lock", "csrf": csrf(admin)})
    assert "Đã khoá tài khoản: người này không đăng nhập được nữa." in locked.text
    logged = admin.get("/admin/audit", params={"entity": f"user:{thu.id}"}).text
    assert (
        f'>Người dùng #{thu.id}</a><div class="audit-named">thu</div>' in logged
    )  # who, not only an id
    book = load_workbook(io.BytesIO(admin.get("/admin/users/export.xlsx").content))
    header, *rows = book.active.iter_rows(values_only=True)
    assert header == ("Tên đăng nhập", "Tên hiển thị", "Vai trò", "Phòng ban", "Tình trạng")
    assert [r[0] for r in rows] == ["hoa", "hung", "lan", "minh", "thu"]
    assert rows[-1][2:] == ("Lãnh đạo", None, "Đã khoá")  # an empty department: an empty cell
    assert rows[3][2:] == ("Cán bộ sở, ngành", "Sở Xây dựng", "Hoạt động")
    settings = admin.get("/admin/settings").text
    assert "BAOCHI_HOST_DELAY" in settings


def test_moments_in_the_workbooks_are_excel_dates(client_as, store, people) -> None:
    """A department's creation, an audited action's moment, a source's newest article: date
    cells in Hà Nội time that sort and filter, not "30/11/2026 14:43" as text."""
    source, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    store.update_source(source, last_article_at=dt.datetime(2026, 11, 30, 7, 43, tzinfo=dt.UTC))
    admin = client_as("admin")
    admin.post("/admin/departments", data={"csrf": csrf(admin, "/admin/departments"),
                                           "name": "Sở Du lịch"})  # fmt: skip

    def column(path: str, heading: str) -> list[object]:
        """The cells under `heading`, below the rows before the header (a preface)."""
        rows = list(load_workbook(io.BytesIO(admin.get(path).content)).active.values)
        start = next(i for i, row in enumerate(rows) if heading in row)
        at = rows[start].index(heading)
        return [row[at] for row in rows[start + 1 :]]

    for path, heading in (
        ("/admin/departments/export.xlsx", "Ngày tạo"),
        ("/admin/audit/export.xlsx", "Thời điểm"),
        ("/sources/export.xlsx", "Bài mới gần nhất"),
    ):
        values = [v for v in column(path, heading) if v is not None]
        assert values and all(isinstance(v, dt.datetime) for v in values), (path, values[:3])
    assert dt.datetime(2026, 11, 30, 14, 43) in column("/sources/export.xlsx", "Bài mới gần nhất")


def test_the_settings_page_shows_no_credential(settings, store, people) -> None:
    """The webhook key, the SMTP password and the database URL's password were on the page
    in clear (only the database URL was hidden); every credential shows as ••••."""
    from fastapi.testclient import TestClient

    from baochi.web import create_app

    secrets = {
        "webhook_secret": "khoa-webhook-rat-bi-mat",
        "smtp_password": "mat-khau-smtp-456",
        "youtube_key": "AIza-khoa-youtube",
    }
    app = create_app(settings.replace(**secrets), store)
    with TestClient(app) as client:
        page = sign_in(client, people["admin"].username).get("/admin/settings").text
    assert not [value for value in secrets.values() if value in page]
    assert page.count("••••") >= len(secrets)
    assert "BAOCHI_WEBHOOK_SECRET" in page and "BAOCHI_HOST_DELAY" in page


def test_the_settings_page_shows_values_in_force_with_help_in_the_pages_language(
    settings, store, people
) -> None:
    """The office's administrator reads Vietnamese help, sees what was changed from its default,
    and lists as a variable takes them (they read "()" and "False", the help was English)."""
    from fastapi.testclient import TestClient

    from baochi.web import create_app

    changed = settings.replace(
        host_delay=2.5, brief_recipients="lan@hanoi.gov.vn,minh@hanoi.gov.vn"
    )
    with TestClient(create_app(changed, store)) as client:
        admin = sign_in(client, people["admin"].username)
        vietnamese = admin.get("/admin/settings").text
        admin.get("/lang/en?next=/admin/settings")
        english = admin.get("/admin/settings").text
    assert "Số giây giữa hai yêu cầu tới cùng một máy chủ." in vietnamese
    assert "Seconds between two requests to the same host." not in vietnamese
    assert "Seconds between two requests to the same host." in english
    delay = re.search(r"BAOCHI_HOST_DELAY</span>.*?</tr>", vietnamese, re.S)
    assert delay and "2.5" in delay[0] and "mặc định:" in delay[0] and "1.0" in delay[0]
    assert "lan@hanoi.gov.vn,minh@hanoi.gov.vn" in vietnamese
    assert "()" not in vietnamese and "False" not in vietnamese
    signer = re.search(r"BAOCHI_REPORT_SIGNER_NAME</span>.*?</tr>", english, re.S)
    assert signer and "(empty)" in signer[0] and "default:" not in signer[0]


def test_a_department_is_one_whatever_its_case_diacritics_or_code(client_as, web, people) -> None:
    building = people["officer"].department_id
    with web.engine.begin() as conn:  # the code Hoa gave it
        conn.execute(update(departments).where(departments.c.id == building).values(code="SXD"))
    for typed in ("Sở Xây dựng", "  sở  xây DỰNG ", "So Xay Dung", "sxd"):
        assert web.department_named(typed) == building, typed
        assert web.add_department(typed) == (building, False), typed
    assert web.department_named("Sở Xây") is None and web.department_named(" ") is None
    with web.engine.begin() as conn:  # a twin made before names were matched
        twin = conn.execute(
            insert(departments).values(
                name="sở xây dựng", code="", created_at=dt.datetime.now(dt.UTC)
            )
        ).inserted_primary_key[0]
    assert web.department_named("Sở Xây dựng") == building  # its very text decides
    assert web.department_named("sở xây dựng") == twin
    assert web.department_named("SỞ XÂY DỰNG") is None  # either: not guessed
    with web.engine.begin() as conn:
        conn.execute(departments.delete().where(departments.c.id == twin))
    admin = client_as("admin")
    refused = admin.post("/admin/departments", data={"name": "so xay dung", "csrf": csrf(admin)})
    said = "Tên «so xay dung» đã là của phòng ban «Sở Xây dựng»."
    assert refused.status_code == 409 and said in refused.text
    added = admin.post(
        "/admin/departments", data={"name": "Sở Y tế", "code": "SYT", "csrf": csrf(admin)}
    )
    assert "Đã thêm phòng ban." in added.text
    assert added.status_code == 200 and [d["name"] for d in web.departments()] == [
        "Sở Xây dựng",
        "Sở Y tế",
    ]
    # A new officer typed without diacritics lands in the department that has the cases.
    admin.post(
        "/admin/users",
        data={"username": "thu", "role": "officer", "department": "so y te", "csrf": csrf(admin)},
    )
    assert web.user_by_name("thu").department == "Sở Y tế"

    # The 2025 reform renames a department: its officers stay in it, under the new name.
    health = web.department_named("Sở Y tế")
    renamed = {"name": " Sở Y tế  Hà Nội ", "code": "SYT-HN", "csrf": csrf(admin)}
    assert admin.post(f"/admin/departments/{health}", data=renamed).status_code == 200
    assert web.user_by_name("thu").department == "Sở Y tế Hà Nội"
    assert web.department_named("SYT-HN") == health and web.department_named("Sở Y tế") is None
    (entry,) = [e for e in web.audit_entries(50, None) if e["action"] == "department.edit"]
    assert json.loads(entry["before"]) == {"name": "Sở Y tế", "code": "SYT"}
    assert json.loads(entry["after"]) == {"name": "Sở Y tế Hà Nội", "code": "SYT-HN"}
    taken = {"name": "so xay dung", "code": "", "csrf": csrf(admin)}  # another's name
    refused = admin.post(f"/admin/departments/{health}", data=taken)
    said = "Tên «so xay dung» đã là của phòng ban «Sở Xây dựng»."
    assert refused.status_code == 409 and said in refused.text
    assert web.user_by_name("thu").department == "Sở Y tế Hà Nội"
    gone = admin.post("/admin/departments/99999", data={"name": "X", "csrf": csrf(admin)})
    assert gone.status_code == 404
    analyst = client_as("analyst")
    tried = {"name": "Sở Y tế", "csrf": csrf(analyst)}
    assert analyst.post(f"/admin/departments/{health}", data=tried).status_code == 403
    assert web.department_named("Sở Y tế Hà Nội") == health


def test_a_file_size_reads_as_vietnamese_writes_it() -> None:
    shown = [filesize(n) for n in (193, 1_234, 999_960, 3_400_000, 5_600_000_000)]
    assert shown == ["193 byte", "1,2 kB", "1,0 MB", "3,4 MB", "5,6 GB"]


def test_a_number_reads_as_the_page_language_writes_it(app) -> None:
    """1.461 and 0,0 in Vietnamese, 1,461 and 0.0 in English; outside a page, Vietnamese."""
    from baochi.web.templating import templates

    page = templates.env.from_string(
        "{{ 1461 | number }} {{ 0 | number(1) }} {{ 62.5 | figure }} {{ 1234 | filesize }}"
    )
    assert page.render(lang="vi") == "1.461 0,0 62,5 1,2 kB"
    assert page.render(lang="en") == "1,461 0.0 62.5 1.2 kB"
    assert page.render() == "1.461 0,0 62,5 1,2 kB"
    assert filesize(193, "en") == "193 bytes"


def test_sources_count_in_english_one_thing_or_more(client_as, store) -> None:
    """ "1 article", "1 source is overdue by more than 1 hour", "1 failure in a row", and the
    usual daily figure written 0.0, not "1 articles", "1 hours" and 0,0."""
    feed, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    failing, _ = store.add_source("https://hanoimoi.vn/rss/kinh-te", "Báo Hànộimới", kind="feed")
    now = dt.datetime.now(dt.UTC)
    store.update_source(feed, articles_total=1, next_poll_at=now - dt.timedelta(hours=3))
    store.update_source(failing, articles_total=2, consecutive_failures=1, last_error="HTTP 503",
                        next_poll_at=now + dt.timedelta(minutes=15))  # fmt: skip
    client = client_as("analyst")
    client.get("/lang/en")
    page = client.get("/sources").text
    assert "RSS/Atom · 1 article</div>" in page and "RSS/Atom · 2 articles</div>" in page
    note = re.search(r'id="overdue-note">([^<]+)<', page)
    assert note and note.group(1).startswith("1 source is overdue by more than 1 hour: is the")
    assert "1 failure in a row" in page
    assert re.search(r'<td class="text-end text-secondary d-none d-md-table-cell">0\.0</td>', page)
    dashboard = client.get("/").text
    assert "1 source overdue: is the collector running?" in dashboard
    assert "1 failure in a row" in dashboard and "1 consecutive failures" not in dashboard
    assert "1 failure in a row" in client.get(f"/sources/{failing}").text
    client.get("/lang/vi")
    page = client.get("/sources").text
    assert "RSS/Atom · 1 bài</div>" in page and "1 nguồn đã quá giờ thu thập hơn 1 giờ" in page
    assert re.search(r'<td class="text-end text-secondary d-none d-md-table-cell">0,0</td>', page)


def test_the_audit_log_reads_in_english_what_it_stored_in_vietnamese(client_as, web) -> None:
    """A role, a case's status, a yes/no: named in the page's language; the log keeps codes."""
    admin = client_as("admin")
    minh = web.user_by_name("minh")
    form = {"action": "save", "role": "analyst", "department_id": str(minh.department_id)}
    admin.post(f"/admin/users/{minh.id}", data={**form, "csrf": csrf(admin)})
    admin.get("/lang/en")
    newest = re.search(r"<tbody>\s*<tr>(.*?)</tr>", admin.get("/admin/audit").text, re.S)
    assert newest is not None
    role = '<span class="text-secondary" title="role">Role</span>: '
    role += "<del>Department officer</del> → Analyst"
    assert role in newest.group(1)
    assert '"role": "analyst"' in web.audit_entries(1)[0]["after"]  # stored as it was
    admin.get("/lang/vi")
    newest = re.search(r"<tbody>\s*<tr>(.*?)</tr>", admin.get("/admin/audit").text, re.S)
    assert (
        newest is not None
        and "<del>Cán bộ sở, ngành</del> → Chuyên viên phân tích" in newest.group(1)
    )


def test_english_is_one_click_away(client_as) -> None:
    client = client_as("analyst")
    client.get("/lang/en?next=/")
    html = client.get("/").text
    assert "Overview" in html and "New about Hà Nội today" in html and 'lang="en"' in html
    client.get("/lang/vi?next=/")
    assert "Tổng quan" in client.get("/").text


def test_the_administrator_sees_when_backups_stopped(client_as, app, store, tmp_path) -> None:
    hoa, lan = client_as("admin"), client_as("analyst")
    page = hoa.get("/admin/backups").text
    assert 'id="backup-state"' in page and "Chưa đặt thư mục sao lưu" in page
    assert 'id="backup-late"' not in hoa.get("/").text  # not configured is not late

    backups = tmp_path / "backups"
    app.state.settings = app.state.settings.replace(backup_dir=str(backups))
    now = dt.datetime.now(dt.UTC)
    old = backup.back_up(app.state.settings, backups, now - dt.timedelta(days=2))
    page = hoa.get("/admin/backups").text
    assert "alert-danger" in page and "Bản sao lưu gần nhất đã cũ" in page and old.name in page
    overview = hoa.get("/").text
    assert 'id="backup-late"' in overview and 'href="/admin/backups"' in overview
    assert 'id="backup-late"' not in lan.get("/").text  # the administrator's matter
    assert lan.get("/admin/backups").status_code == 403

    backup.back_up(app.state.settings, backups, now)
    page = hoa.get("/admin/backups").text
    assert "alert-success" in page and page.count("<tr><td") == 2
    for kept in backup.kept(backups):  # not Jinja's "4.2 kB"
        assert f'<td class="text-end text-nowrap">{filesize(kept.size())}</td>' in page
    assert re.search(r'text-nowrap">(\d+,\d [kMG]B|\d+ byte)</td>', page)
    assert 'id="backup-late"' not in hoa.get("/").text


def test_the_administrator_backs_up_now_in_the_background(client_as, app, web, tmp_path) -> None:
    hoa = client_as("admin")
    assert hoa.post("/admin/backups", data={"csrf": csrf(hoa)}).status_code == 409  # no folder
    backups = tmp_path / "backups"
    app.state.settings = app.state.settings.replace(backup_dir=str(backups))
    job = app.state.backup

    def finished() -> None:
        for _ in range(200):
            if not job.running:
                return
            time.sleep(0.05)
        raise AssertionError("the backup did not finish")

    done = hoa.post("/admin/backups", data={"csrf": csrf(hoa)}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/admin/backups"
    finished()
    assert len(backup.kept(backups)) == 1
    page = hoa.get("/admin/backups").text
    assert "alert-success" in page and page.count("<tr><td") == 1
    assert 'http-equiv="refresh"' not in page
    assert [e["action"] for e in web.audit_entries(10)].count("backup.start") == 1

    job._running.acquire()  # one is being written: the page says so, a click starts nothing
    try:
        page = hoa.get("/admin/backups").text
        assert "Đang sao lưu" in page and "disabled" in page
        assert '<meta http-equiv="refresh" content="5">' in page  # until it is done
        hoa.post("/admin/backups", data={"csrf": csrf(hoa)})
    finally:
        job._running.release()
    assert len(backup.kept(backups)) == 1
    assert [e["action"] for e in web.audit_entries(10)].count("backup.start") == 1

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    app.state.settings = app.state.settings.replace(backup_dir=str(blocked / "backups"))
    hoa.post("/admin/backups", data={"csrf": csrf(hoa)})
    finished()
    page = hoa.get("/admin/backups").text
    assert "Lần sao lưu vừa rồi không thành" in page and "Not a directory" in page
    lan = client_as("analyst")
    assert lan.post("/admin/backups", data={"csrf": csrf(lan)}).status_code == 403


def test_unread_alerts_need_attention_on_the_dashboard(client_as, store, monkeypatch) -> None:
    from baochi.db.watch_store import Alert, WatchStore

    reason = "34 bài trong 24 giờ qua, bình thường 6,1 ± 2,0"
    spike = Alert(
        kind="spike",
        subject_kind="watchlist",
        subject_key="1",
        subject_label="an toàn thực phẩm trường học",
        reason=reason,
        dedupe_key="spike:1:test",
        observed=34,
    )
    WatchStore(store.engine).add_alert(spike, dt.datetime.now(dt.UTC))
    district = replace(
        spike,
        subject_kind="area",
        subject_key="Hoàn Kiếm",
        subject_label="địa bàn Hoàn Kiếm",
        dedupe_key="spike:area:test",
    )
    WatchStore(store.engine).add_alert(district, dt.datetime.now(dt.UTC))
    conflict = replace(
        spike,
        kind="conflict",
        subject_kind="story",
        subject_key="7",
        subject_label="Ngập úng: lượng mưa",
        dedupe_key="conflict:7:test",
    )
    WatchStore(store.engine).add_alert(conflict, dt.datetime.now(dt.UTC))
    client = client_as("analyst")
    html = client.get("/").text
    assert "Tăng đột biến" in html and reason in html
    # each leads where its subject is read; a leader, who cannot open the alerts page, still
    # reaches the story whose reports disagree and the district's articles
    query = escape(urlencode({"q": 'place:"Hoàn Kiếm" date:7d'}))
    assert '<a href="/alerts#watchlist-1">an toàn thực phẩm trường học</a>' in html
    leader = client_as("leader").get("/").text
    assert '<a href="/stories/7">Ngập úng: lượng mưa</a>' in html and html.count(query) == 1
    assert '<a href="/stories/7">Ngập úng: lượng mưa</a>' in leader and query in leader
    assert 'href="/alerts' not in leader and "an toàn thực phẩm trường học" in leader
    page = client.get("/alerts").text
    assert reason in page and 'href="/alerts#watchlist-1"' in page
    # a district's spike opens the search of its articles (place: reads districts and wards)
    query = urlencode({"q": 'place:"Hoàn Kiếm" date:7d'})
    assert f'<a href="/search?{escape(query)}" class="fw-semibold">địa bàn Hoàn Kiếm</a>' in page
    assert client.get("/api/v1/alerts").json()[-1]["observed"] == 34
    book = load_workbook(io.BytesIO(client.get("/alerts/export.xlsx").content))
    (header, *rows) = book.active.iter_rows(values_only=True)
    assert header[:4] == ("Thời điểm", "Loại", "Đối tượng", "Lý do")
    assert ("Tăng đột biến", "an toàn thực phẩm trường học", reason, 34) in [r[1:5] for r in rows]
    monkeypatch.setattr(alerts_routes, "EXPORT_LIMIT", 1)
    note, header, *rows = load_workbook(
        io.BytesIO(client.get("/alerts/export.xlsx").content)
    ).active.iter_rows(values_only=True)
    assert note[0] == "Tệp này có 1 cảnh báo mới nhất; các cảnh báo cũ hơn không có trong tệp."
    assert header[0] == "Thời điểm" and len(rows) == 1


def test_article_shows_the_model_label_until_an_analyst_corrects_it(client_as, articles, store):
    doc = articles[4]
    with store.engine.begin() as conn:
        conn.execute(update(documents).where(documents.c.id == doc).values(tone="positive"))
    client = client_as("analyst")
    assert 'data-task="tone">Tích cực<' in client.get(f"/documents/{doc}").text
    client.post(
        f"/documents/{doc}/labels", data={"task": "tone", "label": "negative", "csrf": csrf(client)}
    )
    html = client.get(f"/documents/{doc}").text
    assert 'data-task="tone">Tiêu cực<' in html and "máy: Tích cực" in html


def test_sources_not_yet_fetched_or_no_longer_polled_say_so(client_as, store) -> None:
    """Hoa adds a feed: it is "not fetched yet", not "running", until the collector polls it;
    when no collector polls at all (the worker stopped), every source says it is overdue and
    the page asks whether the collector runs."""
    fresh, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    polled, _ = store.add_source("https://hanoimoi.vn/rss/kinh-te", "Báo Hànộimới", kind="feed")
    now = dt.datetime.now(dt.UTC)
    store.update_source(polled, last_polled_at=now, last_success_at=now,
                        next_poll_at=now + dt.timedelta(minutes=15))  # fmt: skip
    client = client_as("analyst")

    def states() -> dict[int, str]:
        html = client.get("/sources").text
        rows = re.findall(r'<tr id="source-(\d+)">.*?<span class="badge[^"]*">([^<]+)</span>', html,
                          re.S)  # fmt: skip
        return {int(source): state for source, state in rows}

    assert states() == {fresh: "Chưa tải lần nào", polled: "Đang chạy"}
    assert "overdue-note" not in client.get("/sources").text
    store.update_source(polled, next_poll_at=now - dt.timedelta(hours=3))  # nobody polled it
    store.update_source(fresh, next_poll_at=now - dt.timedelta(hours=3))
    assert states() == {fresh: "Quá hạn thu thập", polled: "Quá hạn thu thập"}
    html = client.get("/sources").text
    assert "2 nguồn đã quá giờ thu thập hơn 1 giờ" in html
    overview = client.get("/").text  # Lan's first look of the morning says it too
    assert "2 nguồn quá hạn thu thập: bộ thu thập có đang chạy?" in overview
    assert "Quá hạn thu thập" in client.get(f"/sources/{fresh}").text
    _, *rows = load_workbook(
        io.BytesIO(client.get("/sources/export.xlsx").content)
    ).active.iter_rows(values_only=True)
    assert {row[3] for row in rows} == {"Quá hạn thu thập"}  # in Vietnamese, as on the page


def test_a_source_that_stopped_publishing_says_so(client_as, store, site_articles) -> None:
    """A feed fetched without error for days but bringing nothing new is not "running": it says
    since when nothing came, judged against its usual pace (a slow section is not an alarm)."""
    now = dt.datetime.now(dt.UTC)
    polled = {"last_polled_at": now, "last_success_at": now,
              "next_poll_at": now + dt.timedelta(minutes=15)}  # fmt: skip
    daily, weekly, fresh, empty = (
        store.add_source(f"https://hanoimoi.vn/rss/{name}", "Báo Hànộimới", kind="feed")[0]
        for name in ("thoi-su", "van-hoa", "xa-hoi", "cu")
    )
    records = iter(site_articles)

    def publish(source: int, days_ago: float, n: int = 1) -> None:
        items = []
        for record in islice(records, n):
            at = now - dt.timedelta(days=days_ago)
            article = Article(url=f"https://hanoimoi.vn/{record['id']}.html",
                              title=record["title"], lead="", body=record["text"],
                              published_at=at)  # fmt: skip
            items.append(Collected(Document(article, Keys.of(article)), (), at, None, source))
        store.save_documents(items)

    publish(daily, 4.5, n=26)  # two a day, then nothing for four and a half days
    publish(weekly, 5)  # one a week: five days is its usual gap
    publish(weekly, 12)
    publish(fresh, 0.1)
    for source in (daily, weekly, fresh, empty):  # added a week ago; one brought nothing since
        store.update_source(source, created_at=now - dt.timedelta(days=7), **polled)
    client = client_as("analyst")
    html = client.get("/sources").text
    states = {int(source): (state, note) for source, state, note in re.findall(
        r'<tr id="source-(\d+)">.*?<span class="badge[^"]*">([^<]+)</span>'
        r'(?:<div class="small text-secondary">([^<]*)</div>)?', html, re.S)}  # fmt: skip
    stopped = (now - dt.timedelta(days=4.5)).astimezone(HANOI).strftime("%d/%m/%Y %H:%M")
    assert states == {
        daily: ("Không có bài mới", f"kể từ {stopped}"),
        weekly: ("Đang chạy", ""),
        fresh: ("Đang chạy", ""),
        empty: ("Không có bài mới", "chưa lấy được bài nào"),
    }
    assert "2 không có bài mới" in html
    overview = client.get("/").text  # Lan's first look says which, and since when
    assert 'id="silent-sources">2 nguồn không có bài mới<' in overview
    assert overview.count('class="list-group-item silent-source"') == 2
    assert f"kể từ {stopped}" in overview and "Mọi nguồn tin đều hoạt động." not in overview
    assert f'id="last-article">{stopped}<' in client.get(f"/sources/{daily}").text
    api = {s["id"]: s for s in client.get("/api/v1/sources").json()}
    assert api[daily]["state"] == "silent" and api[empty]["last_article_at"] is None


def test_source_page_counts_how_fetches_ended(client_as, store) -> None:
    source_id, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    now = dt.datetime.now(dt.UTC)
    for outcome, reason in (("ok", ""), ("ok", ""), ("retry", "timeout <b>đọc</b>")):
        store.record_attempt(
            source_id=source_id,
            url="https://hanoimoi.vn/rss/xa-hoi",
            started_at=now,
            duration_ms=120,
            status_code=200 if outcome == "ok" else None,
            outcome=outcome,
            reason=reason,
        )
    client = client_as("analyst")
    html = client.get(f"/sources/{source_id}").text
    assert (
        'title="ok">Thành công 2<' in html and 'title="retry">Lỗi tạm thời, sẽ thử lại 1<' in html
    )
    assert "timeout &lt;b&gt;đọc&lt;/b&gt;" in html
    assert client.get("/sources/999999").status_code == 404
    assert client_as("leader").get(f"/sources/{source_id}").status_code == 403


def test_a_backed_off_source_is_polled_now_on_request(client_as, store, web) -> None:
    source_id, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    now = dt.datetime.now(dt.UTC)
    blocked = "http_403: https://hanoimoi.vn/rss/xa-hoi"  # as the fetcher words it
    failed = after_failure(900.0, 3, blocked, now, Settings())
    store.update_source(source_id, **failed)
    assert store.sources(due_before=now) == []
    client = client_as("analyst")
    page = client.get(f"/sources/{source_id}").text
    assert "Thu thập ngay" in page and 'id="next-poll"' in page
    assert 'health-bad">Lỗi</div>' in page  # a state, written as the others are
    why = "Trang từ chối truy cập: có thể đang chặn bộ thu thập"  # what Hoa can act on
    listed = client.get("/sources").text
    assert f'<div class="source-why" title="{blocked}">{why}</div>' in listed
    assert f"4 lỗi liên tiếp · {why}" in client.get("/").text
    _, *rows = load_workbook(
        io.BytesIO(client.get("/sources/export.xlsx").content)
    ).active.iter_rows(values_only=True)
    assert rows[0][9:11] == (blocked, why)
    posted = client.post(f"/sources/{source_id}/poll", data={"csrf": csrf(client)})
    assert posted.url.path == f"/sources/{source_id}"
    [due] = store.sources(due_before=dt.datetime.now(dt.UTC))
    assert due.id == source_id and due.consecutive_failures == 4  # the back-off still counts
    assert web.audit_entries()[0]["action"] == "source.poll"
    client.post(f"/sources/{source_id}/disable", data={"csrf": csrf(client)})
    assert client.post(f"/sources/{source_id}/poll", data={"csrf": csrf(client)}).status_code == 404
    leader = client_as("leader")
    assert leader.post(f"/sources/{source_id}/poll", data={"csrf": csrf(leader)}).status_code == 403


def test_dashboard_lists_cases_due_this_week(client_as, people) -> None:
    analyst = client_as("analyst")
    token = csrf(analyst)
    for title, priority in (("Ngập úng phố Huế", "urgent"), ("Rác thải sông Tô Lịch", "normal")):
        page = analyst.post(
            "/cases",
            data={
                "title": title,
                "priority": priority,
                "department": str(people["officer"].department_id),
                "csrf": token,
            },
            follow_redirects=False,
        )
        assert page.status_code == 303
    html = analyst.get("/").text
    assert "Hồ sơ sắp đến hạn" in html
    assert "Ngập úng phố Huế" in html and "Rác thải sông Tô Lịch" not in html  # 5 working days
    assert "Ngập úng phố Huế" in client_as("leader").get("/").text
    assert "hồ sơ khác sắp đến hạn" not in html
    # the card marks a deadline as the cases list does (it went red three days out, the list
    # from the first reminder on)
    listed = analyst.get("/cases").text
    marks = [
        re.search(r'data-due="(\w+)"|</li>|</tr>', page[page.index("Ngập úng phố Huế") :])
        for page in (html, listed)
    ]
    assert marks[0] and marks[1] and marks[0].group(1) == marks[1].group(1)
    for n in range(9):  # ten due this week: eight on the card, and a link to the other two
        urgent = {"title": f"Khẩn {n}", "priority": "urgent", "csrf": token}
        analyst.post("/cases", data=urgent, follow_redirects=False)
    html = analyst.get("/").text
    assert '<a href="/cases">và 2 hồ sơ khác sắp đến hạn →</a>' in html


def test_search_results_go_page_by_page_each_link_keeping_the_query(
    client_as, articles, monkeypatch
) -> None:
    monkeypatch.setattr(search_routes, "PAGE_SIZE", 25)
    client = client_as("analyst")
    seen: list[str] = []
    pages = []
    for page in (1, 2, 3):
        html = client.get("/search", params={"q": "date:30d", "page": page}).text
        pages.append(html)
        seen += re.findall(r'class="fs-6 fw-semibold" href="/documents/(\d+)"', html)
    assert total(pages[0]) == len(articles) == 61
    assert sorted(seen, key=int) == [str(i) for i in sorted(articles)]  # each once, none lost
    assert 'rel="next" href="/search?q=date%3A30d&amp;page=2"' in pages[0]
    assert 'rel="prev"' not in pages[0]
    assert 'rel="prev" href="/search?q=date%3A30d&amp;page=2"' in pages[2]
    assert 'rel="next"' not in pages[2]
    assert client.get("/search", params={"q": "date:30d", "page": 0}).status_code == 422
    # an old link past the last page says so, and leads to the first page, not to another empty one
    past = client.get("/search", params={"q": "date:30d", "page": 9}).text
    assert "Trang này đã quá trang cuối của danh sách." in past
    assert "Không tìm thấy bài nào." not in past and 'rel="prev"' not in past
    assert 'href="/search?q=date%3A30d&amp;page=1">← Trang đầu</a>' in past


def test_alerts_go_page_by_page_and_marking_one_seen_stays_on_its_page(client_as, store) -> None:
    from baochi.db.watch_store import Alert, WatchStore

    watch = WatchStore(store.engine)
    for n in range(53):
        spike = Alert(
            kind="spike",
            subject_kind="topic",
            subject_key="xa_hoi",
            subject_label=f"chủ đề Xã hội, đợt {n}",
            reason=f"{20 + n} bài trong 24 giờ qua, bình thường 6,1 ± 2,0",
            dedupe_key=f"spike:topic:xa_hoi:{n}",
            observed=20 + n,
        )
        watch.add_alert(spike, dt.datetime.now(dt.UTC))
    client = client_as("analyst")
    first, second = (client.get(f"/alerts?page={n}").text for n in (1, 2))
    labels = [re.findall(r'fw-semibold">chủ đề Xã hội, đợt (\d+)</a>', h) for h in (first, second)]
    assert labels[0][0] == "52" and len(labels[0]) == 50 and labels[1] == ["2", "1", "0"]
    assert 'rel="next" href="/alerts?page=2"' in first and 'rel="next"' not in second
    oldest = min(a.id for a in watch.alerts(limit=100))
    token = csrf(client, "/alerts?page=2")
    seen = client.post(
        f"/alerts/{oldest}/read", data={"csrf": token, "page": "2"}, follow_redirects=False
    )
    assert seen.status_code == 303 and seen.headers["location"] == "/alerts?page=2"
    assert next(a for a in watch.alerts(limit=100) if a.id == oldest).read_at is not None


def test_two_clicks_at_once_add_one_department(web, monkeypatch) -> None:
    """Hoa's double click on "Thêm phòng ban": each request looks for the department before
    the other has written it, and one department is made (and audited: only one says so)."""
    from baochi.db.web_store import WebStore

    held_after_looking(monkeypatch, WebStore, "department_named")
    made = at_once(2, lambda _: web.add_department("Sở Nông nghiệp và Môi trường", "SNNMT"))
    assert made[0][0] == made[1][0] and sorted(created for _, created in made) == [False, True]
    assert [d["name"] for d in web.departments()].count("Sở Nông nghiệp và Môi trường") == 1


def test_two_merges_of_the_same_departments_at_once_do_one(web, store) -> None:
    """Two administrators merge A into B and B into A at the same moment: one merge is done,
    the other is refused (on PostgreSQL, not killed as a deadlock), and no department ends
    merged into one that is merged itself."""
    from sqlalchemy import event

    from baochi.web.departments import MergeError, merge_department

    a, _ = web.add_department("Sở Giao thông vận tải", "SGTVT")
    b, _ = web.add_department("Sở Xây dựng", "SXD")

    def hold(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.lstrip().startswith("SELECT departments.id, departments.name"):
            time.sleep(0.3)  # the other merge starts before this one writes

    def merge(k: int) -> str:
        try:
            merge_department(store.engine, (a, b)[k], (b, a)[k])
        except MergeError as exc:
            return str(exc)
        return "done"

    event.listen(store.engine, "after_cursor_execute", hold)
    try:
        outcomes = at_once(2, merge)
    finally:
        event.remove(store.engine, "after_cursor_execute", hold)
    assert sorted(o == "done" for o in outcomes) == [False, True]
    assert any("đã được gộp" in o for o in outcomes)
    merged = {d["id"]: d["merged_into"] for d in web.departments() if d["id"] in (a, b)}
    assert sorted(v is None for v in merged.values()) == [False, True]


def test_the_merges_migration_goes_down_and_up_keeping_departments_and_people(
    web, store, people
) -> None:
    """web_0003 undone (an upgrade rolled back) keeps every department and who is in it."""
    before = {d["id"]: (d["name"], d["members"]) for d in web.departments()}
    officer = people["officer"]
    with store.engine.begin() as conn:
        config = migrations(conn)
        command.downgrade(config, "web_0002")
        names = {r[0] for r in conn.execute(text("SELECT name FROM departments"))}
        columns = {c["name"] for c in inspect(conn).get_columns("departments")}
        command.upgrade(config, "heads")
    assert names == {name for name, _ in before.values()} and "merged_into" not in columns
    assert {d["id"]: (d["name"], d["members"]) for d in web.departments()} == before
    assert web.user(officer.id).department_id == officer.department_id
    assert web.successor(officer.department_id) == officer.department_id


def test_a_watchlist_is_renamed_requeried_paused_and_resumed(client_as, web, articles) -> None:
    """Lan's watchlist catches too much: she narrows its query and renames it, then pauses it
    for the summer and turns it on again; each change is audited, a wrong one refused."""
    from baochi.db.watch_store import WatchStore

    client = client_as("analyst")
    client.post("/alerts/watchlists", data={"query": "an toàn thực phẩm", "csrf": csrf(client)})
    client.post("/alerts/watchlists", data={"query": "giao thông", "csrf": csrf(client)})
    watch = WatchStore(web.engine)
    (food,) = [w for w in watch.watchlists() if w.query == "an toàn thực phẩm"]
    with web.engine.begin() as conn:  # as if it had reported nothing yet
        conn.execute(text("UPDATE watchlists SET watermark = 0"))
    narrowed = {"action": "save", "name": " ATTP  trường học ", "csrf": csrf(client),
                "query": 'an toàn thực phẩm AND "trường học"'}  # fmt: skip
    page = client.post(f"/alerts/watchlists/{food.id}", data=narrowed)
    assert page.status_code == 200 and "ATTP trường học" in page.text
    # what its two numbers count, as its alerts name their own ("24 giờ qua", "trung bình 7 ngày")
    assert ">Hôm nay, từ 0 giờ<" in page.text and ">Trung bình/ngày, 7 ngày trước<" in page.text
    (changed,) = [w for w in watch.watchlists() if w.id == food.id]
    assert (changed.name, changed.query) == ("ATTP trường học", narrowed["query"])
    assert changed.watermark == max(articles)  # the new query reports what comes from now on
    (entry,) = [e for e in web.audit_entries(50, None) if e["action"] == "watchlist.edit"]
    assert json.loads(entry["before"]) == {
        "name": "an toàn thực phẩm",
        "query": "an toàn thực phẩm",
    }

    for wrong, status in (({"query": "AND"}, 422), ({"name": "giao thông"}, 409)):
        form = {"action": "save", "name": changed.name, "query": changed.query} | wrong
        refused = client.post(f"/alerts/watchlists/{food.id}", data=form | {"csrf": csrf(client)})
        assert refused.status_code == status, wrong
    assert [w.name for w in watch.watchlists() if w.id == food.id] == ["ATTP trường học"]

    paused = client.post(
        f"/alerts/watchlists/{food.id}", data={"action": "pause", "csrf": csrf(client)}
    )
    assert "Đã tắt" in paused.text and food.id not in {w.id for w in watch.watchlists(True)}
    client.post(f"/alerts/watchlists/{food.id}", data={"action": "resume", "csrf": csrf(client)})
    assert food.id in {w.id for w in watch.watchlists(True)}
    assert client.post("/alerts/watchlists/99999", data={"action": "pause", "csrf": csrf(client)}
                       ).status_code == 404  # fmt: skip
    leader = client_as("leader")
    tried = {"action": "pause", "csrf": csrf(leader)}
    assert leader.post(f"/alerts/watchlists/{food.id}", data=tried).status_code == 403


def test_the_audit_log_is_read_by_user_action_or_object(
    client_as, web, articles, monkeypatch
) -> None:
    """Hoa asks who changed an article's tone, and what one analyst did: the log shows only
    those entries, its pages and its export keep the filter, and an entry's user and object
    lead to theirs."""
    analyst, admin = client_as("analyst"), client_as("admin")
    for doc, tone in ((articles[1], "negative"), (articles[2], "positive")):
        form = {"task": "tone", "label": tone, "csrf": csrf(analyst)}
        analyst.post(f"/documents/{doc}/labels", data=form)
    admin.post("/admin/departments", data={"name": "Sở Y tế", "csrf": csrf(admin)})
    everything = web.audit_entries(100)
    (correction,) = [e for e in everything if e["entity"] == f"document:{articles[1]}"]

    def listed(**params: str) -> list[str]:
        html = admin.get("/admin/audit?" + urlencode(params)).text
        return re.findall(r'href="/admin/audit\?entity=([^"]+)"', html)

    assert listed(entity=correction["entity"]) == [quote(correction["entity"])]
    by_analyst = listed(who=correction["username"])
    assert len(by_analyst) == 2 and all(e.startswith("document") for e in by_analyst)
    assert listed(action="department.add") == [quote(e["entity"]) for e in everything
                                               if e["action"] == "department.add"]  # fmt: skip
    assert listed(who="no-one") == []
    page = admin.get("/admin/audit").text
    name = correction["username"]
    assert f'<option value="{name}" selected>{name}</option>' not in page
    assert f'<option value="{name}">{name}</option>' in page and "Thêm phòng ban" in page
    monkeypatch.setattr(admin_routes, "AUDIT_PAGE", 1)  # the next page keeps the filter
    first = admin.get("/admin/audit?" + urlencode({"who": correction["username"]})).text
    assert f"who={correction['username']}&amp;before=" in first
    _, *rows = load_workbook(
        io.BytesIO(admin.get("/admin/audit/export.xlsx?action=department.add").content)
    ).active.iter_rows(values_only=True)
    assert [row[5] for row in rows] == ["department.add"]


# --- Search: links that narrow a query with a top-level OR, refused exports, title watchlists ---


def test_facet_and_chart_links_narrow_a_query_with_a_top_level_or_as_counted(
    client_as, articles
) -> None:
    """Appended bare, `a OR b outlet:x` is `a OR (b outlet:x)`: the link found more."""
    client = client_as("analyst")
    html = client.get("/search", params={"q": "giao thông OR hà nội"}).text
    facets = re.findall(r'<a href="(/search\?[^"]+)">[^<]+</a>\s*<span class="count">(\d+)', html)
    chart = json.loads(re.search(r'id="chart-data">(.*?)</script>', html, re.S).group(1))
    links = [(unescape(link), int(count)) for link, count in facets]
    links += zip(chart["series_links"], chart["series"], strict=True)
    assert len(links) > 8 and any(count < total(html) for _, count in links)
    assert {link: total(client.get(link).text) for link, _ in links} == dict(links)


def test_an_export_of_a_malformed_query_is_refused_with_what_is_wrong(client_as, articles) -> None:
    client = client_as("analyst")
    said = "AND cần một từ ở phía sau"
    assert said in client.get("/search", params={"q": "hà nội AND"}).text
    for kind in ("csv", "xlsx"):
        refused = client.get(f"/search/export.{kind}", params={"q": "hà nội AND"})
        assert refused.status_code == 422 and said in unescape(refused.text)
    assert client.get("/search/export.csv", params={"q": "😀"}).status_code == 422


def test_a_title_only_watchlist_is_saved_and_one_of_symbols_refused(client_as, articles) -> None:
    client = client_as("analyst")
    headers = {"X-CSRF-Token": csrf(client)}
    for typed in ("title:hà", "tiêu_đề:cháy", "(title:hà)", "tone:negative"):
        made = client.post("/api/v1/watchlists", json={"query": typed}, headers=headers)
        assert made.status_code == 201, (typed, made.text)
    for typed in ("😀", "_", "  "):
        refused = client.post("/api/v1/watchlists", json={"query": typed}, headers=headers)
        assert refused.status_code == 422 and "không có từ nào" in refused.json()["detail"]


def test_a_watchlist_saved_before_prefixes_were_refused_leaves_the_alerts_page_whole(
    client_as, articles, store
) -> None:
    WatchStore(store.engine).add_watchlist("cũ", "giao thông OR tham nhũng*", NOW)
    page = client_as("analyst").get("/alerts")
    assert page.status_code == 200 and "cũ" in page.text


# --- What users read: facet terms, the watchlist form, the audit log, export headers ---


def test_facet_links_put_vietnamese_label_names_in_the_box_not_codes(
    client_as, articles, store
) -> None:
    """Clicking «Tiêu cực» adds `tone:"tiêu cực"`, as an analyst would type it, and narrows to
    as many articles as the facet counted; the parsed tree stays out of the page."""
    with store.engine.begin() as conn:
        conn.execute(
            update(documents)
            .where(documents.c.id.in_(articles[:3]))
            .values(topic="van_hoa_giai_tri", tone="negative")
        )
    client = client_as("analyst")
    html = client.get("/search", params={"q": "hà nội OR giao thông"}).text
    facets = re.findall(r'<a href="(/search\?[^"]+)">([^<]+)</a>\s*<span class="count">(\d+)', html)
    shown = {name: (unescape(link), int(n)) for link, name, n in facets}
    tone_link, tone_count = shown["Tiêu cực"]
    topic_link, _ = shown["Văn hóa, giải trí"]
    typed = [parse_qs(urlsplit(link).query)["q"][0] for link in (tone_link, topic_link)]
    assert typed[0].endswith('tone:"tiêu cực"') and typed[1].endswith('topic:"văn hóa, giải trí"')
    assert "negative" not in tone_link and "van_hoa" not in topic_link
    narrowed = client.get(tone_link).text
    assert re.search(rf'<span id="total">{tone_count}</span>', narrowed)
    assert "(OR " not in html and "(AND " not in narrowed  # no internal form of the query


def test_a_search_is_saved_as_a_watchlist_under_a_name_and_the_alerts_page_says_so(
    client_as, articles
) -> None:
    client = client_as("analyst")
    page = client.get("/search", params={"q": "an toàn thực phẩm trường học"}).text
    form = page[page.index('id="save-watchlist"') :]
    assert 'name="name" value="an toàn thực phẩm trường học"' in form[: form.index("</form>")]
    token = csrf(client, "/search")
    answer = client.post(
        "/alerts/watchlists",
        data={"query": "an toàn thực phẩm trường học", "name": "ATTP trường học", "csrf": token},
    )
    assert answer.status_code == 200 and "?saved=" in str(answer.url)
    assert "Đã lưu danh sách theo dõi «ATTP trường học»." in answer.text
    assert "Đã lưu danh sách theo dõi" not in client.get("/alerts").text  # said once, not always
    taken = {"query": "giao thông", "name": "ATTP trường học", "csrf": token}
    assert client.post("/alerts/watchlists", data=taken).status_code == 409
    client.cookies.set("baochi_lang", "en")
    english = client.get("/search", params={"q": "giao thông"}).text
    assert "Watchlist name" in english
    again = client.post("/alerts/watchlists", data={"query": "giao thông", "csrf": token})
    assert "Saved the watchlist «giao thông»." in again.text


def test_the_audit_log_names_actions_objects_and_fields_keeping_codes_in_titles(
    client_as, articles, web
) -> None:
    analyst, admin = client_as("analyst"), client_as("admin")
    data = {"query": "ngập úng", "name": "Ngập úng nội thành", "csrf": csrf(analyst, "/search")}
    analyst.post("/alerts/watchlists", data=data)
    (watch_id,) = [w.id for w in WatchStore(web.engine).watchlists()]
    newest = re.search(r"<tbody>\s*<tr>(.*?)</tr>", admin.get("/admin/audit").text, re.S)
    assert newest is not None
    row = newest.group(1)
    assert '<span title="watchlist.add">Thêm danh sách theo dõi</span>' in row
    assert f'title="watchlist:{watch_id}">Danh sách theo dõi #{watch_id}</a>' in row
    assert '<span class="text-secondary" title="query">Câu tìm kiếm</span>: ngập úng' in row
    assert '<span class="text-secondary" title="name">Tên</span>: Ngập úng nội thành' in row
    assert ">watchlist.add<" not in row and f">watchlist:{watch_id}<" not in row
    admin.get("/lang/en")
    english = re.search(r"<tbody>\s*<tr>(.*?)</tr>", admin.get("/admin/audit").text, re.S)
    assert english is not None
    assert f">Watchlist #{watch_id}</a>" in english.group(1)
    assert 'title="query">Search query</span>' in english.group(1)
