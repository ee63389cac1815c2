"""Periodic reports on the collected data: volume, tone, topics, places, stories, the registry's
scheme, cases per department and the directive's indicators; and both CLI commands."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import text

from baochi import hanoi_time, reports
from baochi.cli import main
from baochi.phrase import phrase_of
from baochi.reports.brief import make_brief
from baochi.reports.paper import Paper
from baochi.reports.period import Period, PeriodError, begun, period_of, previous
from baochi.reports.periodic import make_report
from baochi.reports.scope import EVERYTHING as ALL
from baochi.reports.scope import HANOI
from baochi.vi import fold
from baochi.web import i18n
from tests.reports.conftest import DAY, Collected, scalar


@pytest.fixture(scope="module")
def month(collected: Collected) -> Paper:
    return make_report(collected.store, collected.settings, period_of("month", DAY), HANOI)


def section(paper: Paper, heading: str):
    (found,) = [s for s in paper.sections if s.heading == heading]
    return found


def test_periods_in_hanoi_time() -> None:
    assert period_of("week", DAY) == Period(DAY, DAY.replace(day=12), "week")  # a Monday
    assert period_of("month", DAY).last.isoformat() == "2017-02-28"
    assert period_of("quarter", DAY) == Period(
        DAY.replace(month=1, day=1), DAY.replace(month=3, day=31), "quarter"
    )
    assert previous("month", DAY).label() == "tháng 01/2017"
    assert period_of("day", DAY).start.isoformat() == "2017-02-05T17:00:00+00:00"
    with pytest.raises(PeriodError):
        Period(DAY, DAY.replace(day=1))


def test_a_period_and_why_it_is_refused_read_in_english() -> None:
    """The same words as the paper's, in Vietnamese; through the catalogue, in English."""
    catalogue = json.loads(
        (Path(reports.__file__).parent / "templates" / "en.json").read_text("utf-8")
    )
    english = i18n.EN | catalogue

    def say(text: str, count: float) -> str:
        found = english.get(text, text)
        assert isinstance(found, str), text
        return found

    periods = [period_of(kind, DAY) for kind in ("day", "week", "month", "quarter")]
    periods.append(Period(DAY, DAY.replace(day=20)))
    assert [p.label() for p in periods] == [
        "ngày 06/02/2017",
        "tuần từ 06/02/2017 đến 12/02/2017",
        "tháng 02/2017",
        "quý 1/2017",
        "từ 06/02/2017 đến 20/02/2017",
    ]
    assert [p.named().said(say) for p in periods] == [
        "the day 06/02/2017",
        "the week from 06/02/2017 to 12/02/2017",
        "the month 02/2017",
        "quarter 1/2017",
        "from 06/02/2017 to 20/02/2017",
    ]
    refused = []
    for bad in (lambda: begun(periods[0], DAY.replace(day=1)), lambda: period_of("năm", DAY)):
        with pytest.raises(PeriodError) as caught:
            bad()
        refused.append(phrase_of(caught.value).said(say))
    assert refused == [
        "the day 06/02/2017 has not begun (today is 01/02/2017): only days gone by or under way "
        "can be reported on",
        "unknown kind of period: 'năm'",
    ]


def test_month_report_counts_what_was_collected(month: Paper, collected: Collected) -> None:
    hanoi = scalar(collected.store, "SELECT count(*) FROM documents WHERE hanoi")
    assert month.title == "BÁO CÁO THÁNG TÌNH HÌNH BÁO CHÍ"
    assert month.subtitle == "Thông tin báo chí về Hà Nội tháng 02/2017"
    overview = section(month, "Tổng quan").tables[0].rows
    assert overview[0] == ["Bài viết", str(hanoi), "0", "mới"]
    agencies, outlets = section(month, "Khối lượng tin bài theo cơ quan báo chí").tables
    assert agencies.rows == [
        ["Chưa có trong sổ đăng ký", str(hanoi), "100,0\u00a0%", agencies.rows[0][3]]
    ]
    assert sum(int(r[1]) for r in outlets.rows) == hanoi
    assert {r[0] for r in outlets.rows} <= {"Báo Hànộimới", "Báo Thử nghiệm"}
    topics = section(month, "Chủ đề").tables[0].rows
    assert sum(int(r[1]) for r in topics) == hanoi
    trend = section(month, "Diễn biến sắc thái").charts[0]
    assert len(trend.labels) == 28 and sum(sum(v) for v in trend.series.values()) == hanoi
    assert len(section(month, "Chuỗi tin nổi bật").entries) == min(
        10, scalar(collected.store, "SELECT count(DISTINCT story_id) FROM documents WHERE hanoi")
    )


