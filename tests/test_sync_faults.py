"""Cut connections and killed servers: the inbox ends with exactly the laptop's events, once each,
and the laptop never marks an event confirmed before the inbox holds it."""

from __future__ import annotations

import random
import socket
import threading
import time
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
                        time.sleep(0.05)
                        continue
                    upstream.sendall(request)
                    reply = _read_http(upstream)
                if fate == "pass":
                    client.sendall(reply)

    def close(self) -> None:
        self.done.set()
        self.thread.join(5)
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


@pytest.mark.parametrize("backend", BACKENDS)
def test_server_killed_mid_batch_many_times(backend: str, request: pytest.FixtureRequest,
                                            tmp_path: Path) -> None:
    server = start_server(backend, tmp_path, request)
    outbox = FakeOutbox()
    outbox.add_visits(60, decisions_per_visit=4)  # 300 events
    token = server.enrol(outbox)
    early = _guard_confirmations(outbox, server)
    settings = SyncSettings(server.url, batch_size=10)
    finished = threading.Event()
    problems: list[str] = []

    def laptop() -> None:
        while not finished.is_set():
            try:
                with InboxClient(server.url, token, timeout=10) as client:
                    sync_once(outbox, client, settings)
                if outbox.outbox_status()["confirmed"] == len(outbox.events):
                    finished.set()
            except SyncProblem as exc:
                problems.append(exc.message)
                time.sleep(0.02)

    worker = threading.Thread(target=laptop, daemon=True)
    worker.start()
    rng = random.Random(7)
    kills = 0
    mid_run_counts: list[int] = []
    while kills < 5 and not finished.is_set():
        time.sleep(rng.uniform(0.05, 0.4))
        server.kill()
        kills += 1
        mid_run_counts.append(server.count(outbox.device_id))
        server.start()
    worker.join(120)
    assert finished.is_set(), "the laptop did not finish after the restarts"
    assert kills >= 3, "the push finished before the server could be killed enough times"
    assert any(0 < n < 300 for n in mid_run_counts), mid_run_counts  # killed part-way through
    assert problems, "no kill was felt by the laptop"
    ids = server.event_ids(outbox.device_id)
    assert len(ids) == len(set(ids)) == 300
    assert set(ids) == {e.event_id for e in outbox.events}
    assert not early
