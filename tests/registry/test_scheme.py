"""The scheme's progress (done, due, late) and completing actions."""

from __future__ import annotations

import datetime as dt

import pytest

from baochi.registry import (
    RegistryImportError,
    RegistryStore,
    SchemeError,
    complete_action,
    import_sheets,
    progress,
    read_csv,
)

TODAY = dt.date(2026, 3, 1)
FILES = {
    "agencies": "code,name\na,Báo A\nb,Báo B\nx,Báo X\nc,Tạp chí C\n",
    "actions": "code,kind,title,scheme,members,target,due_on,status,effective_on,decision_date\n"
    "gop,merge,Sáp nhập A vào X,Đề án 2026,a,x,2026-06-30,in_progress,,2026-01-30\n"
    "tre,merge,Sáp nhập B vào X,Đề án 2026,b,x,2026-02-01,planned,,\n"
    "xong,dissolve,Giải thể C,Đề án 2020,c,,2020-12-31,done,2020-08-01,2020-01-02\n"
    "huy,dissolve,Giải thể B,Đề án 2020,b,,2020-12-31,cancelled,,\n",
    "milestones": "code,action,title,due_on,done_on\n"
    "m1,gop,Công bố quyết định,2026-02-15,2026-02-14\n"
    "m2,gop,Thống nhất nhận diện,2026-02-20,\n"
    "m3,gop,Ra mắt trang mới,2026-05-01,\n",
}


@pytest.fixture
def plan(registry: RegistryStore) -> RegistryStore:
    import_sheets(registry, [read_csv(t.encode(), n) for n, t in FILES.items()], "hoa")
    return registry


def test_progress_counts_done_due_late(plan: RegistryStore) -> None:
    total, schemes = progress(plan, TODAY)
    assert total.actions == {"done": 1, "due": 1, "late": 1, "cancelled": 1}
    assert total.milestones == {"done": 1, "late": 1, "due": 1}
    assert [s.scheme for s in schemes] == ["Đề án 2026", "Đề án 2020"]
    assert schemes[0].open == 2 and schemes[0].milestones["late"] == 1
    states = {rec["code"]: state for rec, state in schemes[0].items}
    assert states == {"gop": "due", "tre": "late"}


def test_progress_on_a_past_day_counts_what_stood_then(plan: RegistryStore) -> None:
    # A report of July 2020: C not yet dissolved, the 2026 merger not yet decided.
    total, schemes = progress(plan, dt.date(2020, 7, 31))
    assert total.actions == {"due": 2, "cancelled": 1}
    assert total.milestones == {}  # the milestones are the undecided merger's
    states = {rec["code"]: state for s in schemes for rec, state in s.items}
    assert states == {"tre": "due", "xong": "due", "huy": "cancelled"}
    # February 2026: decided, its first milestone not yet met.
    total, _ = progress(plan, dt.date(2026, 2, 13))
    assert total.actions == {"done": 1, "due": 1, "late": 1, "cancelled": 1}
    assert total.milestones == {"due": 3}


def test_completing_uses_the_given_or_completion_date(plan: RegistryStore) -> None:
    done = complete_action(plan, "tre", "hoa", on=dt.date(2026, 3, 2))
    assert done["effective_on"] == dt.date(2026, 3, 2) and done["completed_on"] == dt.date(
        2026, 3, 2
    )
    assert progress(plan, TODAY)[0].actions["done"] == 1  # done the day after
    assert progress(plan, dt.date(2026, 3, 2))[0].actions["done"] == 2
    with pytest.raises(SchemeError, match=r"đã hoàn thành$"):
        complete_action(plan, "tre", "hoa", on=TODAY)
    with pytest.raises(SchemeError, match="không có nhiệm vụ"):
        complete_action(plan, "khong-co", "hoa", on=TODAY)


def test_a_merger_cannot_be_done_without_its_target(registry: RegistryStore) -> None:
    bad = "code,kind,title,members,status,effective_on\ngop,merge,Sáp nhập,a,done,2026-02-05\n"
    sheets = [read_csv(b"code,name\na,A\n", "agencies"), read_csv(bad.encode(), "actions")]
    with pytest.raises(RegistryImportError, match="cần cơ quan sau sắp xếp"):
        import_sheets(registry, sheets, "hoa")
