"""``verify``: walk the whole chain and name the first broken link.

Per event, in order: the stored header text hashes (SHA-256) to the stored
hash, and the device's Ed25519 signature over that hash is valid; the header
agrees with the row's clear columns (seq, event id, type, device); it links to
the event before (seq + 1, prev = the previous hash). The store writes each
header as the canonical JSON that ``envelope.seal`` hashed, so hashing the
stored text is the envelope's own check, without re-serialising. When the
store is unlocked, each outbox row must match its seal (a MAC under the
store's key over its seq, its event's hash, state, reason and time, so a sync
state set by anyone but the app is caught), each body must decrypt under this
store's key (its ids are the associated data, so a body moved to another row
fails) and hash to the header's ``body_sha256``; and the head sealed at the
last save (seq, hash, keyed MAC) must match the last event, so a deleted
newest event is caught too. An erased body is accepted only for an event the
council confirmed.

What the file alone cannot show (saves that went missing with the head that
named them, a whole file put back from an older copy) is the anchor's part:
``consent.anchor``, checked by ``Store.verify`` after this walk.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from familyprivacy.consent import crypto
from familyprivacy.consent.envelope import ENVELOPE_VERSION, GENESIS, canonical, load_public_key
from familyprivacy.consent.errors import ChainBroken

HEAD_VERSION = 2  # the head of a store whose outbox rows are sealed and whose saves are anchored


@dataclass(frozen=True)
class VerifyReport:
    events: int
    bodies_checked: int
    bodies_erased: int
    head_checked: bool
    outbox_sealed: int = 0  # outbox rows whose seal was checked
    acknowledged: int | None = None  # the anchor's newest acknowledged seq (None: no anchor to check)
    confirmed: int = 0  # the anchor's newest seq the inbox confirmed
    integrity_checked: bool = False  # PRAGMA integrity_check: every table and index intact
    accepted: tuple[str, ...] = ()  # problems on record that someone accepted (records repair --accept-loss)

    def describe(self) -> str:
        parts = [f"{self.events} events: chain and signatures verify"]
        if self.bodies_checked or self.bodies_erased:
            parts.append(f"{self.bodies_checked} bodies decrypt and match their hashes")
        if self.bodies_erased:
            parts.append(f"{self.bodies_erased} bodies erased after the council confirmed them")
        if self.outbox_sealed:
            parts.append(f"{self.outbox_sealed} sync states match their seals")
        if self.acknowledged is not None:
            saves = f"all {self.acknowledged} acknowledged saves present"
            if self.confirmed:
                saves += f", and confirmed by the inbox up to seq {self.confirmed}"
            parts.append(saves)
        if self.integrity_checked:
            parts.append("file and indexes intact")
        if not self.head_checked:
            parts.append("bodies, sync states and the seals on the newest event and on the record of "
                         "acknowledged saves not checked (store locked)")
        if self.accepted:
            parts.append("on record and accepted: " + "; ".join(self.accepted))
        return "; ".join(parts)


@dataclass(frozen=True)
class ChainState:
    """What walking the chain found: its newest event, counts, and the head's version."""

    last_seq: int
    last_hash: str
    events: int
    bodies_checked: int
    bodies_erased: int
    outbox_sealed: int
    head_checked: bool
    head_version: int


def outbox_seal(outbox_key: bytes, seq: int, event_hash: str, state: str, reason: str | None,
                changed_at: float) -> str:
    """The MAC an outbox row carries; ``outbox_key`` is the data key's "outbox" subkey."""
    return crypto.mac(outbox_key, canonical([seq, event_hash, state, reason, float(changed_at)]))


def seal_head(data_key: bytes, seq: int, digest: str) -> bytes:
    """The meta row naming the newest event (version 2: the outbox is sealed and saves are anchored)."""
    mac = crypto.mac(crypto.subkey(data_key, "head-v2"), f"{seq}:{digest}".encode())
    return json.dumps({"v": HEAD_VERSION, "seq": seq, "hash": digest, "mac": mac}).encode()


def head_version(raw: Any) -> int:
    """The version of a stored head (0 when there is none); ChainBroken when it is damaged."""
    return 0 if raw is None else _head(raw)[3]


def check_chain(conn: sqlite3.Connection, device_id: str, public_raw: bytes,
                data_key: bytes | None) -> ChainState:
    """Walk every event; the caller holds one read snapshot (``BEGIN``) around this and what follows."""
    try:
        public_key = load_public_key(public_raw)
    except ValueError:
        raise ChainBroken(0, "the store's device public key is damaged") from None
    head = conn.execute("SELECT value FROM meta WHERE name = 'head'").fetchone()
    version = head_version(None if head is None else head[0])
    cursor = conn.execute(
        "SELECT e.seq, CAST(e.event_id AS BLOB), CAST(e.type AS BLOB), CAST(e.visit_id AS BLOB), "
        "CAST(e.header AS BLOB), CAST(e.hash AS BLOB), e.signature, e.body IS NULL, "
        "CASE WHEN ? THEN e.body END, o.state, o.reason, o.changed_at, o.mac "  # locked: no bodies read
        "FROM events e LEFT JOIN outbox o ON o.seq = e.seq ORDER BY e.seq", (data_key is not None,))
    outbox_key = crypto.subkey(data_key, "outbox") if data_key is not None else None
    try:  # a cursor left open would pin this connection to an old snapshot
        last_seq, last_hash, count, checked, erased, sealed = _walk(
            cursor, device_id, public_key, data_key, outbox_key, version >= HEAD_VERSION)
    finally:
        cursor.close()
    head_checked = check_head(None if head is None else head[0], last_seq, last_hash, data_key)
    return ChainState(last_seq, last_hash, count, checked, erased, sealed, head_checked, version)


