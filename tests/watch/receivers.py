"""Real local receivers for delivery tests: an HTTP endpoint that records and answers on cue, a
bare TCP server for misbehaving peers, and a watch on the connections a test attempts."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """One request as the receiver saw it."""

    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Hook:
    """The receiver's state: what came in, and the statuses to answer with next (then 200)."""

    url: str
    received: list[Received] = field(default_factory=list)
    statuses: deque[int] = field(default_factory=deque)


@contextmanager
def webhook_receiver(*statuses: int) -> Iterator[Hook]:
    """An HTTP server on 127.0.0.1 answering the given statuses in turn, then 200."""
    hook = Hook(url="")
    hook.statuses.extend(statuses)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            hook.received.append(Received(self.path, dict(self.headers.items()), body))
            status = hook.statuses.popleft() if hook.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/baochi"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def tcp_server(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A TCP server on 127.0.0.1 running `handle` on each connection in a thread; its port. On
    exit it stops accepting and waits for the handlers to end."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop, handlers = threading.Event(), list[threading.Thread]()

    def serve(conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError):  # a peer that hangs up ends its handler
            handle(conn)

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                conn, _ = listener.accept()
                conn.settimeout(None)
                handlers.append(threading.Thread(target=serve, args=(conn,)))
                handlers[-1].start()

    acceptor = threading.Thread(target=accept)
    acceptor.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        acceptor.join()
        listener.close()
        for thread in handlers:
            thread.join()


def read_request(conn: socket.socket) -> None:
    """Read one HTTP request from a connection, body included."""
    with conn.makefile("rb") as stream:
        head = []
        while (line := stream.readline()) not in (b"\r\n", b""):
            head.append(line)
        sizes = [int(line[15:]) for line in head if line.lower().startswith(b"content-length:")]
        stream.read(sum(sizes))


_watching: list[list[str]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    """Record each connection attempted under `connections()`; refuse any beyond loopback."""
    if event != "socket.connect" or not _watching or not isinstance(args[1], tuple):
        return
    host = str(args[1][0])
    _watching[-1].append(host)
    if not ipaddress.ip_address(host).is_loopback:
        raise PermissionError(f"a test may not connect to {host}")


sys.addaudithook(_audit)


@contextmanager
def connections() -> Iterator[list[str]]:
    """The hosts the code under test tries to connect to meanwhile (from Python's audit events);
    a connection beyond 127.0.0.0/8 and ::1 fails before any packet leaves."""
    attempted: list[str] = []
    _watching.append(attempted)
    try:
        yield attempted
    finally:
        _watching.remove(attempted)
