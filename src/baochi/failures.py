"""Typed failures of the pipeline: each is routed and counted, none is silent."""

from __future__ import annotations


class Failure(Exception):
    """A document or fetch that did not become an article, with a short machine-readable reason."""

    outcome = "failed"

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class Skip(Failure):
    """Permanent: not an article, blocked by robots.txt, refused by the SSRF guard."""

    outcome = "skip"


class Retry(Failure):
    """Transient: timeout, connection error, 5xx; worth another attempt later."""

    outcome = "retry"

    def __init__(self, reason: str, detail: str = "", wait: float = 0.0) -> None:
        super().__init__(reason, detail)
        self.wait = wait  # seconds the server asked us to wait (Retry-After)


class Reject(Failure):
    """Bad input: too large, wrong content type, undecodable, too many redirects."""

    outcome = "reject"
