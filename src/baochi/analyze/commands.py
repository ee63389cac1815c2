"""Analysis subcommands: `baochi train`, `baochi eval`, `baochi analyze`, `baochi labels import`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baochi.analyze import TASKS, Analyzer, evaluate, train
from baochi.analyze.task import no_data
from baochi.db import open_store
from baochi.db.row_ids import row_id
from baochi.db.web_store import label_corrections
from baochi.labels import label_code
from baochi.settings import Settings
from baochi.social.spans import VIHOS
from baochi.social.spans import train_model as train_spans
from baochi.vi.place_decision import PlaceDecision
from baochi.vi.places_eval import TRAIN as PLACE_LABELS
from baochi.vi.places_eval import train_decision

if TYPE_CHECKING:  # places load the gazetteer: not at every command's start
    from baochi.vi.places import PlaceMention

RESULTS = Path("bench") / "results" / "eval.json"
OTHER_FIGURES = ("places", "extraction", "stories", "spans")
PLACE = "place"  # the learned decision of place detection, trained beside the tasks
SPANS = "spans"  # the offensive-span tagger of posts and comments (ViHOS)
# The longest JSONL line read, in bytes: a long article is some 100,000 characters, and
# analysing a 150 MB line took 5.6 GB before it failed.
MAX_LINE = 5_000_000


def register(sub: argparse._SubParsersAction) -> None:
    """Add the analysis subcommands."""
    tasks = sorted(TASKS)
    p = sub.add_parser("train", help="train the models on DIR (laid out like ../shared/data)")
    p.add_argument("tasks", nargs="*", metavar="TASK", help=", ".join([*tasks, PLACE, SPANS]))
    p.add_argument("--data", type=Path, required=True)
    p.set_defaults(handler=_train)

    p = sub.add_parser("eval", help="measure models, places, extraction and stories on DIR")
    p.add_argument("tasks", nargs="*", metavar="TASK", help=", ".join([*tasks, *OTHER_FIGURES]))
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="JSON file the figures are written into, keeping the ones this run did not measure",
    )
    p.set_defaults(handler=_eval)

    p = sub.add_parser("analyze", help="label a JSONL batch of articles or posts")
    p.add_argument(
        "--input",
        type=Path,
        required=True,
        help="JSONL, one object per line: id, text, and optionally title and published_at "
        "(ISO 8601); the batch is read whole, in order, and refused whole if a line is bad: "
        "an id that is no string or integer or that repeats another line's, NaN or Infinity, "
        f"a line over {MAX_LINE:,} bytes",
    )
    p.add_argument(
        "--output",
        type=Path,
        required=True,
        help="JSONL, one object per input line: its id and the labels",
    )
    p.add_argument(
        "--kind",
        choices=("article", "post"),
        default="article",
        help="article: topic, tone, place, hanoi, entities, story, duplicate_of, conflicts; "
        "post: sentiment, toxicity (default: %(default)s)",
    )
    p.set_defaults(handler=_analyze)

    labels = sub.add_parser("labels", help="the office's own labels")
    lsub = labels.add_subparsers(dest="labels_command", required=True, metavar="ACTION")
    p = lsub.add_parser("import", help="corrections of stored documents' labels, from JSONL")
    p.add_argument(
        "file",
        type=Path,
        help="JSONL, one object per line: id (a stored document's), task, label, and optionally "
        "user (default: admin); the model learns the stored text with the label. The file is "
        "imported whole in one transaction, or not at all if a line is bad; a label that is "
        "already the document's current correction by the same user is not added again",
    )
    p.set_defaults(handler=_labels_import)


def _models(settings: Settings) -> Path:
    return settings.data / "models"


def office_labels(settings: Settings) -> list[dict[str, Any]]:
    """The analysts' corrections joined with their documents' text, for `train`. A topic or tone
    kept by its name is read as its code; one that is neither (written before the forms checked
    it) is left out with a warning, so it cannot stop the training."""
    store = open_store(settings)
    corrections = [c for c in label_corrections(store.engine) if c["task"] in TASKS]
    labelled = sorted({c["document_id"] for c in corrections})
    texts = {  # only the labelled documents, a thousand per query, not the whole store
        doc.id: doc
        for start in range(0, len(labelled), 1000)
        for doc in store.documents(ids=labelled[start : start + 1000])
    }
    found = []
    for c in corrections:
        doc, code = texts.get(c["document_id"]), label_code(c["task"], c["label"])
        if doc is None:
            continue
        if code is None:
            print(
                f"baochi: left out the correction of document {c['document_id']}: "
                f"{c['label']!r} is not a {c['task']}",
                file=sys.stderr,
            )
            continue
        found.append({"task": c["task"], "label": code, "text": doc.text, "title": doc.title})
    return found


def _train(args: argparse.Namespace, settings: Settings) -> int:
    unknown = set(args.tasks) - {*TASKS, PLACE, SPANS}
    if unknown:
        print(f"baochi: unknown task(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    figures: dict[str, Any] = {}
    tasks = [t for t in args.tasks if t not in (PLACE, SPANS)]
    if tasks or not args.tasks:
        extra = office_labels(settings)
        figures = train(
            tasks or None, args.data, _models(settings), extra or None, progress=_told("training")
        )
    if not args.tasks or PLACE in args.tasks:
        if (args.data / PLACE_LABELS).is_file():
            _told("training")(PLACE)
            figures[PLACE] = train_decision(args.data, _models(settings))
        else:
            figures[PLACE] = no_data(args.data / PLACE_LABELS)
    if not args.tasks or SPANS in args.tasks:
        if (args.data / VIHOS).is_dir():
            _told("training")(SPANS)
            figures[SPANS] = train_spans(args.data, _models(settings))
        else:
            figures[SPANS] = no_data(args.data / VIHOS)
    print(json.dumps(figures, ensure_ascii=False, indent=1, default=str))
    return _left_out(figures, "trained")


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    wanted = set(args.tasks or [*TASKS, *OTHER_FIGURES])
    unknown = wanted - {*TASKS, *OTHER_FIGURES}
    if unknown:
        print(f"baochi: unknown figure(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    models = _models(settings)
    figures: dict[str, Any] = {}
    model_tasks = sorted(wanted & set(TASKS))
    if model_tasks:
        figures["models"] = evaluate(
            model_tasks, args.data, models if models.is_dir() else None, _told("measuring")
        )
    for name in ("places", "extraction", "stories", "spans"):
        if name in wanted:
            _told("measuring")(name)
            try:
                figures[name] = _other_figures(name, args.data, settings, models)
            except FileNotFoundError as exc:
                figures[name] = no_data(exc.filename)
    _merge_into(args.output, _measured(figures))
    text = json.dumps(figures, ensure_ascii=False, indent=1, default=str)
    print(text if args.format == "json" else _table(figures))
    return _left_out(figures, "measured")


def _told(doing: str) -> Callable[[str], None]:
    """A progress line on stderr as each step starts: training and measuring take minutes, and
    stdout keeps only the figures."""
    return lambda name: print(f"baochi: {doing} {name}…", file=sys.stderr, flush=True)


def _other_figures(name: str, data: Path, settings: Settings, models: Path) -> dict[str, Any]:
    """The figures of places, extraction, stories or spans on the data folder."""
    if name == "places":
        from baochi.vi.places_eval import evaluate as places

        return places(data)
    if name == "extraction":
        from baochi.extract.evaluate import evaluate as extraction

        return extraction(data, settings)
    if name == "stories":
        from baochi.stories import evaluate as stories

        return stories(data)
    from baochi.social.spans import measure

    if not (data / VIHOS).is_dir():
        return no_data(data / VIHOS)
    return measure(data, models if models.is_dir() else None)


def _entries(figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each result by name: a task ("toxic"), its other heads ("toxic.constructive"), and the
    other figures ("places")."""
    found: dict[str, dict[str, Any]] = {}
    for name, value in figures.items():
        if name == "models":
            found |= _entries(value)
        elif isinstance(value, dict):
            found[name] = value
            heads = {k: v for k, v in value.items() if isinstance(v, dict) and _is_result(v)}
            found |= {f"{name}.{head}": result for head, result in heads.items()}
    return found


