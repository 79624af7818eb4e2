"""Cut connections and killed servers: the inbox ends with exactly the laptop's events, once each,
and the laptop never marks an event confirmed before the inbox holds it."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import httpx
import pytest

from familyprivacy.sync.client import InboxClient, SyncProblem
from familyprivacy.sync.runner import sync_once
from familyprivacy.sync.settings import SyncSettings
from tests.conftest_pg import (
    BACKENDS,
    FakeOutbox,
    InboxServer,
    free_port,
    pg_cluster,  # noqa: F401 - fixture
    start_server,
)
from tests.waiting import HANG_GUARD


def _read_http(sock: socket.socket) -> bytes:
    """One HTTP/1.1 message with a Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class CuttingProxy:
    """Forwards one request per connection; each connection's fate comes from ``plan`` in turn:
    ``pass``, ``drop_reply`` (the server answered, the laptop never hears it) or ``cut_request``."""

    def __init__(self, upstream_port: int, plan: list[str]) -> None:
        self.upstream = upstream_port
        self.plan = list(plan)
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.2)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self.done.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            fate = self.plan.pop(0) if self.plan else "pass"
            with client:
                request = _read_http(client)
                with socket.create_connection(("127.0.0.1", self.upstream)) as upstream:
                    if fate == "cut_request":
                        upstream.sendall(request[: max(1, len(request) * 2 // 3)])
                        continue
                    upstream.sendall(request)
                    reply = _read_http(upstream)
                if fate == "pass":
                    client.sendall(reply)

    def close(self) -> None:
        self.done.set()
        self.thread.join(HANG_GUARD)
        assert not self.thread.is_alive(), "the cutting proxy's thread did not stop"
        self.listener.close()


def _no_keepalive() -> httpx.HTTPTransport:
    return httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))


def _guard_confirmations(outbox: FakeOutbox, server: InboxServer) -> list[str]:
    """Fail loudly if the laptop confirms an event the inbox does not hold at that moment."""
    early: list[str] = []

    def check(ids: list[str]) -> None:
        held = set(server.event_ids(outbox.device_id))
        early.extend(i for i in ids if i not in held)

    outbox.before_confirm = check
    return early


@pytest.mark.parametrize("backend", BACKENDS)
def test_cut_connections_before_and_after_commit(backend: str, request: pytest.FixtureRequest,
                                                 tmp_path: Path) -> None:
    server = start_server(backend, tmp_path, request)
    outbox = FakeOutbox()
    outbox.add_visits(10, decisions_per_visit=4)  # 50 events, 5 batches of 10
    token = server.enrol(outbox)
    early = _guard_confirmations(outbox, server)
    settings = SyncSettings(server.url, batch_size=10)

    plan = ["drop_reply", "pass", "cut_request", "pass", "drop_reply", "drop_reply", "cut_request"]
    proxy = CuttingProxy(server.port, plan)
    try:
        with InboxClient(proxy.url, token, transport=_no_keepalive()) as client:
            with pytest.raises(SyncProblem) as first:
                sync_once(outbox, client, settings)
            assert first.value.retry
            # the inbox committed the first batch, the laptop never heard: sent, not confirmed
            assert server.count(outbox.device_id) == 10
            assert outbox.outbox_status() == {"waiting": 40, "sent": 10, "confirmed": 0, "problem": 0}
            failures = 1
            for _ in range(20):
                try:
                    sync_once(outbox, client, settings)
                    break
                except SyncProblem:
                    failures += 1
            assert failures == 5  # every planned cut was felt, then the run finished
    finally:
        proxy.close()
    ids = server.event_ids(outbox.device_id)
    assert len(ids) == len(set(ids)) == 50
    assert set(ids) == {e.event_id for e in outbox.events}
    assert outbox.outbox_status()["confirmed"] == 50
    assert not early


# Where the inbox is killed during one push of 300 events in batches of 10: (stage, the device's
# chain head after the batch in flight). "inserted": the batch's rows are written and the
# transaction is still open, so the kill loses the batch; "committed": it is committed but the
# laptop never hears, so the batch is sent again and must be taken as duplicates. The last kill
# comes after the very last commit.
KILL_POINTS = [("committed", 40), ("inserted", 100), ("committed", 170), ("inserted", 250),
               ("committed", 300)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_server_killed_mid_batch_many_times(backend: str, request: pytest.FixtureRequest,
                                            tmp_path: Path) -> None:
    """SIGKILL at each of KILL_POINTS, the laptop pushing; after each restart the push goes on. The
    server is frozen at the chosen point (tests/inbox_freezing.py) and killed there, so every kill
    lands mid-push, in the middle of a batch, on any machine."""
    server = start_server(backend, tmp_path, request, freeze_at=KILL_POINTS[0])
    outbox = FakeOutbox()
    outbox.add_visits(60, decisions_per_visit=4)  # 300 events
    total = len(outbox.events)
    token = server.enrol(outbox)
    early = _guard_confirmations(outbox, server)
    settings = SyncSettings(server.url, batch_size=10)
    problems: list[SyncProblem] = []

    def push() -> None:
        try:
            with InboxClient(server.url, token, timeout=HANG_GUARD) as client:
                sync_once(outbox, client, settings)
        except SyncProblem as exc:
            print(f"the push stopped: {exc.message} (status {exc.status})")  # shown if the test fails
            problems.append(exc)

    for kill, (stage, head) in enumerate(KILL_POINTS, start=1):
        laptop = threading.Thread(target=push, daemon=True)
        laptop.start()
        assert server.wait_frozen(laptop) == f"{stage} {head}", problems
        server.kill()
        laptop.join(HANG_GUARD)
        assert not laptop.is_alive(), f"the laptop's push hung after kill {kill} ({stage} at {head})"
        assert len(problems) == kill, f"kill {kill} ({stage} at {head}) was not felt by the laptop"
        assert problems[-1].retry and "cannot be reached" in problems[-1].message
        # the batch in flight (head-9 .. head) is stored if and only if it was committed, and the
        # laptop, which never heard, has it sent but not confirmed
        held = head if stage == "committed" else head - 10
        assert sorted(server.event_ids(outbox.device_id)) == sorted(e.event_id for e in outbox.events[:held])
        assert outbox.outbox_status() == {"waiting": total - head, "sent": 10, "confirmed": head - 10,
                                          "problem": 0}
        server.start(KILL_POINTS[kill] if kill < len(KILL_POINTS) else None)
    with InboxClient(server.url, token) as client:
        report = sync_once(outbox, client, settings)
    assert report.confirmed == 10 and report.problems == 0  # the last batch, as duplicates
    ids = server.event_ids(outbox.device_id)
    assert len(ids) == len(set(ids)) == total
    assert set(ids) == {e.event_id for e in outbox.events}
    assert outbox.outbox_status()["confirmed"] == total
    assert not early
