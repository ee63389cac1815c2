"""`baochi analyze`, `baochi eval` and `baochi labels import` in process, on real articles."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
from itertools import islice
from pathlib import Path

import pytest
from sqlalchemy import text

from baochi import cli
from baochi.db import open_store
from baochi.db.web_store import WebStore, audit
from baochi.records import Article, Document, Keys
from baochi.settings import Settings
from baochi.social.spans import VIHOS, SpanTagger, load_vihos
from baochi.social.spans import evaluate as evaluate_spans
from tests.conftest import CORPUS, SHARED_DATA, needs_corpus


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("BAOCHI_DATA", str(settings.data))
    monkeypatch.setenv("BAOCHI_DATABASE_URL", settings.database_url)
    return settings


def _articles(n: int) -> list[dict]:
    needs_corpus()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in islice(f, n)]
    return [{"id": r["id"], "title": r["title"], "text": r["text"]} for r in rows]


def test_analyze_labels_every_article_of_a_batch(env, tmp_path: Path) -> None:
    rows = _articles(40)
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    assert cli.main(["analyze", "--input", str(source), "--output", str(target)]) == 0
    out = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    assert [o["id"] for o in out] == [r["id"] for r in rows]
    for o in out:
        assert o["tone"] in ("negative", "neutral", "positive")
        assert isinstance(o["hanoi"], bool) and o["place"]
        assert {"topic", "entities", "story", "duplicate_of", "conflicts"} <= set(o)
    assert len({o["story"] for o in out}) < len(out) or all(o["story"] for o in out)


def test_each_place_named_is_one_entity_with_its_count(env, tmp_path: Path) -> None:
    """A text naming Hà Nội five hundred times lists it once (an 8.8 MB line listed it two
    hundred thousand times, a 12 MB output line)."""
    text = "Mưa lớn ở Hà Nội, ngập phố Nguyễn Khuyến. " * 500 + "Đà Nẵng nắng ráo."
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps({"id": "mua", "text": text}, ensure_ascii=False), "utf-8")
    assert cli.main(["analyze", "--input", str(source), "--output", str(target)]) == 0
    (out,) = [json.loads(line) for line in target.read_text("utf-8").splitlines()]
    named = {e["text"]: e["count"] for e in out["entities"]}
    assert named["Hà Nội"] == 500 and named["Đà Nẵng"] == 1
    assert len(out["entities"]) == len(named)


def test_analyze_posts_and_refuses_bad_lines(env, tmp_path: Path, capsys) -> None:
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    good = '{"id": 1, "text": "sản phẩm tốt lắm, giao hàng nhanh"}'
    bad = ['{"id": 2}', "[1, 2]", "không phải JSON", '{"id": 3, "text": "x", "published_at": '
           '"31/02/2026"}']  # fmt: skip
    source.write_text("\n".join([good, *bad]) + "\n", "utf-8")
    assert cli.main(["analyze", "--input", str(source), "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert "4 bad line(s), nothing analysed" in err and not target.exists()
    assert "line 2: needs `id` and a `text` string" in err and "line 3: not a JSON object" in err
    assert "line 4: not JSON" in err and "line 5: published_at '31/02/2026'" in err
    source.write_bytes(b'{"id": 1, "text": "H\xe0 N\xf4i"}')  # saved in a legacy encoding
    assert cli.main(["analyze", "--input", str(source), "--output", str(target)]) == 2
    assert "line 1: not UTF-8 (byte 0xe0 at 20)" in capsys.readouterr().err
    # Notepad's byte-order mark, Windows line ends, and a line separator inside a text as
    # Python's json.dumps(ensure_ascii=False) writes it: three posts, read as three
    texts = ["sản phẩm tốt lắm, giao hàng nhanh", "dở\u2028quá", "bình\x85thường"]
    posts = [json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(texts)]
    source.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(posts).encode())
    assert (
        cli.main(["analyze", "--kind", "post", "--input", str(source), "--output", str(target)])
        == 0
    )
    rows = [json.loads(line) for line in target.read_text("utf-8").split("\n") if line]
    assert [row["id"] for row in rows] == [0, 1, 2]
    assert all(r["sentiment"] in ("negative", "neutral", "positive") for r in rows)


def test_eval_writes_the_figures_it_prints_keeping_the_others(env, tmp_path: Path, capsys) -> None:
    if not (SHARED_DATA / "article-extraction-benchmark").exists():
        pytest.skip("../shared/data is absent")
    output = tmp_path / "eval.json"
    earlier = {"models": {"topic": {"macro_f1": 84.35}}, "extraction": {"baochi": {"f1": 0.1}}}
    output.write_text(json.dumps(earlier), "utf-8")
    args = ["eval", "extraction", "--data", str(SHARED_DATA), "--format", "json", "--output"]
    assert cli.main([*args, str(output)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["extraction"]["baochi"]["f1"] > 0.9
    written = json.loads(output.read_text("utf-8"))
    assert written == {"models": earlier["models"], "extraction": printed["extraction"]}


def test_labels_import_is_all_or_nothing(env, tmp_path: Path, capsys) -> None:
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"id": 1, "task": "tone", "label": "negative"}\n'
                      '{"id": 2, "task": "tone", "label": "furious"}\n', "utf-8")  # fmt: skip
    assert cli.main(["labels", "import", str(labels)]) == 1
    assert "line 2" in capsys.readouterr().err
    labels.write_text('{"id": 999999, "task": "tone", "label": "negative"}\n', "utf-8")
    assert cli.main(["labels", "import", str(labels)]) == 1  # before: an IntegrityError
    assert "no stored document 999999" in capsys.readouterr().err
    labels.write_bytes(b'\xef\xbb\xbf{"id": 1, "task": "tone", "label": "furious"}\r\n')
    assert cli.main(["labels", "import", str(labels)]) == 1  # read: the label is what is wrong
    assert "line 1: tone label 'furious' not in" in capsys.readouterr().err
    labels.write_bytes(b"\xff\xfe\x00garbage")
    assert cli.main(["labels", "import", str(labels)]) == 1
    assert "line 1: not UTF-8 (byte 0xff at 0)" in capsys.readouterr().err
    assert cli.main(["labels", "import", str(tmp_path)]) == 2  # a folder
    assert f"cannot read {tmp_path}" in capsys.readouterr().err


def test_the_input_formats_are_in_the_help(capsys) -> None:
    """What a line of `analyze --input` and of `labels import` holds is said where it is used:
    the import's help listed text and title, which it never read."""
    for command in (["analyze", "--help"], ["labels", "import", "--help"]):
        with pytest.raises(SystemExit):
            cli.main(command)
    shown = " ".join(capsys.readouterr().out.split())
    assert "id, text, and optionally title and published_at (ISO 8601)" in shown
    assert "post: sentiment, toxicity" in shown
    assert "id (a stored document's), task, label, and optionally user" in shown
    assert "title" not in shown.partition("labels import")[2]


