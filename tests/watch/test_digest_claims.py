"""Of several workers one sends a digest: it is claimed first, and a dead worker's claim lapses
(at once when the worker was a process of this machine)."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from baochi.db import Store
from baochi.db.watch_store import WatchStore
from baochi.watch import WatchConfig, check, notifiers, raise_alert
from baochi.watch.digest import CLAIM, deliver_due
from tests.watch.conftest import NOW, conflict_alert
from tests.watch.test_mail import Inbox, smtp_server

MINUTE = dt.timedelta(minutes=1)
TARGET = "so-xay-dung@hanoi.gov.vn"


class Receiver(Inbox):
    """An SMTP inbox that takes `delay` seconds to answer a message, and turns away the first
    ones with the given replies."""

    def __init__(self, delay: float = 0.0, *refusals: str) -> None:
        super().__init__()
        self.delay, self.refusals = delay, list(refusals)

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        await asyncio.sleep(self.delay)
        if self.refusals:
            return self.refusals.pop(0)
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def mail_to(receiver: Receiver) -> Iterator[WatchConfig]:
    """Mail through a real SMTP server on 127.0.0.1 delivering to the receiver."""
    with smtp_server(receiver) as port:
        yield WatchConfig(
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_from="baochi@hanoi.gov.vn",
            notify_timeout=10.0,
            delivery_backoff=60.0,
        )


def _digest(watch: WatchStore) -> None:
    """One alert owed to one rule, grouped into one digest due at NOW."""
    rule = watch.add_rule(["conflict"], "email", TARGET, 0, NOW)
    raise_alert(watch, conflict_alert(1), NOW)
    assert watch.make_digest(rule, watch.undigested()[rule], NOW) is not None


def _ended_pid() -> int:
    """The process id of a process of this machine that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_two_workers_mail_a_digest_once(store: Store, watch: WatchStore) -> None:
    receiver = Receiver(delay=1.0)  # the first worker still waits when the second looks
    watch.add_rule(["conflict"], "email", TARGET, 0, NOW)
    raise_alert(watch, conflict_alert(1), NOW)
    start = threading.Barrier(2)
    outcomes: list[Counter[str]] = []
    with mail_to(receiver) as config:

        def worker() -> None:
            start.wait()
            outcomes.append(check(store, watch, config, NOW, notifiers(config)).deliveries)

        workers = [threading.Thread(target=worker) for _ in range(2)]
        for thread in workers:
            thread.start()
        for thread in workers:
            thread.join()
    assert len(receiver.messages) == 1
    assert sorted(outcomes, key=len) == [{}, {"sent": 1}]
    [sent] = watch.digests()
    assert (sent.status, sent.attempts) == ("sent", 1)


def test_a_claim_of_a_worker_elsewhere_holds_until_it_lapses(
    store: Store, watch: WatchStore
) -> None:
    receiver = Receiver()
    _digest(watch)
    assert watch.claim_digest("may-chu-khac:4242:1a2b3c4d", NOW, CLAIM) is not None
    with mail_to(receiver) as config:
        assert deliver_due(watch, config, notifiers(config), NOW + MINUTE) == {}
        assert receiver.messages == []
        assert deliver_due(watch, config, notifiers(config), NOW + CLAIM + MINUTE) == {"sent": 1}
    assert len(receiver.messages) == 1


def test_a_claim_of_a_killed_process_of_this_machine_is_free_at_once(
    store: Store, watch: WatchStore
) -> None:
    receiver = Receiver()
    _digest(watch)
    dead = f"{socket.gethostname()}:{_ended_pid()}:1a2b3c4d"
    assert watch.claim_digest(dead, NOW, CLAIM) is not None
    with mail_to(receiver) as config:
        assert deliver_due(watch, config, notifiers(config), NOW) == {"sent": 1}
    assert len(receiver.messages) == 1


def test_a_failed_attempt_gives_the_claim_back_for_the_retry(
    store: Store, watch: WatchStore
) -> None:
    receiver = Receiver(0.0, "451 try again later")
    _digest(watch)
    with mail_to(receiver) as config:
        assert deliver_due(watch, config, notifiers(config), NOW) == {"pending": 1}
        assert deliver_due(watch, config, notifiers(config), NOW + 2 * MINUTE) == {"sent": 1}
    assert len(receiver.messages) == 1


def test_deliveries_another_worker_grouped_make_no_empty_digest(watch: WatchStore) -> None:
    rule = watch.add_rule(["conflict"], "email", TARGET, 0, NOW)
    raise_alert(watch, conflict_alert(1), NOW)
    waiting = watch.undigested()[rule]  # both workers saw the same delivery waiting
    assert watch.make_digest(rule, waiting, NOW) is not None
    assert watch.make_digest(rule, waiting, NOW) is None
    assert len(watch.digests()) == 1


def test_a_claim_made_late_in_a_long_pass_holds_its_whole_lease(
    store: Store, watch: WatchStore, monkeypatch
) -> None:
    """A pass through a backlog to a slow server can outlast CLAIM. The second digest, claimed
    16 minutes into the pass, was stamped with the pass's start, its claim lapsed as it was
    made, and another worker could take it and mail it a second time."""
    from baochi.watch import digest as digest_module

    for target in (TARGET, "so-giao-thong@hanoi.gov.vn"):
        rule = watch.add_rule(["conflict"], "email", target, 0, NOW)
    raise_alert(watch, conflict_alert(1), NOW)
    for rule, waiting in watch.undigested().items():
        assert watch.make_digest(rule, waiting, NOW) is not None
    elapsed = [0.0]
    monkeypatch.setattr(digest_module, "monotonic", lambda: elapsed[0])
    taken_by_another: list[bool] = []
    with mail_to(Receiver()) as config:
        mailer = notifiers(config)["email"]

        class SlowServer:
            """The configured mailer, as if each message took 16 minutes."""

            def send(self, target: str, message: object) -> None:
                if elapsed[0]:  # the second digest: another worker looks for due work
                    other = watch.claim_digest(
                        "may-chu-khac:4242:1a2b3c4d", NOW + 17 * MINUTE, CLAIM
                    )
                    taken_by_another.append(other is not None)
                elapsed[0] += (CLAIM + MINUTE).total_seconds()
                mailer.send(target, message)

        assert deliver_due(watch, config, {"email": SlowServer()}, NOW) == {"sent": 2}
    assert taken_by_another == [False]
