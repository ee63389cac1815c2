"""Reading subcommands: `baochi search`, `baochi search-index` and `baochi articles export`."""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import sys

from markupsafe import Markup

from baochi.db import DocumentRow, open_store
from baochi.hanoi_time import HANOI
from baochi.search import index, recent
from baochi.search.errors import QueryError
from baochi.search.query import SORTS, SearchResult, run_query
from baochi.settings import Settings

FACET_NAMES = {
    "outlet": "Báo",
    "topic": "Chủ đề",
    "tone": "Sắc thái",
    "place": "Nơi",
    "area": "Quận, phường",
    "kind": "Loại",
    "platform": "Nền tảng",
    "day": "Ngày",
}


def register(sub: argparse._SubParsersAction) -> None:
    """Add `search`, `search-index` and `articles export`."""
    p = sub.add_parser(
        "search",
        help='search the archive: words, "phrases", AND/OR/NOT, (), fields, dates',
        description='e.g. hà nội AND (ngập OR "úng ngập") NOT title:"dự báo" date:7d',
    )
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--sort", choices=SORTS, default="relevance")
    p.add_argument("--exact", action="store_true", help="every word with its exact diacritics")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--facets", action="store_true", help="with --format json: a last line of facets"
    )
    p.set_defaults(handler=_search)

    reindex = sub.add_parser("search-index", help="bring the search indexes up to date")
    reindex.add_argument("--rebuild", action="store_true", help="index every document again")
    reindex.set_defaults(handler=_index)

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


def _index(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    if args.rebuild:
        index.rebuild(store.engine)
    done = index.sync(store.engine)
    print(f"indexed {done} documents")
    start = recent.refresh(store.engine)
    if start is not None:
        print(f"indexed the newest documents apart, from id {start:,} on")
    return 0


def _search(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    try:
        result = run_query(
            store,
            args.query,
            limit=args.limit,
            offset=args.offset,
            sort=args.sort,
            exact=args.exact,
            facets=args.format == "table" or args.facets,
        )
    except QueryError as exc:
        print(exc.pointer(args.query), file=sys.stderr)
        return 2
    if args.format == "json":
        for hit in result.hits:
            line = {
                **as_json(hit.doc),
                "score": round(hit.score, 4),
                "title_html": str(hit.title),
                "snippet_html": str(hit.snippet),
            }
            print(json.dumps(line, ensure_ascii=False))
        if args.facets:
            facets = {k: [[f.value, f.count] for f in v] for k, v in result.facets.items()}
            counts = {"total": result.total, "approximate": result.approximate}
            if result.approximate:
                counts |= {"counted": result.counted, "window": result.window}
            print(json.dumps({**counts, "facets": facets}, ensure_ascii=False))
        return 0
    _print_table(result)
    return 0


def _terminal(markup: Markup) -> str:
    """Marked-up text for a terminal: «marked» words, entities decoded, one line."""
    text = str(markup).replace("<mark>", "«").replace("</mark>", "»")
    return " ".join(html.unescape(text).split())


def _print_table(result: SearchResult) -> None:
    ranked_part = 0 < result.ranked < result.total
    note = f" (xếp hạng trong {result.ranked:,} bài mới nhất)" if ranked_part else ""
    if result.approximate:
        note += (
            f" (ước tính: đếm đủ {result.counted:,} trong {result.window:,} bài mới nhất,"
            " các nhóm bên dưới cũng vậy)"
        )
    about = "≈ " if result.approximate else ""
    print(f"{about}{result.total:,} kết quả cho {result.understood}{note}")
    if result.pending:
        print(f"{result.pending:,} bài mới chưa vào chỉ mục (baochi search-index)")
    for hit in result.hits:
        published = hit.doc.published_at or hit.doc.fetched_at
        day = published.astimezone(HANOI).strftime("%d/%m/%Y")
        print(f"{hit.score:7.2f}  {day}  {hit.doc.outlet[:22]:22}  {_terminal(hit.title)[:90]}")
        print(f"         {_terminal(hit.snippet)}\n         {hit.doc.url}")
    for field, facets in result.facets.items():
        shown = facets[-10:] if field == "day" else facets[:10]
        if shown:
            values = " · ".join(f"{_shown(field, f.value)} {f.count:,}" for f in shown)
            print(f"{FACET_NAMES[field]}: {values}")


def _shown(field: str, value: str) -> str:
    """A facet value as the office reads it: days as dd/mm/yyyy."""
    return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if field == "day" else value
