"""The inbox's bodies at rest: encrypted under a key the server holds outside its database.

Every event body (names, case references, signatures, witnesses, reasons: the personal content) is
stored as ``fpv1:<key id>:<base64 of nonce and AES-256-GCM ciphertext>``, bound to its event id,
so a copy of the database alone shows no person and a body cannot be moved to another event. The
columns the team filters by (ids, choice, kind, status, times) stay in clear: they name no one.

The keys live in a key file, one ``<key id> <base64 of 32 bytes>`` per line, the first the current
key (the others still open what they sealed), or in FAMILYPRIVACY_SERVER_KEYS as the same lines
separated by ``;``. Rotation: ``familyprivacy-server keys new`` puts a new first line; restart the
server; ``keys rotate`` seals every body again under it; then the old line can be removed.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "fpv1"
_KEY_ID = re.compile(r"[a-z0-9]{1,16}")
ENV_KEYS = "FAMILYPRIVACY_SERVER_KEYS"
ENV_KEY_FILE = "FAMILYPRIVACY_SERVER_KEY_FILE"


class VaultError(ValueError):
    """A key file or stored value that cannot be used; names the line or key id, never a key."""


@dataclass(frozen=True)
class Keyring:
    keys: tuple[tuple[str, bytes], ...]  # (key id, 32-byte key), the first current

    def __post_init__(self) -> None:
        if not self.keys:
            raise VaultError("the key ring holds no key")

    @property
    def current_id(self) -> str:
        return self.keys[0][0]

    def seal(self, plaintext: str, event_id: str) -> str:
        kid, key = self.keys[0]
        nonce = secrets.token_bytes(12)
        sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), _ad(kid, event_id))
        return f"{PREFIX}:{kid}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def open(self, stored: str, event_id: str) -> str:
        """The body's JSON. A body stored before encryption (plain JSON) is returned as it is."""
        if stored.startswith("{"):
            return stored
        prefix, _, rest = stored.partition(":")
        kid, _, blob = rest.partition(":")
        if prefix != PREFIX:
            raise VaultError(f"event {event_id}: the stored body is in no known form")
        key = dict(self.keys).get(kid)
        if key is None:
            raise VaultError(f"event {event_id}: sealed under key {kid!r}, which is not in the key ring")
        try:
            raw = base64.b64decode(blob, validate=True)
            return AESGCM(key).decrypt(raw[:12], raw[12:], _ad(kid, event_id)).decode("utf-8")
        except (binascii.Error, ValueError, InvalidTag):
            raise VaultError(f"event {event_id}: the stored body is damaged or belongs to another "
                            "event") from None

    @staticmethod
    def key_id(stored: str) -> str | None:
        """The id of the key that sealed ``stored``; None for a body stored in clear."""
        if stored.startswith("{"):
            return None
        return stored.split(":", 2)[1] if stored.startswith(PREFIX + ":") else "?"

    @classmethod
    def parse(cls, lines: Iterable[str], where: str) -> Keyring:
        keys: list[tuple[str, bytes]] = []
        for number, line in enumerate(lines, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            kid, _, value = line.partition(" ")
            try:
                key = base64.b64decode(value.strip(), validate=True)
            except (binascii.Error, ValueError):
                key = b""
            if not _KEY_ID.fullmatch(kid) or len(key) != 32:
                raise VaultError(f"{where}, line {number}: not '<key id> <base64 of 32 bytes>'")
            if kid in dict(keys):
                raise VaultError(f"{where}, line {number}: key id {kid!r} appears twice")
            keys.append((kid, key))
        if not keys:
            raise VaultError(f"{where}: holds no key")
        return cls(tuple(keys))


def _ad(kid: str, event_id: str) -> bytes:
    return f"{PREFIX}|{kid}|{event_id}".encode()


def new_key_line() -> str:
    return f"{secrets.token_hex(4)} {base64.b64encode(secrets.token_bytes(32)).decode('ascii')}"


def default_key_file(db_url: str) -> Path | None:
    """Beside a SQLite database file; a PostgreSQL inbox must be given its key file."""
    if db_url.startswith("sqlite:///") and len(db_url) > len("sqlite:///"):
        return Path(db_url[len("sqlite:///"):] + ".key")
    return None


def write_key_file(path: Path, lines: list[str]) -> None:
    """Owner-only, written whole and then put in place, so a crash leaves the old file or the new."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write("# familyprivacy-server body keys: the first line is the current key. Keep this\n"
                  "# file apart from the database's backups; without it no body can be read.\n")
        out.write("\n".join(lines) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def load(db_url: str, key_file: str | None = None, *, create: bool = False) -> Keyring:
    """The key ring: from FAMILYPRIVACY_SERVER_KEYS, else the key file (``key_file``, else
    FAMILYPRIVACY_SERVER_KEY_FILE, else beside a SQLite database). With ``create``, a missing
    default key file is made with a new key."""
    if os.environ.get(ENV_KEYS):
        return Keyring.parse(os.environ[ENV_KEYS].split(";"), ENV_KEYS)
    chosen = key_file or os.environ.get(ENV_KEY_FILE)
    path = Path(chosen) if chosen else default_key_file(db_url)
    if path is None:
        raise VaultError("this database needs a key file for the bodies it holds: give --key-file or "
                        f"set {ENV_KEY_FILE} (make one with `familyprivacy-server keys new --key-file F`)")
    if not path.exists():
        if not create:
            raise VaultError(f"the key file {path} does not exist")
        write_key_file(path, [new_key_line()])
    try:
        return Keyring.parse(path.read_text("ascii").splitlines(), str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise VaultError(f"the key file {path} cannot be read: {type(exc).__name__}") from None
