"""Candidate replies: among a story's new articles, those that look like an answer or a correction.

The monitoring only proposes: an article published after the case opened that names the
department or uses the words of a reply ("trả lời", "phản hồi", "cải chính"…); an analyst confirms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from baochi.vi import contains

REPLY_CUES = (
    "trả lời",
    "phản hồi",
    "làm rõ",
    "lên tiếng",
    "vào cuộc",
    "giải trình",
    "thông tin thêm",
    "chỉ đạo xử lý",
)
CORRECTION_CUES = ("cải chính", "đính chính", "xin lỗi bạn đọc")
CANDIDATE_SCORE = 3


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article that may be the reply, with its score and the kind it looks like."""

    document_id: int
    score: int
    relation: str  # candidate (a reply) or correction


def score_reply(title: str, text: str, department_names: Iterable[str]) -> tuple[int, bool]:
    """How much an article looks like a reply (title cues weigh more), and whether a correction."""
    score = 0
    correction = False
    for cue in (*REPLY_CUES, *CORRECTION_CUES):
        in_title, in_text = contains(title, cue), contains(text, cue)
        if in_title or in_text:
            score += 3 if in_title else 1
            correction = correction or cue in CORRECTION_CUES
    for name in department_names:
        if name and contains(title, name):
            score += 3
        elif name and contains(text, name):
            score += 2
    return score, correction


def reply_candidates(
    opened_at: dt.datetime,
    articles: Iterable[Mapping[str, Any]],
    department_names: Iterable[str] = (),
) -> list[Candidate]:
    """Articles published after the case opened that score as replies, best first."""
    names = list(department_names)
    found = []
    for article in articles:
        published = article.get("published_at") or article["fetched_at"]
        if published < opened_at:
            continue
        text = f"{article.get('lead', '')}\n{article.get('body', '')}"
        score, correction = score_reply(article["title"], text, names)
        if score >= CANDIDATE_SCORE:
            found.append(
                Candidate(int(article["id"]), score, "correction" if correction else "candidate")
            )
    return sorted(found, key=lambda c: -c.score)
