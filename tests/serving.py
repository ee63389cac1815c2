"""The application served for real on loopback, for the tests that need a browser or requests
that share one server (and its one event loop) as they do in production."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """The app on a free loopback port, in a thread, for as long as the block runs."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


@contextmanager
def signed_in(address: str, username: str, password: str) -> Iterator[httpx.Client]:
    """A client of a served app, signed in through the real form."""
    with httpx.Client(base_url=address, timeout=30) as client:
        token = CSRF.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
        form = {"username": username, "password": password, "csrf": token, "next": "/"}
        assert client.post("/login", data=form).status_code == 303
        yield client


def csrf(client: httpx.Client, path: str) -> str:
    """The form token a page of the served app carries."""
    return CSRF.search(client.get(path).text).group(1)  # type: ignore[union-attr]
