"""The laptop's sync settings: the inbox address, the council's erasure period and the batch size.

Kept as JSON in the data folder, written atomically. A broken file gives an
error naming the file and the field, and is never silently replaced.

No secret lives here: the device token the inbox issues is kept encrypted in
each worker's store (``Outbox.secret``), since each store is its own device to
the inbox and a lost laptop must reveal nothing. A file that still holds a
token (written by an earlier version) is refused, its token left alone, with
a message that says to enrol again.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from familyprivacy import paths

FILE_NAME = "sync.json"
VERSION = 1
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class SettingsError(ValueError):
    """The settings file cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class SyncSettings:
    server_url: str = ""
    erase_after_seconds: int = 0  # council-set; 0 = erase a visit's content as soon as it is confirmed
    batch_size: int = 200

    def with_changes(self, **changes: Any) -> SyncSettings:
        updated = replace(self, **changes)
        updated.validate("settings")
        return updated

    def validate(self, where: str) -> None:
        if self.server_url:
            check_url(self.server_url, where)
        for name, low, high in (("erase_after_seconds", 0, 10 * 365 * 86400), ("batch_size", 1, 1000)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise SettingsError(f"{where}: {name} must be a whole number from {low} to {high}")


def check_url(url: Any, where: str) -> None:
    """https only, except plain http to this computer itself (for testing)."""
    if not isinstance(url, str):
        raise SettingsError(f"{where}: server_url must be text")
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return
    raise SettingsError(f"{where}: server_url must be an https:// address")


def settings_path() -> Path:
    return paths.data_dir() / FILE_NAME


def load(path: Path | None = None) -> SyncSettings:
    """Read the settings; a missing file means not set up yet."""
    path = path or settings_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return SyncSettings()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot be read ({type(exc).__name__})") from None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", None)
        raise SettingsError(f"{path}: not valid JSON" + (f" (line {line})" if line else "")) from None
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: must hold a JSON object")
    if data.get("version") != VERSION:
        raise SettingsError(f"{path}: unknown settings version")
    if "device_token" in data:
        raise SettingsError(f"{path}: holds a device token in clear, which this version keeps only in each "
                            "worker's encrypted records; delete the file and enrol again")
    fields = set(SyncSettings.__dataclass_fields__)
    unknown = set(data) - fields - {"version"}
    if unknown:
        raise SettingsError(f"{path}: unknown field {sorted(unknown)[0]!r}")
    settings = SyncSettings(**{k: v for k, v in data.items() if k in fields})
    settings.validate(str(path))
    return settings


def save(settings: SyncSettings, path: Path | None = None) -> None:
    """Write atomically: a power cut leaves the old file or the new one, never half of either."""
    path = path or settings_path()
    settings.validate(str(path))
    tmp = path.with_name(path.name + ".tmp")
    data = json.dumps(dict(asdict(settings), version=VERSION), indent=2, sort_keys=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
