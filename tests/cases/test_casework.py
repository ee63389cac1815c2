"""A case from an article to a department and back, confinement, reminders with a set clock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from baochi import cases
from baochi.cases import CaseError, CaseNotFound, Forbidden, IllegalTransition
from baochi.cases.attachments import ATTACHMENTS_DIR
from baochi.db import Store
from baochi.db.cases_store import CasesStore
from baochi.db.schema import documents
from tests.cases.conftest import (
    ANALYST,
    LEADER,
    OFFICER_7,
    OFFICER_8,
    OPENED,
    add_article,
    add_story,
)
from tests.races import at_once, held_after_looking

MB = 1_000_000
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_from_article_to_department_and_back(store: Store, flooded: int, settings) -> None:
    engine = store.engine
    case_id = cases.open_case(
        engine,
        ANALYST,
        "",
        issue="Ngập úng kéo dài trên phố Nguyễn Khuyến",
        document_ids=[flooded],
        story_id=add_story(store, 42, "Ngập úng nội đô"),
        now=OPENED,
    )
    case = cases.get_case(engine, ANALYST, case_id)
    assert (case.status, case.origin, case.title) == (
        "new",
        "story",
        "Ngập úng kéo dài trên phố Nguyễn Khuyến sau mưa lớn",
    )
    assert case.due_on == dt.date(2026, 4, 1)  # 30 days from the day after 2/3/2026

    case = cases.assign(engine, ANALYST, case_id, [7], coordinating=[8], now=OPENED)
    assert case.status == "assigned" and case.responsible == (7,) and case.coordinating == (8,)

    later = OPENED + dt.timedelta(days=3)
    cases.act(engine, OFFICER_7, case_id, "start", now=later)
    with pytest.raises(Forbidden):
        cases.answer(engine, OFFICER_8, case_id, "Sở phối hợp", now=later)  # coordinating only
    file_id = cases.attach(
        engine, settings.data, OFFICER_7, case_id, "cong-van.pdf", PDF, max_bytes=MB, now=later
    )
    case = cases.answer(
        engine, OFFICER_7, case_id, "Sở Xây dựng đã chỉ đạo nạo vét cống.", now=later
    )
    assert case.status == "answered" and case.answered_by == 2

    case = cases.act(
        engine, ANALYST, case_id, "return", note="Cần nêu thời hạn hoàn thành", now=later
    )
    assert case.status == "in_progress"
    case = cases.answer(
        engine, OFFICER_7, case_id, "Hoàn thành nạo vét trước 30/4/2026.", now=later
    )

    # The story goes on: a follow-up article and the department's reply in the press.
    follow_up = add_article(
        store,
        "ngap-tiep",
        "Phố Nguyễn Khuyến lại ngập sau mưa chiều qua",
        "Nước ngập sâu 30 cm trên phố Nguyễn Khuyến.",
        later,
    )
    reply = add_article(
        store,
        "so-xay-dung-tra-loi",
        "Sở Xây dựng trả lời về tình trạng ngập phố Nguyễn Khuyến",
        "Sở Xây dựng Hà Nội cho biết đã chỉ đạo nạo vét tuyến cống.",
        later + dt.timedelta(days=1),
    )
    links = cases.follow_story(engine, 42, [follow_up, reply], {7: "Sở Xây dựng"}, now=later)
    assert links == 2
    relations = {d.document_id: d.relation for d in CasesStore(engine).case_documents(case_id)}
    assert relations == {flooded: "coverage", follow_up: "coverage", reply: "candidate"}
    assert cases.follow_story(engine, 42, [follow_up, reply], now=later) == 0  # idempotent

    with pytest.raises(Forbidden):
        cases.confirm_reply(engine, OFFICER_7, case_id, reply)
    case = cases.confirm_reply(engine, ANALYST, case_id, reply, now=later + dt.timedelta(days=2))
    assert case.status == "closed"
    relations = {d.document_id: d.relation for d in CasesStore(engine).case_documents(case_id)}
    assert relations[reply] == "reply"

    events = [e["action"] for e in CasesStore(engine).events(case_id)]
    assert events == ["open", "assign", "start", "answer", "return", "answer", "close"]
    closed = CasesStore(engine).events(case_id)[-1]["note"]
    assert closed == "Bài trả lời: «Sở Xây dựng trả lời về tình trạng ngập phố Nguyễn Khuyến»"
    record, path = cases.attachment_file(engine, settings.data, OFFICER_7, file_id)
    assert path.read_bytes() == PDF and record["content_type"] == "application/pdf"
    with pytest.raises(IllegalTransition):
        cases.act(engine, ANALYST, case_id, "escalate", now=later)


def test_officers_see_only_their_department(store: Store, settings) -> None:
    engine = store.engine
    mine = cases.open_case(engine, ANALYST, "Rác thải ở chợ Long Biên", responsible=[7], now=OPENED)
    coordinated = cases.open_case(
        engine, ANALYST, "Ùn tắc cầu Chương Dương", responsible=[9], coordinating=[7], now=OPENED
    )
    other = cases.open_case(
        engine, ANALYST, "Cây xanh đổ trên phố Huế", responsible=[8], now=OPENED
    )
    file_id = cases.attach(
        engine, settings.data, ANALYST, other, "ảnh.pdf", PDF, max_bytes=MB, now=OPENED
    )

    assert [c.id for c in cases.visible_cases(engine, OFFICER_7)] == [mine, coordinated]
    assert [c.id for c in cases.visible_cases(engine, OFFICER_8)] == [other]
    assert len(cases.visible_cases(engine, LEADER)) == 3
    assert cases.visible_cases(engine, cases.Actor("officer")) == []
    with pytest.raises(CaseNotFound):
        cases.get_case(engine, OFFICER_7, other)
    with pytest.raises(CaseNotFound):
        cases.attachment_file(engine, settings.data, OFFICER_7, file_id)
    with pytest.raises(CaseNotFound):
        cases.answer(engine, OFFICER_7, other, "Không phải việc của Sở")
    with pytest.raises(Forbidden):
        cases.open_case(engine, OFFICER_7, "Tự mở hồ sơ", now=OPENED)
    with pytest.raises(Forbidden):
        cases.act(engine, LEADER, mine, "escalate")


def test_a_reminder_says_the_days_really_left(store: Store) -> None:
    # Opened on a Sunday, an urgent case is due on Friday (five working days): the 7-day
    # reminder goes out at once and says 5 days, as the pages count, not 7.
    sunday = dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
    urgent = cases.open_case(
        store.engine, ANALYST, "Khẩn", priority="urgent", responsible=[7], now=sunday
    )
    assert cases.get_case(store.engine, ANALYST, urgent).due_on == dt.date(2026, 3, 6)
    (notice,) = cases.run_reminders(store.engine, sunday)
    assert notice.key.startswith("remind:7:") and "(còn 5 ngày)" in notice.message
    (last,) = cases.run_reminders(
        store.engine, cases.due_at(dt.date(2026, 3, 6)) - dt.timedelta(hours=2)
    )
    assert "(hạn là hôm nay)" in last.message


def test_reminders_and_escalations_fire_at_the_right_times(store: Store) -> None:
    engine = store.engine
    case_id = cases.open_case(engine, ANALYST, "Ngập úng", responsible=[7], now=OPENED)
    quiet = cases.open_case(engine, ANALYST, "Đã trả lời sớm", responsible=[8], now=OPENED)
    cases.answer(engine, ANALYST, quiet, "Đã xử lý", now=OPENED)
    deadline = cases.due_at(dt.date(2026, 4, 1))  # 2/4/2026 00:00 in Hà Nội

    def run(at: dt.datetime) -> list[tuple[str, str, int | None]]:
        return [
            (n.key.split(":")[0] + ":" + n.key.split(":")[1], n.audience, n.department_id)
            for n in cases.run_reminders(engine, at)
        ]

    assert run(deadline - dt.timedelta(days=7, seconds=1)) == []
    assert run(deadline - dt.timedelta(days=7)) == [("remind:7", "department", 7)]
    assert run(deadline - dt.timedelta(days=6)) == []  # already told
    # A pause past the 3-day mark: only the latest reminder goes out.
    assert run(deadline - dt.timedelta(hours=2)) == [("remind:1", "department", 7)]
    assert run(deadline - dt.timedelta(seconds=1)) == []
    assert run(deadline) == [("escalate:0", "department", 7), ("escalate:0", "office", None)]
    assert cases.get_case(engine, ANALYST, case_id).escalation_level == 1
    assert run(deadline + dt.timedelta(days=7)) == [
        ("escalate:7", "department", 7),
        ("escalate:7", "office", None),
    ]
    assert cases.get_case(engine, ANALYST, case_id).escalation_level == 2
    assert run(deadline + dt.timedelta(days=30)) == []

    stored = CasesStore(engine).notifications(department_id=7)
    assert len(stored) == 4 and "quá hạn trả lời 8 ngày" in stored[0]["message"]
    assert all(n["case_id"] == case_id for n in CasesStore(engine).notifications())
    overdue = cases.visible_cases(engine, OFFICER_7, overdue_at=deadline)
    assert [c.id for c in overdue] == [case_id]


def test_figures_per_department(store: Store) -> None:
    engine = store.engine
    on_time = cases.open_case(engine, ANALYST, "A", responsible=[7], now=OPENED)
    late = cases.open_case(engine, ANALYST, "B", responsible=[7], now=OPENED)
    cases.open_case(engine, ANALYST, "C", responsible=[8], now=OPENED)
    cases.answer(engine, OFFICER_7, on_time, "Trả lời", now=OPENED + dt.timedelta(days=10))
    cases.answer(engine, OFFICER_7, late, "Trả lời muộn", now=OPENED + dt.timedelta(days=40))
    now = OPENED + dt.timedelta(days=45)
    figures = {
        f.department_id: f for f in cases.department_figures(CasesStore(engine).cases(), now)
    }
    assert (figures[7].answered, figures[7].on_time, figures[7].on_time_rate) == (2, 1, 0.5)
    assert figures[7].average_days == 25.0
    assert (figures[8].open, figures[8].overdue, figures[8].on_time_rate) == (1, 1, None)


def test_a_case_opened_from_an_article_follows_its_story(store: Store, flooded: int) -> None:
    engine = store.engine
    story = 5

    def place(*document_ids: int) -> None:
        """What story placement writes on each document it puts in a story."""
        with engine.begin() as conn:
            conn.execute(
                update(documents).where(documents.c.id.in_(document_ids)).values(story_id=story)
            )

    place(flooded)
    case_id = cases.open_case(
        engine, ANALYST, "", document_ids=[flooded], responsible=[7], now=OPENED
    )
    case = cases.get_case(engine, ANALYST, case_id)
    assert (case.origin, case.story_id) == ("article", story)
    assert cases.follow_stories(engine, OPENED) == 0

    later = OPENED + dt.timedelta(days=2)
    unrelated = add_article(
        store, "gia-vang", "Giá vàng hôm nay tăng mạnh", "Giá vàng tăng.", later
    )
    correction = add_article(
        store,
        "cai-chinh",
        "Cải chính thông tin về ngập phố Nguyễn Khuyến",
        "Báo xin cải chính: số liệu mực nước ngập đã đưa tin chưa chính xác.",
        later,
    )
    place(correction)
    assert cases.follow_stories(engine, later) == 1
    assert cases.follow_stories(engine, later) == 0  # only what is new
    relations = {d.document_id: d.relation for d in CasesStore(engine).case_documents(case_id)}
    assert relations == {flooded: "coverage", correction: "correction"}
    assert unrelated not in relations
    cases.answer(engine, OFFICER_7, case_id, "Đã xử lý", now=later)
    cases.confirm_reply(engine, ANALYST, case_id, correction, "correction", now=later)
    assert cases.get_case(engine, ANALYST, case_id).status == "closed"
    place(add_article(store, "sau-dong", "Phố Nguyễn Khuyến hết ngập", "Đã hết ngập.", later))
    assert cases.follow_stories(engine, later) == 0  # a closed case follows no more


def test_a_title_is_a_title_not_a_pasted_article(store: Store) -> None:
    pasted = "Mưa lớn kéo dài khiến nhiều tuyến phố nội thành Hà Nội ngập sâu. " * 10
    with pytest.raises(CaseError, match=r"tiêu đề dài 649 ký tự, quá 300"):  # stripped
        cases.open_case(store.engine, ANALYST, pasted, now=OPENED)
    assert CasesStore(store.engine).cases() == []  # nothing opened
    kept = cases.open_case(store.engine, ANALYST, pasted[:300], issue=pasted, now=OPENED)
    assert cases.get_case(store.engine, ANALYST, kept).issue == pasted  # all of it kept there
    long_headline = add_article(store, "dai", pasted, "Nội dung bài báo. " * 20, OPENED)
    from_article = cases.open_case(store.engine, ANALYST, "", document_ids=[long_headline],
                                   now=OPENED)  # fmt: skip
    assert cases.get_case(store.engine, ANALYST, from_article).title == pasted[:300]
    with pytest.raises(CaseError, match="không có bài báo số 424242"):
        cases.open_case(store.engine, ANALYST, "Ngập", document_ids=[424242], now=OPENED)


def test_a_case_goes_only_to_departments_that_exist(store: Store) -> None:
    with pytest.raises(CaseError, match="không có đơn vị số 4242"):  # no one would ever see it
        cases.open_case(store.engine, ANALYST, "Ngập", responsible=[7], coordinating=[4242])
    assert CasesStore(store.engine).cases() == []
    case_id = cases.open_case(store.engine, ANALYST, "Ngập", responsible=[7], now=OPENED)
    with pytest.raises(CaseError, match="không có đơn vị số 4242"):
        cases.assign(store.engine, ANALYST, case_id, [4242], now=OPENED)
    assert cases.get_case(store.engine, ANALYST, case_id).responsible == (7,)


def test_the_same_case_sent_twice_at_once_is_opened_once(store: Store, monkeypatch) -> None:
    """Two requests for one case arrive together (a double click, a proxy's retry): the second
    waits for the first and gets its case back, though each looks before the other writes."""
    add_story(store, 12, "Ngập úng nội đô")
    held_after_looking(monkeypatch, CasesStore, "repeated")
    opened = at_once(3, lambda _: cases.open_case(store.engine, ANALYST, "Ngập", story_id=12))
    assert len(opened) == 3 and len(set(opened)) == 1
    assert len(cases.visible_cases(store.engine, ANALYST, story_id=12)) == 1


def test_an_answer_and_its_letter_sent_twice_are_kept_once(store: Store, settings) -> None:
    """A second click on "answer", or two at once, record one answer and one copy of the letter
    and tell the officer it is done; a different answer to an answered case is still refused."""
    engine = store.engine
    case_id = cases.open_case(engine, ANALYST, "Ngập úng", responsible=[7], now=OPENED)
    later = OPENED + dt.timedelta(days=2)
    text = "Sở Xây dựng đã chỉ đạo nạo vét cống."

    def send(_: int) -> tuple[int, str]:
        letter = cases.attach(
            engine, settings.data, OFFICER_7, case_id, "cong-van.pdf", PDF, max_bytes=MB
        )
        return letter, cases.answer(engine, OFFICER_7, case_id, text, now=later).status

    sent = [*at_once(2, send), send(0)]
    assert len({letter for letter, _ in sent}) == 1 and {s for _, s in sent} == {"answered"}
    assert len(CasesStore(engine).attachments(case_id)) == 1
    assert len(list((settings.data / ATTACHMENTS_DIR).iterdir())) == 1  # no orphan copy
    events = [e["action"] for e in CasesStore(engine).events(case_id)]
    assert events.count("answer") == 1
    with pytest.raises(IllegalTransition):
        cases.answer(engine, OFFICER_7, case_id, "Một câu trả lời khác", now=later)


def test_an_action_sent_twice_is_done_once_and_told_done(store: Store) -> None:
    """A second click on "close" finds the case closed by that click: the case, not "cannot";
    the same action by someone else, or much later, is still refused."""
    engine = store.engine
    case_id = cases.open_case(engine, ANALYST, "Ngập úng", responsible=[7], now=OPENED)
    later = OPENED + dt.timedelta(days=2)
    cases.answer(engine, OFFICER_7, case_id, "Đã nạo vét cống.", now=later)
    closed = [cases.act(engine, ANALYST, case_id, "close", now=later) for _ in range(2)]
    assert [c.status for c in closed] == ["closed", "closed"]
    events = [e["action"] for e in CasesStore(engine).events(case_id)]
    assert events.count("close") == 1
    with pytest.raises(IllegalTransition):  # a week on, closing again is a mistake to tell
        cases.act(engine, ANALYST, case_id, "close", now=later + dt.timedelta(days=7))
    with pytest.raises(CaseError):  # the officer did not close it
        cases.act(engine, OFFICER_7, case_id, "close", now=later)
    # an action that may be taken again, sent twice, is taken once too
    other = cases.open_case(engine, ANALYST, "Rác thải", responsible=[7], now=OPENED)
    raised = [cases.act(engine, ANALYST, other, "escalate", now=later) for _ in range(2)]
    assert [c.escalation_level for c in raised] == [1, 1]


def test_two_cases_alike_only_in_title_are_two_cases(store: Store) -> None:
    """A repeat is the same submission again: another issue, department, priority or article
    under the same headline, within the two minutes, was dropped as a repeat of the first."""
    engine, title = store.engine, "Phản ánh của người dân"
    first = cases.open_case(engine, ANALYST, title, issue="Ngập phố Huế", responsible=[7],
                            now=OPENED)  # fmt: skip
    soon = OPENED + dt.timedelta(seconds=30)
    other_issue = cases.open_case(engine, ANALYST, title, issue="Cây đổ đường Láng",
                                  responsible=[7], now=soon)  # fmt: skip
    other_unit = cases.open_case(engine, ANALYST, title, issue="Ngập phố Huế", responsible=[8],
                                 now=soon)  # fmt: skip
    other_priority = cases.open_case(engine, ANALYST, title, issue="Ngập phố Huế",
                                     responsible=[7], priority="urgent", now=soon)  # fmt: skip
    helped = cases.open_case(engine, ANALYST, title, issue="Ngập phố Huế", responsible=[7],
                             coordinating=[9], now=soon)  # fmt: skip
    assert len({first, other_issue, other_unit, other_priority, helped}) == 5
    again = cases.open_case(engine, ANALYST, title, issue="Ngập phố Huế", responsible=[7, 7],
                            now=soon)  # fmt: skip
    assert again == first  # the very same submission: a second click
    published = OPENED - dt.timedelta(hours=3)
    hue = add_article(store, "a1", "Ngập úng sau mưa lớn", "Phố Huế ngập sâu. " * 20, published)
    lang = add_article(store, "a2", "Ngập úng sau mưa lớn", "Đường Láng ngập. " * 20, published)
    from_hue = cases.open_case(engine, ANALYST, "", document_ids=[hue], responsible=[7], now=soon)
    from_lang = cases.open_case(engine, ANALYST, "", document_ids=[lang], responsible=[7], now=soon)
    assert from_hue != from_lang
    assert cases.open_case(engine, ANALYST, "", document_ids=[hue], responsible=[7], now=soon) \
        == from_hue  # fmt: skip


def test_a_department_named_twice_is_linked_once(store: Store) -> None:
    """A form's field sent twice named one department twice: the second link broke the unique
    key (an IntegrityError). Each is linked once; one both leading and coordinating leads."""
    engine = store.engine
    case_id = cases.open_case(engine, ANALYST, "Hai lần", responsible=[7, 7],
                              coordinating=[8, 7, 8], now=OPENED)  # fmt: skip
    case = cases.get_case(engine, ANALYST, case_id)
    assert (case.responsible, case.coordinating) == ((7,), (8,))
    case = cases.assign(engine, ANALYST, case_id, [9, 9], [8, 8, 9], now=OPENED)
    assert (case.responsible, case.coordinating) == ((9,), (8,))


def test_two_escalations_at_once_count_two(store: Store, monkeypatch) -> None:
    """Two people escalate together: each read level 0 and wrote 1. The level is raised in the
    statement, and a reminder run's lower level does not bring it back down."""
    engine = store.engine
    case_id = cases.open_case(engine, ANALYST, "Ngập úng", responsible=[7], now=OPENED)
    held_after_looking(monkeypatch, CasesStore, "case")
    people = [ANALYST, cases.Actor("admin", user_id=5)]
    later = OPENED + dt.timedelta(days=1)
    at_once(2, lambda k: cases.act(engine, people[k], case_id, "escalate", now=later))
    monkeypatch.undo()
    assert cases.get_case(engine, ANALYST, case_id).escalation_level == 2
    deadline = cases.due_at(cases.get_case(engine, ANALYST, case_id).due_on)
    assert cases.run_reminders(engine, deadline)  # the first escalation's notices: level 1
    assert cases.get_case(engine, ANALYST, case_id).escalation_level == 2


def test_a_case_from_a_story_or_alert_that_is_not_there_is_refused(store: Store) -> None:
    """A case following story 987654 or from alert 123456, neither there, was opened dangling."""
    with pytest.raises(CaseError, match="không tìm thấy chuỗi tin"):
        cases.open_case(store.engine, ANALYST, "Ngập", story_id=987654, now=OPENED)
    with pytest.raises(CaseError, match="không tìm thấy cảnh báo"):
        cases.open_case(store.engine, ANALYST, "Ngập", alert_id=123456, now=OPENED)
    assert CasesStore(store.engine).cases() == []


def test_two_reminder_runs_at_once_each_tell_what_they_wrote(store: Store, monkeypatch) -> None:
    """Two runs read the keys sent before either wrote: both returned (and printed) the same
    reminders, though the second wrote none of them."""
    engine = store.engine
    cases.open_case(engine, ANALYST, "Ngập úng", responsible=[7, 8], now=OPENED)
    at = cases.due_at(dt.date(2026, 4, 1)) - dt.timedelta(days=3)
    held_after_looking(monkeypatch, CasesStore, "sent_keys")
    runs = at_once(2, lambda _: cases.run_reminders(engine, at))
    assert sorted(len(run) for run in runs) == [0, 2]
    assert len(CasesStore(engine).notifications()) == 2
