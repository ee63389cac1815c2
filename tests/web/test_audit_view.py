"""The audit log shows what changed, field by field, from the records it keeps as JSON."""

from __future__ import annotations

import json

from baochi.web.audit_view import LONGEST, Change, changes, naming


def test_only_what_changed_in_the_order_written() -> None:
    before = {"status": "assigned", "responsible": [1], "answer": "", "escalation_level": 0}
    after = {"status": "answered", "responsible": [1], "answer": "Đã nạo vét.", "active": True}
    assert changes(json.dumps(before), json.dumps(after)) == [
        Change("status", "assigned", "answered"),
        Change("answer", "", "Đã nạo vét."),
        Change("escalation_level", "0", ""),
        Change("active", "", "có"),
    ]


def test_a_new_record_lists_its_fields_and_odd_records_stay_readable() -> None:
    assert changes(None, '{"name": "Sở Y tế", "members": ["a", "b"], "note": ""}') == [
        Change("name", "", "Sở Y tế"),
        Change("members", "", "a, b"),
    ]
    assert changes(None, "không phải JSON") == [Change("", "", "không phải JSON")]
    assert changes(None, None) == []
    (long,) = changes(None, json.dumps({"answer": "chữ " * 100}))
    assert len(long.after) == LONGEST and long.after.endswith("…")


def test_dates_and_figures_read_as_the_pages_write_them() -> None:
    """dd/mm/yyyy, Hà Nội time, decimals after a comma: not the JSON's ISO forms and "50.0"."""
    after = {"period_end": "2026-10-31", "due_at": "2026-11-30T02:15:00+00:00", "value": 62.5}
    assert changes(None, json.dumps({**after, "count": 8.0, "code": "2026-10-31-x"})) == [
        Change("period_end", "", "31/10/2026"),
        Change("due_at", "", "30/11/2026 09:15"),
        Change("value", "", "62,5"),
        Change("count", "", "8"),
        Change("code", "", "2026-10-31-x"),  # not a date: as written
    ]


def test_the_codes_it_knows_read_by_their_names() -> None:
    """A case's status and departments, a user's role, a corrected label: as the pages name
    them; a department no longer known keeps its id."""
    before = {"status": "answered", "responsible": [2], "answer": "Đã nạo vét."}
    after = {"status": "closed", "responsible": [2, 9], "answer": "Đã nạo vét."}
    assert changes(json.dumps(before), json.dumps(after), naming("case.close", {2: "Sở Y tế"})) == [
        Change("status", "Đã trả lời", "Đã đóng"),
        Change("responsible", "Sở Y tế", "Sở Y tế, 9"),
    ]
    role = changes('{"role": "officer"}', '{"role": "analyst"}', naming("user.change", {}))
    assert role == [Change("role", "Cán bộ sở, ngành", "Chuyên viên phân tích")]
    tone = changes('{"tone": "neutral"}', '{"tone": "negative"}', naming("label.correct", {}))
    assert tone == [Change("tone", "Trung tính", "Tiêu cực")]
    action = naming("registry.update", {}, "actions:hn-2026-sap-nhap")  # its own lists
    entry = changes('{"status": "in_progress"}', '{"status": "done", "kind": "merge"}', action)
    assert entry == [
        Change("status", "Đang thực hiện", "Hoàn thành"),
        Change("kind", "", "Sáp nhập"),
    ]
    card = naming("registry.create", {}, "cards:HN-1")
    assert changes(None, '{"status": "valid", "role": "x"}', card) == [
        Change("status", "", "Còn hiệu lực"),
        Change("role", "", "x"),  # no field of a card's: as written
    ]


def test_the_names_and_words_read_in_the_page_language(app) -> None:
    """With English chosen (the app has loaded every area's English): a case's status, a role,
    a registry choice, yes/no and a figure; a department's name is its own in both."""
    before = {"status": "assigned", "responsible": [2], "urgent": False, "value": 62.5}
    after = {"status": "in_progress", "responsible": [2, 9], "urgent": True, "value": 1234.5}
    case = naming("case.start", {2: "Sở Y tế"}, lang="en")
    assert changes(json.dumps(before), json.dumps(after), case, "en") == [
        Change("status", "Assigned", "In progress"),
        Change("responsible", "Sở Y tế", "Sở Y tế, 9"),
        Change("urgent", "no", "yes"),
        Change("value", "62.5", "1,234.5"),
    ]
    assert changes(json.dumps(before), json.dumps(after), naming("case.start", {})) == [
        Change("status", "Đã giao", "Đang xử lý"),
        Change("responsible", "2", "2, 9"),
        Change("urgent", "không", "có"),
        Change("value", "62,5", "1.234,5"),
    ]
    role = changes(
        '{"role": "officer"}', '{"role": "analyst"}', naming("user.change", {}, "", "en")
    )
    assert role == [Change("role", "Department officer", "Analyst")]
    action = naming("registry.update", {}, "actions:hn-2026-sap-nhap", "en")
    entry = changes('{"status": "in_progress"}', '{"status": "done", "kind": "convert"}', action)
    assert entry == [Change("status", "In progress", "Done"), Change("kind", "", "Conversion")]
