"""Cases: issues raised in the press routed to departments with statutory deadlines and answered."""

from baochi.cases.attachments import AttachmentRejected
from baochi.cases.calendar import WorkCalendar, default_calendar
from baochi.cases.casework import (
    act,
    answer,
    assign,
    attach,
    attachment_file,
    confirm_reply,
    follow_stories,
    follow_story,
    get_case,
    open_case,
    run_reminders,
    visible_cases,
)
from baochi.cases.deadlines import DeadlineRules, due_at, due_on, load_rules
from baochi.cases.figures import DepartmentFigures, department_figures
from baochi.cases.reminders import Notice, due_notices
from baochi.cases.workflow import (
    STATUSES,
    Actor,
    CaseError,
    CaseNotFound,
    Forbidden,
    IllegalTransition,
    actions_for,
    can_see,
)

__all__ = [
    "STATUSES",
    "Actor",
    "AttachmentRejected",
    "CaseError",
    "CaseNotFound",
    "DeadlineRules",
    "DepartmentFigures",
    "Forbidden",
    "IllegalTransition",
    "Notice",
    "WorkCalendar",
    "act",
    "actions_for",
    "answer",
    "assign",
    "attach",
    "attachment_file",
    "can_see",
    "confirm_reply",
    "default_calendar",
    "department_figures",
    "due_at",
    "due_notices",
    "due_on",
    "follow_stories",
    "follow_story",
    "get_case",
    "load_rules",
    "open_case",
    "run_reminders",
    "visible_cases",
]
