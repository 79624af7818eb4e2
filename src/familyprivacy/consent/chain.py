"""``verify``: walk the whole chain and name the first broken link.

Per event, in order: the stored header text hashes (SHA-256) to the stored
hash, and the device's Ed25519 signature over that hash is valid; the header
agrees with the row's clear columns (seq, event id, type, device); it links to
the event before (seq + 1, prev = the previous hash). The store writes each
header as the canonical JSON that ``envelope.seal`` hashed, so hashing the
stored text is the envelope's own check, without re-serialising. When the
store is unlocked, each body must also decrypt under this store's key (its ids
are the associated data, so a body moved to another row fails) and hash to the
header's ``body_sha256``; and the head sealed at the last save (seq, hash,
keyed MAC) must match the last event, so a deleted newest event is caught too.
An erased body is accepted only for an event the council confirmed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from familyprivacy.consent import crypto
from familyprivacy.consent.envelope import ENVELOPE_VERSION, GENESIS, load_public_key
from familyprivacy.consent.errors import ChainBroken


@dataclass(frozen=True)
class VerifyReport:
    events: int
    bodies_checked: int
    bodies_erased: int
    head_checked: bool

    def describe(self) -> str:
        parts = [f"{self.events} events: chain and signatures verify"]
        if self.bodies_checked or self.bodies_erased:
            parts.append(f"{self.bodies_checked} bodies decrypt and match their hashes")
        if self.bodies_erased:
            parts.append(f"{self.bodies_erased} bodies erased after the council confirmed them")
        if not self.head_checked:
            parts.append("bodies and the newest-event seal not checked (store locked)")
        return "; ".join(parts)


def verify_chain(conn: sqlite3.Connection, device_id: str, public_raw: bytes,
                 data_key: bytes | None) -> VerifyReport:
    try:
        public_key = load_public_key(public_raw)
    except ValueError:
        raise ChainBroken(0, "the store's device public key is damaged") from None
    conn.execute("BEGIN")  # one snapshot for the events and the head, whoever writes meanwhile
    try:
        cursor = conn.execute(
            "SELECT e.seq, CAST(e.event_id AS BLOB), CAST(e.type AS BLOB), CAST(e.visit_id AS BLOB), "
            "CAST(e.header AS BLOB), CAST(e.hash AS BLOB), e.signature, e.body IS NULL, "
            "CASE WHEN ? THEN e.body END, o.state "  # locked: bodies are not read at all
            "FROM events e LEFT JOIN outbox o ON o.seq = e.seq ORDER BY e.seq", (data_key is not None,))
        try:  # a cursor left open would pin this connection to an old snapshot
            last_seq, last_hash, count, checked, erased = _walk(cursor, device_id, public_key, data_key)
        finally:
            cursor.close()
        head_checked = _check_head(conn, last_seq, last_hash, data_key)
    finally:
        conn.execute("ROLLBACK")
    return VerifyReport(count, checked, erased, head_checked)


def _walk(rows: Iterable[Any], device_id: str, public_key: Ed25519PublicKey, data_key: bytes | None
          ) -> tuple[int, str, int, int, int]:
    aead = AESGCM(data_key) if data_key is not None else None
    previous_seq, previous_hash = 0, GENESIS
    count = checked = erased = 0
    for seq, *raw, header_bytes, digest_bytes, signature, body_erased, blob, outbox_state in rows:
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
        if body_erased:
            if outbox_state != "confirmed":
                raise ChainBroken(seq, f"event seq {seq}: its body is gone but the council never "
                                       "confirmed receiving it")
            erased += 1
        elif aead is not None and blob is not None:
            _check_body(seq, aead, event_id, visit_id, _bytes(blob), header.get("body_sha256"))
            checked += 1
        previous_seq, previous_hash = seq, digest
    return previous_seq, previous_hash, count, checked, erased


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


def _check_head(conn: sqlite3.Connection, last_seq: int, last_hash: str, data_key: bytes | None) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE name = 'head'").fetchone()
    if row is None:
        if last_seq:
            raise ChainBroken(0, "the record of the newest event is missing")
        return data_key is not None
    try:
        head = json.loads(row[0])
        seq, digest, mac = int(head["seq"]), str(head["hash"]), str(head["mac"])
    except (ValueError, KeyError, TypeError):
        raise ChainBroken(0, "the record of the newest event is damaged") from None
    if last_seq != seq or last_hash != digest:
        raise ChainBroken(last_seq + 1, f"events after seq {last_seq} are missing: the newest saved "
                                        f"was seq {seq}")
    if data_key is None:
        return False
    if crypto.mac(crypto.subkey(data_key, "head"), f"{seq}:{digest}".encode()) != mac:
        raise ChainBroken(seq, "the record of the newest event was not written by this store")
    return True
