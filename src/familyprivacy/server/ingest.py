"""Enrolment and push: the inbox's rules for accepting a device and its signed events.

A push holds the device's row lock (an UPDATE comes first, so SQLite takes its
write lock and PostgreSQL its row lock), so two requests from one laptop, say
a retry racing the original after a cut connection, are applied one after the
other and every event is stored exactly once.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, Engine, case, select, update
from sqlalchemy.exc import IntegrityError

from familyprivacy.consent.envelope import (
    GENESIS,
    Envelope,
    EnvelopeError,
    canonical,
    load_public_key,
    sha256_hex,
    verify,
    verify_link,
)
from familyprivacy.server import db
from familyprivacy.server.bodies import BodyError, check_body, normalise_time
from familyprivacy.server.schema import SchemaError, check_event
from familyprivacy.server.tokens import digest, new_secret
from familyprivacy.server.vault import Keyring

log = logging.getLogger("familyprivacy.server")
Outcome = Literal["stored", "duplicate", "conflict", "invalid"]

# For tests only, and None (off) unless a test's own server process sets it: called as
# push_hook(stage, head_seq) by a push that stored events, with stage "inserted" (the rows are
# written, the transaction still open) or "committed" (committed, the reply not yet sent), and the
# device's chain head after the batch. tests/inbox_freezing.py freezes the server there, to be killed.
push_hook: Callable[[str, int], None] | None = None


class Refused(Exception):
    """A request refused as a whole, with its HTTP status. The message carries no personal data."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class EventResult:
    index: int
    event_id: str | None
    outcome: Outcome
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "event_id": self.event_id, "outcome": self.outcome,
                "reason": self.reason}


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def enrol(engine: Engine, code: str, device_id: str, public_key_b64: str, label: str = "") -> str:
    """Trade a one-time code for a device token; the code is spent only if enrolment succeeds."""
    if not device_id or len(device_id) > 200:
        raise Refused(400, "device_id must be short text")
    try:
        raw = base64.b64decode(public_key_b64, validate=True)
        load_public_key(raw)
    except (binascii.Error, ValueError):
        raise Refused(400, "public_key must be a base64 Ed25519 public key") from None
    token = new_secret()
    now = _now()
    with engine.begin() as conn:
        c = db.enrolment_codes.c
        spent = conn.execute(update(db.enrolment_codes)
                             .where(c.code_hash == digest(code), c.used_at.is_(None))
                             .values(used_at=now, device_id=device_id))
        issued = conn.execute(select(c.expires_at, c.label).where(c.code_hash == digest(code))).first()
        if spent.rowcount != 1 or issued is None or _aware(issued.expires_at) < now:
            conn.rollback()
            log.warning("enrolment refused: code unknown, used or expired")
            raise Refused(401, "the enrolment code is unknown, already used or expired")
        if conn.execute(select(db.devices.c.device_id).where(db.devices.c.device_id == device_id)).first():
            conn.rollback()
            log.warning("enrolment refused: device already enrolled")
            raise Refused(409, "this device is already enrolled")
        conn.execute(db.devices.insert().values(
            device_id=device_id, public_key=raw, token_hash=digest(token),
            label=(label or issued.label)[:200], enrolled_at=now, revoked_at=None, head_seq=0,
            head_hash=GENESIS, last_seen_at=None, rate_window=0, rate_count=0))
    return token


def _claim_device(conn: Connection, token: str, rate_limit: int, window_seconds: int) -> tuple[Any, bool]:
    """Lock the device row, count this request in its window, and say whether it is over the limit."""
    d = db.devices.c
    window = int(_now().timestamp()) // window_seconds
    locked = conn.execute(update(db.devices).where(d.token_hash == digest(token), d.revoked_at.is_(None))
                          .values(last_seen_at=_now(), rate_window=window,
                                  rate_count=case((d.rate_window == window, d.rate_count + 1), else_=1)))
    row = conn.execute(select(db.devices).where(d.token_hash == digest(token))).first()
    if row is None:
        raise Refused(401, "unknown device token")
    if locked.rowcount != 1:
        raise Refused(403, "this device has been revoked")
    return row, row.rate_count > rate_limit


def _same(stored: Any, env: Envelope) -> bool:
    """The same signed header, and a body that fits its hash. (The stored body is sealed; the header
    it was stored under carries its SHA-256, so the body need not be opened to compare.)"""
    return bool(stored.header == canonical(env.header).decode("utf-8") and stored.hash == env.hash
                and stored.signature == env.signature and env.body is not None
                and sha256_hex(canonical(env.body)) == env.header["body_sha256"])


def push(engine: Engine, token: str, raw_events: list[Any], keyring: Keyring, *, rate_limit: int = 120,
         window_seconds: int = 60) -> list[EventResult]:
    """Verify and store a batch in order; stop storing at the first conflicting or invalid event."""
    for attempt in (1, 2):
        try:
            return _push_once(engine, token, raw_events, keyring, rate_limit, window_seconds)
        except IntegrityError:
            if attempt == 2:
                raise
            log.warning("push raced another device for an event id; retrying once")
    raise AssertionError("unreachable")


def _push_once(engine: Engine, token: str, raw_events: list[Any], keyring: Keyring, rate_limit: int,
               window_seconds: int) -> list[EventResult]:
    with engine.begin() as conn:
        device, over = _claim_device(conn, token, rate_limit, window_seconds)
        if over:
            limited = True
        else:
            limited = False
            results, rows, head = _check_batch(conn, device, raw_events, keyring)
            if rows:
                conn.execute(db.events.insert(), rows)
                conn.execute(update(db.devices).where(db.devices.c.device_id == device.device_id)
                             .values(head_seq=head.seq, head_hash=head.hash))
                if push_hook is not None:
                    push_hook("inserted", head.seq)
    if push_hook is not None and not limited and rows:
        push_hook("committed", head.seq)
    if limited:
        log.warning("push refused: too many requests from device %s", device.device_id)
        raise Refused(429, "too many requests from this device; try again shortly")
    refused = [r for r in results if r.outcome in ("conflict", "invalid")]
    if refused:  # one line per batch, however many events it refused
        first = refused[0]
        log.warning("push from device %s: %d of %d events refused; first at index %d: %s (%s)",
                    device.device_id, len(refused), len(results), first.index, first.outcome, first.reason)
    return results


