"""A stable hash of exactly what a family was shown, so a decision can prove its wording."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def fingerprint(shown: dict[str, Any]) -> str:
    """SHA-256 over canonical JSON (sorted keys, no whitespace, UTF-8)."""
    canonical = json.dumps(shown, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
