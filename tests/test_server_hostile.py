"""The inbox against hostile devices and requests: one device cannot touch another's families, every
input error is a 4xx with a plain reason, only what the export can represent is stored, and the
database alone shows no person. (Issue 17, findings 1 to 6.)"""

from __future__ import annotations

import base64
import csv
import io
import json
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from familyprivacy.consent.envelope import Envelope, seal
from familyprivacy.server import admin, export, openapi, vault
from tests.conftest_pg import (
    BACKENDS,
    GRANTOR,
    FakeOutbox,
    InboxServer,
    decision_body,
    pg_cluster,  # noqa: F401 - fixture
    start_server,
    visit_body,
)
from tests.waiting import HANG_GUARD

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> InboxServer:
    return start_server(request.param, tmp_path_factory.mktemp("inbox"), request)


def _post(server: InboxServer, path: str, body: bytes, token: str | None = None,
          content_type: str = "application/json") -> httpx.Response:
    headers = {"content-type": content_type}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return httpx.post(server.url + path, content=body, headers=headers, timeout=HANG_GUARD)


def _push(server: InboxServer, token: str, events: list[Envelope]) -> httpx.Response:
    return _post(server, "/v1/events", json.dumps({"events": [e.to_wire() for e in events]}).encode(), token)


def _laptop(server: InboxServer, visits: int = 1) -> tuple[FakeOutbox, str]:
    laptop = FakeOutbox()
    laptop.add_visits(visits)
    return laptop, server.enrol(laptop)


def _export(server: InboxServer, fmt: str, query: str = "") -> httpx.Response:
    team = admin.add_team_token(server.engine, "Help and Support")
    return httpx.get(f"{server.url}/v1/export/consents.{fmt}{query}", timeout=HANG_GUARD,
                     headers={"authorization": f"Bearer {team}"})


def _outcomes(reply: httpx.Response) -> list[tuple[str, str]]:
    return [(r["outcome"], r["reason"]) for r in reply.json()["results"]]


# --- 1. one device cannot rewrite another's families ---------------------------------------------

def test_a_device_cannot_take_over_another_devices_visit_in_any_export(server: InboxServer) -> None:
    alice, alice_token = _laptop(server)
    assert _push(server, alice_token, alice.events).status_code == 200
    visit_id = alice.events[0].body["visit_id"]  # type: ignore[index]
    mallory = FakeOutbox()
    mallory_token = server.enrol(mallory)
    hijack = dict(visit_body(visit_id), case_reference="CASE-HIJACK",
                  grantors=[dict(GRANTOR, name="Mallory Intruder")])
    mallory.append("visit", hijack)
    refused = _push(server, mallory_token, mallory.events)
    assert refused.status_code == 422
    assert _outcomes(refused) == [("invalid", "visit body: visit_id is already used by another device")]
    # Nor may it file decisions under her visit.
    other = FakeOutbox()
    other_token = server.enrol(other)
    other.append("decision", decision_body(visit_id, 9, status="withdrawn"))
    assert _outcomes(_push(server, other_token, other.events)) == [
        ("invalid", "decision body: visit_id names another device's visit")]
    for fmt in ("csv", "fhir"):
        text = _export(server, fmt).text
        assert "Mallory Intruder" not in text and "CASE-HIJACK" not in text
        assert GRANTOR["name"] in text
    rows = list(csv.DictReader(io.StringIO(_export(server, "csv").text)))
    mine = [r for r in rows if r["visit_id"] == visit_id]
    assert len(mine) == 2 and {r["device_id"] for r in mine} == {alice.device_id}
    assert {r["case_reference"] for r in mine} == {"CH-12345"}


def test_an_event_of_another_device_is_refused_not_confirmed(server: InboxServer) -> None:
    alice, alice_token = _laptop(server)
    assert _push(server, alice_token, alice.events).status_code == 200
    _bob, bob_token = _laptop(server)
    reply = _push(server, bob_token, alice.events[:1])
    assert reply.status_code == 422
    assert _outcomes(reply) == [("invalid", "this event id is already used by another device")]


# --- 2. no 500 on hostile input ------------------------------------------------------------------

@pytest.mark.parametrize("query", ["?limit=%C2%B2", "?limit=%D9%A3", "?until=0001-01-01T00:00:00%2B14:00",
                                   "?since=0001-01-01T00:00:00%2B01:00", "?since=9999-12-31T23:59:59-14:00",
                                   "?notice=a%20b", "?choice=", "?limit=99999999999999999999999"])