def test_train_and_eval_do_what_the_data_folder_allows(env, tmp_path: Path, capsys) -> None:
    if not (SHARED_DATA / "victsd").is_dir():
        pytest.skip("../shared/data is absent")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["train", "--data", str(empty)]) == 1  # nothing to train on
    err = capsys.readouterr().err
    assert f"topic not trained (no data: {empty}/news-labels/train.jsonl not found)" in err
    assert "toxic.constructive not trained" in err and "place not trained" in err
    assert not (env.data / "models").exists() or not any((env.data / "models").iterdir())
    only = tmp_path / "only-victsd"
    only.mkdir()
    (only / "victsd").symlink_to(SHARED_DATA / "victsd")
    output = tmp_path / "eval.json"
    args = ["eval", "--data", str(only), "--format", "json", "--output", str(output)]
    assert cli.main(args) == 0  # the comments' figures, and a word on the rest
    shown = capsys.readouterr()
    printed = json.loads(shown.out)
    assert "topic not measured" in shown.err and "toxic not measured" not in shown.err
    # each step said as it starts, on stderr: stdout keeps the figures alone
    assert "baochi: measuring toxic…" in shown.err and "baochi: measuring places…" in shown.err
    assert shown.err.index("measuring toxic…") < shown.err.index("measuring places…")
    assert printed["models"]["toxic"]["figures"]["n"] == 2000
    assert printed["models"]["topic"] == {
        "skipped": f"no data: {only}/news-labels/train.jsonl not found"
    }
    written = json.loads(output.read_text("utf-8"))
    assert set(written["models"]) == {"toxic"} and "places" not in written  # no "skipped" kept


