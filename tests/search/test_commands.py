"""`baochi search` and `baochi search-index`, in process, on real labelled articles."""

from __future__ import annotations

import json

import pytest

from baochi import cli
from baochi.db import open_store
from baochi.search import query
from baochi.settings import Settings
from tests.search.conftest import store_articles


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch, raws: list[dict]) -> Settings:
    monkeypatch.setenv("BAOCHI_DATA", str(settings.data))
    monkeypatch.setenv("BAOCHI_DATABASE_URL", settings.database_url)
    store_articles(open_store(settings), raws[:40])
    return settings


def run(capsys: pytest.CaptureFixture[str], *argv: str, expect: int = 0) -> tuple[str, str]:
    assert cli.main(list(argv)) == expect
    return capsys.readouterr()


def test_search_prints_hits_snippets_and_facets(env: Settings, capsys) -> None:
    out, _ = run(capsys, "search", "hà nội", "--limit", "3")
    lines = out.splitlines()
    assert lines[0].endswith('kết quả cho "hà nội"')
    assert "«Hà Nội»" in out or "«HÀ NỘI»" in out
    assert any(line.startswith("Báo: ") for line in lines)
    assert any(line.startswith("Sắc thái: ") for line in lines)


def test_search_as_json_lines_then_facets(env: Settings, capsys) -> None:
    out, _ = run(capsys, "search", "ha noi", "--format", "json", "--facets", "--limit", "2")
    *hits, summary = [json.loads(line) for line in out.splitlines()]
    assert len(hits) == 2 and "<mark>" in hits[0]["snippet_html"]
    assert summary["total"] >= 2 and set(summary["facets"]) >= {"outlet", "topic", "tone", "day"}


def test_a_syntax_error_is_a_message_with_a_caret_and_exit_code_2(env: Settings, capsys) -> None:
    _, err = run(capsys, "search", 'ngập AND (lụt OR "úng', expect=2)
    message, query, caret = err.splitlines()
    assert "ngoặc kép" in message and "vị trí 18" in message
    assert caret.index("^") == query.index('"')


def test_search_index_catches_up_and_rebuilds(env: Settings, capsys) -> None:
    out, _ = run(capsys, "search-index")
    assert out == "indexed 40 documents\n"
    out, _ = run(capsys, "search-index", "--rebuild")
    assert out == "indexed 40 documents\n"


def test_an_estimated_total_says_so(env: Settings, capsys, monkeypatch) -> None:
    monkeypatch.setattr(query, "MATCH_WINDOW", 20)
    monkeypatch.setattr(query, "RANK_WINDOW", 2)
    out, _ = run(capsys, "search", "hà nội", "--limit", "1")
    assert out.startswith("≈ ") and "trong 20 bài mới nhất" in out.splitlines()[0]
    out, _ = run(capsys, "search", "ha noi", "--format", "json", "--facets", "--limit", "1")
    summary = json.loads(out.splitlines()[-1])
    assert summary["approximate"] and summary["window"] == 20
    assert sum(f[1] for f in summary["facets"]["tone"]) == summary["counted"] < summary["total"]