def test_export_filters_that_cannot_be_read_are_a_400(server: InboxServer, query: str) -> None:
    reply = _export(server, "csv", query)
    assert reply.status_code == 400, (query, reply.text)
    assert reply.json()["error"]


@pytest.mark.parametrize("field", ["code", "device_id", "label"])
def test_unpaired_surrogates_in_an_enrolment_are_a_400(server: InboxServer, field: str) -> None:
    laptop = FakeOutbox()
    body = {"code": admin.add_enrolment_code(server.engine), "device_id": laptop.device_id,
            "public_key": base64.b64encode(laptop.device_public_key()).decode(), "label": "laptop"}
    raw = json.dumps(body).replace(json.dumps(body[field]), json.dumps(body[field])[:-1] + '\\udc80"')
    reply = _post(server, "/v1/enrol", raw.encode())
    assert reply.status_code == 400, reply.text
    assert "surrogate" in reply.json()["error"] and field in reply.json()["error"]


# --- 3. bodies held to what the export can represent --------------------------------------------

def _one_event(kind: str, body: dict[str, Any], recorded_at: str = "2026-11-23T10:30:00Z",
               notice_id: str = "stockton/childrens-social-care") -> tuple[FakeOutbox, list[Envelope]]:
    laptop = FakeOutbox()
    if kind == "decision":
        laptop.append("visit", visit_body(body["visit_id"]))
    laptop.append(kind, body, notice_id=notice_id, recorded_at=recorded_at)
    return laptop, laptop.events


@pytest.mark.parametrize("recorded_at", ["2026-11-25 10:00:00Z", "20261125T100000Z", "2026-W48-3T10:00:00Z",
                                         "2026-11-25T10Z", "2026-11-25T10:00:00", "2026-02-30T10:00:00Z",
                                         "٢٠٢٦-11-25T10:00:00Z"])
def test_times_that_are_not_rfc_3339_with_an_offset_are_refused(server: InboxServer,
                                                                 recorded_at: str) -> None:
    for where in ("header", "body"):
        body = decision_body("v-" + uuid.uuid4().hex[:10], 1, recorded_at=recorded_at if where == "body" else
                             "2026-11-23T10:30:00+00:00")
        laptop, events = _one_event("decision", body, recorded_at if where == "header" else
                                    "2026-11-23T10:30:00Z")
        reply = _push(server, server.enrol(laptop), events)
        assert reply.status_code == 422
        outcome, reason = _outcomes(reply)[-1]
        assert outcome == "invalid" and f"{where}.recorded_at" in reason, reason


@pytest.mark.parametrize(("kind", "change", "field"), [
    ("decision", {"choice_id": "help and support"}, "body.choice_id"),
    ("decision", {"choice_id": "Help-Support"}, "body.choice_id"),
    ("visit", {"grantors": [dict(GRANTOR, name="Ann\x1b[2J")]}, "body.grantors[0].name"),
    ("visit", {"case_reference": "CH-1\r\n=cmd"}, "body.case_reference"),
    ("visit", {"nickname": "x"}, "body.nickname"),
    ("visit", {"x y": "x"}, "body.(a field)"),
    ("decision", {"kind": "consent"}, "body.kind"),
    ("decision", {"grantor_ids": ["g1", "g1"]}, "the same person id appears twice"),
])
def test_bodies_the_export_cannot_represent_are_refused(server: InboxServer, kind: str,
                                                        change: dict[str, Any], field: str) -> None:
    visit_id = "v-" + uuid.uuid4().hex[:10]
    body = visit_body(visit_id) if kind == "visit" else decision_body(visit_id, 1)
    laptop, events = _one_event(kind, dict(body, **change))
    reply = _push(server, server.enrol(laptop), events)
    outcome, reason = _outcomes(reply)[-1]
    assert reply.status_code == 422 and outcome == "invalid" and field in reason, reason
    assert server.count(laptop.device_id) == len(events) - 1


