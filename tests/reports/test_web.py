"""The Báo cáo pages over real collected data: the office makes a brief, edits its selection and
summaries, downloads it and mails it through a real SMTP server on 127.0.0.1; leaders only read;
the scheduled brief and week report are made once and mailed with their PDF."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape

import pytest
from docx import Document
from fastapi.testclient import TestClient
from markupsafe import escape

from baochi import hanoi_time
from baochi.db.reports_store import ReportsStore
from baochi.db.watch_store import WatchStore
from baochi.db.web_store import WebStore
from baochi.reports import drafts
from baochi.reports.schedule import run_schedule
from tests.races import at_once, held_after_looking
from tests.reports.conftest import DAY, Collected
from tests.serving import serving, signed_in
from tests.watch.test_mail import Inbox, smtp, smtp_server  # noqa: F401  (the SMTP server fixture)

argon2 = pytest.importorskip("argon2", reason="argon2-cffi is not installed")

PASSWORD = "mat-khau-thu-nghiem-1"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
HOSTILE = 'Tóm tắt đã biên tập <script>alert("x")</script> cho lãnh đạo'


@pytest.fixture(scope="module")
def users(collected: Collected) -> dict[str, str]:
    """An analyst and a leader, with cheap password hashes."""
    from baochi.db.web_store import WebStore
    from baochi.web import auth
    from baochi.web.users import create_user

    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    original = auth._hasher
    auth._hasher = lambda: cheap  # type: ignore[assignment]
    web = WebStore(collected.store.engine)
    for name, role in (("lan", "analyst"), ("hung", "leader")):
        if web.user_by_name(name) is None:
            create_user(web, name, role, "", PASSWORD, name.title())
    yield {"analyst": "lan", "leader": "hung"}
    auth._hasher = original


def client_for(collected: Collected, username: str, **settings: object) -> TestClient:
    from baochi.web import create_app

    app = create_app(collected.settings.replace(**settings), collected.store)
    client = TestClient(app)
    form = client.get("/login")
    token = _CSRF.search(form.text).group(1)  # type: ignore[union-attr]
    signed = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf": token, "next": "/"},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    return client


def csrf(client: TestClient, path: str) -> str:
    return _CSRF.search(client.get(path).text).group(1)  # type: ignore[union-attr]


def editing(client: TestClient, draft_id: int) -> dict[str, str]:
    """What the edit form carries besides the edits: its token and the version it was read at."""
    page = client.get(f"/reports/drafts/{draft_id}").text
    version = re.search(r'name="version" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return {"csrf": _CSRF.search(page).group(1), "version": version}  # type: ignore[union-attr]


def make_draft(client: TestClient) -> int:
    page = client.post(
        "/reports/brief",
        data={"csrf": csrf(client, "/reports"), "day": "2017-02-06", "scope": "hanoi"},
        follow_redirects=False,
    )
    assert page.status_code == 303, page.text[:500]
    return int(page.headers["location"].rsplit("/", 1)[1])


def test_office_makes_edits_downloads_and_mails_a_brief(collected, users, smtp) -> None:  # noqa: F811
    inbox, port = smtp
    site = "https://baochi.example.gov.vn"
    client = client_for(
        collected, "lan", smtp_host="127.0.0.1", smtp_port=port, public_url=site + "/"
    )
    draft_id = make_draft(client)
    _, paper = drafts.load(collected.store.engine, draft_id)
    stories = [e for e in paper.entries() if e.key.startswith("story:") and e.included]
    dropped, edited = stories[0], stories[1]
    page = client.get(f"/reports/drafts/{draft_id}")
    assert page.status_code == 200 and "ĐIỂM BÁO" in page.text
    assert str(escape(dropped.title)) in page.text

    form = {
        **editing(client, draft_id),
        "note": "Kính trình lãnh đạo.",
        "include": [e.key for e in paper.entries() if e.included and e is not dropped],
        f"text:{edited.key}": HOSTILE,
    }
    saved = client.post(f"/reports/drafts/{draft_id}", data=form, follow_redirects=True)
    assert "Đã lưu bản nháp." in saved.text
    preview = saved.text.split('id="preview"', 1)[1]
    assert "Tóm tắt đã biên tập &lt;script&gt;" in preview and "<script>alert" not in saved.text
    assert str(escape(dropped.title)) not in preview
    assert "Kính trình lãnh đạo." in preview

    word = client.get(f"/reports/drafts/{draft_id}/file.docx")
    assert word.headers["content-disposition"].startswith(
        'attachment; filename="diem-bao-2017-02-06.docx"; '
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert HOSTILE in text and dropped.title not in text

    sent = client.post(
        f"/reports/drafts/{draft_id}/send",
        data={
            "csrf": csrf(client, "/reports"),
            "recipients": "lanhdao@hanoi.gov.vn, vp@hanoi.gov.vn",
            "format": "pdf",
        },
        follow_redirects=True,
    )
    assert "Đã gửi" in sent.text
    ((to, mail),) = inbox.messages
    assert sorted(to) == ["lanhdao@hanoi.gov.vn", "vp@hanoi.gov.vn"]
    assert mail["Subject"] == "[baochi] Điểm báo: Thông tin báo chí về Hà Nội ngày 06/02/2017"
    body = mail.get_body(("plain",)).get_content()
    assert edited.title in body and dropped.title not in body
    assert f"Đọc trên baochi: {site}/reports/drafts/{draft_id}\r\n" in body  # the leader's phone
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "diem-bao-2017-02-06.pdf"
    assert attachment.get_content()[:5] == b"%PDF-"
    row = ReportsStore(collected.store.engine).draft(draft_id)
    assert row is not None and row.status == "sent" and "vp@hanoi.gov.vn" in row.sent_to


def test_bad_addresses_and_a_dead_server_are_told_and_nothing_is_lost(collected, users) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    client = client_for(collected, "lan", smtp_host="127.0.0.1", smtp_port=closed)
    draft_id = make_draft(client)
    token = csrf(client, "/reports")
    bad = client.post(
        f"/reports/drafts/{draft_id}/send", data={"csrf": token, "recipients": "không-phải-địa-chỉ"}
    )
    assert "địa chỉ e-mail không hợp lệ" in bad.text
    pasted = "x" * 100_000  # a whole file pasted: the error cuts it
    bad = client.post(
        f"/reports/drafts/{draft_id}/send", data={"csrf": token, "recipients": pasted}
    )
    assert "địa chỉ e-mail không hợp lệ" in bad.text and "x" * 80 + "…" in bad.text
    dead = client.post(
        f"/reports/drafts/{draft_id}/send", data={"csrf": token, "recipients": "a@b.vn"}
    )
    assert "Chưa gửi được" in dead.text
    row = ReportsStore(collected.store.engine).draft(draft_id)
    assert row is not None and row.status == "draft" and row.send_error
    assert client.get("/reports/drafts/999999").status_code == 404
    assert client.get(f"/reports/drafts/{draft_id}/file.exe").status_code == 404


NOT_SENT = {
    "vi": [
        "Chưa gửi được: địa chỉ e-mail không hợp lệ: 'không-phải-địa-chỉ'",
        "Chưa gửi được: chưa có địa chỉ nhận",
        "Chưa gửi được: chưa cấu hình máy chủ thư: nhờ quản trị viên cấu hình (BAOCHI_SMTP_HOST)",
        "Chưa gửi được: bản này đang được gửi từ một yêu cầu khác; tải lại trang sau ít phút để"
        " xem kết quả",
        "Chưa gửi được: SMTP 127.0.0.1:",  # then the system's words for a refused connection
    ],
    "en": [
        "Not sent: not a valid e-mail address: 'không-phải-địa-chỉ'",
        "Not sent: no address to send it to",
        "Not sent: no mail server is configured: ask an administrator to set one"
        " (BAOCHI_SMTP_HOST)",
        "Not sent: it is being sent by another request; reload the page in a few minutes to see"
        " how that went",
        "Not sent: SMTP 127.0.0.1:",
    ],
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_send_refused_or_failed_says_why_in_the_pages_language(collected, users, lang) -> None:
    """An address that is none or none at all, no mail server set, a send under way in another
    tab, a mail server that does not answer: the draft says why it was not sent, in Vietnamese
    or in English."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    dead = client_for(collected, "lan", smtp_host="127.0.0.1", smtp_port=closed)
    unset = client_for(collected, "lan", smtp_host="")
    draft_id = make_draft(dead)

    def sent(client: TestClient, recipients: str) -> str:
        client.get(f"/lang/{lang}")
        form = {"csrf": csrf(client, "/reports"), "recipients": recipients}
        page = client.post(f"/reports/drafts/{draft_id}/send", data=form)
        found = re.search(r'class="alert alert-danger" role="alert">(.*?)</div>', page.text)
        return unescape(found.group(1)) if found else page.text[:300]

    shown = [sent(dead, "không-phải-địa-chỉ"), sent(dead, " ; "), sent(unset, "vp@hanoi.gov.vn")]
    reports, now = ReportsStore(collected.store.engine), dt.datetime.now(dt.UTC)
    assert reports.claim_send(draft_id, now, now)  # another tab's send, not over
    shown.append(sent(dead, "vp@hanoi.gov.vn"))
    reports.update_draft(draft_id, {"sending_since": None})
    shown.append(sent(dead, "vp@hanoi.gov.vn"))
    *told, failed = NOT_SENT[lang]
    assert shown[:-1] == told and shown[-1].startswith(f"{failed}{closed}: ")
    row = reports.draft(draft_id)
    assert row is not None and row.status == "draft"


