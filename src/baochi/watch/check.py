"""One check: new matches and spikes of every watchlist, spikes of every topic, place and story,
quiet outlets, conflicting reports found in stories, then digests and delivery.

Run by `baochi watch check` on a schedule; the clock is a parameter, so a replay or a test can
run it at any moment, and running it twice at the same moment writes nothing new.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from baochi.db import DocumentRow, Store
from baochi.db.store import SourceRow
from baochi.db.stories_store import ConflictView, StoryStore
from baochi.db.watch_store import Alert, RuleRow, WatchlistRow, WatchStore
from baochi.hanoi_time import HANOI
from baochi.labels import label_name
from baochi.search import QueryError
from baochi.watch.config import WatchConfig
from baochi.watch.digest import DOCUMENTS_SHOWN, deliver_due, group
from baochi.watch.health import judge_quiet, source_facts
from baochi.watch.matching import appeared_at, recent_matches
from baochi.watch.notify import Notifier
from baochi.watch.spikes import SpikeRule, Verdict, judge
from baochi.watch.wording import reason_of

# How far back a check looks for conflicts the story stage found; one alert per story and day.
CONFLICT_WINDOW = dt.timedelta(days=1)
# Labelled subjects that have spikes of their own, and how an alert names them.
SUBJECTS = {"topic": "chủ đề", "place": "địa danh", "area": "địa bàn", "story": "chuỗi tin"}


@dataclass
class CheckSummary:
    """What one check did: the alerts it raised, digests made, and delivery outcomes."""

    alerts: list[Alert] = field(default_factory=list)
    digests: int = 0
    deliveries: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # watchlists that could not be evaluated

    def by_kind(self) -> Counter[str]:
        """New alerts per kind."""
        return Counter(a.kind for a in self.alerts)


def check(
    store: Store,
    watch: WatchStore,
    config: WatchConfig,
    now: dt.datetime,
    channels: Mapping[str, Notifier],
) -> CheckSummary:
    """Evaluate everything at `now`, store and route the new alerts, send the digests due.

    A watchlist that cannot run (its query no longer parses, or search is not available on this
    database) is reported in the summary and does not stop the others. Watermarks move only
    once the alerts are stored: a check interrupted before reports the same documents next time.
    """
    summary = CheckSummary()
    found: list[Alert] = []
    watermarks: dict[int, int] = {}
    for watchlist in watch.watchlists(enabled_only=True):
        try:
            matches, watermarks[watchlist.id] = watchlist_alerts(
                store, watch, config, watchlist, now
            )
        except (QueryError, NotImplementedError) as exc:
            summary.problems.append(f"{watchlist.name}: {exc}")
            continue
        found += matches
    found += label_alerts(watch, config, now)
    found += health_alerts(store, watch, config, now)
    found += _social_alerts(watch, config, now)
    found += conflict_alerts(StoryStore(store.engine).conflicts_found(now - CONFLICT_WINDOW, now))
    found = _after_warm_up(found, watch.collecting_since(), config, now)
    rules = watch.rules()
    for alert in found:
        stored = raise_alert(watch, alert, now, rules)
        if stored is not None:
            summary.alerts.append(stored)
    watch.set_watermarks(watermarks)
    summary.digests = len(group(watch, rules, now))
    summary.deliveries = deliver_due(watch, config, channels, now)
    return summary


def raise_alert(
    watch: WatchStore, alert: Alert, now: dt.datetime, rules: Sequence[RuleRow] | None = None
) -> Alert | None:
    """Store an alert and owe it to every rule that wants it, at once (a crash between the two
    would leave it owed to none); None if it was already raised.

    Other areas (conflicting reports, stories) raise their alerts through here too.
    """
    wanting = [r.id for r in (watch.rules() if rules is None else rules) if r.wants(alert)]
    return watch.add_alert(alert, now, wanting)


def watchlist_alerts(
    store: Store, watch: WatchStore, config: WatchConfig, watchlist: WatchlistRow, now: dt.datetime
) -> tuple[list[Alert], int]:
    """A watchlist's new matches since its watermark, and its spikes over a day and an hour;
    and the watermark to move to once they are stored.

    New matches wait while stored documents await the search index, so none is skipped.
    """
    daily, hourly = config.daily(watchlist.spike_k), config.hourly(watchlist.spike_k)
    last = watch.last_document_id()
    matches = recent_matches(store, watchlist.query, daily.origin(now))
    found = []
    watermark = watchlist.watermark if matches.pending else last
    if not matches.pending:
        fresh = [d for d in matches.documents if watchlist.watermark < d.id <= last]
        if fresh:
            fresh.sort(key=lambda d: d.id, reverse=True)
            why = {"kind": "match", "count": len(fresh), "query": watchlist.query}
            found.append(
                Alert(
                    kind="match",
                    subject_kind="watchlist",
                    subject_key=str(watchlist.id),
                    subject_label=watchlist.name,
                    watchlist_id=watchlist.id,
                    observed=len(fresh),
                    reason=reason_of(why),
                    dedupe_key=f"match:{watchlist.id}:{watchlist.watermark}:{last}",
                    payload={
                        "documents": [_document(d) for d in fresh[:DOCUMENTS_SHOWN]],
                        "why": why,
                    },
                )
            )
    ids = [d.id for d in matches.documents]
    for rule in (daily, hourly):
        series = watch.id_counts(ids, rule.origin(now), rule.bucket, rule.baseline + 1)
        verdict = judge(series, rule)
        key = str(watchlist.id)
        if verdict.fired and cooled(watch, "spike", "watchlist", key, rule, now):
            found.append(
                spike_alert(verdict, series, "watchlist", key, watchlist.name, now, watchlist.id)
            )
    return found, watermark


def label_alerts(watch: WatchStore, config: WatchConfig, now: dt.datetime) -> list[Alert]:
    """Spikes of every topic, place, district or ward of the city, and story that the analysis
    labelled documents with."""
    found = []
    for label, noun in SUBJECTS.items():
        for rule in (config.daily(), config.hourly()):
            counts = watch.label_counts(label, rule.origin(now), rule.bucket, rule.baseline + 1)
            for key, series in sorted(counts.items()):
                verdict = judge(series, rule)
                if verdict.fired and cooled(watch, "spike", label, key, rule, now):
                    name = _subject_name(watch, label, key)
                    found.append(spike_alert(verdict, series, label, key, name, now, noun=noun))
    return found


def _subject_name(watch: WatchStore, label: str, key: str) -> str:
    """How people know a subject: a topic by its name ("Xã hội", not xa_hoi), a story by its
    number and title."""
    if label == "story":
        story = StoryStore(watch.engine).story(int(key))
        return f"{key}: {story.title}" if story and story.title else key
    return label_name(label, key)


def spike_alert(
    verdict: Verdict,
    series: Sequence[int],
    subject_kind: str,
    subject_key: str,
    label: str,
    now: dt.datetime,
    watchlist_id: int | None = None,
    noun: str = "",
    items: str = "bài",
) -> Alert:
    """The alert of a fired spike verdict on any subject (watchlist, topic, place, story); a
    labelled subject is named by its `noun` ("chủ đề") before its name, in any language, and
    what is counted is `items` (articles, or a channel's posts and comments)."""
    rule, why = verdict.rule, verdict.why | {"items": items}
    payload: dict[str, Any] = {
        "series": list(series),
        "k": rule.k,
        "min_count": rule.min_count,
        "why": why,
    }
    if noun:
        payload["subject"] = {"noun": noun, "name": label}
    return Alert(
        kind="spike",
        subject_kind=subject_kind,
        subject_key=subject_key,
        subject_label=f"{noun} {label}" if noun else label,
        watchlist_id=watchlist_id,
        span=rule.span,
        observed=verdict.count,
        baseline_mean=round(verdict.mean, 3),
        baseline_sd=round(verdict.sd, 3),
        threshold=round(verdict.threshold, 3),
        reason=reason_of(why),
        dedupe_key=f"spike:{subject_kind}:{subject_key}:{rule.span}:{_period(rule, now)}",
        payload=payload,
    )


def health_alerts(
    store: Store, watch: WatchStore, config: WatchConfig, now: dt.datetime
) -> list[Alert]:
    """Outlets that went quiet over the last day, with what the collector knows of their sources."""
    rule = config.quiet()
    window = rule.series
    counts = watch.outlet_counts(window.origin(now), window.bucket, window.baseline + 1)
    by_outlet: dict[int, list[SourceRow]] = defaultdict(list)
    for source in store.sources():
        by_outlet[source.outlet_id].append(source)
    found = []
    for (outlet_id, name), series in sorted(counts.items()):
        verdict = judge_quiet(series, rule)
        if not verdict.fired or not cooled(watch, "health", "outlet", str(outlet_id), window, now):
            continue
        why = {**verdict.why, "sources": source_facts(by_outlet[outlet_id])}
        found.append(
            Alert(
                kind="health",
                subject_kind="outlet",
                subject_key=str(outlet_id),
                subject_label=name,
                span=window.span,
                observed=verdict.count,
                baseline_mean=round(verdict.mean, 3),
                baseline_sd=round(verdict.sd, 3),
                threshold=round(rule.ratio * verdict.mean, 3),
                reason=reason_of(why),
                dedupe_key=f"health:outlet:{outlet_id}:{window.span}:{_period(window, now)}",
                payload={"series": series, "ratio": rule.ratio, "why": why},
            )
        )
    return found


def conflict_alerts(found: Sequence[ConflictView]) -> list[Alert]:
    """One alert per story and day with conflicting reports, however many pairs of phrases
    disagree: a story of fifty articles can hold hundreds of pairs, and the story page lists
    them all. The alert shows one pair, an official source's first, and counts the rest."""
    by_story: dict[tuple[int, dt.date], list[ConflictView]] = defaultdict(list)
    for c in found:
        by_story[(c.story_id, c.found_at.astimezone(HANOI).date())].append(c)
    alerts = []
    for (story_id, day), pairs in by_story.items():
        shown = next((c for c in pairs if c.official or c.other_official), pairs[0])
        why = {"kind": "conflict", "sides": _sides(shown), "more": len(pairs) - 1}
        alerts.append(
            Alert(
                kind="conflict",
                subject_kind="story",
                subject_key=str(story_id),
                subject_label=shown.story_title,
                observed=len(pairs),
                reason=reason_of(why),
                dedupe_key=f"conflict:story:{story_id}:{day.isoformat()}",
                payload={
                    "type": shown.type,
                    "documents": shown.sides(),
                    "pairs": len(pairs),
                    "why": why,
                },
            )
        )
    return alerts


def _sides(c: ConflictView) -> list[dict[str, object]]:
    """Both phrases with their outlets, an official source's side first."""
    sides = [
        {"span": c.span, "outlet": c.outlet, "official": c.official},
        {"span": c.other_span, "outlet": c.other_outlet, "official": c.other_official},
    ]
    return sides[::-1] if c.other_official and not c.official else sides


def _social_alerts(watch: WatchStore, config: WatchConfig, now: dt.datetime) -> list[Alert]:
    """Spikes of the social channels and platforms (the social area's rule)."""
    from baochi.social.signals import social_alerts  # social builds on this module

    return social_alerts(watch, config, now)


def _after_warm_up(
    found: list[Alert], since: dt.datetime | None, config: WatchConfig, now: dt.datetime
) -> list[Alert]:
    """The alerts, less the spikes judged against days or hours before collection began (it
    must have begun within the baseline's first day or hour): on a new install every topic,
    place and story would otherwise spike against a baseline of 0."""
    rules = (config.daily(), config.hourly())
    origins = {rule.span: rule.origin(now) + rule.bucket for rule in rules}
    return [
        a
        for a in found
        if a.kind != "spike" or (since is not None and since < origins.get(a.span, now))
    ]


def cooled(
    watch: WatchStore, kind: str, subject_kind: str, key: str, rule: SpikeRule, now: dt.datetime
) -> bool:
    """Whether the subject has been silent for a whole window, so one burst makes one alert."""
    last = watch.last_alert_at(kind, subject_kind, key, rule.span)
    return last is None or now - last >= rule.bucket


def _period(rule: SpikeRule, now: dt.datetime) -> int:
    """The window-sized period `now` falls in, which makes a repeated check's key the same."""
    return int(now.timestamp() // rule.bucket.total_seconds())


def _document(doc: DocumentRow) -> dict[str, object]:
    return {
        "id": doc.id,
        "title": doc.title,
        "url": doc.url,
        "outlet": doc.outlet,
        "published_at": appeared_at(doc).isoformat(),
    }
