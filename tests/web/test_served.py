"""One server, one event loop, every user: a request that works for seconds (a big workbook
read) must not hold the pages of everyone else meanwhile."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from baochi.registry import web as registry_web
from baochi.targets import web as targets_web
from tests.serving import csrf, serving, signed_in
from tests.web.conftest import PASSWORD


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
    started, release = threading.Event(), threading.Event()
    real = getattr(module, slow)

    def held(*args: Any) -> Any:
        started.set()
        release.wait(10)  # the workbook is being read
        return real(*args)

    monkeypatch.setattr(module, slow, held)
    with (
        serving(app) as address,
        signed_in(address, "hoa", PASSWORD) as hoa,
        signed_in(address, "lan", PASSWORD) as lan,
    ):
        form = {"csrf": csrf(hoa, page)}
        files = {"file": (upload, b"not really a workbook", "application/octet-stream")}
        with ThreadPoolExecutor(1) as pool:
            importing = pool.submit(hoa.post, path, data=form, files=files)
            assert started.wait(10)
            try:
                answered = lan.get("/", timeout=5).status_code  # while the import works
            finally:
                release.set()
            assert answered == 200
            assert importing.result().status_code in (200, 303, 422)  # refused: not a workbook
