"""The signed, hash-chained envelope every recorded event travels in.

This is the one format shared by the laptop's store, its sync, and the
council's inbox. An event is a ``header`` (routing facts that identify no
person, plus the SHA-256 of the body) and a ``body`` (the personal content,
encrypted at rest on the laptop, sent over TLS to the council's own inbox).

    event_hash = SHA-256(canonical JSON of header)
    signature  = Ed25519(device key, event_hash)

The header carries ``prev`` (the previous event's hash on this device, or 64
zeros for the first) and ``seq`` (1, 2, 3… per device), so the chain and the
signatures stay verifiable after a synced event's body has been erased from
the laptop: only the header, hash and signature must be kept.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ENVELOPE_VERSION = 1
GENESIS = "0" * 64
HEADER_KEYS = frozenset(
    {"v", "event_id", "device_id", "seq", "prev", "type", "council_id", "notice_id",
     "recorded_at", "body_sha256"}
)
EVENT_TYPES = frozenset({"visit", "decision"})


class EnvelopeError(ValueError):
    """An envelope that is malformed, altered, or out of its chain. Never carries personal data."""


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no whitespace, UTF-8, no NaN."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Envelope:
    header: dict[str, Any]
    body: dict[str, Any] | None  # None once erased after sync
    hash: str
    signature: str  # base64

    @property
    def event_id(self) -> str:
        return str(self.header["event_id"])

    @property
    def seq(self) -> int:
        return int(self.header["seq"])

    @property
    def prev(self) -> str:
        return str(self.header["prev"])

    def to_wire(self) -> dict[str, Any]:
        return {"header": self.header, "body": self.body, "hash": self.hash, "sig": self.signature}

    @classmethod
    def from_wire(cls, data: Any) -> Envelope:
        if not isinstance(data, dict) or set(data) != {"header", "body", "hash", "sig"}:
            raise EnvelopeError("an event must have exactly header, body, hash and sig")
        header, body = data["header"], data["body"]
        if not isinstance(header, dict) or set(header) != HEADER_KEYS:
            raise EnvelopeError("the event header has missing or unknown fields")
        if body is not None and not isinstance(body, dict):
            raise EnvelopeError("the event body must be an object")
        if not isinstance(data["hash"], str) or not isinstance(data["sig"], str):
            raise EnvelopeError("hash and sig must be text")
        return cls(header, body, data["hash"], data["sig"])


def seal(header_fields: dict[str, Any], body: dict[str, Any], key: Ed25519PrivateKey,
         body_bytes: bytes | None = None) -> Envelope:
    """Build, hash and sign an event. ``header_fields`` lacks ``v`` and ``body_sha256``.
    ``body_bytes``, if given, must be ``canonical(body)``: the store has it already, to encrypt."""
    if body_bytes is None:
        body_bytes = canonical(body)
    header = dict(header_fields, v=ENVELOPE_VERSION, body_sha256=sha256_hex(body_bytes))
    _check_header(header)
    digest = sha256_hex(canonical(header))
    signature = base64.b64encode(key.sign(bytes.fromhex(digest))).decode("ascii")
    return Envelope(header, body, digest, signature)


def _check_header(header: dict[str, Any]) -> None:
    if set(header) != HEADER_KEYS:
        raise EnvelopeError("the event header has missing or unknown fields")
    if header["v"] != ENVELOPE_VERSION:
        raise EnvelopeError(f"unknown envelope version {header['v']!r}")
    if header["type"] not in EVENT_TYPES:
        raise EnvelopeError("unknown event type")
    seq = header["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise EnvelopeError("seq must be a whole number from 1")
    prev = header["prev"]
    if not isinstance(prev, str) or len(prev) != 64 or any(c not in "0123456789abcdef" for c in prev):
        raise EnvelopeError("prev must be a SHA-256 in hex")
    for k in ("event_id", "device_id", "council_id", "notice_id", "recorded_at", "body_sha256"):
        if not isinstance(header[k], str) or not header[k] or len(header[k]) > 200:
            raise EnvelopeError(f"header field {k} must be short text")


def verify(envelope: Envelope, public_key: Ed25519PublicKey) -> None:
    """Check the header, the hash, the signature and (if present) the body hash."""
    _check_header(envelope.header)
    digest = sha256_hex(canonical(envelope.header))
    if digest != envelope.hash:
        raise EnvelopeError(f"event seq {envelope.header.get('seq')}: hash does not match its header")
    try:
        public_key.verify(base64.b64decode(envelope.signature, validate=True), bytes.fromhex(digest))
    except (InvalidSignature, ValueError):
        raise EnvelopeError(f"event seq {envelope.seq}: signature is not valid") from None
    if envelope.body is not None and sha256_hex(canonical(envelope.body)) != envelope.header[
            "body_sha256"]:
        raise EnvelopeError(f"event seq {envelope.seq}: body does not match its hash")


def verify_link(previous: Envelope | None, current: Envelope) -> None:
    """``current`` must follow ``previous`` (or be the first) on the same device."""
    if previous is None:
        if current.seq != 1 or current.prev != GENESIS:
            raise EnvelopeError(f"event seq {current.seq}: chain does not start at seq 1")
        return
    if current.header["device_id"] != previous.header["device_id"]:
        raise EnvelopeError(f"event seq {current.seq}: belongs to another device")
    if current.seq != previous.seq + 1:
        raise EnvelopeError(f"event seq {current.seq}: gap in the chain after seq {previous.seq}")
    if current.prev != previous.hash:
        raise EnvelopeError(f"event seq {current.seq}: does not link to the event before it")


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_public_key(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)
