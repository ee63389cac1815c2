"""Reading subcommands: `baochi search` and `baochi articles export`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from zoneinfo import ZoneInfo

from baochi.db import DocumentRow, open_store
from baochi.search.fulltext import search
from baochi.settings import Settings

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `search` and `articles export`."""
    p = sub.add_parser("search", help="full-text search, diacritics optional")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(handler=_search)

    articles = sub.add_parser("articles", help="stored articles")
    asub = articles.add_subparsers(dest="articles_command", required=True, metavar="ACTION")
    export = asub.add_parser("export", help="one JSON per document")
    export.add_argument("--format", choices=("jsonl",), default="jsonl")
    export.add_argument("--since", type=_date, help="fetched on or after (YYYY-MM-DD, Hà Nội time)")
    export.set_defaults(handler=_export)


def _date(value: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from exc
    return dt.datetime(day.year, day.month, day.day, tzinfo=HANOI)


def as_json(doc: DocumentRow) -> dict[str, object]:
    """A document in the export shape."""
    return {
        "id": doc.id,
        "url": doc.url,
        "outlet": doc.outlet,
        "title": doc.title,
        "text": doc.text,
        "authors": [a for a in doc.authors.split("; ") if a],
        "published_at": doc.published_at.isoformat() if doc.published_at else None,
        "fetched_at": doc.fetched_at.isoformat(),
    }


def _export(args: argparse.Namespace, settings: Settings) -> int:
    for doc in open_store(settings).documents(since=args.since):
        sys.stdout.write(json.dumps(as_json(doc), ensure_ascii=False) + "\n")
    return 0


def _search(args: argparse.Namespace, settings: Settings) -> int:
    hits = search(open_store(settings), args.query, args.limit)
    for doc, score in hits:
        if args.format == "json":
            print(json.dumps({**as_json(doc), "score": round(score, 4)}, ensure_ascii=False))
        else:
            print(f"{score:7.2f}  {doc.outlet[:24]:24}  {doc.title[:90]}\n         {doc.url}")
    if args.format == "table" and not hits:
        print("no match", file=sys.stderr)
    return 0