def test_a_notice_id_with_a_space_and_a_deeply_nested_field_are_refused(server: InboxServer) -> None:
    laptop, events = _one_event("visit", visit_body("v-n", notice_id="stockton/early help"),
                                notice_id="stockton/early help")
    reply = _push(server, server.enrol(laptop), events)
    assert "header.notice_id" in _outcomes(reply)[0][1]
    nested: Any = "deep"
    for _ in range(950):
        nested = {"n": nested}
    laptop, events = _one_event("visit", dict(visit_body("v-deep"), extra=nested))
    reply = _push(server, server.enrol(laptop), events)
    assert reply.status_code in (400, 422) and server.count(laptop.device_id) == 0


@pytest.mark.parametrize(("content_type", "encoding", "status"), [
    ("text/plain", "utf-8", 415), ("application/x-www-form-urlencoded", "utf-8", 415),
    ("application/json; charset=utf-16", "utf-16", 415), ("application/json", "utf-16", 400),
    ("application/json", "utf-8-sig", 400)])
def test_only_json_in_utf8_is_read(server: InboxServer, content_type: str, encoding: str,
                                   status: int) -> None:
    laptop, token = _laptop(server)
    raw = json.dumps({"events": [e.to_wire() for e in laptop.events]}).encode(encoding)
    reply = _post(server, "/v1/events", raw, token, content_type)
    assert reply.status_code == status and reply.json()["error"]
    assert server.count(laptop.device_id) == 0


# --- 4. canonical base64 only --------------------------------------------------------------------

def test_a_signature_in_another_spelling_is_refused_and_the_real_one_stored(server: InboxServer) -> None:
    laptop, token = _laptop(server)
    first = laptop.events[0]
    canonical = first.signature
    assert canonical.endswith("==")
    bent = canonical[:-3] + chr(ord(canonical[-3]) + 1) + "=="  # other padding bits, the same 64 bytes
    assert base64.b64decode(bent) == base64.b64decode(canonical)
    reply = _push(server, token, [Envelope(first.header, first.body, first.hash, bent)])
    outcome, reason = _outcomes(reply)[0]
    assert outcome == "invalid" and reason.startswith("events[0].sig: ")
    assert server.count(laptop.device_id) == 0
    assert _push(server, token, laptop.events).status_code == 200  # the laptop's own copy: no conflict
    assert server.count(laptop.device_id) == len(laptop.events)


# --- 5. CSV cells a spreadsheet would run ---------------------------------------------------------

@pytest.mark.parametrize("value", ["=1+1", " =1+1", "\t=1+1", "\n=1+1", "\r\n@SUM(A1)", "＝1+1", "＋1", "－1",
                                   "\u3000=1", "\u00a0+1", "|calc", "%0A"])
def test_csv_neutralises_formulas_behind_spaces_new_lines_and_full_width_forms(value: str) -> None:
    assert export._safe(value).startswith("'")


@pytest.mark.parametrize("value", ["Aleksandra Nowak", "CH-12345", "2026-11-23", "given", ""])
def test_csv_leaves_ordinary_text_alone(value: str) -> None:
    assert export._safe(value) == value


def test_a_case_reference_behind_a_space_is_neutralised_in_the_export(server: InboxServer) -> None:
    laptop = FakeOutbox()
    laptop.append("visit", dict(visit_body("v-csv"), case_reference=" =HYPERLINK(1)"))
    laptop.append("decision", decision_body("v-csv", 1))
    assert _push(server, server.enrol(laptop), laptop.events).status_code == 200
    rows = [r for r in csv.DictReader(io.StringIO(_export(server, "csv").text)) if r["visit_id"] == "v-csv"]
    assert rows and rows[0]["case_reference"] == "' =HYPERLINK(1)"


# --- 6. the database alone shows no person -------------------------------------------------------

def test_the_database_file_holds_no_personal_text_and_the_export_still_reads_it(
        request: pytest.FixtureRequest, tmp_path: Path) -> None:
    server = start_server("sqlite", tmp_path, request)
    laptop, token = _laptop(server, visits=2)
    assert _push(server, token, laptop.events).status_code == 200
    server.stop()
    files = b"".join(p.read_bytes() for p in tmp_path.glob("*.db*"))
    for secret in (GRANTOR["name"], "Zofia Nowak", "CH-12345", "Pat Witness", "INT-9", "Sam Worker"):
        assert secret.encode() not in files, secret
    with sqlite3.connect(next(tmp_path.glob("*.db"))) as conn:
        bodies = [r[0] for r in conn.execute("SELECT body FROM events")]
    assert bodies and all(b.startswith(f"fpv1:{server.keyring.current_id}:") for b in bodies)
    records = export.query(server.engine, export.Filters(), server.keyring)
    assert {r.visit["case_reference"] for r in records if r.visit} == {"CH-12345"}
    stranger = vault.Keyring.parse([vault.new_key_line()], "another key")
    with pytest.raises(vault.VaultError, match="not in the key ring"):
        export.query(server.engine, export.Filters(), stranger)


