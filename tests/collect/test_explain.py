"""Every reason a fetch or an article can fail for, as the code raises it, has its words for the
office: a reason added without them would show Hoa "bad_redirect: redirect without Location"."""

from __future__ import annotations

import ast
from pathlib import Path

import baochi
from baochi.collect.explain import REASONS, explain
from baochi.failures import Reject, Retry, Skip
from baochi.web import i18n

KINDS = {cls.__name__ for cls in (Reject, Retry, Skip)}


def raised_reasons() -> dict[str, str]:
    """Each constant reason passed to Reject, Retry or Skip in the package, with where."""
    found = {}
    for path in Path(baochi.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in KINDS
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found[node.args[0].value] = f"{path.name}:{node.lineno}"
    return found


def test_every_reason_raised_is_explained() -> None:
    raised = raised_reasons()
    assert {"timeout", "scheme", "too_short", "not_feed"} <= raised.keys()  # the scan works
    missing = {reason: where for reason, where in raised.items() if reason not in REASONS}
    assert missing == {}


def test_a_stored_error_is_explained_by_its_reason() -> None:
    assert explain("scheme: not an http(s) URL: file:///etc/passwd") == (
        "Không phải địa chỉ web (http, https): không được thu thập"
    )
    assert explain("http_404: https://hanoimoi.vn/rss/cu.rss").startswith("Không còn địa chỉ")
    assert explain("") == ""


def test_every_reason_reads_in_english_too() -> None:
    """The sources page in English says each reason in English, not in the stored Vietnamese."""
    assert {reason: words for reason, words in REASONS.items() if words not in i18n.EN} == {}