_RECIPIENTS = re.compile(r'id="recipients" name="recipients" value="([^"]*)"')


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_refused_send_keeps_the_addresses_typed(collected, users, lang) -> None:
    """A bad address, a mail server that does not answer: the draft comes back saying why, with
    the addresses as typed to correct or send again, not the configured list they were typed
    over."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    listed = "danh.sach@hanoi.gov.vn"
    dead = client_for(
        collected, "lan", smtp_host="127.0.0.1", smtp_port=closed, brief_recipients=listed
    )
    draft_id = make_draft(dead)
    dead.get(f"/lang/{lang}")
    for typed in ("lanhdao@hanoi.gov.vn; vanphong@hanoi", "lanhdao@hanoi.gov.vn"):
        form = {"csrf": csrf(dead, "/reports"), "recipients": typed}
        page = dead.post(f"/reports/drafts/{draft_id}/send", data=form)
        assert page.status_code == 422 and 'role="alert">' in page.text, typed
        assert unescape(_RECIPIENTS.search(page.text).group(1)) == typed  # type: ignore[union-attr]
    assert listed in dead.get(f"/reports/drafts/{draft_id}").text  # a fresh look: the list


def test_no_mail_server_is_said_in_english_and_nothing_is_tried(collected, users) -> None:
    """With no mail server set, a send goes back to the draft (a reload does not post it again),
    which says so in words the office can act on, in English on an English page, before
    anything is attempted or recorded; a draft's address does not put a refusal of its own on
    the page (a link may carry any text)."""
    office = client_for(collected, "lan", smtp_host="")
    draft_id = make_draft(office)
    reports = ReportsStore(collected.store.engine)
    before = reports.draft(draft_id)
    assert 'id="no-mail"' in office.get(f"/reports/drafts/{draft_id}").text
    office.get("/lang/en")
    form = {"csrf": csrf(office, "/reports"), "recipients": "vp@hanoi.gov.vn"}
    page = office.post(f"/reports/drafts/{draft_id}/send", data=form, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == f"/reports/drafts/{draft_id}?notice=no-mail"
    page = office.get(page.headers["location"])
    assert (
        'role="alert">Not sent: no mail server is configured: ask an administrator to set one'
        " (BAOCHI_SMTP_HOST)</div>" in page.text
    )
    assert "smtp_host" not in page.text
    assert reports.draft(draft_id) == before  # neither claimed nor marked as failed
    told = office.get(f"/reports/drafts/{draft_id}", params={"error": "Gọi 0900 để nhận bản tin"})
    assert told.status_code == 200 and "Not sent" not in told.text


class _SlowInbox(Inbox):
    """A mail server that takes a second to accept a message, as a busy one does."""

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        await asyncio.sleep(1.0)
        return await super().handle_DATA(server, session, envelope)


def test_a_draft_sent_twice_at_once_is_mailed_once(collected, users) -> None:
    """Two sends of one draft at the same moment (a second tab, a second worker's schedule):
    the one that starts first mails it, the other says it is being sent; later it may be sent
    again on purpose."""
    inbox = _SlowInbox()
    with smtp_server(inbox) as port:
        clients = [
            client_for(collected, "lan", smtp_host="127.0.0.1", smtp_port=port) for _ in range(2)
        ]
        draft_id = make_draft(clients[0])
        form = [{"csrf": csrf(c, "/reports"), "recipients": "vp@hanoi.gov.vn"} for c in clients]
        with ThreadPoolExecutor(2) as pool:
            sent = list(
                pool.map(
                    lambda k: clients[k].post(f"/reports/drafts/{draft_id}/send", data=form[k]),
                    range(2),
                )
            )
        assert len(inbox.messages) == 1
        told = sorted("Đã gửi" in page.text for page in sent)
        assert told == [False, True]
        assert any("đang được gửi từ một yêu cầu khác" in page.text for page in sent)
        row = ReportsStore(collected.store.engine).draft(draft_id)
        assert row is not None and row.status == "sent" and row.sending_since is None
        again = clients[1].post(f"/reports/drafts/{draft_id}/send", data=form[1])
        assert "Đã gửi" in again.text and len(inbox.messages) == 2


def test_pages_are_served_while_a_brief_is_being_mailed(collected, users) -> None:
    """Sending waits on the mail server; on the one server every page shares, the other pages
    do not wait with it."""
    from baochi.web import create_app

    with smtp_server(_SlowInbox()) as port:
        settings = collected.settings.replace(smtp_host="127.0.0.1", smtp_port=port)
        with (
            serving(create_app(settings, collected.store)) as address,
            signed_in(address, "lan", PASSWORD) as sender,
            signed_in(address, "hung", PASSWORD) as reader,
        ):
            draft_id = make_draft(sender)
            form = {"csrf": csrf(sender, "/reports"), "recipients": "vp@hanoi.gov.vn"}
            finished: list[str] = []

            def send() -> None:
                sender.post(f"/reports/drafts/{draft_id}/send", data=form)
                finished.append("send")

            with ThreadPoolExecutor(1) as pool:
                sending = pool.submit(send)
                while ReportsStore(collected.store.engine).draft(draft_id).sending_since is None:
                    time.sleep(0.01)  # the mail is on its way
                assert reader.get("/reports").status_code == 200
                finished.append("page")
                sending.result()
    assert finished == ["page", "send"]


def test_a_brief_made_again_by_a_double_click_is_one_draft(collected, users, monkeypatch) -> None:
    """A second click on "make", or three arriving together, give the first draft back: the
    list of drafts is not filled with twins. Once it is edited, making it again is a new one."""
    held_after_looking(monkeypatch, ReportsStore, "repeated_draft")
    clients = [client_for(collected, "lan") for _ in range(3)]
    form = {"day": "2017-02-07", "scope": "hanoi"}
    tokens = [csrf(c, "/reports") for c in clients]
    made = at_once(
        3,
        lambda k: clients[k].post(
            "/reports/brief", data={**form, "csrf": tokens[k]}, follow_redirects=False
        ),
    )
    assert len({page.headers["location"] for page in made}) == 1
    draft_id = int(made[0].headers["location"].rsplit("/", 1)[1])
    again = clients[0].post("/reports/brief", data={**form, "csrf": tokens[0]})
    assert again.url.path == f"/reports/drafts/{draft_id}"
    edited = {**editing(clients[0], draft_id), "note": "Kính trình lãnh đạo."}
    assert clients[0].post(f"/reports/drafts/{draft_id}", data=edited).status_code == 200
    anew = clients[0].post("/reports/brief", data={**form, "csrf": tokens[0]})
    assert anew.url.path.startswith("/reports/drafts/")
    assert anew.url.path != f"/reports/drafts/{draft_id}"


def test_summaries_typed_then_sent_without_saving_go_out_and_are_kept(
    collected,
    users,
    smtp,  # noqa: F811
) -> None:
    """Lan rewrites a summary and presses "Gửi" without "Lưu": the send button belongs to the
    edit form, so the mail carries her text and the draft keeps it."""
    inbox, port = smtp
    client = client_for(collected, "lan", smtp_host="127.0.0.1", smtp_port=port)
    draft_id = make_draft(client)
    _, paper = drafts.load(collected.store.engine, draft_id)
    entry = next(e for e in paper.entries() if e.included)
    form = {
        **editing(client, draft_id),
        "include": [e.key for e in paper.entries() if e.included],
        f"text:{entry.key}": "Tóm tắt chị Lan vừa viết lại.",
        "recipients": "vp@hanoi.gov.vn",
        "format": "docx",
    }
    sent = client.post(f"/reports/drafts/{draft_id}/send", data=form, follow_redirects=True)
    assert "Đã gửi" in sent.text
    ((_, mail),) = inbox.messages
    (attachment,) = list(mail.iter_attachments())
    word = Document(io.BytesIO(attachment.get_content()))
    assert "Tóm tắt chị Lan vừa viết lại." in "\n".join(p.text for p in word.paragraphs)
    _, kept = drafts.load(collected.store.engine, draft_id)
    assert next(e for e in kept.entries() if e.key == entry.key).text == form[f"text:{entry.key}"]


def test_a_note_with_what_xml_cannot_hold_downloads_as_docx(collected, users) -> None:
    """A noncharacter pasted in the opening note: the DOCX has the note without it (a server
    error before), as the page and the PDF do."""
    client = client_for(collected, "lan")
    draft_id = make_draft(client)
    form = {**editing(client, draft_id), "note": "Ghi chú\ufffex"}
    _, paper = drafts.load(collected.store.engine, draft_id)
    form["include"] = [e.key for e in paper.entries() if e.included]  # type: ignore[assignment]
    assert client.post(f"/reports/drafts/{draft_id}", data=form).status_code == 200
    got = client.get(f"/reports/drafts/{draft_id}/file.docx")
    assert got.status_code == 200
    word = Document(io.BytesIO(got.content))
    assert "Ghi chúx" in [p.text for p in word.paragraphs]


def test_two_editors_of_one_draft_do_not_overwrite_each_other_unawares(collected, users) -> None:
    """Lan and a colleague open the same draft; the colleague saves first. Lan's save is not
    written over his: she sees that it was saved meanwhile, with her text still in the form,
    and saving again on purpose writes hers."""
    lan, colleague = client_for(collected, "lan"), client_for(collected, "lan")
    draft_id = make_draft(lan)
    hers, his = editing(lan, draft_id), editing(colleague, draft_id)
    saved = colleague.post(f"/reports/drafts/{draft_id}", data={**his, "note": "Bản của anh."})
    assert "Đã lưu bản nháp." in saved.text
    refused = lan.post(f"/reports/drafts/{draft_id}", data={**hers, "note": "Bản của chị Lan."})
    assert refused.status_code == 409 and 'id="conflict"' in refused.text
    assert ">Bản của chị Lan.</textarea>" in refused.text  # nothing she typed is lost
    assert 'id="edit-draft" data-keep data-unsaved>' in refused.text  # leaving it asks first
    assert drafts.load(collected.store.engine, draft_id)[1].note == "Bản của anh."
    for forged in ("", "hôm qua", "2017-02-06T08:00:00"):  # none a page wrote: refused alike
        page = lan.post(f"/reports/drafts/{draft_id}", data={**hers, "version": forged})
        assert page.status_code == 409 and 'id="conflict"' in page.text
    newer = re.search(r'name="version" value="([^"]+)"', refused.text).group(1)  # type: ignore[union-attr]
    again = lan.post(f"/reports/drafts/{draft_id}",
                     data={**hers, "version": newer, "note": "Bản của chị Lan."})  # fmt: skip
    assert "Đã lưu bản nháp." in again.text
    assert drafts.load(collected.store.engine, draft_id)[1].note == "Bản của chị Lan."


def test_a_sent_brief_stays_as_it_was_sent(collected, users, smtp) -> None:  # noqa: F811
    """What the leader received is kept: a sent brief has no edit form, an edit begun before
    it was sent becomes a new draft, and a new draft can be made from it on purpose."""
    _, port = smtp
    client = client_for(collected, "lan", smtp_host="127.0.0.1", smtp_port=port)
    draft_id = make_draft(client)
    stale = editing(client, draft_id)
    client.post(f"/reports/drafts/{draft_id}/send",
                data={"csrf": stale["csrf"], "recipients": "vp@hanoi.gov.vn"})  # fmt: skip
    page = client.get(f"/reports/drafts/{draft_id}").text
    assert 'id="edit-draft"' not in page and 'id="sent-draft"' in page and 'id="send-draft"' in page
    late = client.post(f"/reports/drafts/{draft_id}", data={**stale, "note": "Sửa muộn."})
    assert late.url.path != f"/reports/drafts/{draft_id}" and 'id="copied"' in late.text
    copy_id = int(late.url.path.rsplit("/", 1)[1])
    assert drafts.load(collected.store.engine, copy_id)[1].note == "Sửa muộn."
    assert drafts.load(collected.store.engine, draft_id)[1].note == ""
    made = client.post(f"/reports/drafts/{draft_id}/copy", data={"csrf": stale["csrf"]})
    row = ReportsStore(collected.store.engine).draft(int(made.url.path.rsplit("/", 1)[1]))
    assert row is not None and row.status == "draft" and row.id not in (draft_id, copy_id)


def test_a_brief_issued_without_mail_is_read_by_the_leader(collected, users) -> None:
    """With no mail server, the office issues a finished brief in the app: the leader's list and
    the API then hold it, the edits sent with it are kept, the audit log names who issued it,
    and from then on it is read as it stands (an edit begun before becomes a new draft)."""
    office = client_for(collected, "lan", smtp_host="")
    leader = client_for(collected, "hung", smtp_host="")
    engine = collected.store.engine
    draft_id = make_draft(office)

    def listed(client: TestClient, **params: str) -> set[int]:
        page = client.get("/reports", params=params).text
        return {int(i) for i in re.findall(r'href="/reports/drafts/(\d+)"', page)}

    assert draft_id not in listed(leader)  # work in progress
    form = editing(office, draft_id)
    assert 'id="issue-button"' in office.get(f"/reports/drafts/{draft_id}").text
    issued = office.post(
        f"/reports/drafts/{draft_id}/issue",
        data={**form, "note": "Kính gửi lãnh đạo."},
        follow_redirects=False,
    )
    assert issued.status_code == 303
    assert issued.headers["location"] == f"/reports/drafts/{draft_id}?notice=issued"
    page = office.get(issued.headers["location"]).text
    assert 'id="issued"' in page and 'id="edit-draft"' not in page and 'id="sent-draft"' in page
    assert draft_id in listed(leader) and draft_id in listed(leader, status="draft")
    assert draft_id in listed(office, status="issued")
    assert draft_id not in listed(office, status="draft")
    read = leader.get(f"/reports/drafts/{draft_id}").text
    assert "Kính gửi lãnh đạo." in read and "Đã phát hành" in read
    items = leader.get("/api/v1/reports/drafts").json()["items"]
    assert any(d["id"] == draft_id and d["issued_at"] for d in items)
    again = office.post(f"/reports/drafts/{draft_id}/issue", data={"csrf": form["csrf"]})
    assert again.status_code == 200
    entries = WebStore(engine).audit_entries(action="report.issue", entity=f"report:{draft_id}")
    assert [e["username"] for e in entries] == ["lan"]  # once, by whom
    late = office.post(f"/reports/drafts/{draft_id}", data={**form, "note": "Sửa muộn."})
    assert 'id="copied"' in late.text and "đã được gửi hoặc phát hành" in late.text
    assert drafts.load(engine, draft_id)[1].note == "Kính gửi lãnh đạo."
    token = csrf(leader, "/reports")
    assert leader.post(f"/reports/drafts/{draft_id}/issue", data={"csrf": token}).status_code == 403


def test_leaders_read_but_do_not_make_or_edit(collected, users) -> None:
    office = client_for(collected, "lan")
    draft_id = make_draft(office)
    office.post(f"/reports/drafts/{draft_id}/issue", data={"csrf": csrf(office, "/reports")})
    leader = client_for(collected, "hung")
    page = leader.get(f"/reports/drafts/{draft_id}")
    assert page.status_code == 200 and 'id="edit-draft"' not in page.text
    token = csrf(leader, "/reports")
    assert (
        leader.post("/reports/brief", data={"csrf": token, "day": "2017-02-06"}).status_code == 403
    )
    assert leader.post(f"/reports/drafts/{draft_id}", data={"csrf": token}).status_code == 403
    assert leader.get(f"/reports/drafts/{draft_id}/file.pdf").content[:5] == b"%PDF-"
    api = leader.get(f"/api/v1/reports/drafts/{draft_id}").json()
    assert api["paper"]["title"] == "ĐIỂM BÁO"
    bad = office.post(
        "/reports/report",
        data={
            "csrf": csrf(office, "/reports"),
            "kind": "custom",
            "first": "2017-02-06",
            "last": "2017-01-01",
        },
    )
    assert bad.status_code == 422 and "trước ngày bắt đầu" in bad.text


def test_a_leader_reads_no_draft_before_it_is_issued(collected, users) -> None:
    """A draft is the office's work in progress: its page, its files and the API answer a
    leader as for no draft at all, as his list leaves it out, until it is issued."""
    office, leader = client_for(collected, "lan"), client_for(collected, "hung")
    draft_id = make_draft(office)
    reads = [f"/reports/drafts/{draft_id}", f"/api/v1/reports/drafts/{draft_id}"]
    reads += [f"/reports/drafts/{draft_id}/file.{fmt}" for fmt in ("html", "docx", "pdf")]
    assert {path: leader.get(path).status_code for path in reads} == dict.fromkeys(reads, 404)
    assert {path: office.get(path).status_code for path in reads} == dict.fromkeys(reads, 200)
    office.post(f"/reports/drafts/{draft_id}/issue", data={"csrf": csrf(office, "/reports")})
    assert {path: leader.get(path).status_code for path in reads} == dict.fromkeys(reads, 200)
    assert leader.get(reads[1]).json()["id"] == draft_id


def test_a_report_too_long_or_off_the_calendar_is_refused_on_the_reports_page(
    collected, users
) -> None:
    """A year mistyped as 1 or 9999, a range of years, a day that is none: the reports page
    again, its forms and why, in Vietnamese (a server error or Python's English before)."""
    office = client_for(collected, "lan")
    token = csrf(office, "/reports")
    asked = {
        ("week", "0001-01-01", ""): "Năm 1 nằm ngoài các năm báo cáo được (từ 1900 đến 9998)",
        ("quarter", "9999-12-31", ""): "Năm 9999 nằm ngoài các năm báo cáo được (từ 1900 đến 9998)",
        ("custom", "0001-01-01", "0001-01-02"): "Năm 1 nằm ngoài các năm báo cáo được (từ 1900"
        " đến 9998)",
        ("custom", "2015-01-01", "2017-02-06"): "Kỳ báo cáo dài tối đa 400 ngày, kỳ đã chọn dài"
        " 768 ngày",
        ("month", "2026-02-30", ""): "Ngày không hợp lệ: '2026-02-30'",
        ("custom", "2017-02-01", "2017-02-30"): "Ngày không hợp lệ: '2017-02-30'",
    }
    for (kind, first, last), said in asked.items():
        form = {"csrf": token, "kind": kind, "first": first, "last": last}
        page = office.post("/reports/report", data=form)
        found = re.search(r'role="alert">(.*?)</div>', page.text)
        assert page.status_code == 422 and found and unescape(found.group(1)) == said, first
        assert 'id="report-first"' in page.text and 'id="brief-day"' in page.text, first


def test_a_brief_for_a_day_to_come_is_refused_in_the_pages_language(collected, users) -> None:
    """The refusal says why as a sentence, in Vietnamese or in English, and so does a date that
    is none."""
    today = hanoi_time.today()
    tomorrow = today + dt.timedelta(days=1)
    said = {
        "vi": (
            f"Ngày {tomorrow:%d/%m/%Y} chưa bắt đầu (hôm nay là {today:%d/%m/%Y}): chỉ báo cáo "
            "được những ngày đã qua hoặc đang diễn ra",
            "Ngày không hợp lệ: &#39;31/02/2017&#39;",
        ),
        "en": (
            f"The day {tomorrow:%d/%m/%Y} has not begun (today is {today:%d/%m/%Y}): only days "
            "gone by or under way can be reported on",
            "Not a valid date: &#39;31/02/2017&#39;",
        ),
    }
    office = client_for(collected, "lan")
    for lang, (ahead, no_date) in said.items():
        office.get(f"/lang/{lang}")
        token = csrf(office, "/reports")
        page = office.post("/reports/brief", data={"csrf": token, "day": tomorrow.isoformat()})
        assert page.status_code == 422 and f'role="alert">{ahead}</div>' in page.text, lang
        page = office.post("/reports/brief", data={"csrf": token, "day": "31/02/2017"})
        assert page.status_code == 422 and no_date in page.text, lang


def test_a_brief_of_a_day_with_nothing_in_the_store_is_refused_in_the_pages_language(
    collected, users
) -> None:
    """01/01/1999 (a year mistyped): no article in the store on it or the week before, so no
    paper of zeros is made; the day after the test site's, with none of its own, is made and
    compared with the week before it."""
    said = {
        "vi": "Ngày 01/01/1999 và 7 ngày trước đó không có bài viết nào trong kho: điểm báo sẽ"
        " trống",
        "en": "There is no article in the store on 01/01/1999 or the 7 days before it: the brief"
        " would be empty",
    }
    office = client_for(collected, "lan")
    reports = ReportsStore(collected.store.engine)
    before = len(reports.drafts(500))
    for lang, refusal in said.items():
        office.get(f"/lang/{lang}")
        form = {"csrf": csrf(office, "/reports"), "day": "1999-01-01"}
        page = office.post("/reports/brief", data=form)
        assert page.status_code == 422 and f'role="alert">{refusal}</div>' in page.text, lang
    assert len(reports.drafts(500)) == before
    after = DAY + dt.timedelta(days=1)
    form = {"csrf": csrf(office, "/reports"), "day": after.isoformat()}
    made = office.post("/reports/brief", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text[:500]
    row = reports.draft(int(made.headers["location"].rsplit("/", 1)[1]))
    assert row is not None and row.first_day == after


def test_a_scope_that_cannot_be_reported_on_is_refused_in_the_pages_language(
    collected, users
) -> None:
    """An unknown scope, a watchlist that is gone and one whose query no longer reads (saved
    before a change of the search syntax): why, as a sentence, in Vietnamese or in English, with
    the search's own words for what is wrong with the query."""
    broken, _ = WatchStore(collected.store.engine).add_watchlist(
        "Trích dẫn hỏng", '"ngập úng', dt.datetime.now(dt.UTC)
    )
    scopes = ("vùng", "watchlist:Không có", f"watchlist:{broken}")
    said = {
        "vi": [
            "Phạm vi không rõ: 'vùng' (hanoi, all hoặc watchlist:TÊN)",
            "Không có danh sách theo dõi 'Không có'",
            "Không tìm được theo danh sách «Trích dẫn hỏng»: Thiếu dấu ngoặc kép đóng cho cụm"
            " từ này",
        ],
        "en": [
            "Unknown scope: 'vùng' (hanoi, all or watchlist:NAME)",
            "No watchlist 'Không có'",
            "The watchlist «Trích dẫn hỏng» could not be searched: This quote is never closed",
        ],
    }
    office = client_for(collected, "lan")
    for lang, reasons in said.items():
        office.get(f"/lang/{lang}")
        token = csrf(office, "/reports")
        shown = []
        for scope in scopes:
            form = {"csrf": token, "day": DAY.isoformat(), "scope": scope}
            page = office.post("/reports/brief", data=form)
            assert page.status_code == 422, scope
            found = re.search(r'role="alert">(.*?)</div>', page.text)
            shown.append(unescape(found.group(1)) if found else page.text[:300])
        assert shown == reasons, lang
        form = {"csrf": token, "kind": "week", "first": DAY.isoformat(), "scope": scopes[0]}
        page = office.post("/reports/report", data=form)
        assert page.status_code == 422 and unescape(page.text).count(reasons[0]) == 1


def test_the_drafts_list_is_paged_filtered_and_says_who_made_each(collected, users) -> None:
    office = client_for(collected, "lan")
    engine = collected.store.engine
    _, paper = drafts.load(engine, make_draft(office))
    lan = WebStore(engine).user_by_name("lan").id  # type: ignore[union-attr]
    made = {}  # a year of daily briefs, more than a page of the list
    start = dt.date(2015, 1, 1)
    for n in range(70):
        day = (start + dt.timedelta(days=n)).isoformat()
        paper.period = {**paper.period, "first": day, "last": day}
        made[day] = drafts.save_new(engine, paper, lan, dt.datetime.now(dt.UTC))
    drafts.mark(engine, made["2015-01-03"], "lanh.dao@ubnd.example", "", dt.datetime.now(dt.UTC))
    paper.period = {**paper.period, "first": "2015-01-05", "last": "2015-01-05"}
    scheduled = drafts.claim_scheduled(engine, paper, "brief:2015-01-05", dt.datetime.now(dt.UTC))
    assert scheduled is not None  # and sent, so the schedule's own test has nothing left to mail
    drafts.mark(engine, scheduled, "lanh.dao@ubnd.example", "", dt.datetime.now(dt.UTC))

    def ids(page: str) -> set[int]:
        return {int(i) for i in re.findall(r'href="/reports/drafts/(\d+)"', page)}

    one_day = office.get("/reports", params={"kind": "brief", "day": "2015-01-05"})
    assert one_day.status_code == 200 and ids(one_day.text) == {made["2015-01-05"], scheduled}
    assert "Lịch tự động" in one_day.text and ">Lan<" in one_day.text
    sent = office.get("/reports", params={"status": "sent", "day": "2015-01-03"}).text
    assert ids(sent) == {made["2015-01-03"]}
    assert ids(office.get("/reports", params={"kind": "report", "day": "2015-01-05"}).text) == set()

    seen: set[int] = set()  # the first brief made is on a later page, the filter kept
    link: str | None = "/reports?kind=brief"
    while link:
        page = office.get(link.replace("&amp;", "&"))
        assert page.status_code == 200 and len(ids(page.text)) <= 50
        seen |= ids(page.text)
        following = re.search(r'rel="next" href="([^"]+)"', page.text)
        link = following.group(1) if following else None
        assert link is None or "kind=brief" in link
    assert set(made.values()) <= seen
    for bad in ({"kind": "weekly"}, {"status": "x"}, {"day": "31/02/2015"}, {"page": "0"}):
        assert office.get("/reports", params=bad).status_code == 422, bad

    leader = client_for(collected, "hung")  # reads what was sent, whatever the link asks
    for asked in ({"day": "2015-01-03"}, {"day": "2015-01-03", "status": "draft"}):
        page = leader.get("/reports", params=asked).text
        assert ids(page) == {made["2015-01-03"]} and 'name="status"' not in page
    assert ids(leader.get("/reports", params={"day": "2015-01-04"}).text) == set()
    read = leader.get("/api/v1/reports/drafts").json()["items"]
    assert read and all(d["status"] == "sent" or d["issued_at"] for d in read)
    assert made["2015-01-04"] in ids(office.get("/reports", params={"day": "2015-01-04"}).text)


def test_schedule_makes_the_brief_and_week_report_once_and_mails_them(collected, smtp) -> None:  # noqa: F811
    inbox, port = smtp
    settings = collected.settings.replace(
        brief_recipients="lanhdao@hanoi.gov.vn", smtp_host="127.0.0.1", smtp_port=port
    )
    hanoi = dt.timezone(dt.timedelta(hours=7))
    early = dt.datetime(2017, 2, 13, 6, 30, tzinfo=hanoi)  # Monday, before the 7 o'clock brief
    assert run_schedule(collected.store, settings, early) == {}
    monday = dt.datetime(2017, 2, 13, 7, 30, tzinfo=hanoi)
    assert run_schedule(collected.store, settings, monday) == {"made": 2, "sent": 2}
    assert run_schedule(collected.store, settings, monday + dt.timedelta(minutes=15)) == {}
    subjects = sorted(m["Subject"] for _, m in inbox.messages)
    assert subjects == [
        "[baochi] Báo cáo tuần tình hình báo chí: "
        "Thông tin báo chí về Hà Nội tuần từ 06/02/2017 đến 12/02/2017",
        "[baochi] Điểm báo: Thông tin báo chí về Hà Nội ngày 12/02/2017",
    ]
    for _, mail in inbox.messages:
        (attachment,) = list(mail.iter_attachments())
        assert attachment.get_content()[:5] == b"%PDF-"


def test_a_scheduled_draft_another_worker_sent_meanwhile_is_not_mailed_again(
    collected,
    smtp,  # noqa: F811
    monkeypatch,
) -> None:
    """The mail server was down when the brief was made; on the next runs, worker B lists the
    unsent drafts, worker A then sends the brief, and B, going on, neither mails it a second
    time nor counts it as failed."""
    inbox, port = smtp
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    down = collected.settings.replace(
        brief_recipients="lanhdao@hanoi.gov.vn", smtp_host="127.0.0.1", smtp_port=closed
    )
    wednesday = dt.datetime(2017, 2, 8, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert run_schedule(collected.store, down, wednesday) == {"made": 1, "failed": 1}
    up, later = down.replace(smtp_port=port), wednesday + dt.timedelta(minutes=15)
    listed = ReportsStore.unsent_scheduled
    by_a: dict[str, int] = {}

    def a_sends_once_b_has_listed(self: ReportsStore) -> list:
        found = listed(self)
        monkeypatch.setattr(ReportsStore, "unsent_scheduled", listed)  # A lists as it should
        by_a.update(run_schedule(collected.store, up, later))
        return found

    monkeypatch.setattr(ReportsStore, "unsent_scheduled", a_sends_once_b_has_listed)
    assert run_schedule(collected.store, up, later) == {"skipped": 1}
    assert by_a == {"sent": 1}
    assert [m["Subject"] for _, m in inbox.messages] == [
        "[baochi] Điểm báo: Thông tin báo chí về Hà Nội ngày 07/02/2017"
    ]


def test_a_bookmark_of_the_brief_form_goes_to_the_reports_page(collected, users) -> None:
    """The address a brief or report was made at, opened again (a bookmark, the back button),
    is the reports page, not an error."""
    for name in ("lan", "hung"):
        client = client_for(collected, name)
        for path in ("/reports/brief", "/reports/report"):
            page = client.get(path, follow_redirects=False)
            assert page.status_code == 303 and page.headers["location"] == "/reports", path
            assert client.get(path).url.path == "/reports"
