"""A step of a case that is refused says why in the page's language: on the error page (403,
409) and, for an answer or its letter, on the case page above the form; the API keeps the
Vietnamese; and every refusal the cases library says has its English."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import unescape
from pathlib import Path

import pytest

from baochi import cases
from baochi.cases import attachments, casework, workflow
from baochi.cases.workflow import CaseError
from baochi.db import Store
from baochi.db.cases_store import CasesStore
from baochi.phrase import Phrase, phrase_of
from baochi.web import i18n
from tests.cases.conftest import ANALYST, LEADER, OFFICER_7, OPENED
from tests.web import conftest as web_fixtures
from tests.web.conftest import csrf

# The web area's fixtures (a signed-in client per role), used here over the cases tables.
app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
ENGLISH = i18n.EN | json.loads(
    (Path(cases.__file__).parent / "templates" / i18n.AREA_CATALOGUE).read_text("utf-8")
)
# What the error page says under its status, and what the case page says above its answer form.
REASON = re.compile(r'<p class="lead mt-3">\s*(.*?)\s*</p>', re.S)
NOT_SENT = re.compile(r'id="answer-refused">(.*?)</div>', re.S)


def _said(pattern: re.Pattern[str], page: str) -> str:
    found = pattern.search(page)
    assert found is not None, page[:300]
    return unescape(found.group(1))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_refused_step_says_why_in_the_pages_language(
    app, store: Store, people, client_as, lang: str
) -> None:
    english = lang == "en"
    own = cases.open_case(
        store.engine, ANALYST, "Ngập phố", responsible=[people["officer"].department_id], now=OPENED
    )
    closed = cases.open_case(store.engine, ANALYST, "Cây đổ", responsible=[7], now=OPENED)
    cases.act(store.engine, ANALYST, closed, "withdraw", "trùng hồ sơ khác")
    officer, analyst = client_as("officer"), client_as("analyst")
    for client in (officer, analyst):
        client.get(f"/lang/{lang}")
    token = {officer: csrf(officer, "/cases"), analyst: csrf(analyst, "/cases")}

    def step(client, case_id: int, **form: str) -> tuple[int, str]:
        page = client.post(f"/cases/{case_id}/action", data={"csrf": token[client], **form})
        return page.status_code, _said(REASON, page.text)

    assert step(officer, own, action="close") == (
        403,
        "You may not «Close» this case"
        if english
        else "Bạn không được «Đóng» hồ sơ này",  # not the role's code,
    )
    assert step(analyst, own, action="return", note="làm lại") == (
        409,
        "Cannot «Return for rework» a case in the status «Assigned»"
        if english
        else "Không thể «Trả lại để làm lại» hồ sơ ở trạng thái «Đã giao»",
    )
    assert step(analyst, own, action="withdraw") == (
        409,
        "«Withdraw (no answer needed)» needs a reason"
        if english
        else "«Rút (không cần trả lời)» cần ghi rõ lý do",
    )

    def answered(client, case_id: int, answer: str, file: tuple[str, bytes] | None) -> str:
        files = {"file": (*file, "application/pdf")} if file else None
        page = client.post(
            f"/cases/{case_id}/answer", data={"csrf": token[client], "answer": answer}, files=files
        )
        assert page.status_code == 409
        return _said(NOT_SENT, page.text)

    app.state.settings = app.state.settings.replace(case_attachment_max_bytes=1_000_000)
    refused = [
        answered(officer, own, "Đã nạo vét.", ("cong-van.docx", PDF)),
        answered(officer, own, "Đã nạo vét.", ("cong-van", PDF)),
        answered(officer, own, "Đã nạo vét.", ("cong-van.pdf", b"<html>x</html>")),
        answered(officer, own, "Đã nạo vét.", ("cong-van.pdf", PDF + b"0" * 1_000_000)),
        answered(officer, own, " ", None),
        answered(analyst, closed, "", ("cong-van.pdf", PDF)),  # no form now: the reason still
    ]
    assert refused == (
        [
            "Not sent: the file's extension .docx does not match its content (.pdf)",
            "Not sent: the file's extension (none) does not match its content (.pdf)",
            "Not sent: only PDF, DOCX, XLSX, PNG and JPEG files are taken; this file's content is"
            " none of them",
            "Not sent: the file is too large: at most 1 MB",  # not the 1 MB and 1 byte read
            "Not sent: write the answer or attach the official letter",
            "Not sent: the case is closed",
        ]
        if english
        else [
            "Chưa gửi được: đuôi tệp .docx không khớp nội dung (.pdf)",
            "Chưa gửi được: đuôi tệp (không có) không khớp nội dung (.pdf)",
            "Chưa gửi được: chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG; nội dung tệp không thuộc loại"
            " nào trong số đó",
            "Chưa gửi được: tệp quá lớn: tối đa 1 MB",
            "Chưa gửi được: hãy viết câu trả lời hoặc đính kèm công văn",
            "Chưa gửi được: hồ sơ đã đóng",
        ]
    )
    assert cases.get_case(store.engine, ANALYST, own).status == "assigned"  # nothing half-done


def test_the_api_gives_the_refusal_in_vietnamese_on_an_english_page(
    store: Store, people, client_as
) -> None:
    own = cases.open_case(
        store.engine, ANALYST, "Ngập phố", responsible=[people["officer"].department_id], now=OPENED
    )
    officer = client_as("officer")
    officer.get("/lang/en")
    answer = officer.post(
        f"/api/v1/cases/{own}/actions",
        json={"action": "close"},
        headers={"X-CSRF-Token": csrf(officer, "/cases")},
    )
    assert answer.status_code == 403
    assert answer.json() == {"detail": "bạn không được «Đóng» hồ sơ này"}


def _refusals(store: Store, data: Path, flooded: int, monkeypatch) -> list[Phrase]:
    """Every refusal the library says, each as a page says it."""
    engine = store.engine
    own = cases.open_case(engine, ANALYST, "Ngập phố", responsible=[7], now=OPENED)
    closed = cases.open_case(engine, ANALYST, "Cây đổ", responsible=[7], now=OPENED)
    cases.act(engine, ANALYST, closed, "withdraw", "trùng")
    refused: list[Callable[[], object]] = [
        lambda: casework.open_case(engine, OFFICER_7, "x"),
        lambda: casework.open_case(engine, ANALYST, "x", document_ids=[flooded, 999998, 999999]),
        lambda: casework.open_case(engine, ANALYST, "x", document_ids=[999999]),
        lambda: casework.open_case(engine, ANALYST, " "),
        lambda: casework.open_case(engine, ANALYST, "x" * 301),
        lambda: casework.open_case(engine, ANALYST, "x", responsible=[12345]),
        lambda: casework.open_case(engine, ANALYST, "x", responsible=[12345, 12346]),
        lambda: casework.assign(engine, ANALYST, own, []),
        lambda: casework.answer(engine, OFFICER_7, own, " "),
        lambda: casework.act(engine, ANALYST, own, "assign"),
        lambda: casework.act(engine, ANALYST, own, "fly"),
        lambda: casework.act(engine, OFFICER_7, own, "close"),
        lambda: casework.act(engine, ANALYST, own, "withdraw"),
        lambda: casework.get_case(engine, ANALYST, 999999),
        lambda: casework.attach(engine, data, LEADER, own, "a.pdf", PDF, max_bytes=10**6),
        lambda: casework.attach(engine, data, ANALYST, closed, "a.pdf", PDF, max_bytes=10**6),
        lambda: casework.attachment_file(engine, data, ANALYST, 999999),
        lambda: casework.case_article(engine, ANALYST, own, flooded),
        lambda: casework.confirm_reply(engine, ANALYST, own, flooded, "coverage"),
        lambda: casework.confirm_reply(engine, OFFICER_7, own, flooded),
        lambda: attachments.check("a.pdf", b"", 10),
        lambda: attachments.check("a.pdf", PDF, 10),
        lambda: attachments.check("a.png", b"<html>", 10**6),
        lambda: attachments.check("a", PDF, 10**6),
        lambda: attachments.path_of(data, "../a.pdf"),
        lambda: casework.open_case(engine, ANALYST, "x", story_id=999999),
        lambda: casework.open_case(engine, ANALYST, "x", alert_id=999999),
        lambda: casework.confirm_reply(engine, ANALYST, own, 424242),
    ]
    said = []
    for refuse in refused:
        with pytest.raises((CaseError, ValueError)) as caught:
            refuse()
        said.append(phrase_of(caught.value))
    monkeypatch.setattr(CasesStore, "update_case", lambda *args: False)  # someone was first
    with pytest.raises(CaseError) as caught:
        casework.act(engine, ANALYST, own, "escalate")
    said.append(phrase_of(caught.value))
    return said


def test_every_refusal_of_the_cases_library_has_english(
    store: Store, tmp_path: Path, flooded: int, monkeypatch
) -> None:
    asked: set[str] = set()

    def say(text: str, count: float) -> str:
        asked.add(text)
        found = ENGLISH.get(text, text)
        return found if isinstance(found, str) else found[0 if count == 1 else -1]

    said = _refusals(store, tmp_path, flooded, monkeypatch)
    assert len({str(p) for p in said}) == len(said)  # each says something of its own
    english = [p.said(say) for p in said]
    assert english[1:3] == ["no articles numbered 999998, 999999", "no article number 999999"]
    assert english[5:7] == [
        "no department number 12345 (or it was merged)",
        "no departments numbered 12345, 12346 (or they were merged)",
    ]
    every_step = [  # every step refused in every state, as the case page can say
        Phrase("không thể «{action}» hồ sơ ở trạng thái «{status}»", action=t, status=s)
        for t in map(Phrase, (t.label for t in workflow.TRANSITIONS.values()))
        for s in map(Phrase, workflow.STATUS_LABELS.values())
    ]
    for phrase in every_step:
        phrase.said(say)
    worded = {text for text in asked if re.search(r"[^\W\d_]", re.sub(r"\{[^}]*\}", "", text))}
    assert len(worded) > 30 and sorted(worded - set(ENGLISH)) == []