def test_a_report_is_dated_after_its_period_but_never_after_today(collected: Collected) -> None:
    """Made for a period that has ended, it bears the day after; made for the month still
    running (the form's default), it bears today, not a day to come."""
    assert make_report(
        collected.store, collected.settings, period_of("week", DAY), HANOI
    ).date_line.endswith("ngày 13 tháng 02 năm 2017")
    today = hanoi_time.today()
    running = make_report(collected.store, collected.settings, period_of("month", today), HANOI)
    assert running.date_line.endswith(f"ngày {today:%d} tháng {today:%m} năm {today:%Y}")


def test_a_period_still_to_come_is_refused(collected: Collected) -> None:
    """Next quarter's report would read "0 bài, −100 %" against this one; it is refused, and so
    is tomorrow's brief; the end before the start is named in dd/mm/yyyy."""
    ahead = hanoi_time.today() + dt.timedelta(days=92)
    with pytest.raises(PeriodError, match=r"^quý \d/\d{4} chưa bắt đầu \(hôm nay là"):
        make_report(collected.store, collected.settings, period_of("quarter", ahead), HANOI)
    tomorrow = hanoi_time.today() + dt.timedelta(days=1)
    with pytest.raises(PeriodError, match=f"^ngày {tomorrow:%d/%m/%Y} chưa bắt đầu"):
        make_brief(collected.store, collected.settings, tomorrow, HANOI)
    today = hanoi_time.today()
    month_on = Period(today - dt.timedelta(days=5), today + dt.timedelta(days=25))
    with pytest.raises(PeriodError, match=f"^ngày cuối {month_on.last:%d/%m/%Y} chưa đến"):
        make_report(collected.store, collected.settings, month_on, HANOI)  # titled ahead
    with pytest.raises(PeriodError, match=r"^ngày kết thúc 01/02/2017 trước ngày bắt đầu 06/02"):
        Period(DAY, DAY.replace(day=1))


def test_month_report_cases_scheme_and_targets(month: Paper, collected: Collected) -> None:
    cases = section(month, "Trả lời báo chí của các sở, ngành")
    # one case received in February (answered the same day), one received in January
    on_time = "100,0\u00a0%"  # a no-break space: the sign stays with its number
    assert cases.tables[0].rows == [[collected.department, "1", "1", "1", on_time, "0,0", "0"]]
    # The example registry's actions were decided from 2020 on: none stood in February 2017.
    scheme = section(month, "Tiến độ đề án sắp xếp báo chí")
    assert scheme.paragraphs == ["Đến 28/02/2017, chưa có nhiệm vụ nào của đề án sắp xếp."]
    march_2026 = make_report(
        collected.store,
        collected.settings,
        Period(dt.date(2026, 3, 1), dt.date(2026, 3, 31), "month"),
        HANOI,
    )
    scheme = section(march_2026, "Tiến độ đề án sắp xếp báo chí")
    assert scheme.paragraphs[0].startswith("Đến 31/03/2026: ")
    merger = next(r for r in scheme.tables[0].rows if "1115-QĐ/TU" in r[0])
    assert merger[1] == "1"  # the merger of six agencies, done on 5/2/2026
    targets = section(month, "Thực hiện chỉ tiêu theo văn bản chỉ đạo")
    assert any(p.startswith("1559-TB/TU") for p in targets.paragraphs)
    assert targets.tables and all(len(r) == 4 for t in targets.tables for r in t.rows)