def _is_result(value: dict[str, Any]) -> bool:
    """A head's result (trained or measured, or skipped), not one of its inner figures."""
    return "skipped" in value or {"figures", "reference"} <= value.keys()


def _left_out(figures: dict[str, Any], verb: str) -> int:
    """Say on stderr what was left out for want of data; 1 when that was everything asked."""
    entries = _entries(figures)
    skipped = {name: r["skipped"] for name, r in entries.items() if "skipped" in r}
    for name, why in skipped.items():
        print(f"baochi: {name} not {verb} ({why})", file=sys.stderr)
    return 1 if entries and len(skipped) == len(entries) else 0


def _measured(figures: dict[str, Any]) -> dict[str, Any]:
    """The figures without what was skipped, so a run without some data keeps the figures an
    earlier run wrote for it."""
    kept = {}
    for name, value in figures.items():
        if isinstance(value, dict) and "skipped" in value:
            continue
        kept[name] = _measured(value) if name == "models" else value
    return kept


def _merge_into(path: Path, figures: dict[str, Any]) -> None:
    """Write the figures into the results file over the same ones of an earlier run, keeping the
    rest: `baochi eval places` must not wipe the models' figures from bench/results/eval.json."""
    try:
        kept = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    except json.JSONDecodeError:
        kept = {}
    kept = kept if isinstance(kept, dict) else {}
    merged = kept | figures
    if isinstance(kept.get("models"), dict) and "models" in figures:
        merged["models"] = kept["models"] | figures["models"]
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(merged, ensure_ascii=False, indent=1, default=str)
    path.write_text(text + "\n", encoding="utf-8")


