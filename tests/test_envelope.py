from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from familyprivacy.consent.envelope import (
    GENESIS,
    Envelope,
    EnvelopeError,
    seal,
    verify,
    verify_link,
)


def _header(seq: int, prev: str) -> dict[str, object]:
    return {"event_id": f"e{seq}", "device_id": "d1", "seq": seq, "prev": prev, "type": "decision",
            "council_id": "essex", "notice_id": "essex/childrens-services",
            "recorded_at": "2026-11-25T10:00:00Z"}


def test_chain_verifies_and_tampering_is_caught() -> None:
    key = Ed25519PrivateKey.generate()
    first = seal(_header(1, GENESIS), {"status": "given"}, key)
    second = seal(_header(2, first.hash), {"status": "withdrawn"}, key)
    for env in (first, second):
        verify(env, key.public_key())
    verify_link(None, first)
    verify_link(first, second)

    altered = Envelope(first.header, {"status": "refused"}, first.hash, first.signature)
    with pytest.raises(EnvelopeError, match="body does not match"):
        verify(altered, key.public_key())
    forged = seal(_header(1, GENESIS), {"status": "given"}, Ed25519PrivateKey.generate())
    with pytest.raises(EnvelopeError, match="signature"):
        verify(forged, key.public_key())
    third = seal(_header(3, second.hash), {}, key)
    with pytest.raises(EnvelopeError, match="gap"):
        verify_link(first, third)
    # an erased body still verifies by header, hash and signature
    verify(Envelope(first.header, None, first.hash, first.signature), key.public_key())


def test_wire_round_trip_and_malformed() -> None:
    key = Ed25519PrivateKey.generate()
    env = seal(_header(1, GENESIS), {"a": 1}, key)
    assert Envelope.from_wire(env.to_wire()) == env
    with pytest.raises(EnvelopeError):
        Envelope.from_wire({"header": {}, "body": None, "hash": "x", "sig": "y"})
    with pytest.raises(EnvelopeError):
        Envelope.from_wire([1, 2])