def _walk(rows: Iterable[Any], device_id: str, public_key: Ed25519PublicKey, data_key: bytes | None,
          outbox_key: bytes | None, sealed_store: bool) -> tuple[int, str, int, int, int, int]:
    aead = AESGCM(data_key) if data_key is not None else None
    previous_seq, previous_hash = 0, GENESIS
    count = checked = erased = sealed = 0
    for (seq, *raw, header_bytes, digest_bytes, signature, body_erased, blob, outbox_state, reason,
         changed_at, seal) in rows:
        count += 1
        event_id, kind, visit_id = (_text(seq, value) for value in raw)
        digest = hashlib.sha256(_bytes(header_bytes)).hexdigest()
        if _bytes(digest_bytes) != digest.encode():
            raise ChainBroken(seq, f"event seq {seq}: hash does not match its header")
        try:
            public_key.verify(_bytes(signature), bytes.fromhex(digest))
        except (InvalidSignature, ValueError):
            raise ChainBroken(seq, f"event seq {seq}: signature is not valid") from None
        header = _header(seq, header_bytes)
        if (header.get("seq"), header.get("event_id"), header.get("type"), header.get("device_id"),
                header.get("v")) != (seq, event_id, kind, device_id, ENVELOPE_VERSION):
            raise ChainBroken(seq, f"event seq {seq}: its header disagrees with where it is stored "
                                   "(moved, reordered or altered)")
        if seq != previous_seq + 1:
            raise ChainBroken(seq, f"event seq {seq}: gap in the chain after seq {previous_seq}")
        if header.get("prev") != previous_hash:
            raise ChainBroken(seq, f"event seq {seq}: does not link to the event before it")
        if outbox_state is None:
            raise ChainBroken(seq, f"event seq {seq}: has no outbox row")
        if outbox_key is not None and (seal is not None or sealed_store):
            _check_seal(seq, outbox_key, digest, outbox_state, reason, changed_at, seal)
            sealed += 1
        if body_erased:
            if outbox_state != "confirmed":
                raise ChainBroken(seq, f"event seq {seq}: its body is gone but the council never "
                                       "confirmed receiving it")
            erased += 1
        elif aead is not None and blob is not None:
            _check_body(seq, aead, event_id, visit_id, _bytes(blob), header.get("body_sha256"))
            checked += 1
        previous_seq, previous_hash = seq, digest
    return previous_seq, previous_hash, count, checked, erased, sealed


def _check_seal(seq: int, outbox_key: bytes, digest: str, state: Any, reason: Any, changed_at: Any,
                seal: Any) -> None:
    if seal is None:
        raise ChainBroken(seq, f"event seq {seq}: its outbox row has lost its seal (its sync state was "
                               "changed outside the app)")
    try:
        expected = outbox_seal(outbox_key, seq, digest, str(state), None if reason is None else str(reason),
                               float(changed_at))
    except (TypeError, ValueError):
        expected = ""
    if not hmac.compare_digest(_bytes(seal), expected.encode()):
        raise ChainBroken(seq, f"event seq {seq}: its outbox state does not match its seal (its sync state "
                               "was changed outside the app)")


def _bytes(value: Any) -> bytes:
    return bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()


def _text(seq: int, value: Any) -> str:
    try:
        return _bytes(value).decode("utf-8")
    except UnicodeDecodeError:
        raise ChainBroken(seq, f"event seq {seq}: a stored field is not intact") from None


def _header(seq: int, raw: Any) -> dict[str, Any]:
    try:
        header = json.loads(_bytes(raw))
    except ValueError:
        header = None
    if not isinstance(header, dict):
        raise ChainBroken(seq, f"event seq {seq}: its header is not intact")
    return header


def _check_body(seq: int, aead: AESGCM, event_id: str, visit_id: str, blob: bytes,
                expected: object) -> None:
    try:
        plain = crypto.decrypt(aead, blob, crypto.body_ad(event_id, visit_id))
    except InvalidTag:
        raise ChainBroken(seq, f"event seq {seq}: its encrypted body was altered or moved") from None
    if hashlib.sha256(plain).hexdigest() != expected:
        raise ChainBroken(seq, f"event seq {seq}: body does not match its hash")


def _head(raw: Any) -> tuple[int, str, str, int]:
    try:
        head = json.loads(_bytes(raw))
        seq, digest, mac = int(head["seq"]), str(head["hash"]), str(head["mac"])
        version = int(head.get("v", 1))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ChainBroken(0, "the record of the newest event is damaged") from None
    if version not in (1, HEAD_VERSION):
        raise ChainBroken(0, "the record of the newest event is damaged")
    return seq, digest, mac, version


def check_head(raw: Any, last_seq: int, last_hash: str, data_key: bytes | None) -> bool:
    if raw is None:
        if last_seq:
            raise ChainBroken(0, "the record of the newest event is missing")
        return data_key is not None
    seq, digest, mac, version = _head(raw)
    if last_seq != seq or last_hash != digest:
        raise ChainBroken(last_seq + 1, f"events after seq {last_seq} are missing: the newest saved "
                                        f"was seq {seq}")
    if data_key is None:
        return False
    purpose = "head" if version == 1 else "head-v2"
    if not hmac.compare_digest(crypto.mac(crypto.subkey(data_key, purpose), f"{seq}:{digest}".encode()), mac):
        raise ChainBroken(seq, "the record of the newest event was not written by this store")
    return True
