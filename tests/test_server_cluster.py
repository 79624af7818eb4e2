"""Two inbox processes behind one PostgreSQL, as behind a load balancer: a laptop's batches may land
on either, retries may cross between them, and the chain heads and rate limits are shared."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx
import pytest

from familyprivacy.sync.client import InboxClient
from familyprivacy.sync.runner import sync_once
from familyprivacy.sync.settings import SyncSettings
from tests.conftest_pg import FakeOutbox, InboxServer, PgCluster, pg_cluster  # noqa: F401
from tests.waiting import HANG_GUARD


@pytest.fixture(scope="module")
def pair(pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
         ) -> Iterator[tuple[InboxServer, InboxServer]]:
    url = pg_cluster.new_database()
    tmp_path = tmp_path_factory.mktemp("pair")
    servers = (InboxServer(url, tmp_path, "--rate-limit", "40", "--rate-window", "3600"),
               InboxServer(url, tmp_path, "--rate-limit", "40", "--rate-window", "3600"))
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


def _push(server: InboxServer, token: str, events: list[dict[str, object]]) -> httpx.Response:
    return httpx.post(server.url + "/v1/events", content=json.dumps({"events": events}), timeout=HANG_GUARD,
                      headers={"authorization": f"Bearer {token}", "content-type": "application/json"})


class RoundRobin(httpx.BaseTransport):
    """A load balancer in miniature: each request goes to the next server in turn."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.sent = 0
        self.inner = httpx.HTTPTransport()
        self.lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            port = self.ports[self.sent % len(self.ports)]
            self.sent += 1
        request.url = request.url.copy_with(port=port)
        return self.inner.handle_request(request)


def test_batches_alternate_between_servers_and_land_once(pair: tuple[InboxServer, InboxServer]) -> None:
    a, b = pair
    laptops = [FakeOutbox() for _ in range(6)]
    balancers = [RoundRobin([a.port, b.port]) for _ in laptops]
    errors: list[BaseException] = []

    def drain(laptop: FakeOutbox, balancer: RoundRobin) -> None:
        try:
            laptop.add_visits(5, decisions_per_visit=3)
            token = a.enrol(laptop)
            with InboxClient(a.url, token, transport=balancer) as client:
                sync_once(laptop, client, SyncSettings(a.url, batch_size=2))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=drain, args=pair) for pair in zip(laptops, balancers, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG_GUARD)
        assert not t.is_alive(), "a laptop draining through the two servers never finished (hung?)"
    assert not errors
    for laptop, balancer in zip(laptops, balancers, strict=True):
        assert balancer.sent == 10  # ten batches, five through each server
        assert b.count(laptop.device_id) == 20 and laptop.outbox_status()["confirmed"] == 20
    assert len(set(a.event_ids())) == len(a.event_ids()) == 120


def test_a_replay_on_the_other_server_is_a_duplicate_and_limits_are_shared(
        pair: tuple[InboxServer, InboxServer]) -> None:
    a, b = pair
    laptop = FakeOutbox()
    laptop.add_visits(2)
    token = a.enrol(laptop)
    wire = [e.to_wire() for e in laptop.events]
    assert _push(a, token, wire[:3]).status_code == 200
    again = _push(b, token, wire)
    assert [r["outcome"] for r in again.json()["results"]] == ["duplicate"] * 3 + ["stored"] * 3
    codes = [_push((a, b)[n % 2], token, wire).status_code for n in range(40)]
    assert codes.count(429) == 2  # 42 pushes against one shared limit of 40
    assert a.count(laptop.device_id) == 6
