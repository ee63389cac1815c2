"""One server, one event loop, every user: a request that works for seconds (a big workbook
read, a large letter checked and written) must not hold the pages of everyone else meanwhile."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from baochi import cases
from baochi.cases import casework
from baochi.registry import web as registry_web
from baochi.targets import web as targets_web
from tests.serving import csrf, serving, signed_in
from tests.web.conftest import PASSWORD


def held_while(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> tuple[Any, Any]:
    """Make module.name wait, once called, until released: (started, release) events."""
    started, release = threading.Event(), threading.Event()
    real = getattr(module, name)

    def held(*args: Any, **kwargs: Any) -> Any:
        started.set()
        release.wait(10)  # the slow part is running
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, held)
    return started, release


def answered_meanwhile(started: Any, release: Any, reader: Any) -> int:
    """The status of another user's overview, asked for while the slow part runs."""
    assert started.wait(10)
    try:
        return int(reader.get("/", timeout=5).status_code)
    finally:
        release.set()


@pytest.mark.parametrize(
    ("module", "slow", "path", "upload", "page"),
    [
        (registry_web, "read_xlsx", "/registry/import", "co-quan-bao-chi.xlsx", "/registry"),
        (targets_web, "import_directive", "/targets/import", "1559-TB-TU.xlsx", "/targets"),
    ],
)
def test_other_pages_are_served_while_a_workbook_is_imported(
    app, people, monkeypatch, module: Any, slow: str, path: str, upload: str, page: str
) -> None:
    started, release = held_while(monkeypatch, module, slow)
    with (
        serving(app) as address,
        signed_in(address, "hoa", PASSWORD) as hoa,
        signed_in(address, "lan", PASSWORD) as lan,
    ):
        form = {"csrf": csrf(hoa, page)}
        files = {"file": (upload, b"not really a workbook", "application/octet-stream")}
        with ThreadPoolExecutor(1) as pool:
            importing = pool.submit(hoa.post, path, data=form, files=files)
            assert answered_meanwhile(started, release, lan) == 200
            assert importing.result().status_code in (200, 303, 422)  # refused: not a workbook


def test_other_pages_are_served_while_a_letter_is_attached(app, people, store, monkeypatch):
    minh = people["officer"]
    analyst = cases.Actor("analyst", user_id=people["analyst"].id)
    case_id = cases.open_case(
        store.engine, analyst, "Ngập phố Huế", responsible=[minh.department_id]
    )
    started, release = held_while(monkeypatch, casework, "attach")
    with (
        serving(app) as address,
        signed_in(address, "minh", PASSWORD) as officer,
        signed_in(address, "lan", PASSWORD) as lan,
    ):
        form = {"csrf": csrf(officer, f"/cases/{case_id}"), "answer": "Đã xử lý."}
        letter = {"file": ("cong-van.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
        with ThreadPoolExecutor(1) as pool:
            answering = pool.submit(officer.post, f"/cases/{case_id}/answer", data=form,
                                    files=letter)  # fmt: skip
            assert answered_meanwhile(started, release, lan) == 200
            assert answering.result().status_code in (200, 303, 409)
