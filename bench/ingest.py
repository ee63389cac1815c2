"""Ingest N real articles from the local test site end to end; print articles/s, peak memory, and
the ratio of total time to bare trafilatura extraction of the same pages in the same run.

    .venv/bin/python bench/ingest.py [--articles 2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import trafilatura

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from baochi import settings as settings_mod  # noqa: E402
from baochi.collect import collect_once  # noqa: E402
from baochi.db import open_store  # noqa: E402


def _descendants(pid: int) -> list[int]:
    """The pid and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class PeakMemory(threading.Thread):
    """Samples the summed RSS of this process and its descendants (extraction workers)."""

    def __init__(self, exclude: int) -> None:
        super().__init__(daemon=True)
        self.exclude, self.peak, self.running = exclude, 0, True

    def run(self) -> None:
        while self.running:
            pids = [p for p in _descendants(os.getpid()) if p not in _descendants(self.exclude)]
            self.peak = max(self.peak, sum(_rss(p) for p in pids))
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="extraction processes")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "ingest.json")
    args = parser.parse_args()

    site = subprocess.Popen(
        [
            *(sys.executable, "-m", "tests.site.server", "--precompress"),
            *("--articles", str(args.articles), "--port", "0"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert site.stdout is not None
        base = site.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_mod.load(
                environ={},
                overrides={
                    "data": tmp,
                    "allowed_private_networks": "127.0.0.1/32",
                    "host_delay": 0,
                    # One Python test server answers fastest to a few keep-alive connections.
                    "host_concurrency": args.concurrency,
                    "extract_workers": args.workers,
                },
            )
            store = open_store(settings)
            store.add_source(base + "/sitemap.xml", "Báo Thử nghiệm", kind="sitemap")
            memory = PeakMemory(exclude=site.pid)
            memory.start()
            started = time.perf_counter()
            summary = collect_once(store, settings)
            total = time.perf_counter() - started
            memory.running = False
            stored = store.counts()["documents"]
            urls = [doc.url for doc in store.documents()]

        # Bare extraction of the same pages, one process, same options as the pipeline.
        with httpx.Client() as client:
            pages = [(url, client.get(url).text) for url in urls]
        started = time.perf_counter()
        for url, html in pages:
            trafilatura.bare_extraction(
                html, url=url, with_metadata=True, include_comments=False, fast=True
            )
        bare = time.perf_counter() - started
    finally:
        site.terminate()
        site.wait()

    result = {
        "articles_requested": args.articles,
        "stored": stored,
        "skipped": summary.total("skipped"),
        "failed": summary.total("failed"),
        "extract_workers": args.workers,
        "seconds": round(total, 2),
        "articles_per_second": round(stored / total, 1),
        "bare_extraction_seconds": round(bare, 2),
        "ratio_total_to_bare_extraction": round(total / bare, 2),
        "peak_memory_mb": round(memory.peak / 2**20, 1),
        "cpu_count": os.cpu_count(),
    }
    for key, value in result.items():
        print(f"{key:32} {value}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