def test_train_place_saves_the_decision_that_analyze_then_uses(env, tmp_path: Path, capsys) -> None:
    needs_corpus()
    assert cli.main(["train", "place", "--data", str(SHARED_DATA)]) == 0
    trained = capsys.readouterr()
    assert trained.err == "baochi: training place…\n"
    figures = json.loads(trained.out)
    assert set(figures) == {"place"} and figures["place"]["holdout"]["n"] > 400
    assert (env.data / "models" / "place_decision.npz").is_file()
    assert not (env.data / "models" / "topic.npz").exists()  # only what was asked
    rows = [
        {"id": "1", "title": "Cháy xưởng gỗ ở huyện Sóc Sơn", "text": "Xưởng gỗ ở Sóc Sơn cháy."}
    ]
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps(rows[0], ensure_ascii=False) + "\n", "utf-8")
    assert cli.main(["analyze", "--input", str(source), "--output", str(target)]) == 0
    assert json.loads(target.read_text("utf-8"))["place"] == "Hà Nội"
    assert cli.main(["train", "nowhere", "--data", str(SHARED_DATA)]) == 2


def test_train_and_eval_spans_make_and_measure_the_span_tagger(
    env: Settings, tmp_path: Path, capsys
) -> None:
    source = SHARED_DATA / VIHOS
    if not source.is_dir():
        pytest.skip(f"ViHOS not found at {source}")
    data = tmp_path / "data"
    (data / VIHOS).mkdir(parents=True)
    for name, rows in (("train.csv", 2000), ("dev.csv", 400)):  # a slice, laid out as the data
        with (source / name).open(encoding="utf-8", newline="") as f:
            kept = list(islice(csv.reader(f), rows + 1))
        with (data / VIHOS / name).open("w", encoding="utf-8", newline="") as f:
            csv.writer(f).writerows(kept)
    assert cli.main(["train", "spans", "--data", str(data)]) == 0
    models = env.data / "models"
    meta = json.loads((models / "spans.json").read_text("utf-8"))
    assert (meta["format"], meta["train"], meta["dev"]["comments"]) == (1, 2000 + 400, 400)
    assert (models / "spans.crfsuite").read_bytes()[:4] == b"lCRF"  # CRFsuite's format
    dev = load_vihos(data / VIHOS / "dev.csv")
    saved = evaluate_spans(SpanTagger(models / "spans.crfsuite"), dev)
    assert saved["span_f1"] > meta["dev"]["span_f1"]  # it learnt dev; the figure did not
    capsys.readouterr()
    out = tmp_path / "eval.json"
    assert cli.main(["eval", "spans", "--data", str(data), "--output", str(out)]) == 0
    figures = json.loads(out.read_text("utf-8"))["spans"]
    assert figures["trained"]["model"] == "trained" and figures["rules"]["model"] == "rules"
    assert figures["trained"]["span_f1"] > figures["rules"]["span_f1"]
    assert figures["trained"]["span_f1"] == meta["dev"]["span_f1"]
    assert figures["trained"]["reference"]["value"] == 0.777


def _two_documents(settings: Settings) -> None:
    """Two stored articles and the `admin` user, for `labels import`."""
    store = open_store(settings)
    now = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    for n in (1, 2):
        article = Article(
            url=f"https://hanoimoi.vn/tin-{n}.html",
            title=f"Tin số {n}",
            lead="Hà Nội mưa lớn, nhiều tuyến phố ngập.",
            body=f"Bài số {n} kể chuyện mưa ngập ở quận Đống Đa.",
            published_at=now,
        )
        assert store.save_document(Document(article, Keys.of(article)), [article.url], now)[1] == n
    WebStore(store.engine).add_user("admin", "admin", "x")


def _corrections(settings: Settings) -> int:
    with open_store(settings).engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM label_corrections")).scalar_one()


