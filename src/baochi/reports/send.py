"""Sending a brief or report by e-mail through the alerts machinery's SMTP notifier: a short
Vietnamese cover text listing what is inside, and the document attached as PDF or DOCX."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sqlalchemy import Engine

from baochi.db.reports_store import ReportsStore
from baochi.phrase import Phrase, phrase_of
from baochi.reports import drafts
from baochi.reports.formats import file_name, media_type, render
from baochi.reports.paper import Paper
from baochi.settings import Settings
from baochi.watch.config import WatchConfig
from baochi.watch.notify import Attachment, DeliveryError, Mailer, Message, Notifier

ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
TITLES_LISTED = 15
# How long a send that never ended (the process stopped mid-way) keeps others from sending.
SENDING_FOR = dt.timedelta(minutes=10)
SHOWN = 80  # characters of a bad address the error repeats (a whole file may be pasted)


class Taken(RuntimeError):
    """A draft not mailed because another request is sending it, or sent it meanwhile; its
    argument says so, a Phrase."""


def recipients_of(text: str | Sequence[str]) -> list[str]:
    """Addresses from a comma, semicolon or line separated list; ValueError naming a bad one (a
    Phrase, said in a page's language)."""
    parts = re.split(r"[,;\s]+", text) if isinstance(text, str) else list(text)
    found = [p.strip() for p in parts if p.strip()]
    for address in found:
        if not ADDRESS.match(address):
            shown = address if len(address) <= SHOWN else address[:SHOWN] + "…"
            raise ValueError(Phrase("địa chỉ e-mail không hợp lệ: {address!r}", address=shown))
    if not found:
        raise ValueError(Phrase("chưa có địa chỉ nhận"))
    return found


def message(paper: Paper, fmt: str, link: str = "") -> Message:
    """The mail: subject, a cover text with the main titles (and the link to read it in baochi,
    on a phone too), and the document attached."""
    lines = [
        f"{paper.agency} gửi {paper.title.lower()}: {paper.subtitle}.",
        f"Văn bản đầy đủ ở tệp đính kèm ({fmt.upper()}).",
        "",
    ]
    titles = [e.title for e in paper.entries() if e.included and e.key.startswith("story:")]
    if titles:
        lines.append("Nội dung chính:")
        lines += [f"- {t}" for t in titles[:TITLES_LISTED]]
    if link:
        lines += ["", f"Đọc trên baochi: {link}"]
    attachment = Attachment(file_name(paper, fmt), media_type(fmt), render(paper, fmt))
    return Message(
        subject=f"[baochi] {paper.title.capitalize()}: {paper.subtitle}",
        text="\n".join(lines) + "\n",
        data={"period": paper.period},
        attachments=(attachment,),
    )


def send_draft(
    engine: Engine,
    settings: Settings,
    draft_id: int,
    recipients: Sequence[str],
    fmt: str,
    now: dt.datetime,
    mailer: Notifier | None = None,
    again: bool = False,
) -> Phrase | None:
    """Mail a draft as it stands to the recipients; None when sent, else why not: recorded when
    the mail failed; not when no mail server is set (said before making the attachment it
    would not send). Taken when another request is sending it at that moment (a second click,
    tab, worker) or, unless `again` (a sent paper mailed once more on purpose), sent it."""
    _, paper = drafts.load(engine, draft_id)
    if mailer is None and not settings.smtp_host:
        # who can set it, and the variable to set: the office cannot do it from the page
        return Phrase("chưa cấu hình máy chủ thư: nhờ quản trị viên cấu hình (BAOCHI_SMTP_HOST)")
    if not ReportsStore(engine).claim_send(draft_id, now, now - SENDING_FOR, again):
        raise Taken(
            Phrase(
                "bản này đang được gửi từ một yêu cầu khác; tải lại trang sau ít phút để xem "
                "kết quả"
            )
        )
    mailer = mailer or Mailer(WatchConfig.from_settings(settings))
    target = ", ".join(recipients)
    try:
        site = settings.public_url.rstrip("/")
        link = f"{site}/reports/drafts/{draft_id}" if site else ""
        mailer.send(target, message(paper, fmt, link))
    except DeliveryError as exc:
        drafts.mark(engine, draft_id, target, str(exc), now)
        return phrase_of(exc)
    drafts.mark(engine, draft_id, target, "", now)
    return None
