"""Secrets handed out once and kept only as hashes: a leaked database grants nothing."""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 is enough here: the secrets are 256 random bits, not passwords."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
