"""Scale: ingest throughput from local test sites with 1, 2 and 4 `baochi worker` processes on
PostgreSQL and with `baochi run` on SQLite, then search p95 on both (bench/search.py's archive
and queries); prints the table and writes bench/results/scale.json.

    .venv/bin/python bench/scale.py --database-url postgresql+psycopg://… [--sites 4]
        [--articles 400] [--workers 1 2 4] [--search-docs 1000000] [--search-real 35000]
        [--search-data /tmp/baochi-scale-search] [--reuse] [--stores postgresql sqlite]

The search archives are kept (SQLite in --search-data, PostgreSQL in the database
baochi_scale_search): with --reuse a later run measures them as they are, in minutes.

Each site is its own host (one port each), so the per-host leases let up to one worker per site
fetch at once; the sites serve the same articles, so after the first the copies are stored
once and the others are counted as duplicates: both are ingest work (fetch, extract, dedupe),
as is a page the extractor skips; an article is counted when its URL is settled (store.SETTLED).
Workers extract inside their process (BAOCHI_EXTRACT_WORKERS=0), so their number is what scales;
`baochi run` is measured that way and with its default of 2 extraction processes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, make_url, select, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from baochi import settings as settings_mod  # noqa: E402
from baochi.db import open_store  # noqa: E402
from baochi.db.schema import urls  # noqa: E402
from baochi.db.store import SETTLED  # noqa: E402

ENV = {
    "BAOCHI_ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
    "BAOCHI_HOST_DELAY": "0",
    "BAOCHI_CHECK_INTERVAL": "3600",
}


def start_sites(count: int, articles: int) -> tuple[list[subprocess.Popen], list[str]]:
    """`count` local news sites, each on its own port; their base URLs."""
    sites, bases = [], []
    for _ in range(count):
        site = subprocess.Popen(
            [
                *(sys.executable, "-m", "tests.site.server", "--precompress"),
                *("--articles", str(articles), "--port", "0"),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert site.stdout is not None
        sites.append(site)
        bases.append(site.stdout.readline().strip())
    return sites, bases


def fresh_postgres(server: str, name: str) -> str:
    """A new, empty database on the server; its URL."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        sys.exit(
            f"--database-url {make_url(server).render_as_string()}: {exc.orig}\n"
            "it must name a database that exists on the server (…/postgres), where the bench "
            "makes its own"
        )
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_times() -> tuple[int, int]:
    """The machine's (busy, total) CPU ticks over all cores, from /proc/stat."""
    with open("/proc/stat") as stat:
        ticks = [int(n) for n in stat.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def cpu_busy(since: tuple[int, int]) -> float:
    """The share of all cores busy since `since` (1.0: every core, all the time)."""
    busy, total = cpu_times()
    return (busy - since[0]) / max(1, total - since[1])


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its living descendants (extraction pools)."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        children = set()
        for task in Path(f"/proc/{pid}/task").iterdir():
            children.update(int(c) for c in (task / "children").read_text().split())
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return seconds + sum(tree_cpu(child) for child in children)


def ingest(
    database_url: str,
    data: Path,
    bases: list[str],
    command: list[list[str]],
    expected: int,
    extract: int = 0,
) -> dict:
    """Start the processes, wait until every article of every site is settled; figures.

    `extract` is each process's number of extraction processes (0: inside the process).
    """
    settings = settings_mod.load(environ={}, overrides={"data": data, "database_url": database_url})
    store = open_store(settings)
    for k, base in enumerate(bases):
        store.add_source(base + "/sitemap.xml", f"Báo Thử nghiệm {k}", kind="sitemap")
    env = {**os.environ, **ENV, "BAOCHI_DATA": str(data), "BAOCHI_DATABASE_URL": database_url}
    env["BAOCHI_EXTRACT_WORKERS"] = str(extract)
    env["PYTHONPATH"] = str(ROOT / "src")
    cpu = cpu_times()
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "baochi", *argv],
            env={**env, "BAOCHI_PORT": str(free_port())},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for argv in command
    ]
    settled = 0
    try:
        while time.perf_counter() - started < 900:
            with store.engine.connect() as conn:
                settled = conn.execute(
                    select(func.count()).select_from(urls).where(urls.c.status.in_(SETTLED))
                ).scalar_one()
            if settled >= expected:
                break
            time.sleep(0.5)
    finally:
        seconds = time.perf_counter() - started
        busy = cpu_busy(cpu)
        ours = sum(tree_cpu(proc.pid) for proc in procs)
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    counts = store.counts()
    store.engine.dispose()
    return {
        "processes": len(command),
        "articles_settled": int(settled),
        "documents_stored": counts["documents"],
        "seconds": round(seconds, 1),
        "articles_per_second": round(settled / seconds, 1),
        "extract_processes": extract,
        "cpu_busy": round(busy, 3),
        "baochi_cores": round(ours / seconds, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def search_p95(database_url: str, data: Path, docs: int, real: int, reuse: bool) -> dict:
    """bench/search.py on an archive of `docs` documents in `data` or the database (built
    there unless it holds them already, or with `reuse` measured as it is); its figures."""
    data.mkdir(parents=True, exist_ok=True)
    if reuse:
        settings = settings_mod.load(
            environ={}, overrides={"data": data, "database_url": database_url}
        )
        store = open_store(settings)
        docs = store.counts()["documents"] or docs
        store.engine.dispose()
    out = data / "search.json"
    argv = [sys.executable, str(ROOT / "bench" / "search.py"), "--docs", str(docs)]
    argv += ["--data", str(data), "--runs", "3", "--json", str(out), "--reuse"]
    if database_url:
        argv += ["--database-url", database_url, "--real", str(real)]
    subprocess.run(argv, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": "src"})
    found = json.loads(out.read_text("utf-8"))
    keep = ("documents_indexed", "store_docs_per_second", "index_docs_per_second", "sizes_mb")
    load = {"load_average": found.get("load_average_after")}
    return {k: found.get(k) for k in (*keep, "p50_ms", "p95_ms")} | load


def table(ingest_rows: list[dict], search: dict[str, dict]) -> str:
    """The figures as the plain-text table the issue asks for."""
    lines = [
        f"{'ingest':<32}{'articles/s':>12}{'seconds':>10}{'cpu busy':>10}{'baochi':>8}"
        "   load average (1/5/15 min)"
    ]
    for row in ingest_rows:
        what = f"{row['store']} {row['command']} x{row['processes']}"
        what += f", extract {row['extract_processes']}"
        load = " ".join(f"{x:.2f}" for x in row["load_average"])
        lines.append(
            f"{what:<32}{row['articles_per_second']:>12,.1f}{row['seconds']:>10,.1f}"
            f"{row['cpu_busy']:>10.0%}{row['baochi_cores']:>8.2f}   {load}"
        )
    lines.append(f"{'search':<28}{'documents':>12}{'p50 ms':>10}{'p95 ms':>10}   load average")
    for store, found in search.items():
        load = " ".join(f"{x:.2f}" for x in found["load_average"] or ())
        lines.append(
            f"{store:<28}{found['documents_indexed']:>12,}{found['p50_ms']:>10}"
            f"{found['p95_ms']:>10}   {load}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="a PostgreSQL server to use")
    parser.add_argument("--sites", type=int, default=4)
    parser.add_argument("--articles", type=int, default=400, help="articles per site")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--search-docs", type=int, default=1_000_000)
    parser.add_argument(
        "--search-real",
        type=int,
        default=35_000,
        help="PostgreSQL: real articles stored before copying them in SQL up to --search-docs",
    )
    parser.add_argument(
        "--search-data",
        type=Path,
        default=Path("/tmp/baochi-scale-search"),
        help="where the SQLite search archive is kept",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure search on the archives an earlier run built, at the size they have "
        "(SQLite in --search-data, PostgreSQL in the database baochi_scale_search)",
    )
    parser.add_argument(
        "--stores",
        nargs="*",
        choices=("postgresql", "sqlite"),
        default=["postgresql", "sqlite"],
        help="which stores to measure search on (none: ingest only)",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    args = parser.parse_args()
    sites, bases = start_sites(args.sites, args.articles)
    expected = args.sites * args.articles
    rows = []
    try:
        for workers in args.workers:
            url = fresh_postgres(args.database_url, f"baochi_scale_{workers}")
            with tempfile.TemporaryDirectory() as tmp:
                row = ingest(url, Path(tmp), bases, [["worker"]] * workers, expected)
            rows.append({"store": "postgresql", "command": "worker", **row})
            print(rows[-1], flush=True)
        for extract in (0, 2):  # 2 is the default: a lone `baochi run` uses both cores
            with tempfile.TemporaryDirectory() as tmp:
                row = ingest("", Path(tmp), bases, [["run"]], expected, extract)
            rows.append({"store": "sqlite", "command": "run", **row})
            print(rows[-1], flush=True)
    finally:
        for site in sites:
            site.terminate()
            site.wait()
    search = {}
    if "postgresql" in args.stores:
        name = "baochi_scale_search"
        url = (
            make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
            if args.reuse
            else fresh_postgres(args.database_url, name)
        )
        search["postgresql"] = search_p95(
            url, args.search_data / "postgresql", args.search_docs, args.search_real, args.reuse
        )
    if "sqlite" in args.stores:
        sqlite = args.search_data / "sqlite"
        if not args.reuse:
            shutil.rmtree(sqlite, ignore_errors=True)
        search["sqlite"] = search_p95("", sqlite, args.search_docs, args.search_real, args.reuse)
    print(table(rows, search), flush=True)
    print(
        "cpu busy: the share of all the machine's cores in use during the ingest (the database "
        "and the test sites included); baochi: cores used by the baochi processes"
    )
    figures = {
        "ingest": rows,
        "search": search,
        "goal": "workers scale until the 2 cores are busy; PostgreSQL search p95 < 150 ms at 1M",
        "sites": args.sites,
        "articles_per_site": args.articles,
        "cpu_count": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "measured_on": dt.date.today().isoformat(),
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
