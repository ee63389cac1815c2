"""Search at scale: build an archive of N documents from the 35,440 real articles (each copy with
its dates shifted, paragraphs shuffled, outlet rotated), index it, then time a fixed set of
realistic ranked queries with facets; print p50/p95 latency, index sizes and build rates, and
write bench/results/search.json.

    .venv/bin/python bench/search.py [--docs 1000000] [--data DIR] [--reuse] [--runs 5]
        [--database-url postgresql+psycopg://… [--real 35000]]
        (PostgreSQL: writes search-postgresql.json; --real stores that many real articles and
        copies them in SQL up to --docs, minutes for a million instead of hours)

Labels: the 1,500 articles of news-labels carry their real topic, tone and place; the others get
ones drawn from that distribution (the analysis stage that will label them is not built yet).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from baochi import settings as settings_mod  # noqa: E402
from baochi.db import Store, open_store  # noqa: E402
from baochi.records import Article, Collected, Document, Keys  # noqa: E402
from baochi.search import index, recent, run_query  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
CORPUS = DATA / "baomoi-2017" / "articles.jsonl.gz"
LABELS = DATA / "news-labels" / "train.jsonl"
OUTLETS = (
    "Tuổi Trẻ", "Thanh Niên", "VnExpress", "Dân Trí", "Hànộimới", "Kinh tế & Đô thị",
    "Lao Động", "Tiền Phong", "Người Lao Động", "VietNamNet", "Vietnamplus", "Nhân Dân",
    "Quân đội nhân dân", "Công an nhân dân", "Pháp luật TP.HCM", "Sài Gòn Giải Phóng",
    "An ninh Thủ đô", "Phụ nữ Thủ đô", "Lao động Thủ đô", "Tuổi trẻ Thủ đô", "Đài Hà Nội",
    "Báo Đà Nẵng", "Báo Hải Phòng", "Znews", "Thể thao & Văn hóa", "Sức khỏe & Đời sống",
    "Giáo dục & Thời đại", "Đầu tư", "Thanh tra", "Môi trường & Đô thị",
)  # fmt: skip
SHIFT_DAYS = 182  # the corpus spans about six months; each copy takes the half-year before
BATCH = 2000
BUILD_FIGURES = (
    "documents_stored",
    "duplicates_skipped",
    "store_seconds",
    "store_docs_per_second",
    "index_seconds",
    "index_docs_per_second",
    "copy_seconds",
    "copy_rows_seconds",
    "copied_from",
    "sizes_mb",
)
QUERIES = (
    ('hà nội AND (ngập OR "úng ngập") NOT title:"dự báo"', "relevance"),
    ('ha noi AND (ngap OR "ung ngap") NOT title:"du bao"', "relevance"),
    ("hà nội", "relevance"),
    ("tai nạn giao thông", "relevance"),
    ('"an toàn thực phẩm" trường học', "relevance"),
    ('cháy NOT "cháy rừng"', "relevance"),
    ("ùn tắc OR kẹt xe", "relevance"),
    ("tham nhũng tone:negative", "relevance"),
    ('giải phóng mặt bằng place:"hà nội"', "relevance"),
    ('outlet:"tuổi trẻ" giáo dục', "relevance"),
    ('="hồ tây"', "relevance"),
    ('title:"đà nẵng" OR title:"hải phòng"', "relevance"),
    ("ô nhiễm môi trường date:2016-03..2016-06", "relevance"),
    ("topic:do_thi date:30d", "newest"),
    ("học sinh NOT tone:negative", "newest"),
    ('"thành phố hồ chí minh" OR tp.hcm', "relevance"),
)


def load() -> tuple[list[dict], dict[str, dict]]:
    """The corpus in id order, and labels for every article (real where we have them)."""
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        articles = [json.loads(line) for line in f]
    with LABELS.open(encoding="utf-8") as f:
        real = {row["id"]: row for row in map(json.loads, f)}
    pools = {k: [row[k] for row in real.values()] for k in ("topic", "tone", "place")}
    labels = {}
    for article in articles:
        if article["id"] in real:
            labels[article["id"]] = real[article["id"]]
            continue
        rng = random.Random(article["id"])
        drawn = {k: rng.choice(pool) for k, pool in pools.items()}
        labels[article["id"]] = {**drawn, "hanoi": drawn["place"] == "Hà Nội"}
    return articles, labels


def variant(raw: dict, copy: int, copies: int, rng: random.Random) -> Article:
    """One copy of an article: dates moved back by whole half-years, paragraphs (or the sentences
    of a one-paragraph body) shuffled. The store's content hash covers the body only, so a text
    of one paragraph is all body."""
    lines = raw["text"].split("\n")
    lead, body = (lines[0], lines[1:]) if len(lines) > 1 else ("", lines)
    if copy:
        if len(body) > 1:
            rng.shuffle(body)
        else:
            sentences = re.split(r"(?<=[.!?]) ", body[0])
            rng.shuffle(sentences)
            body = [" ".join(sentences)]
    day = dt.date.fromisoformat(raw["published_estimate"])
    day -= dt.timedelta(days=SHIFT_DAYS * max(0, copies - 1 - copy))
    hour = int(hashlib.blake2b(raw["id"].encode(), digest_size=2).hexdigest(), 16) % 24
    published = dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)
    return Article(
        url=f"https://bench.local/{copy}/{raw['id']}.html",
        title=raw["title"],
        lead=lead,
        body="\n".join(body),
        published_at=published,
    )


def build(store: Store, docs: int) -> dict[str, float]:
    """Store `docs` documents oldest first (as a crawler meets them), labelling each batch as
    the analysis stage would; then bring the search indexes up to date. A copy that is the same
    text as an earlier one (a one-sentence article) is refused by the store, so copies continue
    until `docs` are stored."""
    articles, labels = load()
    copies = -(-docs // len(articles)) + 1  # one spare for the refused duplicates
    outlet_ids = [store.add_outlet(name) for name in OUTLETS]
    rng = random.Random(7)
    stored = duplicates = 0
    started = time.perf_counter()
    batch: list[Collected] = []
    meta: list[dict] = []

    def flush() -> None:
        nonlocal stored, duplicates
        saved = store.save_documents(batch)
        rows = []
        for (status, doc_id), label in zip(saved, meta, strict=True):
            if status == "stored":
                rows.append({"id": doc_id, **label})
            stored += status == "stored"
            duplicates += status == "duplicate"
        if rows:  # none when the store refused every copy of a batch
            with store.engine.begin() as conn:
                conn.execute(
                    text(
                        "UPDATE documents SET topic = :topic, tone = :tone, place = :place, "
                        "hanoi = :hanoi WHERE id = :id"
                    ),
                    rows,
                )
        batch.clear()
        meta.clear()

    copy = reported = 0
    while stored < docs:
        for k, raw in enumerate(articles):
            article = variant(raw, copy, copies, rng)
            outlet = outlet_ids[(k + 7 * copy) % len(outlet_ids)]
            document = Document(article, Keys.of(article))
            batch.append(
                Collected(document, (), article.published_at or dt.datetime.now(dt.UTC), outlet)
            )
            label = labels[raw["id"]]
            meta.append({k: label[k] for k in ("topic", "tone", "place", "hanoi")})
            if len(batch) == min(BATCH, docs - stored):
                flush()
                if stored >= reported + 50_000:
                    reported = stored
                    rate = stored / (time.perf_counter() - started)
                    print(f"  stored {stored:,} ({rate:,.0f}/s)", flush=True)
                if stored == docs:
                    break
        copy += 1
    store_seconds = time.perf_counter() - started
    started = time.perf_counter()
    while (done := index.sync(store.engine, limit=50_000)) > 0:
        print(f"  indexed +{done:,}", flush=True)
    index_seconds = time.perf_counter() - started
    return {
        "documents_requested": docs,
        "documents_stored": stored,
        "duplicates_skipped": duplicates,
        "store_seconds": round(store_seconds, 1),
        "store_docs_per_second": round(stored / store_seconds, 1),
        "index_seconds": round(index_seconds, 1),
        "index_docs_per_second": round(stored / index_seconds, 1),
    }


# PostgreSQL: the copies of the real archive, made in SQL. Each copy k gets new ids (above every
# id before it, so the latest stored is the latest published), dates k half-years later, new URL
# and content hashes, and the same index rows; triggers fill search_facets as for any insert.
# Rows a copy already made (ids up to :done) are skipped, so a stopped copy resumes.
_COPY = (
    "INSERT INTO documents (id, url, url_hash, content_hash, outlet_id, kind, title, lead, body,"
    " authors, language, encoding, published_at, fetched_at, topic, tone, place, hanoi)"
    " SELECT id + :shift_ids, url || '#' || (id + :shift_ids),"
    " md5(url || '#' || (id + :shift_ids)), md5(content_hash || '#' || (id + :shift_ids)),"
    " outlet_id, kind, title, lead, body, authors, language, encoding,"
    " published_at + :shift_days * interval '1 day',"
    " fetched_at + :shift_days * interval '1 day', topic, tone, place, hanoi"
    " FROM documents WHERE id <= :base AND id + :shift_ids BETWEEN :first AND :last",
    "INSERT INTO document_keys (document_id, url_hash, content_hash, fetched_at)"
    " SELECT id, url_hash, content_hash, fetched_at FROM documents"
    " WHERE id > greatest(:shift_ids, :done) AND id <= :top",
    "DELETE FROM search_pending WHERE doc_id > :shift_ids",
    "INSERT INTO search_text SELECT doc_id + :shift_ids, words, exact, words_size, exact_size"
    " FROM search_text WHERE doc_id <= :base AND doc_id + :shift_ids BETWEEN :first AND :last",
    "INSERT INTO search_titles SELECT doc_id + :shift_ids, words, exact FROM search_titles"
    " WHERE doc_id <= :base AND doc_id + :shift_ids BETWEEN :first AND :last",
)
# The GIN indexes of search_0003 and search_0005, dropped before the copies and built once after
# (building one is far cheaper than growing it a row at a time), in pairs: PostgreSQL builds a
# GIN index on one core.
_GIN = (
    ("search_text", "words"),
    ("search_text", "exact"),
    ("search_titles", "words"),
    ("search_titles", "exact"),
)
_COPY_DONE = (
    "UPDATE search_totals SET rows = t.rows, words_tokens = t.words, exact_tokens = t.exact"
    " FROM (SELECT count(*) AS rows, sum(words_size) AS words, sum(exact_size) AS exact"
    " FROM search_text) AS t",
    "SELECT setval('documents_id_seq', (SELECT max(id) FROM documents))",
)
# The real articles are the ids below the first copy's (a copy's URL ends in '#' and its id).
_REAL_BASE = text(
    "SELECT coalesce((SELECT min(id) - 1 FROM documents WHERE url LIKE '%#%'), max(id))"
    " FROM documents"
)


def free_gb(store: Store) -> float:
    """Free space on the disk holding the server's data (the server runs on this machine)."""
    with store.engine.connect() as conn:
        directory = conn.execute(text("SHOW data_directory")).scalar_one()
    return shutil.disk_usage(directory).free / 1e9