def _server_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "familyprivacy.server.cli", *args], capture_output=True,
                          text=True, timeout=HANG_GUARD, check=False)


def test_keys_rotate_seals_every_body_under_the_new_key(request: pytest.FixtureRequest,
                                                       tmp_path: Path) -> None:
    server = start_server("sqlite", tmp_path, request)
    laptop, token = _laptop(server, visits=2)
    assert _push(server, token, laptop.events).status_code == 200
    server.stop()
    common = ("--db", server.db_url, "--key-file", str(server.key_file))
    old = server.keyring.current_id
    made = _server_cli(*common, "keys", "new")
    assert made.returncode == 0, made.stderr
    rotated = _server_cli(*common, "keys", "rotate")
    assert rotated.returncode == 0 and f"Sealed {len(laptop.events)} bodies" in rotated.stdout, rotated.stderr
    ring = vault.load(server.db_url, str(server.key_file))
    assert ring.current_id != old and old in dict(ring.keys)
    status = _server_cli(*common, "keys", "status")
    assert f"{ring.current_id}\t{len(laptop.events)} bodies\tcurrent" in status.stdout
    # With the old key removed, everything still opens.
    only_new = vault.Keyring(ring.keys[:1])
    records = export.query(server.engine, export.Filters(), only_new)
    assert len(records) == 4 and all(r.visit for r in records)


def test_a_postgresql_inbox_will_not_start_without_a_key_file() -> None:
    result = _server_cli("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "serve")
    assert result.returncode == 2 and "needs a key file" in result.stderr


# --- the API's document --------------------------------------------------------------------------

def test_the_served_and_committed_openapi_documents_are_the_models(server: InboxServer) -> None:
    served = httpx.get(server.url + "/v1/openapi.json", timeout=HANG_GUARD).json()
    committed = json.loads((ROOT / "docs" / "inbox-openapi.json").read_text("utf-8"))
    assert served == openapi.document() == committed, (
        "docs/inbox-openapi.json is out of date: "
        "python -m familyprivacy.server.openapi > docs/inbox-openapi.json")
    assert set(served["paths"]) >= {"/v1/enrol", "/v1/events", "/v1/export/consents.csv", "/v1/actions"}
    event = served["components"]["schemas"]["EventHeader"]
    assert event["additionalProperties"] is False


def test_sealed_events_from_the_real_laptop_model_fit_the_schema() -> None:
    """What the laptop's own model writes is what the inbox accepts (no stuck 'problem' events)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from familyprivacy.consent.model import Capture, Child, Decision, Grantor, Interpreter, Visit, Worker
    from familyprivacy.server.schema import check_event

    visit = Visit(council_id="essex", notice_id="essex/childrens-services", case_reference="CH-1",
                  grantors=(Grantor("g1", "Aleksandra Nowak", "mother"),), children=(Child("c1", "Zofia"),),
                  worker=Worker("Sam Worker", "w1"), started_at="2026-11-25T10:00:00.000000Z", ended_at=None,
                  language="pl", content_fingerprint="sha256:" + "a" * 64,
                  interpreter=Interpreter("phone", "pl", "INT-1"))
    decision = Decision(visit_id=visit.visit_id, choice_id="help-and-support", kind="service-agreement",
                        status="given", grantor_ids=("g1",), child_ids=("c1",),
                        capture=Capture("signature", signature_strokes=(((1.0, 2.0, 0.0), (3, 4, 16)),)),
                        recorded_by="Sam Worker", language="pl",
                        content_fingerprint=visit.content_fingerprint)
    key = Ed25519PrivateKey.generate()
    for seq, (kind, body) in enumerate((("visit", visit.to_body()), ("decision", decision.to_body())), 1):
        env = seal({"event_id": f"e{seq}", "device_id": "d1", "seq": seq, "prev": "0" * 64, "type": kind,
                    "council_id": "essex", "notice_id": "essex/childrens-services",
                    "recorded_at": "2026-11-25T10:00:00.000000Z"}, body, key)
        header, _ = check_event(env.to_wire())
        assert header.type == kind
