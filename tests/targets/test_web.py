"""Targets pages in both languages: the lagging tasks' workbook, a period still to come."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from html import unescape

import pytest
from openpyxl import load_workbook

from baochi import hanoi_time, targets
from baochi.db import Store, migrate, open_engine
from baochi.db.targets_store import TargetsStore
from baochi.settings import Settings
from tests.web import conftest as web_fixtures
from tests.web.conftest import csrf

# The web area's fixtures (a signed-in client per role), over every area's tables.
app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A store with every area's tables and the example directive: the app signs people in."""
    engine = open_engine(settings)
    migrate(engine)
    targets.load_example(engine)
    yield Store(engine)
    engine.dispose()


def test_the_lagging_tasks_workbook_holds_dates_as_dates(client_as) -> None:
    """As the directive's own workbook does: a date cell, shown dd/mm/yyyy, that sorts."""
    book = load_workbook(io.BytesIO(client_as("analyst").get("/targets/lagging.xlsx").content))
    sheet = book.active
    header = [c.value for c in sheet[2]]
    due = [row[header.index("Thời hạn")] for row in sheet.iter_rows(min_row=3)]
    assert due and all(isinstance(c.value, dt.datetime) for c in due)
    assert dt.datetime(2020, 12, 31) in [c.value for c in due]  # the IT task's deadline
    assert {c.number_format for c in due} == {"dd/mm/yyyy"}


def test_a_period_after_today_is_refused_as_such_in_both_languages(store, client_as) -> None:
    """The period's date field stops at today (the browser says a later day is after it, see
    tests/reports/test_browser.py); the server refuses one sent anyway, saying why."""
    indicator = next(i for i in TargetsStore(store.engine).indicators() if i.code == "TTHC-3-4")
    lan = client_as("analyst")
    url = f"/targets/indicators/{indicator.id}/reports"
    later = (hanoi_time.today() + dt.timedelta(days=400)).isoformat()
    form = {"csrf": csrf(lan, "/targets"), "period_end": later, "value": "1"}
    lan.get("/lang/en")
    page = unescape(lan.get("/targets/1559-TB/TU").text)
    assert f'name="period_end" max="{hanoi_time.today().isoformat()}"' in page
    assert 'data-after-max="The date cannot be after %s."' in page
    refused = lan.post(url, data=form)
    assert refused.status_code == 422
    assert "The period end cannot be after today" in unescape(refused.text)
    lan.get("/lang/vi")
    assert "Ngày cuối kỳ không được sau hôm nay" in unescape(lan.post(url, data=form).text)
