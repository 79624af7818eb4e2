"""The store's keys: a random data key, wrapped by a key derived from the worker's passphrase.

Argon2id turns the passphrase into a key-encryption key; the parameters live in
the store file (so a later release can raise them) and default to about half a
second on a council laptop. The data key encrypts every personal body with
AES-GCM (a fresh 96-bit nonce per write, the record's id as associated data),
and also encrypts the device's Ed25519 signing key. No key is written in the clear.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from familyprivacy.consent.errors import StoreCorrupt, WrongPassphrase

NONCE_BYTES = 12
KEY_BYTES = 32
# The weakest Argon2id settings this app ever writes (``KdfParams.fast_for_tests``): a store that asks for
# less was not made by it. Stronger settings that were lowered are caught by the key-settings seal instead
# (``Store.unlock``), since the tests' own stores must keep opening.
MIN_MEMORY_COST = 1024
MIN_ITERATIONS = 1


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters, stored beside the wrapped key. memory_cost is in KiB."""

    salt: bytes
    memory_cost: int = 131072  # 128 MiB
    iterations: int = 2
    lanes: int = 1

    @classmethod
    def default(cls) -> KdfParams:
        return cls(salt=os.urandom(16))

    @classmethod
    def fast_for_tests(cls) -> KdfParams:
        """Deliberately weak: only for tests and fixtures that create hundreds of stores."""
        return cls(salt=os.urandom(16), memory_cost=1024, iterations=1, lanes=1)

    def to_json(self) -> str:
        data: dict[str, Any] = asdict(self)
        data["salt"] = self.salt.hex()
        return json.dumps({"alg": "argon2id", **data}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | bytes) -> KdfParams:
        try:
            data = json.loads(text)
            if data.pop("alg") != "argon2id":
                raise ValueError
            params = cls(salt=bytes.fromhex(data["salt"]), memory_cost=int(data["memory_cost"]),
                         iterations=int(data["iterations"]), lanes=int(data["lanes"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StoreCorrupt("the store's key parameters are unreadable") from None
        if len(params.salt) < 16 or not (8 * params.lanes <= params.memory_cost <= 4 * 1024 * 1024) \
                or not 1 <= params.iterations <= 100 or not 1 <= params.lanes <= 16:
            raise StoreCorrupt("the store's key parameters are out of range")
        return params

    def weakened(self) -> bool:
        """Below the weakest settings this app writes (``MIN_MEMORY_COST``, ``MIN_ITERATIONS``)."""
        return self.memory_cost < MIN_MEMORY_COST or self.iterations < MIN_ITERATIONS

    def derive(self, passphrase: str) -> bytes:
        kdf = Argon2id(salt=self.salt, length=KEY_BYTES, iterations=self.iterations, lanes=self.lanes,
                       memory_cost=self.memory_cost)
        return kdf.derive(passphrase.encode("utf-8"))


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def encrypt(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """nonce || ciphertext+tag, with a fresh random nonce every call."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def decrypt(key: bytes | AESGCM, blob: bytes, associated: bytes) -> bytes:
    """Raises InvalidTag when the blob was altered, moved to another record, or made with another key.
    Pass an ``AESGCM`` instead of the key bytes to decrypt many blobs without rebuilding it."""
    if len(blob) < NONCE_BYTES + 16:
        raise InvalidTag()
    aead = key if isinstance(key, AESGCM) else AESGCM(key)
    return aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], associated)


def wrap_data_key(passphrase: str, params: KdfParams, data_key: bytes, store_id: str) -> bytes:
    return encrypt(params.derive(passphrase), data_key, b"familyprivacy:data-key:" + store_id.encode())


def unwrap_data_key(passphrase: str, params: KdfParams, wrapped: bytes, store_id: str) -> bytes:
    try:
        key = decrypt(params.derive(passphrase), wrapped, b"familyprivacy:data-key:" + store_id.encode())
    except InvalidTag:
        raise WrongPassphrase("that passphrase does not unlock these records; nothing was changed") from None
    if len(key) != KEY_BYTES:
        raise StoreCorrupt("the store's wrapped key has the wrong length")
    return key


def body_ad(event_id: str, visit_id: str) -> bytes:
    """Associated data of an event body: its ids, so a body moved to another row or visit fails."""
    return f"event:{event_id}|visit:{visit_id}".encode()


def subkey(data_key: bytes, purpose: str) -> bytes:
    """A separate key for each other use of the data key (e.g. the head's MAC)."""
    return hmac.new(data_key, b"familyprivacy:" + purpose.encode(), hashlib.sha256).digest()


def mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()