def _table(figures: dict[str, Any], prefix: str = "") -> str:
    """Nested figures as `path value` lines, for reading in a terminal."""
    lines = []
    for key, value in figures.items():
        if isinstance(value, dict):
            lines.append(_table(value, f"{prefix}{key}."))
        elif isinstance(value, int | float | str):
            lines.append(f"{prefix}{key:40} {value}")
    return "\n".join(line for line in lines if line)


def _jsonl_lines(path: Path) -> list[tuple[str, str]]:
    """A JSONL file's lines, each with what makes it unreadable ("" when nothing): longer than
    MAX_LINE (never held whole) or not UTF-8. A byte-order mark (Notepad's UTF-8) is skipped;
    lines are cut at line feeds only, since a JSON string may hold U+2028 or U+0085 as they are
    (Python writes them so)."""
    lines = []
    with path.open("rb") as file:
        while chunk := file.readline(MAX_LINE + 1):
            if len(chunk) > MAX_LINE and not chunk.endswith(b"\n"):
                while (rest := file.readline(MAX_LINE)) and not rest.endswith(b"\n"):
                    pass
                lines.append(("", f"longer than {MAX_LINE:,} bytes"))
                continue
            if not lines:
                chunk = chunk.removeprefix(b"\xef\xbb\xbf")
            try:
                lines.append((chunk.decode("utf-8").removesuffix("\n"), ""))
            except UnicodeDecodeError as exc:
                lines.append(("", f"not UTF-8 (byte {chunk[exc.start]:#04x} at {exc.start})"))
    return lines