def _head(conn: Connection, device: Any) -> Envelope | None:
    if device.head_seq == 0:
        return None
    e = db.events.c
    row = conn.execute(select(e.header, e.hash, e.signature).where(
        e.device_id == device.device_id, e.seq == device.head_seq)).one()
    return Envelope(json.loads(row.header), None, row.hash, row.signature)


def _check_batch(conn: Connection, device: Any, raw_events: list[Any], keyring: Keyring
                 ) -> tuple[list[EventResult], list[dict[str, Any]], Envelope]:
    key = load_public_key(device.public_key)
    parsed: list[Envelope | EnvelopeError | SchemaError] = []
    for index, raw in enumerate(raw_events):
        try:
            check_event(raw, f"events[{index}]")
            parsed.append(Envelope.from_wire(raw))
        except (EnvelopeError, SchemaError) as exc:
            parsed.append(exc)
    envelopes = [p for p in parsed if isinstance(p, Envelope)]
    ids = [p.event_id for p in envelopes]
    e = db.events.c
    known: dict[str, Any] = {r.event_id: r for r in conn.execute(
        select(e.event_id, e.device_id, e.header, e.hash, e.signature).where(e.event_id.in_(ids)))
    } if ids else {}
    # Who sent each visit this batch names: a visit id is one device's, and only its decisions follow.
    visit_ids = sorted({str(p.body["visit_id"]) for p in envelopes if p.body is not None})
    owners: dict[str, str] = {r.visit_id: r.device_id for r in conn.execute(
        select(e.visit_id, e.device_id).where(e.type == "visit", e.visit_id.in_(visit_ids)))
    } if visit_ids else {}
    head = _head(conn, device)
    results: list[EventResult] = []
    rows: list[dict[str, Any]] = []
    failed = False
    received = _now()
    for index, item in enumerate(parsed):
        if not isinstance(item, Envelope):
            results.append(EventResult(index, None, "invalid", str(item)))
            failed = True
            continue
        event_id = item.event_id
        if event_id in known:
            stored = known[event_id]
            if stored.device_id != device.device_id:  # never confirm, or even hint at, another's event
                outcome: Outcome = "invalid"
                reason = "this event id is already used by another device"
            else:
                outcome = "duplicate" if _same(stored, item) else "conflict"
                reason = "" if outcome == "duplicate" else "same id, different content"
            results.append(EventResult(index, event_id, outcome, reason))
            failed = failed or outcome != "duplicate"
            continue
        if failed:
            results.append(EventResult(index, event_id, "invalid", "follows a refused event; not checked"))
            continue
        try:
            _check_visit_owner(item, owners, device.device_id)
            row = _new_row(item, head, device.device_id, key, received, keyring)
        except (EnvelopeError, BodyError) as exc:
            results.append(EventResult(index, event_id, "invalid", str(exc)))
            failed = True
            continue
        except (TypeError, ValueError):  # a header field of the wrong JSON kind (a list for a type…)
            results.append(EventResult(index, event_id, "invalid", "the event header has fields of the "
                                       "wrong kind"))
            failed = True
            continue
        rows.append(row)
        known[event_id] = _Stored(row)
        if item.header["type"] == "visit":
            owners[row["visit_id"]] = device.device_id
        head = item
        results.append(EventResult(index, event_id, "stored"))
    return results, rows, head if head is not None else Envelope({}, None, GENESIS, "")


def _check_visit_owner(env: Envelope, owners: dict[str, str], device_id: str) -> None:
    """A visit id belongs to the device that sent it first; a decision follows its own visit."""
    assert env.body is not None
    visit_id = str(env.body["visit_id"])
    owner = owners.get(visit_id)
    if env.header["type"] == "visit":
        if owner is not None:
            raise BodyError("visit body: visit_id is already used by "
                            + ("this device for another visit" if owner == device_id else "another device"))
    elif owner is None:
        raise BodyError("decision body: visit_id names no visit this device has sent")
    elif owner != device_id:
        raise BodyError("decision body: visit_id names another device's visit")


class _Stored:
    """A row stored earlier in this same batch, compared like one read from the database."""

    def __init__(self, row: dict[str, Any]) -> None:
        self.device_id, self.header, self.hash, self.signature = (row["device_id"], row["header"],
                                                                  row["hash"], row["signature"])


def _new_row(env: Envelope, head: Envelope | None, device_id: str, key: Ed25519PublicKey,
             received: datetime, keyring: Keyring) -> dict[str, Any]:
    if env.header.get("device_id") != device_id:
        raise EnvelopeError(f"event seq {env.header.get('seq')}: belongs to another device")
    verify(env, key)
    verify_link(head, env)
    header = env.header
    columns = check_body(header["type"], header, env.body)
    return dict(columns, event_id=env.event_id, device_id=device_id, seq=env.seq, type=header["type"],
                council_id=header["council_id"], notice_id=header["notice_id"],
                recorded_at=normalise_time(header["recorded_at"], "header recorded_at"),
                hash=env.hash, signature=env.signature, header=canonical(header).decode("utf-8"),
                body=keyring.seal(canonical(env.body).decode("utf-8"), env.event_id), received_at=received)
