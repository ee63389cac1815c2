"""The daily brief (điểm báo): what the press said about the city on one day, for its leaders.

Headline numbers against the usual (the seven days before), the main stories grouped by topic or
by the department responsible, each with a two- or three-sentence extractive summary (no
sentence stating a figure its outlets dispute), its outlets and a link per outlet; negative
stories that need attention; conflicting reports; spikes; cases opened, answered and overdue.
Built as a Paper, which the analyst edits before it is sent.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from baochi.cases import due_at
from baochi.cases.workflow import OPEN_STATUSES
from baochi.db import Store
from baochi.db.cases_store import CaseRow, CasesStore
from baochi.db.reports_store import ReportsStore, Row, Text
from baochi.db.stories_store import ConflictView, StoryStore
from baochi.db.watch_store import WatchStore
from baochi.db.web_store import WebStore
from baochi.hanoi_time import HANOI
from baochi.phrase import Phrase
from baochi.reports.header import blank_paper
from baochi.reports.paper import Chart, Entry, Link, Paper, Section, Table
from baochi.reports.period import Period, PeriodError, begun, issue_day, local_day
from baochi.reports.scope import Scope
from baochi.reports.summarize import summarize
from baochi.reports.wording import TONES, change, count, mean, share, topic_name
from baochi.settings import Settings
from baochi.stories.disagreements import disagreements
from baochi.stories.web import CONFLICT_TYPES
from baochi.watch.config import WatchConfig
from baochi.watch.spikes import judge

USUAL_DAYS = 7
ARTICLES_SUMMARISED = 8  # a story's articles read for its summary, one per outlet first
NEGATIVE_SHARE = 0.5  # a story is negative when at least this share of its articles is
LISTED = 10  # conflicts, spikes: a leader reads this many; the rest are counted
CONFLICTS_PER_STORY = 2  # one story's many disagreements are one point for a leader
UNASSIGNED = "Chưa giao sở, ngành"
GROUPINGS = ("topic", "department")


@dataclass
class StoryDay:
    """One story as it was covered on the day, within the scope."""

    key: int  # the story id, or minus the document id of an article in no story
    rows: list[Row] = field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        """Outlets that covered it, the most articles first."""
        return [name for name, _ in Counter(r.outlet for r in self.rows if r.outlet).most_common()]

    @property
    def tones(self) -> Counter[str]:
        """Articles per tone."""
        return Counter(r.tone for r in self.rows if r.tone)

    @property
    def topic(self) -> str | None:
        """The commonest topic of its articles."""
        topics = Counter(r.topic for r in self.rows if r.topic)
        return topics.most_common(1)[0][0] if topics else None

    @property
    def negative(self) -> bool:
        """Whether most of its coverage is negative."""
        return self.tones["negative"] >= NEGATIVE_SHARE * len(self.rows)

    @property
    def weight(self) -> tuple[int, int, int]:
        """How prominent it was: outlets, then articles, then the earliest first."""
        return (len(self.outlets), len(self.rows), -self.rows[0].id)


def stories_of(rows: Iterable[Row]) -> list[StoryDay]:
    """The day's articles grouped by story, the most prominent first."""
    by_key: dict[int, StoryDay] = {}
    for row in rows:
        key = row.story_id if row.story_id is not None else -row.id
        by_key.setdefault(key, StoryDay(key)).rows.append(row)
    return sorted(by_key.values(), key=lambda s: s.weight, reverse=True)


@dataclass(frozen=True, slots=True)
class Figures:
    """The headline numbers of one day or the mean of several."""

    articles: float
    stories: float
    outlets: float
    tones: dict[str, float]


def figures(rows: Sequence[Row]) -> Figures:
    """Articles, stories, outlets and tone counts of a set of rows."""
    tones = Counter(r.tone for r in rows if r.tone)
    return Figures(
        articles=len(rows),
        stories=len(stories_of(rows)),
        outlets=len({r.outlet for r in rows if r.outlet}),
        tones={t: float(tones[t]) for t in TONES},
    )


def usual(rows: Sequence[Row], period: Period) -> Figures:
    """The mean day of the `USUAL_DAYS` before the period."""
    per_day: dict[dt.date, list[Row]] = defaultdict(list)
    for row in rows:
        per_day[local_day(row.appeared_at)].append(row)
    days = [figures(per_day[period.first - dt.timedelta(days=i)]) for i in range(1, USUAL_DAYS + 1)]
    return Figures(
        articles=sum(d.articles for d in days) / USUAL_DAYS,
        stories=sum(d.stories for d in days) / USUAL_DAYS,
        outlets=sum(d.outlets for d in days) / USUAL_DAYS,
        tones={t: sum(d.tones[t] for d in days) / USUAL_DAYS for t in TONES},
    )


