"""Reports: the daily brief (điểm báo) and periodic reports, as web page, DOCX and PDF."""

from baochi.reports.brief import make_brief
from baochi.reports.formats import FORMATS, render
from baochi.reports.paper import Chart, Entry, Link, Paper, Section, Table
from baochi.reports.period import Period, PeriodError, period_of, previous, yesterday
from baochi.reports.periodic import make_report
from baochi.reports.scope import EVERYTHING, HANOI, Scope, ScopeError, resolve
from baochi.reports.summarize import split_sentences, summarize

__all__ = [
    "EVERYTHING",
    "FORMATS",
    "HANOI",
    "Chart",
    "Entry",
    "Link",
    "Paper",
    "Period",
    "PeriodError",
    "Scope",
    "ScopeError",
    "Section",
    "Table",
    "make_brief",
    "make_report",
    "period_of",
    "previous",
    "render",
    "resolve",
    "split_sentences",
    "summarize",
    "yesterday",
]