def test_labels_import_is_one_transaction_and_adds_a_file_once(
    env, tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed part way wrote 18,433 of 20,000 corrections, and a second run added all
    20,000 again: now the file is one transaction, and what is already so is not added."""
    _two_documents(env)
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"id": 1, "task": "tone", "label": "Tiêu cực"}\n'
                      '{"id": "2", "task": "topic", "label": "giao duc"}\n', "utf-8")  # fmt: skip
    calls = []

    def crash(*args, **kwargs) -> None:
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("killed")
        audit(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr("baochi.db.web_store.audit", crash)
        with pytest.raises(RuntimeError, match="killed"):
            cli.main(["labels", "import", str(labels)])
    assert _corrections(env) == 0  # the first line's correction went with the second's crash
    assert cli.main(["labels", "import", str(labels)]) == 0
    assert "2 label(s) imported" in capsys.readouterr().out
    assert cli.main(["labels", "import", str(labels)]) == 0
    assert "0 label(s) imported, kept with who and when; 2 already so" in capsys.readouterr().out
    assert _corrections(env) == 2
    # of one file's lines for the same document and task, the last is the label it states
    flips = "".join(
        json.dumps({"id": 1, "task": "tone", "label": label}) + "\n"
        for label in ["positive", "neutral", "negative"] * 3
    )
    labels.write_text(flips, "utf-8")
    assert cli.main(["labels", "import", str(labels)]) == 0
    assert _corrections(env) == 2  # "negative" by admin is document 1's tone already
    labels.write_text(flips + '{"id": 1, "task": "tone", "label": "positive"}\n', "utf-8")
    assert cli.main(["labels", "import", str(labels)]) == 0
    assert cli.main(["labels", "import", str(labels)]) == 0
    assert _corrections(env) == 3
    labels_now = WebStore(open_store(env).engine).labels(1)
    assert labels_now["tone"]["label"] == "positive" and labels_now["tone"]["user"] == "admin"


def test_labels_import_refuses_unreadable_lines_by_number(env, tmp_path: Path, capsys) -> None:
    """Deep nesting ended in a RecursionError, a list as user in a TypeError, NaN was read."""
    labels = tmp_path / "labels.jsonl"
    lines = [
        "[" * 100_000 + "]" * 100_000,
        '{"id": 1, "task": "tone", "label": "negative", "user": ["admin"]}',
        '{"id": 1, "task": "tone", "label": "negative", "user": {"n": "admin"}}',
        '{"id": NaN, "task": "tone", "label": "negative"}',
        '{"id": 1, "task": "tone", "label": ["negative"]}',
    ]
    labels.write_text("\n".join(lines) + "\n", "utf-8")
    assert cli.main(["labels", "import", str(labels)]) == 1
    err = capsys.readouterr().err
    assert "line 1: not JSON (nested too deeply)" in err
    assert 'line 2: user must be a user name, not ["admin"]' in err
    assert 'line 3: user must be a user name, not {"n": "admin"}' in err
    assert "line 4: not JSON (NaN is no number in JSON)" in err
    assert 'line 5: tone label must be a string, not ["negative"]' in err


def test_analyze_refuses_ids_numbers_and_lines_json_cannot_hold(
    env, tmp_path: Path, capsys
) -> None:
    """NaN and Infinity were read and written back as `"id": NaN`; 1 and "1" were taken as two
    articles, the first a copy of itself; a list was an id; deep nesting was a RecursionError;
    a 150 MB line took 5.6 GB."""
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [
        '{"id": 1, "text": "Hà Nội mưa lớn gây ngập"}',
        '{"id": "1", "text": "Hà Nội mưa lớn gây ngập"}',
        '{"id": [1, 2], "text": "Hồ Gươm"}',
        '{"id": NaN, "text": "Hà Nội"}',
        '{"id": 5, "text": "Hà Nội", "score": -Infinity}',
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"id": 7, "text": "x" * 5_000_001}),
        '{"id": true, "text": "Hà Nội"}',
    ]
    source.write_text("\n".join(lines) + "\n", "utf-8")
    assert cli.main(["analyze", "--input", str(source), "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert "7 bad line(s), nothing analysed" in err and not target.exists()
    assert "line 2: id '1' repeats line 1's" in err
    assert "line 3: id [1, 2] is no string or integer" in err
    assert "line 4: not JSON (NaN is no number in JSON)" in err
    assert "line 5: not JSON (-Infinity is no number in JSON)" in err
    assert "line 6: not JSON (nested too deeply)" in err
    assert "line 7: longer than 5,000,000 bytes" in err
    assert "line 8: id True is no string or integer" in err