def _loads(line: str) -> Any:
    """One JSONL line's value; a ValueError saying why it has none: not JSON (NaN and Infinity,
    which Python would read, are not), or nested too deeply to read."""
    try:
        return json.loads(line, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("not JSON (nested too deeply)") from None
    except ValueError as exc:
        why = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise ValueError(f"not JSON ({why})") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is no number in JSON")


def _analyze(args: argparse.Namespace, settings: Settings) -> int:
    try:
        lines = _jsonl_lines(args.input)
    except OSError as exc:
        print(f"baochi: cannot read {args.input}: {exc}", file=sys.stderr)
        return 2
    rows, problems = [], []
    seen: dict[str, int] = {}  # each id, by the line that first gave it
    for number, (line, unread) in enumerate(lines, start=1):
        if not unread and not line.strip():
            continue
        problem, row = (unread, {}) if unread else _problem(line)
        key = str(row.get("id"))  # 1 and "1" are one id to the stories' links
        if not problem and key in seen:
            problem = f"id {row['id']!r} repeats line {seen[key]}'s"
        if problem:
            problems.append(f"line {number}: {problem}")
        else:
            seen[key] = number
        rows.append(row)
    if problems:
        shown = "\n".join(problems[:20])
        print(f"baochi: {len(problems)} bad line(s), nothing analysed:\n{shown}", file=sys.stderr)
        return 2
    analyzer = Analyzer.load(_models(settings))
    if args.kind == "post":
        labels = analyzer.analyze_posts([str(row["text"]) for row in rows])
    else:
        labels = _articles(analyzer, rows, _models(settings))
    with args.output.open("w", encoding="utf-8") as out:
        for row, extra in zip(rows, labels, strict=True):
            line = json.dumps({"id": row["id"], **extra}, ensure_ascii=False, allow_nan=False)
            out.write(line + "\n")
    return 0


def _problem(line: str) -> tuple[str, dict[str, Any]]:
    """What is wrong with one input line ("" when nothing), and the line as an object."""
    try:
        row = _loads(line)
    except ValueError as exc:
        return str(exc), {}
    if not isinstance(row, dict):
        return "not a JSON object", {}
    if "id" not in row or not isinstance(row.get("text"), str):
        return "needs `id` and a `text` string", row
    if not _is_id(row["id"]):
        return f"id {str(row['id'])[:40]} is no string or integer", row
    when = row.get("published_at")
    if when is not None:
        try:
            dt.datetime.fromisoformat(str(when))
        except ValueError:
            return f"published_at {str(when)[:40]!r} is not an ISO 8601 date", row
    return "", row


def _is_id(value: Any) -> bool:
    """A document id of a batch: a string or an integer (not a boolean, list or number)."""
    return isinstance(value, str | int) and not isinstance(value, bool) and value != ""


def _articles(analyzer: Analyzer, rows: list[dict[str, Any]], models: Path) -> list[dict[str, Any]]:
    """Topic and tone, places, entities, and the batch's stories, copies and conflicts."""
    from baochi.stories import link_batch
    from baochi.vi.places import detect_places

    labels = analyzer.analyze_articles(rows)
    decision = PlaceDecision.load(models)
    places = [
        detect_places(str(row.get("title") or ""), str(row["text"]), decision=decision)
        for row in rows
    ]
    batch_time = dt.datetime.now(dt.UTC).isoformat()  # for articles given without a date
    linked = link_batch(
        [
            {
                **row,
                **label,
                "published_at": row.get("published_at")
                or row.get("published_estimate")
                or batch_time,
                "places": [m.surface for m in where.mentions],
            }
            for row, label, where in zip(rows, labels, places, strict=True)
        ]
    )
    result = []
    for label, where, link in zip(labels, places, linked, strict=True):
        result.append(
            {
                **label,
                "place": where.main,
                "hanoi": where.hanoi,
                "entities": _entities(where.mentions),
                **link,
            }
        )
    return result


def _entities(mentions: list[PlaceMention]) -> list[dict[str, Any]]:
    """Each place named, once, in the order first named, with how many times: a text naming
    Hà Nội two hundred thousand times lists it once, not two hundred thousand times."""
    named: dict[tuple[str, str], int] = {}
    for m in mentions:
        named[(m.surface, m.unit)] = named.get((m.surface, m.unit), 0) + 1
    return [
        {"text": surface, "type": "place", "unit": unit, "count": count}
        for (surface, unit), count in named.items()
    ]


def _labels_import(args: argparse.Namespace, settings: Settings) -> int:
    """Import analysts' corrections from JSONL: every line checked first, then the whole file in
    one transaction, so a bad line or a crash writes nothing. Corrections are a history, each
    kept with who and when, the latest of a document's task winning over the model: a line whose
    label and user are already that current correction is not added again (importing a file twice
    adds nothing the second time); the same label by another user is added, to keep who set it.
    A file states labels at one time: of lines for the same document and task, the last counts."""
    from baochi.db.web_store import WebStore

    store = open_store(settings)
    web = WebStore(store.engine)
    errors, rows = [], []
    try:
        lines = _jsonl_lines(args.file)
    except OSError as exc:
        print(f"baochi: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    for number, (line, unread) in enumerate(lines, start=1):
        if not unread and not line.strip():
            continue
        try:
            if unread:
                raise ValueError(unread)
            row = _correction(_loads(line))
        except ValueError as exc:
            errors.append(f"line {number}: {exc}")
            continue
        rows.append(row)
    if errors:
        print("baochi: nothing imported:\n" + "\n".join(errors), file=sys.stderr)
        return 1
    stored = store.labels_of([r["id"] for r in rows])
    ghosts = sorted({r["id"] for r in rows} - stored.keys())
    if ghosts:
        shown = ", ".join(map(str, ghosts[:10]))
        print(f"baochi: nothing imported: no stored document {shown}", file=sys.stderr)
        return 1
    users = {name: web.user_by_name(name) for name in {r["user"] for r in rows}}
    unknown = sorted(name for name, user in users.items() if user is None)
    if unknown:
        print(f"baochi: nothing imported: unknown user(s) {', '.join(unknown)}", file=sys.stderr)
        return 1
    known = {name: user for name, user in users.items() if user is not None}
    last = {(r["id"], r["task"]): r for r in rows}
    added, already = web.add_corrections(
        [(r["id"], r["task"], r["label"], known[r["user"]]) for r in last.values()]
    )
    overridden = (
        f"; {len(rows) - len(last)} overridden by a later line" if len(last) < len(rows) else ""
    )
    print(f"{added} label(s) imported, kept with who and when; {already} already so{overridden}")
    return 0


def _correction(row: Any) -> dict[str, Any]:
    """One line of `labels import` as id, task, label (its code) and user; a ValueError saying
    what is wrong with it."""
    usage = "needs JSON with a document id, a known task and label"
    if not isinstance(row, dict) or not _is_id(row.get("id")):
        raise ValueError(usage)
    doc_id = row_id(str(row["id"]))
    task, label, user = row.get("task"), row.get("label"), row.get("user", "admin")
    heads = {h.name: h.labels for t in TASKS.values() for h in t.heads}
    if doc_id is None or not isinstance(task, str) or task not in heads:
        raise ValueError(usage)
    if not isinstance(label, str):
        raise ValueError(f"{task} label must be a string, not {json.dumps(label)[:40]}")
    if not isinstance(user, str) or not user:
        raise ValueError(f"user must be a user name, not {json.dumps(user)[:40]}")
    label = label_code(task, label) or label
    if label not in heads[task]:
        raise ValueError(f"{task} label {label!r} not in {', '.join(heads[task])}")
    return {"id": doc_id, "task": task, "label": label, "user": user}
