"""Push to a real inbox on loopback, on SQLite and PostgreSQL: exactly once, and refusals store nothing."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from familyprivacy.consent.envelope import Envelope, seal
from familyprivacy.server import admin
from familyprivacy.sync.client import InboxClient
from familyprivacy.sync.runner import sync_once
from familyprivacy.sync.settings import SyncSettings
from tests.conftest_pg import (
    BACKENDS,
    CHILDREN,
    GRANTOR,
    FakeOutbox,
    InboxServer,
    decision_body,
    pg_cluster,  # noqa: F401 - fixture
    start_server,
)
from tests.waiting import HANG_GUARD


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> InboxServer:
    return start_server(request.param, tmp_path_factory.mktemp("inbox"), request, "--max-body", "200000",
                        "--max-events", "300")


def _push(server: InboxServer, token: str, events: list[dict[str, object]] | bytes) -> httpx.Response:
    content = events if isinstance(events, bytes) else json.dumps({"events": events}).encode()
    return httpx.post(server.url + "/v1/events", content=content, timeout=HANG_GUARD,
                      headers={"authorization": f"Bearer {token}", "content-type": "application/json"})


def _enrolled(server: InboxServer, visits: int = 3) -> tuple[FakeOutbox, str]:
    outbox = FakeOutbox()
    outbox.add_visits(visits)
    return outbox, server.enrol(outbox)


def test_replayed_batch_leaves_one_copy_and_changed_content_is_a_conflict(server: InboxServer) -> None:
    outbox, token = _enrolled(server)
    wire = [e.to_wire() for e in outbox.events]
    first = _push(server, token, wire)
    assert first.status_code == 200
    assert [r["outcome"] for r in first.json()["results"]] == ["stored"] * 9
    for _ in range(3):
        again = _push(server, token, wire)
        assert again.status_code == 200
        assert {r["outcome"] for r in again.json()["results"]} == {"duplicate"}
    assert server.count(outbox.device_id) == 9
    assert sorted(server.event_ids(outbox.device_id)) == sorted(e.event_id for e in outbox.events)

    changed = outbox.events[4]
    body = dict(changed.body or {}, status="refused")
    resealed = seal({k: v for k, v in changed.header.items() if k not in ("v", "body_sha256")}, body,
                    outbox.key)
    clash = _push(server, token, [resealed.to_wire()])
    assert clash.status_code == 409
    assert clash.json()["results"][0]["outcome"] == "conflict"
    assert server.count(outbox.device_id) == 9


def test_forged_signature_and_chain_gap_store_nothing(server: InboxServer) -> None:
    outbox, token = _enrolled(server, visits=2)
    forger = Ed25519PrivateKey.generate()
    first = outbox.events[0]
    forged = seal({k: v for k, v in first.header.items() if k not in ("v", "body_sha256")},
                  first.body or {}, forger)
    reply = _push(server, token, [forged.to_wire()] + [e.to_wire() for e in outbox.events[1:]])
    assert reply.status_code == 422
    outcomes = [r["outcome"] for r in reply.json()["results"]]
    assert outcomes == ["invalid"] * 6
    assert "signature" in reply.json()["results"][0]["reason"]
    assert server.count(outbox.device_id) == 0
    assert (f"push from device {outbox.device_id}: 6 of 6 events refused; first at index 0: invalid "
            "(event seq 1: signature is not valid)") in server.log()

    gap = _push(server, token, [outbox.events[0].to_wire(), outbox.events[2].to_wire()])
    assert gap.status_code == 422
    assert [r["outcome"] for r in gap.json()["results"]] == ["stored", "invalid"]
    assert "gap" in gap.json()["results"][1]["reason"]
    assert server.count(outbox.device_id) == 1

    tampered = outbox.events[1].to_wire()
    tampered["body"] = dict(tampered["body"], status="refused")
    bad_body = _push(server, token, [tampered])
    assert bad_body.status_code == 422 and "body does not match" in bad_body.json()["results"][0]["reason"]
    assert server.count(outbox.device_id) == 1


def test_events_of_another_device_and_bad_schema_are_invalid(server: InboxServer) -> None:
    outbox, token = _enrolled(server, visits=1)
    other = FakeOutbox()
    other.add_visits(1)
    assert _push(server, token, [other.events[0].to_wire()]).status_code == 422
    broken = FakeOutbox()
    broken.device_id = outbox.device_id
    broken.key = outbox.key
    broken.append("visit", {"visit_id": "v1"})  # no grantors, children, notice facts
    reply = _push(server, token, [broken.events[0].to_wire()])
    assert reply.status_code == 422 and "body.council_id: is missing" in reply.json()["results"][0]["reason"]
    unknown_status = FakeOutbox()
    unknown_status.device_id, unknown_status.key = outbox.device_id, outbox.key
    unknown_status.append("visit", outbox.events[0].body or {})
    unknown_status.append("decision", decision_body("v1", 1, status="maybe"))
    reply = _push(server, token, [e.to_wire() for e in unknown_status.events])
    assert [r["outcome"] for r in reply.json()["results"]] == ["stored", "invalid"]
    assert server.count(outbox.device_id) == 1


def test_unauthenticated_revoked_oversized_and_malformed_requests_store_nothing(server: InboxServer) -> None:
    outbox, token = _enrolled(server, visits=1)
    wire = [e.to_wire() for e in outbox.events]
    assert httpx.post(server.url + "/v1/events", json={"events": wire}).status_code == 401
    assert _push(server, "not-a-token", wire).status_code == 401
    assert _push(server, token, b'{"events": [').status_code == 400
    assert _push(server, token, b'{"events": [NaN]}').status_code == 400
    assert _push(server, token, b'[' * 120_000 + b']' * 120_000).status_code == 413
    assert _push(server, token, b'[' * 50_000 + b']' * 50_000).status_code == 400
    huge = [dict(wire[0], body=dict(wire[0]["body"], notes="x" * 300_000))]
    assert _push(server, token, huge).status_code == 413
    assert _push(server, token, wire * 101).status_code == 413  # 303 events, the limit is 300
    assert _push(server, token, b'{"events": "x"}').status_code == 400
    assert server.count(outbox.device_id) == 0

    assert admin.revoke_device(server.engine, outbox.device_id)
    revoked = _push(server, token, wire)
    assert revoked.status_code == 403
    assert server.count(outbox.device_id) == 0
    log = server.log()
    assert "push refused: 403" in log and "push refused: 413" in log and "push refused: 401" in log
    for personal in (GRANTOR["name"], CHILDREN[0]["name"], "CH-12345", "help-and-support"):
        assert personal not in log


def test_enrolment_code_is_single_use_and_device_unique(server: InboxServer) -> None:
    outbox = FakeOutbox()
    code = admin.add_enrolment_code(server.engine)
    with InboxClient(server.url) as client:
        token = client.enrol(code, outbox.device_id, outbox.device_public_key())
        assert token
        second = FakeOutbox()
        with pytest.raises(Exception, match="not right, was used"):
            client.enrol(code, second.device_id, second.device_public_key())
        expired = admin.add_enrolment_code(server.engine, valid_hours=-1)
        with pytest.raises(Exception, match="not right, was used"):
            client.enrol(expired, second.device_id, second.device_public_key())
        again = admin.add_enrolment_code(server.engine)
        with pytest.raises(Exception, match="enrolled already"):
            client.enrol(again, outbox.device_id, outbox.device_public_key())
        # the refused attempt did not spend the code
        assert client.enrol(again, second.device_id, second.device_public_key())
    bad_key = httpx.post(server.url + "/v1/enrol", json={"code": "x", "device_id": "d", "public_key": "!!"})
    assert bad_key.status_code == 400
    ids = {d.device_id for d in admin.list_devices(server.engine)}
    assert {outbox.device_id, second.device_id} <= ids


def test_twenty_devices_pushing_at_once_store_every_event_once(server: InboxServer) -> None:
    laptops = [FakeOutbox() for _ in range(20)]
    tokens = []
    for laptop in laptops:
        laptop.add_visits(5, decisions_per_visit=3)
        tokens.append(server.enrol(laptop))
    errors: list[BaseException] = []
    barrier = threading.Barrier(20)

    def drain(laptop: FakeOutbox, token: str) -> None:
        try:
            barrier.wait()
            with InboxClient(server.url, token) as client:
                sync_once(laptop, client, SyncSettings(server.url, batch_size=7))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=drain, args=pair) for pair in zip(laptops, tokens, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG_GUARD)
        assert not t.is_alive(), "a laptop pushing at the same time as 19 others never finished (hung?)"
    assert not errors
    for laptop in laptops:
        assert server.count(laptop.device_id) == 20
        assert laptop.outbox_status()["confirmed"] == 20
    all_ids = server.event_ids()
    assert len(all_ids) == len(set(all_ids))


def test_rate_limit_answers_429_and_stores_nothing(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    limited = start_server("sqlite", tmp_path, request, "--rate-limit", "3", "--rate-window", "3600")
    outbox, token = _enrolled(limited, visits=2)
    for i in range(3):
        assert _push(limited, token, [outbox.events[i].to_wire()]).status_code == 200
    refused = _push(limited, token, [outbox.events[3].to_wire()])
    assert refused.status_code == 429
    assert limited.count(outbox.device_id) == 3
    assert "push refused: 429" in limited.log()


def test_envelope_shape_errors_are_invalid_not_crashes(server: InboxServer) -> None:
    outbox, token = _enrolled(server, visits=1)
    env = outbox.events[0]
    odd = [{"header": env.header}, [1, 2], dict(env.to_wire(), sig=5),
           dict(env.to_wire(), header=dict(env.header, seq="one")),
           dict(env.to_wire(), header=dict(env.header, type=["visit"])),
           dict(env.to_wire(), header=dict(env.header, prev={"x": 1}))]
    for item in odd:
        reply = _push(server, token, [item])
        assert reply.status_code == 422, item
        assert reply.json()["results"][0]["outcome"] == "invalid"
    assert server.count(outbox.device_id) == 0
    assert Envelope.from_wire(env.to_wire()) == env


def test_an_internal_failure_is_a_500_that_logs_no_content(tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    import asyncio

    from familyprivacy.server import db, vault
    from familyprivacy.server.app import create_app

    engine = db.make_engine(f"sqlite:///{tmp_path / 'never-migrated.db'}")  # no tables: every query fails
    laptop = FakeOutbox()
    laptop.add_visits(1)

    async def post() -> httpx.Response:
        keyring = vault.Keyring.parse([vault.new_key_line()], "test")
        transport = httpx.ASGITransport(app=create_app(engine, keyring))
        async with httpx.AsyncClient(transport=transport, base_url="http://inbox") as client:
            return await client.post("/v1/events", json={"events": [e.to_wire() for e in laptop.events]},
                                     headers={"authorization": "Bearer some-token"})

    with caplog.at_level("INFO", logger="familyprivacy.server"):
        reply = asyncio.run(post())
    assert reply.status_code == 500 and "nothing was confirmed" in reply.json()["error"]
    assert "push failed: OperationalError" in caplog.text
    assert GRANTOR["name"] not in caplog.text and "some-token" not in caplog.text
