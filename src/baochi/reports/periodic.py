"""Periodic reports (week, month, quarter, any range): volume by agency and outlet, the tone
trend, topics, places, the main stories, the registry's restructuring progress, cases answered
on time per department, and the directive indicators against their targets."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence

from baochi import hanoi_time
from baochi.cases import department_figures
from baochi.db import Store
from baochi.db.cases_store import CasesStore
from baochi.db.registry_store import RegistryStore
from baochi.db.reports_store import ReportsStore, Row
from baochi.db.targets_store import TargetsStore
from baochi.db.web_store import WebStore
from baochi.numbers import vi_figure
from baochi.phrase import Phrase
from baochi.records import split_areas
from baochi.registry.lineage import Lineage
from baochi.registry.scheme import progress
from baochi.reports.brief import (
    disputed_spans,
    figures,
    stories_of,
    story_conflicts,
    story_entry,
)
from baochi.reports.header import blank_paper
from baochi.reports.paper import Chart, Paper, Section, Table
from baochi.reports.period import Period, PeriodError, begun, issue_day, local_day
from baochi.reports.scope import HANOI, Scope
from baochi.reports.wording import TONES, UNLABELLED, change, count, share, topic_name
from baochi.settings import Settings
from baochi.targets import board
from baochi.vi.place_names import HANOI as HANOI_PLACE
from baochi.vi.places import units_named

TOP_AGENCIES, TOP_OUTLETS, TOP_PLACES, TOP_STORIES = 15, 20, 15, 10
UNREGISTERED = "Chưa có trong sổ đăng ký"
MAX_DAYS = 400  # a longer range is refused: a report is read, not mined
WEEKLY_AFTER = 62  # trend points are weeks beyond this many days


def make_report(
    store: Store,
    settings: Settings,
    period: Period,
    scope: Scope,
    issued_on: dt.date | None = None,
) -> Paper:
    """The report of `period` for `scope`, as a Paper ready to edit and render."""
    begun(period, hanoi_time.today())
    if period.days > MAX_DAYS:
        raise PeriodError(
            Phrase(
                "kỳ báo cáo dài tối đa {most} ngày, kỳ đã chọn dài {days} ngày",
                most=MAX_DAYS,
                days=period.days,
            )
        )
    before = Period(
        period.first - dt.timedelta(days=period.days), period.first - dt.timedelta(days=1)
    )
    rows = list(scope.rows(store, before.start, period.end))
    now = [r for r in rows if r.appeared_at >= period.start]
    earlier = [r for r in rows if r.appeared_at < period.start]
    kind = {"week": "TUẦN", "month": "THÁNG", "quarter": "QUÝ"}.get(period.kind, "")
    paper = blank_paper(
        settings,
        "report",
        f"BÁO CÁO {kind} TÌNH HÌNH BÁO CHÍ".replace("  ", " "),
        f"Thông tin báo chí về {scope.label} {period.label()}",
        issued_on or issue_day(period.last),
    )
    paper.period = {
        "first": period.first.isoformat(),
        "last": period.last.isoformat(),
        "kind": period.kind,
        "scope": scope.key,
    }
    paper.sections = [
        _overview(period, scope, now, earlier),
        _volume(store, now),
        _tone_trend(period, now),
        _topics(now),
        _places(store, scope, now),
        _stories(store, now),
        _scheme(store, period),
        _cases(store, period),
        _targets(store, period),
    ]
    return paper


def _overview(period: Period, scope: Scope, now: Sequence[Row], earlier: Sequence[Row]) -> Section:
    a, b = figures(now), figures(earlier)
    rows = [
        ["Bài viết", count(a.articles), count(b.articles), change(a.articles, b.articles)],
        ["Chuỗi tin", count(a.stories), count(b.stories), change(a.stories, b.stories)],
        ["Cơ quan báo chí", count(a.outlets), count(b.outlets), change(a.outlets, b.outlets)],
    ]
    rows += [
        [
            name,
            f"{count(a.tones[t])} ({share(a.tones[t], a.articles)})",
            f"{count(b.tones[t])} ({share(b.tones[t], b.articles)})",
            change(a.tones[t], b.tones[t]),
        ]
        for t, name in TONES.items()
    ]
    text = (
        f"Trong kỳ ({period.label()}), báo chí đăng {count(a.articles)} bài về {scope.label} "
        f"trên {count(a.outlets)} cơ quan báo chí, thuộc {count(a.stories)} chuỗi tin; "
        f"kỳ trước có {count(b.articles)} bài ({change(a.articles, b.articles)}). "
        f"Tin tiêu cực chiếm {share(a.tones['negative'], a.articles)}."
    )
    return Section(
        "Tổng quan",
        paragraphs=[text],
        tables=[Table(["Chỉ số", "Kỳ này", "Kỳ trước", "Thay đổi"], rows)],
    )


def _ranked(counter: Counter[str], total: int, negative: Counter[str], top: int) -> list[list[str]]:
    return [
        [name, count(n), share(n, total), share(negative[name], n)]
        for name, n in counter.most_common(top)
    ]


def _volume(store: Store, rows: Sequence[Row]) -> Section:
    """Articles per agency (through the registry's lineage) and per outlet."""
    lineage = Lineage.load(RegistryStore(store.engine))
    agencies: Counter[str] = Counter()
    agency_negative: Counter[str] = Counter()
    outlets: Counter[str] = Counter()
    outlet_negative: Counter[str] = Counter()
    for row in rows:
        code = lineage.attribute(row.url, row.appeared_at)
        agency = lineage.agencies[code]["name"] if code in lineage.agencies else UNREGISTERED
        outlet = row.outlet or UNLABELLED
        agencies[agency] += 1
        outlets[outlet] += 1
        if row.tone == "negative":
            agency_negative[agency] += 1
            outlet_negative[outlet] += 1
    columns = ["Số bài", "Tỷ lệ", "Tiêu cực"]
    top = agencies.most_common(10)
    return Section(
        "Khối lượng tin bài theo cơ quan báo chí",
        tables=[
            Table(
                ["Cơ quan báo chí", *columns],
                _ranked(agencies, len(rows), agency_negative, TOP_AGENCIES),
                "Theo cơ quan báo chí (sổ đăng ký)",
            ),
            Table(
                ["Báo, trang tin", *columns],
                _ranked(outlets, len(rows), outlet_negative, TOP_OUTLETS),
                "Theo báo, trang tin",
            ),
        ],
        charts=[
            Chart(
                "barh",
                "Số bài theo cơ quan báo chí",
                [name for name, _ in top],
                {"Số bài": [float(n) for _, n in top]},
            )
        ]
        if top
        else [],
    )


def _tone_trend(period: Period, rows: Sequence[Row]) -> Section:
    """Articles per tone per day (per week in a long period)."""
    weekly = period.days > WEEKLY_AFTER
    buckets: dict[str, Counter[str]] = defaultdict(Counter)
    labels: list[str] = []
    for day in period.dates():
        key = _bucket(day, weekly, period.first)
        if key not in labels:
            labels.append(key)
    for row in rows:
        buckets[_bucket(local_day(row.appeared_at), weekly, period.first)][row.tone or ""] += 1
    series = {name: [float(buckets[k][t]) for k in labels] for t, name in TONES.items()}
    worst = max(labels, key=lambda k: buckets[k]["negative"]) if rows else ""
    text = (
        f"Số bài tiêu cực nhiều nhất vào {'tuần bắt đầu ' if weekly else 'ngày '}{worst} "
        f"({count(buckets[worst]['negative'])} bài)."
        if rows
        else "Không có bài nào trong kỳ."
    )
    unit = "tuần" if weekly else "ngày"
    return Section(
        "Diễn biến sắc thái",
        paragraphs=[text],
        charts=[Chart("stacked", f"Số bài theo sắc thái, theo {unit}", labels, series)],
    )


def _bucket(day: dt.date, weekly: bool, first: dt.date) -> str:
    if weekly:
        day = first + dt.timedelta(days=(day - first).days // 7 * 7)
    return f"{day:%d/%m}"


def _topics(rows: Sequence[Row]) -> Section:
    topics = Counter(topic_name(r.topic) for r in rows)
    negative = Counter(topic_name(r.topic) for r in rows if r.tone == "negative")
    top = topics.most_common(12)
    return Section(
        "Chủ đề",
        tables=[
            Table(
                ["Chủ đề", "Số bài", "Tỷ lệ", "Tiêu cực"], _ranked(topics, len(rows), negative, 12)
            )
        ],
        charts=[
            Chart(
                "barh",
                "Số bài theo chủ đề",
                [n for n, _ in top],
                {"Số bài": [float(v) for _, v in top]},
            )
        ]
        if top
        else [],
    )


def _places(store: Store, scope: Scope, rows: Sequence[Row]) -> Section:
    """Where the news is: each article's main place, or, in the city's own report (all of it
    about Hà Nội), the districts, wards and communes its title and lead name (as stored, or
    read now for an article stored before they were)."""
    if scope.key != HANOI.key:
        places = Counter(r.place or UNLABELLED for r in rows)
        negative = Counter(r.place or UNLABELLED for r in rows if r.tone == "negative")
        header = ["Địa bàn chính", "Số bài", "Tỷ lệ", "Tiêu cực"]
        table = Table(header, _ranked(places, len(rows), negative, TOP_PLACES))
        return Section("Địa bàn", tables=[table])
    leads = ReportsStore(store.engine).leads([r.id for r in rows if r.areas is None])
    named = {
        r.id: units_named(*leads[r.id], HANOI_PLACE) if r.id in leads else split_areas(r.areas)
        for r in rows
    }
    places = Counter(unit for r in rows for unit in named[r.id])
    negative = Counter(unit for r in rows if r.tone == "negative" for unit in named[r.id])
    header = ["Quận, huyện, phường, xã (cũ và mới)", "Số bài", "Tỷ lệ", "Tiêu cực"]
    table = Table(header, _ranked(places, len(rows), negative, TOP_PLACES))
    named_any = sum(1 for units in named.values() if units)
    return Section(
        "Địa bàn trong thành phố",
        paragraphs=[
            f"{count(named_any)} trong {count(len(rows))} bài nêu tên quận, huyện, phường, xã "
            "ở tiêu đề hoặc sa-pô."
        ],
        tables=[table] if places else [],
    )


def _stories(store: Store, rows: Sequence[Row]) -> Section:
    top = stories_of(rows)[:TOP_STORIES]
    reports = ReportsStore(store.engine)
    texts = reports.texts({r.id for s in top for r in s.rows[:8]})
    titles = reports.story_titles({s.key for s in top if s.key > 0})
    disputes = story_conflicts(store, top, titles)
    return Section(
        "Chuỗi tin nổi bật",
        entries=[story_entry(s, texts, titles, True, disputed_spans(disputes[s.key])) for s in top],
    )


def _scheme(store: Store, period: Period) -> Section:
    """The restructuring plan (đề án sắp xếp): actions done, due and late at the period's end."""
    total, schemes = progress(RegistryStore(store.engine), period.last)
    section = Section("Tiến độ đề án sắp xếp báo chí")
    if not total.items:
        section.paragraphs.append(
            f"Đến {period.last:%d/%m/%Y}, chưa có nhiệm vụ nào của đề án sắp xếp."
        )
        return section
    section.paragraphs.append(
        f"Đến {period.last:%d/%m/%Y}: {count(total.actions['done'])} nhiệm vụ đã hoàn thành, "
        f"{count(total.actions['due'])} đang thực hiện, {count(total.actions['late'])} chậm so "
        f"với kế hoạch; {count(total.milestones['done'])} mốc đã đạt, "
        f"{count(total.milestones['late'])} mốc trễ."
    )
    section.tables.append(
        Table(
            ["Đề án", "Hoàn thành", "Đang thực hiện", "Chậm", "Mốc đã đạt", "Mốc trễ"],
            [
                [
                    s.scheme or "—",
                    count(s.actions["done"]),
                    count(s.actions["due"]),
                    count(s.actions["late"]),
                    count(s.milestones["done"]),
                    count(s.milestones["late"]),
                ]
                for s in schemes
            ],
        )
    )
    return section


def _cases(store: Store, period: Period) -> Section:
    """Cases received in the period, per responsible department, as of the period's end."""
    names = {int(d["id"]): str(d["name"]) for d in WebStore(store.engine).departments()}
    received = [
        c for c in CasesStore(store.engine).cases() if period.first <= c.received_on <= period.last
    ]
    section = Section("Trả lời báo chí của các sở, ngành")
    section.paragraphs.append(
        f"Trong kỳ tiếp nhận {count(len(received))} vụ việc báo chí nêu, "
        "chuyển các sở, ngành trả lời."
    )
    rows = []
    for f in department_figures(received, period.end):
        rows.append(
            [
                names.get(f.department_id, str(f.department_id)),
                count(f.total),
                count(f.answered),
                count(f.on_time),
                share(f.on_time, f.answered),
                "—" if f.average_days is None else f"{f.average_days:.1f}".replace(".", ","),
                count(f.overdue),
            ]
        )
    if rows:
        section.tables.append(
            Table(
                ["Sở, ngành", "Vụ việc", "Đã trả lời", "Đúng hạn", "Tỷ lệ đúng hạn",
                 "Số ngày TB", "Quá hạn"],
                rows,
            )
        )  # fmt: skip
    return section


def _targets(store: Store, period: Period) -> Section:
    """Every directive's indicators judged at the period's end against their targets."""
    section = Section("Thực hiện chỉ tiêu theo văn bản chỉ đạo")
    for directive in TargetsStore(store.engine).directives():
        view = board(store.engine, directive.code, period.last)
        indicators = [i for t in view.tasks for i in t.indicators] + view.loose
        rows = [
            [
                i.indicator.name,
                _value(i.judgement.latest, i.indicator.unit),
                f"{_value(i.indicator.target, i.indicator.unit)} ({i.indicator.target_on:%m/%Y})",
                i.judgement.label,
            ]
            for i in indicators
        ]
        behind = sum(1 for t in view.tasks if t.status in ("overdue", "lagging"))
        section.paragraphs.append(
            f"{directive.code} — {directive.title}: {count(len(view.tasks))} nhiệm vụ, "
            f"{count(behind)} nhiệm vụ chậm hoặc quá hạn."
        )
        if rows:
            section.tables.append(
                Table(
                    ["Chỉ tiêu", "Giá trị mới nhất", "Mục tiêu", "Đánh giá"], rows, directive.code
                )
            )
    if not section.paragraphs:
        section.paragraphs.append("Chưa có văn bản chỉ đạo nào được theo dõi.")
    return section


def _value(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{vi_figure(value)} {unit}".strip()
