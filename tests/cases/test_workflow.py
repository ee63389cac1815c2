"""The workflow rule: which actions apply in which state, who may take them, who sees a case."""

from __future__ import annotations

import pytest

from baochi.cases.workflow import (
    Actor,
    CaseError,
    CaseNotFound,
    Forbidden,
    IllegalTransition,
    actions_for,
    can_see,
    check,
)

ANALYST = Actor("analyst", user_id=1)
OFFICER_7 = Actor("officer", department_id=7, user_id=2)
OFFICER_8 = Actor("officer", department_id=8, user_id=3)
LEADER = Actor("leader", user_id=4)


def test_the_happy_path():
    assert check("new", "assign", ANALYST, [7]) == "assigned"
    assert check("assigned", "start", OFFICER_7, [7]) == "in_progress"
    assert check("in_progress", "answer", OFFICER_7, [7]) == "answered"
    assert check("answered", "return", ANALYST, [7], note="thiếu số liệu") == "in_progress"
    assert check("answered", "close", ANALYST, [7]) == "closed"
    assert check("in_progress", "escalate", ANALYST, [7]) == "in_progress"


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("new", "answer"),
        ("new", "close"),
        ("assigned", "close"),
        ("in_progress", "return"),
        ("closed", "assign"),
        ("closed", "answer"),
        ("closed", "escalate"),
        ("answered", "answer"),
    ],
)
def test_illegal_transitions_are_refused(status, action):
    with pytest.raises(IllegalTransition, match="không thể"):
        check(status, action, ANALYST, [7], note="lý do")


def test_return_and_withdraw_need_a_reason():
    with pytest.raises(CaseError, match="lý do"):
        check("answered", "return", ANALYST, [7])
    assert check("new", "withdraw", ANALYST, [], note="không thuộc thẩm quyền") == "closed"


def test_officers_act_only_for_their_department():
    with pytest.raises(CaseNotFound):
        check("assigned", "answer", OFFICER_8, [7])
    with pytest.raises(Forbidden):
        check("answered", "close", OFFICER_7, [7])
    with pytest.raises(Forbidden):
        check("new", "assign", OFFICER_7, [7])
    # A coordinating department sees the case but does not answer it.
    with pytest.raises(Forbidden):
        check("assigned", "answer", OFFICER_8, [7], coordinating=[8])


def test_leaders_read_everything_and_change_nothing():
    assert can_see(LEADER, [7])
    assert actions_for("assigned", LEADER, [7]) == []
    with pytest.raises(Forbidden):
        check("answered", "close", LEADER, [7])


def test_visibility():
    assert can_see(ANALYST, [])
    assert can_see(OFFICER_7, [7, 9])
    assert not can_see(OFFICER_7, [8])
    assert not can_see(Actor("officer"), [7])  # an officer without a department sees nothing
    assert not can_see(Actor("guest", department_id=7), [7])


def test_actions_offered_follow_the_rule():
    assert [t.action for t in actions_for("assigned", OFFICER_7, [7])] == ["start", "answer"]
    offered = {t.action for t in actions_for("answered", ANALYST, [7])}
    assert offered == {"return", "close"}