def chosen_day(store: Store, day: dt.date, now: dt.datetime) -> dt.date:
    """A day chosen for a brief (the form's, `--date`), refused when it is to come or when no
    article at all appeared on it or the `USUAL_DAYS` before (a mistyped year: its paper would
    be zeros). Today before its first article passes; the scheduled brief is not checked."""
    begun(Period(day, day, "day"), local_day(now))  # a day to come is said to be one
    week = Period(day - dt.timedelta(days=USUAL_DAYS), day, "custom")
    if not ReportsStore(store.engine).any_between(week.start, week.end):
        raise PeriodError(
            Phrase(
                "ngày {day:%d/%m/%Y} và {days} ngày trước đó không có bài viết nào trong kho: "
                "điểm báo sẽ trống",
                day=day,
                days=USUAL_DAYS,
            )
        )
    return day


def make_brief(
    store: Store,
    settings: Settings,
    day: dt.date,
    scope: Scope,
    group_by: str = "topic",
    issued_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Paper:
    """The brief of `day` for `scope`, as a Paper ready to edit and render. Today's is of the
    day so far, against the usual days up to the same hour (as the dashboard counts)."""
    if group_by not in GROUPINGS:
        raise ValueError(f"nhóm theo topic hoặc department, không phải {group_by!r}")
    now = now or dt.datetime.now(dt.UTC)
    period = begun(Period(day, day, "day"), local_day(now))
    so_far = now.astimezone(HANOI).time() if day == local_day(now) else None
    history = Period(day - dt.timedelta(days=USUAL_DAYS), day, "custom")
    everything = [
        r
        for r in scope.rows(store, history.start, history.end)
        if so_far is None or r.appeared_at.astimezone(HANOI).time() < so_far
    ]
    today = [r for r in everything if r.appeared_at >= period.start]
    stories = stories_of(today)
    paper = blank_paper(
        settings,
        "brief",
        "ĐIỂM BÁO",
        f"Thông tin báo chí về {scope.label} {period.label()}",
        issued_on or issue_day(day),
    )
    paper.period = {"first": day.isoformat(), "last": day.isoformat(), "kind": "day"}
    paper.period["scope"] = scope.key
    reports = ReportsStore(store.engine)
    offered = stories[: 2 * settings.brief_stories]
    texts = reports.texts({r.id for s in offered for r in s.rows})
    titles = reports.story_titles({s.key for s in offered if s.key > 0})
    disputes = story_conflicts(store, offered, titles)
    shown = [
        story_entry(s, texts, titles, i < settings.brief_stories, disputed_spans(disputes[s.key]))
        for i, s in enumerate(offered)
    ]
    departments = (
        _story_departments(store, [s.key for s in offered]) if group_by == "department" else {}
    )
    paper.sections = [
        _headline(period, scope, figures(today), usual(everything, period), so_far),
        *_main(offered, shown, group_by, departments),
        _negative(offered, shown),
        _conflicts(offered, {r.id for r in today}, titles, disputes),
        _spikes(store, settings, period),
        _cases(store, period),
    ]
    return paper


def story_conflicts(
    store: Store, offered: Sequence[StoryDay], titles: dict[int, tuple[str, int]]
) -> dict[int, list[ConflictView]]:
    """The conflicts of each story (none read for a story that has none)."""
    stories = StoryStore(store.engine)
    return {
        s.key: stories.conflicts(s.key) if titles.get(s.key, ("", 0))[1] else [] for s in offered
    }


def disputed_spans(conflicts: Iterable[ConflictView]) -> list[str]:
    """Both sides' phrases of a story's conflicts: what its summary must not state as fact."""
    return [span for c in conflicts for span in (c.span, c.other_span) if span]


def story_entry(
    story: StoryDay,
    texts: dict[int, Text],
    titles: dict[int, tuple[str, int]],
    included: bool,
    disputed: Sequence[str] = (),
) -> Entry:
    """A story with its summary (no sentence stating a `disputed` phrase), its outlets and a
    link to each outlet's first article."""
    firsts: dict[str, Text] = {}
    for row in story.rows:
        text = texts.get(row.id)
        if text is not None:
            firsts.setdefault(row.outlet, text)
    read = list(firsts.values())
    read += [texts[r.id] for r in story.rows if r.id in texts and texts[r.id] not in read]
    read = read[:ARTICLES_SUMMARISED]
    summary = " ".join(summarize([t.text for t in read], disputed=disputed)) if read else ""
    title = titles.get(story.key, ("", 0))[0] or (read[0].title if read else "")
    outlets = story.outlets
    tones = story.tones
    meta = f"{count(len(story.rows))} bài, {count(len(outlets))} báo"
    if tones:
        meta += "; " + ", ".join(f"{TONES[t].lower()} {n}" for t, n in tones.most_common())
    return Entry(
        key=f"story:{story.key}",
        title=title,
        text=summary,
        meta=meta,
        links=[Link(t.outlet, t.url, t.title) for t in firsts.values()],  # as many as "N báo"
        included=included,
        source=summary,
    )


def _headline(
    period: Period, scope: Scope, day: Figures, before: Figures, so_far: dt.time | None
) -> Section:
    """The day's numbers against the usual; `so_far` when the day is today and not over."""
    rows = [
        [
            "Bài viết",
            count(day.articles),
            mean(before.articles),
            change(day.articles, before.articles),
        ],
        [
            "Chuỗi tin",
            count(day.stories),
            mean(before.stories),
            change(day.stories, before.stories),
        ],
        [
            "Cơ quan báo chí",
            count(day.outlets),
            mean(before.outlets),
            change(day.outlets, before.outlets),
        ],
    ]
    for tone, name in TONES.items():
        rows.append(
            [
                f"{name} (tỷ lệ)",
                f"{count(day.tones[tone])} ({share(day.tones[tone], day.articles)})",
                f"{mean(before.tones[tone])} ({share(before.tones[tone], before.articles)})",
                change(day.tones[tone], before.tones[tone]),
            ]
        )
    when = period.label().capitalize() + (f", đến {so_far:%H:%M}" if so_far else "")
    usual_days = f"trung bình {USUAL_DAYS} ngày trước" + (", cùng giờ" if so_far else "")
    text = (
        f"{when}, báo chí đăng {count(day.articles)} bài về {scope.label} "
        f"trên {count(day.outlets)} cơ quan báo chí, thuộc {count(day.stories)} chuỗi tin "
        f"({usual_days}: {mean(before.articles)} bài/ngày); "
        f"tin tiêu cực chiếm {share(day.tones['negative'], day.articles)}."
    )
    chart = Chart(
        "bar",
        "Sắc thái: trong ngày và trung bình 7 ngày trước",
        list(TONES.values()),
        {
            "Trong ngày": [day.tones[t] for t in TONES],
            "Trung bình 7 ngày": [round(before.tones[t], 1) for t in TONES],
        },
    )
    heads = ["Trong ngày", f"Trung bình {USUAL_DAYS} ngày"]
    if so_far:
        heads = [f"Trong ngày, đến {so_far:%H:%M}", f"Trung bình {USUAL_DAYS} ngày, cùng giờ"]
    table = Table(["Chỉ số", *heads, "So với thường lệ"], rows)
    return Section("Tổng quan", paragraphs=[text], tables=[table], charts=[chart])


def _main(
    offered: list[StoryDay], shown: list[Entry], group_by: str, departments: dict[int, list[str]]
) -> list[Section]:
    """The main story section, then one group per topic or department, largest group first."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for story, entry in zip(offered, shown, strict=True):
        if story.negative:
            continue
        if group_by == "department":
            for name in departments.get(story.key, [UNASSIGNED]):
                groups[name].append(entry)
        else:
            groups[topic_name(story.topic)].append(entry)
    head = Section(
        "Tin bài nổi bật",
        paragraphs=[
            "Các chuỗi tin được nhiều cơ quan báo chí đưa tin nhất, theo "
            + ("chủ đề." if group_by == "topic" else "sở, ngành chịu trách nhiệm.")
        ],
    )
    ordered = sorted(groups.items(), key=lambda kv: (-sum(e.included for e in kv[1]), kv[0]))
    if not ordered:  # an intro over nothing would read as if the stories were lost
        head.paragraphs = [
            "Không có chuỗi tin nổi bật nào ngoài tin bài tiêu cực (mục sau)."
            if offered
            else "Không có chuỗi tin nổi bật trong ngày."
        ]
    return [head] + [Section(name, level=2, entries=entries) for name, entries in ordered]


def _negative(offered: list[StoryDay], shown: list[Entry]) -> Section:
    entries = [e for s, e in zip(offered, shown, strict=True) if s.negative]
    section = Section("Tin bài tiêu cực cần chú ý", entries=entries)
    if not entries:
        section.paragraphs.append("Không có chuỗi tin tiêu cực nổi bật trong ngày.")
    return section


def _conflicts(
    offered: list[StoryDay],
    ids: set[int],
    titles: dict[int, tuple[str, int]],
    disputes: dict[int, list[ConflictView]],
) -> Section:
    """Where outlets disagreed on the facts, in the day's stories that have conflicts."""
    section = Section("Thông tin trái chiều")
    found = 0
    for story in offered:
        if not disputes.get(story.key):
            continue
        day = disagreements(
            c for c in disputes[story.key] if c.document_id in ids or c.other_id in ids
        )
        found += len(day)
        section.entries += [
            Entry(
                key=f"conflict:{story.key}:{n}",
                title=f"{titles[story.key][0]} — {CONFLICT_TYPES.get(c.type, c.type).lower()}",
                text=f"{', '.join(ours)}: «{c.sentence or c.span}» — {', '.join(theirs)}: "
                f"«{c.other_sentence or c.other_span}»",
                meta=f"«{c.span}» so với «{c.other_span}»",
            )
            for n, (c, ours, theirs) in enumerate(day[:CONFLICTS_PER_STORY])
        ]
    del section.entries[LISTED:]
    if found > len(section.entries):
        section.paragraphs.append(
            f"Phát hiện {count(found)} điểm trái chiều; dưới đây là {count(len(section.entries))} "
            f"điểm của các chuỗi tin nổi bật nhất (tối đa {CONFLICTS_PER_STORY} điểm mỗi chuỗi "
            "tin); xem đầy đủ trên trang Chuỗi tin."
        )
    if not found:
        section.paragraphs.append("Không phát hiện thông tin trái chiều trong ngày.")
    return section


def _spikes(store: Store, settings: Settings, period: Period) -> Section:
    """Topics, places and the city's districts and wards whose day was far above their own
    week, and watchlist spike alerts."""
    section = Section("Tăng đột biến")
    rule = WatchConfig.from_settings(settings).daily()
    watch = WatchStore(store.engine)
    found = [
        Entry(f"alert:{alert.id}", f"Danh sách theo dõi {alert.subject_label}", alert.reason)
        for alert in watch.alerts(limit=500, kinds=("spike",))
        if alert.subject_kind == "watchlist"
        and alert.created_at
        and (period.start <= alert.created_at < period.end)
    ]
    fired: list[tuple[float, Entry]] = []
    for label, noun in (("topic", "Chủ đề"), ("place", "Địa danh"), ("area", "Địa bàn")):
        counts = watch.label_counts(label, rule.origin(period.end), rule.bucket, rule.baseline + 1)
        for key, series in sorted(counts.items()):
            verdict = judge(series, rule)
            if verdict.fired:
                name = topic_name(key) if label == "topic" else key
                above = (verdict.count - verdict.mean) / max(verdict.sd, rule.min_sd)
                fired.append(
                    (above, Entry(f"spike:{label}:{key}", f"{noun} {name}", verdict.reason))
                )
    found += [entry for _, entry in sorted(fired, key=lambda pair: -pair[0])]
    section.entries = found[:LISTED]
    if found[LISTED:]:
        section.paragraphs.append(
            f"{count(len(found))} mục tăng đột biến; dưới đây là {LISTED} mục tăng mạnh nhất. "
            f"Các mục khác: {', '.join(e.title for e in found[LISTED:])}."
        )
    if not found:
        section.paragraphs.append("Không có chủ đề, địa danh, địa bàn nào tăng đột biến.")
    return section


def _cases(store: Store, period: Period) -> Section:
    """Cases opened and answered on the day, and those overdue at its end."""
    cases = CasesStore(store.engine).cases()
    names = {int(d["id"]): str(d["name"]) for d in WebStore(store.engine).departments()}
    opened = [c for c in cases if period.start <= c.opened_at < period.end]
    answered = [c for c in cases if c.answered_at and period.start <= c.answered_at < period.end]
    overdue = [c for c in cases if _overdue(c, period.end)]
    section = Section(
        "Vụ việc",
        paragraphs=[
            f"Mở mới {count(len(opened))} vụ việc, {count(len(answered))} vụ việc được trả lời; "
            f"{count(len(overdue))} vụ việc quá hạn trả lời."
        ],
    )
    if overdue:
        section.tables.append(
            Table(
                ["Vụ việc", "Sở, ngành chủ trì", "Hạn trả lời"],
                [
                    [
                        c.title,
                        ", ".join(names.get(d, str(d)) for d in c.responsible) or "—",
                        f"{c.due_on:%d/%m/%Y}",
                    ]
                    for c in overdue
                ],
                "Vụ việc quá hạn",
            )
        )
    return section


def _overdue(case: CaseRow, moment: dt.datetime) -> bool:
    return (
        case.status in OPEN_STATUSES and due_at(case.due_on) <= moment and case.opened_at < moment
    )


def _story_departments(store: Store, keys: Sequence[int]) -> dict[int, list[str]]:
    """The departments responsible for the cases opened on each story."""
    names = {int(d["id"]): str(d["name"]) for d in WebStore(store.engine).departments()}
    wanted = set(keys)
    found: dict[int, list[str]] = defaultdict(list)
    for case in CasesStore(store.engine).cases():
        if case.story_id in wanted:
            for d in case.responsible:
                if names.get(d, str(d)) not in found[case.story_id]:
                    found[case.story_id].append(names.get(d, str(d)))
    return found