def build_gin(store: Store) -> None:
    """Build the missing GIN indexes, two at once (3 GB of sort memory each)."""

    def one(table: str, column: str) -> None:
        name = f"ix_{table}_{column}"
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.execute(text("SELECT to_regclass(:name)"), {"name": name}).scalar():
                return
            conn.execute(text("SET maintenance_work_mem = '3GB'"))
            started = time.perf_counter()
            conn.execute(text(f"CREATE INDEX {name} ON {table} USING gin ({column})"))
            print(f"  GIN {table}.{column}: {time.perf_counter() - started:,.0f} s", flush=True)

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda pair: one(*pair), _GIN))


def replicate(store: Store, docs: int, keep_free_gb: float) -> dict[str, float]:
    """PostgreSQL: grow an archive of real documents to ids up to `docs` by copying them in SQL,
    a committed transaction per copy (a stopped run resumes), with the text index rows copied
    rather than computed again (the same tsvectors, so reading one costs what reading the
    original does); stops copying early when the disk would keep less than `keep_free_gb`."""
    with store.engine.connect() as conn:
        base = int(conn.execute(_REAL_BASE).scalar_one())
        done = int(conn.execute(text("SELECT max(id) FROM documents")).scalar_one())
    if done >= docs:  # ids refused as duplicates leave gaps: nothing left to copy
        build_gin(store)  # unless a stopped run left the indexes to build
        with store.engine.begin() as conn:  # and the totals of the rows it copied
            for statement in _COPY_DONE:
                conn.execute(text(statement))
        return {}
    started = time.perf_counter()
    with store.engine.begin() as conn:
        for table, column in _GIN:
            conn.execute(text(f"DROP INDEX IF EXISTS ix_{table}_{column}"))
    for copy in range(done // base, -(-docs // base)):
        if keep_free_gb and free_gb(store) < keep_free_gb:
            print(f"  stopped at {done:,}: less than {keep_free_gb} GB free", flush=True)
            break
        # Sums made here, not in SQL: psycopg sends a small int as a smallint, and the sum of
        # two smallints above 32,767 fails ("smallint out of range").
        values = {
            "shift_ids": copy * base,
            "base": base,
            "first": done + 1,
            "last": docs,
            "done": done,
            "top": copy * base + base,
        }
        with store.engine.begin() as conn:
            for statement in _COPY:
                conn.execute(text(statement), {**values, "shift_days": copy * SHIFT_DAYS})
        done = min(docs, (copy + 1) * base)
        print(f"  copied {done:,} ({time.perf_counter() - started:,.0f} s)", flush=True)
    copied = time.perf_counter() - started
    build_gin(store)
    with store.engine.begin() as conn:
        for statement in _COPY_DONE:
            conn.execute(text(statement))
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    seconds = time.perf_counter() - started
    return {
        "copy_seconds": round(seconds, 1),
        "copy_rows_seconds": round(copied, 1),
        "copied_from": base,
    }


def sizes(path: Path) -> dict[str, float]:
    """Megabytes on disk per group of tables (SQLite's dbstat)."""
    groups = {
        "documents": ("documents", "sqlite_autoindex_documents", "ix_documents"),
        "search_words": ("search_words",),
        "search_exact": ("search_exact",),
        "search_facets": ("search_facets", "ix_search_facets"),
    }
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall()
    found: Counter[str] = Counter()
    for name, size in rows:
        group = next((g for g, p in groups.items() if name.startswith(p)), "other")
        found[group] += size
    found["file"] = path.stat().st_size
    return {k: round(v / 1e6, 1) for k, v in sorted(found.items())}


_PG_SIZES = text(
    "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'm')"
)


def pg_sizes(store: Store) -> dict[str, float]:
    """Megabytes per group of tables on PostgreSQL (each with its indexes and TOAST)."""
    groups = {"documents": "documents", "search_text": "search_text", "keys": "document_keys"}
    with store.engine.connect() as conn:
        rows = conn.execute(_PG_SIZES).all()
    found: Counter[str] = Counter()
    for name, size in rows:
        group = next((g for g, p in groups.items() if name.startswith(p)), "other")
        found[group] += size
    return {k: round(v / 1e6, 1) for k, v in sorted(found.items())}


def measure(store: Store, today: dt.date, runs: int) -> dict[str, object]:
    """Time every query `runs` times (after one warm-up each): p50/p95 over all the runs."""
    started = time.perf_counter()
    run_query(store, "hà nội", today=today)  # loads the label columns and the word list
    cold = time.perf_counter() - started
    per_query = []
    timings: list[float] = []
    for query, sort in QUERIES:
        started = time.perf_counter()
        result = run_query(store, query, sort=sort, today=today)
        first = (time.perf_counter() - started) * 1000
        own = []
        for _ in range(runs):
            started = time.perf_counter()
            run_query(store, query, sort=sort, today=today)
            own.append((time.perf_counter() - started) * 1000)
        timings += own
        per_query.append(
            {
                "query": query,
                "sort": sort,
                "matches": result.total,
                "approximate": result.approximate,
                "counted": result.counted,
                "ranked": result.ranked,
                "first_ms": round(first, 1),
                "median_ms": round(statistics.median(own), 1),
                "max_ms": round(max(own), 1),
            }
        )
        about = "≈" if result.approximate else " "
        print(
            f"  {statistics.median(own):7.1f} ms (first {first:7.1f})"
            f"  {about}{result.total:>8,}  {query}",
            flush=True,
        )
    ordered = sorted(timings)
    return {
        "cold_first_query_ms": round(cold * 1000, 1),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "queries": per_query,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, default=Path("/tmp/baochi-bench-search"))
    parser.add_argument("--reuse", action="store_true", help="keep an archive already built")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--database-url", default="", help="PostgreSQL instead of SQLite")
    parser.add_argument(
        "--real",
        type=int,
        default=0,
        help="PostgreSQL: store this many real articles, then copy them in SQL up to --docs",
    )
    parser.add_argument(
        "--keep-free-gb",
        type=float,
        default=10,
        help="PostgreSQL on this machine: stop copying when its disk has less free",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not CORPUS.exists():
        sys.exit(f"corpus not found at {CORPUS}")
    name = "search-postgresql.json" if args.database_url else "search.json"
    args.json = args.json or ROOT / "bench" / "results" / name
    overrides = {"data": args.data, "database_url": args.database_url}
    settings = settings_mod.load(environ={}, overrides=overrides)
    database = args.data / "baochi.sqlite3"
    if database.exists() and not args.reuse and not args.database_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    store = open_store(settings)
    load_before = os.getloadavg()
    figures: dict[str, object] = {"documents_requested": args.docs}
    real = min(args.real or args.docs, args.docs) if args.database_url else args.docs
    if store.counts()["documents"] < real:
        print(f"building an archive of {real:,} documents in {args.data}", flush=True)
        figures.update(build(store, real))
    if store.counts()["documents"] < args.docs:
        print(f"copying it to {args.docs:,} documents", flush=True)
        figures.update(replicate(store, args.docs, args.keep_free_gb))
    else:
        if args.database_url:  # what a run stopped after its copies left: indexes, totals
            replicate(store, args.docs, args.keep_free_gb)
        if args.json.exists():  # a re-run on the same archive keeps the figures of its build
            before = json.loads(args.json.read_text("utf-8"))
            if before.get("documents_requested") == args.docs:
                figures.update({k: v for k, v in before.items() if k in BUILD_FIGURES})
    if waiting := index.pending(store.engine):
        print(f"indexing {waiting:,} documents left waiting", flush=True)
        index.sync(store.engine)
    started = time.perf_counter()
    if (start := recent.refresh(store.engine)) is not None:  # what `baochi search-index` does
        print(f"recent indexes from id {start:,}: {time.perf_counter() - started:,.0f} s")
    with store.engine.connect() as conn:
        last = conn.execute(text("SELECT max(day) FROM search_facets")).scalar_one()
    today = dt.date(1970, 1, 1) + dt.timedelta(days=int(last))
    figures["documents_indexed"] = store.counts()["documents"]
    if args.database_url:
        figures["sizes_mb"] = pg_sizes(store)
    elif "store_seconds" in figures and "sizes_mb" not in figures:
        # dbstat reads the whole file: 20 minutes at a million documents on a busy disk, so a
        # reused archive keeps the sizes measured when it was built.
        figures["sizes_mb"] = sizes(database)
    print(f"sizes (MB): {figures.get('sizes_mb')}", flush=True)
    figures.update(measure(store, today, args.runs))
    figures.update(
        {
            "goal_p95_ms": 100,
            "cpu_count": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "database": store.dialect,
            "sqlite_version": sqlite3.sqlite_version,
            "measured_on": dt.date.today().isoformat(),
        }
    )
    print(
        f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms (goal < 100 ms), "
        f"cold first query {figures['cold_first_query_ms']} ms",
        flush=True,
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