def test_cli_brief_and_report(collected: Collected, tmp_path: Path, capsys) -> None:
    # the test's store, PostgreSQL too: without it the commands read an empty SQLite one
    data = f"data={collected.settings.data}"
    store = ["--set", f"database_url={collected.settings.database_url}"]
    docx_file, pdf_file = tmp_path / "brief.docx", tmp_path / "report.pdf"
    assert (
        main(
            [
                "--set",
                data,
                *store,
                "brief",
                "--date",
                "2017-02-06",
                "--format",
                "docx",
                "--output",
                str(docx_file),
            ]
        )
        == 0
    )
    doc = Document(io.BytesIO(docx_file.read_bytes()))
    assert "ĐIỂM BÁO" in "\n".join(p.text for p in doc.paragraphs)
    assert (
        main(
            [
                "--set",
                data,
                *store,
                "report",
                "--period",
                "week",
                "--from",
                "2017-02-06",
                "--format",
                "pdf",
                "--output",
                str(pdf_file),
            ]
        )
        == 0
    )
    text = subprocess.run(
        ["pdftotext", str(pdf_file), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "BÁO CÁO TUẦN TÌNH HÌNH BÁO CHÍ" in text
    assert "từ 06/02/2017 đến 12/02/2017" in text
    assert (
        main(
            [
                "--set",
                data,
                *store,
                "report",
                "--from",
                "2017-02-06",
                "--to",
                "2017-02-01",
                "--output",
                str(pdf_file),
            ]
        )
        == 2
    )
    assert (
        main(["--set", data, "brief", "--scope", "watchlist:không có", "--output", str(pdf_file)])
        == 2
    )
    assert "không có danh sách theo dõi" in capsys.readouterr().err


OFF_CALENDAR = "năm {} nằm ngoài các năm báo cáo được (từ 1900 đến 9998)"


@pytest.mark.parametrize(
    ("asked", "said"),
    [
        (
            ["--from", "2015-01-01", "--to", "2017-02-06"],
            "kỳ báo cáo dài tối đa 400 ngày, kỳ đã chọn dài 768 ngày",
        ),
        (["--period", "week", "--from", "0001-01-01"], OFF_CALENDAR.format(1)),
        (["--period", "month", "--from", "0001-01-01"], OFF_CALENDAR.format(1)),
        (["--from", "0001-01-01", "--to", "0001-01-02"], OFF_CALENDAR.format(1)),
        (["--period", "quarter", "--from", "9999-12-31"], OFF_CALENDAR.format(9999)),
        (["--period", "week", "--from", "9999-12-31"], OFF_CALENDAR.format(9999)),
    ],
    ids=["years", "week-1", "month-1", "range-1", "quarter-9999", "week-9999"],
)
def test_cli_refuses_a_period_too_long_or_off_the_calendar(
    collected: Collected, tmp_path: Path, capsys, asked: list[str], said: str
) -> None:
    """A range of years, or a year mistyped as 1 or 9999: `baochi report` says why and exits 2
    (a traceback before: a plain ValueError, or the calendar overflowing)."""
    out = tmp_path / "bao-cao.pdf"
    argv = ["--set", f"data={collected.settings.data}", "report", *asked, "--output", str(out)]
    assert main(argv) == 2
    assert capsys.readouterr().err == f"baochi report: {said}\n"
    assert not out.exists()


def test_a_brief_off_the_calendar_is_refused(collected: Collected) -> None:
    """The days before the brief's day, which it compares with, would run off the calendar."""
    with pytest.raises(PeriodError, match=r"^năm 1 nằm ngoài các năm báo cáo được"):
        make_brief(collected.store, collected.settings, dt.date(1, 1, 3), HANOI)


def test_cli_refuses_a_brief_of_a_day_with_nothing_in_the_store(
    collected: Collected, tmp_path: Path, capsys
) -> None:
    """`baochi brief --date 1999-01-01` writes no paper of zeros: it says why and exits 2."""
    out = tmp_path / "diem-bao.docx"
    argv = ["--set", f"data={collected.settings.data}", "brief", "--date", "1999-01-01"]
    assert main([*argv, "--format", "docx", "--output", str(out)]) == 2
    assert capsys.readouterr().err == (
        "baochi brief: ngày 01/01/1999 và 7 ngày trước đó không có bài viết nào trong kho: "
        "điểm báo sẽ trống\n"
    )
    assert not out.exists()


def test_the_citys_report_says_where_in_the_city(month: Paper, collected: Collected) -> None:
    # Every article of the city's report is about Hà Nội: it names the districts and wards.
    where = section(month, "Địa bàn trong thành phố")
    hanoi = scalar(collected.store, "SELECT count(*) FROM documents WHERE hanoi")
    named, total = re.match(r"(\d+) trong (\d+) bài", where.paragraphs[0]).groups()
    assert int(total) == hanoi and 0 < int(named) <= hanoi
    rows = where.tables[0].rows
    assert rows[0][0] == "Hai Bà Trưng" and "Hà Nội" not in {r[0] for r in rows}
    with collected.store.engine.connect() as conn:
        texts = [
            fold(f"{title} {lead}")
            for title, lead in conn.execute(text("SELECT title, lead FROM documents WHERE hanoi"))
        ]
    for unit, articles, *_ in rows:  # named as a unit, not as a street or a person
        assert 1 <= int(articles) <= sum(fold(unit) in t for t in texts), unit
    everything = make_report(collected.store, collected.settings, period_of("month", DAY), ALL)
    places = section(everything, "Địa bàn").tables[0]  # elsewhere: each article's main place
    assert places.columns[0] == "Địa bàn chính"
    assert {"Hà Nội", "nước ngoài"} <= {r[0] for r in places.rows}
