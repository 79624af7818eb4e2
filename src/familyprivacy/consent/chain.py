"""``verify``: walk the whole chain and name the first broken link.

Checks, per event in order: the stored header is exactly its canonical JSON and
agrees with the row's clear columns; the hash and the Ed25519 signature; the link
to the event before (seq and prev). When the store is unlocked, also that each
body decrypts under this store's key, with the event id as associated data, and
hashes to the header's ``body_sha256``; and that the head recorded with the last
save (seq, hash, keyed MAC) matches the last event, so a deleted newest event is
caught too. An erased body is accepted only for an event the council confirmed.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag

from familyprivacy.consent import crypto
from familyprivacy.consent.envelope import (
    Envelope,
    EnvelopeError,
    canonical,
    load_public_key,
    verify,
    verify_link,
)
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
    rows = conn.execute(
        "SELECT e.seq, CAST(e.event_id AS BLOB), CAST(e.type AS BLOB), CAST(e.visit_id AS BLOB), "
        "CAST(e.header AS BLOB), CAST(e.hash AS BLOB), e.signature, e.body, o.state "
        "FROM events e LEFT JOIN outbox o ON o.seq = e.seq ORDER BY e.seq").fetchall()
    previous: Envelope | None = None
    checked = erased = 0
    for seq, *raw, signature, blob, outbox_state in rows:
        event_id, kind, visit_id, header_text, digest = (_text(seq, value) for value in raw)
        header = _header(seq, header_text)
        if (header.get("seq"), header.get("event_id"), header.get("type"), header.get("device_id")) != (
                seq, event_id, kind, device_id):
            raise ChainBroken(seq, f"event seq {seq}: its header disagrees with where it is stored "
                                   "(moved, reordered or altered)")
        if outbox_state is None:
            raise ChainBroken(seq, f"event seq {seq}: has no outbox row")
        body = None
        if blob is None:
            if outbox_state != "confirmed":
                raise ChainBroken(seq, f"event seq {seq}: its body is gone but the council never "
                                       "confirmed receiving it")
            erased += 1
        elif data_key is not None:
            body = _decrypt(seq, data_key, event_id, bytes(blob))
            if body.get("visit_id") != visit_id:
                raise ChainBroken(seq, f"event seq {seq}: filed under the wrong visit")
            checked += 1
        if not isinstance(signature, bytes):
            raise ChainBroken(seq, f"event seq {seq}: hash or signature has the wrong type")
        envelope = Envelope(header, body, digest, base64.b64encode(signature).decode("ascii"))
        try:
            verify(envelope, public_key)
            verify_link(previous, envelope)
        except EnvelopeError as exc:
            raise ChainBroken(seq, str(exc)) from None
        previous = envelope
    head_checked = _check_head(conn, previous, data_key)
    return VerifyReport(len(rows), checked, erased, head_checked)


def _text(seq: int, value: object) -> str:
    try:
        return bytes(value).decode("utf-8") if isinstance(value, bytes) else str(value)
    except UnicodeDecodeError:
        raise ChainBroken(seq, f"event seq {seq}: a stored field is not intact") from None


def _header(seq: int, text: str) -> dict[str, object]:
    try:
        header = json.loads(text)
    except ValueError:
        header = None
    if not isinstance(header, dict) or canonical(header).decode() != text:
        raise ChainBroken(seq, f"event seq {seq}: its header is not intact")
    return header


def _decrypt(seq: int, data_key: bytes, event_id: str, blob: bytes) -> dict[str, object]:
    try:
        body = json.loads(crypto.decrypt(data_key, blob, event_id.encode()))
    except (InvalidTag, ValueError):
        raise ChainBroken(seq, f"event seq {seq}: its encrypted body was altered or moved") from None
    if not isinstance(body, dict):
        raise ChainBroken(seq, f"event seq {seq}: its body is not an object")
    return body


def _check_head(conn: sqlite3.Connection, last: Envelope | None, data_key: bytes | None) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE name = 'head'").fetchone()
    if row is None:
        if last is not None:
            raise ChainBroken(0, "the record of the newest event is missing")
        return data_key is not None
    try:
        head = json.loads(row[0])
        seq, digest, mac = int(head["seq"]), str(head["hash"]), str(head["mac"])
    except (ValueError, KeyError, TypeError):
        raise ChainBroken(0, "the record of the newest event is damaged") from None
    if last is None or last.seq != seq or last.hash != digest:
        have = last.seq if last else 0
        raise ChainBroken(have + 1, f"events after seq {have} are missing: the newest saved was seq {seq}")
    if data_key is None:
        return False
    if crypto.mac(crypto.subkey(data_key, "head"), f"{seq}:{digest}".encode()) != mac:
        raise ChainBroken(seq, "the record of the newest event was not written by this store")
    return True
